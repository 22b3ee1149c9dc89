"""Data access: every read the pages and the CLI need, as named SQL over the rollups.

Functions take an Engine and plain values and return DataFrames or frozen dataclasses;
no raw events ever leave PostgreSQL. Months are passed as 'YYYY-MM' strings.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.engine import Engine

from valuemodel import queries
from valuemodel.contract import DEFAULT_ASSUMPTIONS


@dataclass(frozen=True)
class Assumptions:
    """Global assumptions: hourly cost (money per hour), ISO currency code, annual rate."""

    loaded_hourly_cost: float
    currency: str
    discount_rate: float

    @classmethod
    def from_mapping(cls, values: dict[str, str]) -> Assumptions:
        merged = {**DEFAULT_ASSUMPTIONS, **values}
        return cls(
            loaded_hourly_cost=float(merged["loaded_hourly_cost"]),
            currency=merged["currency"],
            discount_rate=float(merged["discount_rate"]),
        )


def first_of_month(month: str) -> str:
    """'2025-03' -> '2025-03-01' (the form the SQL binds take)."""
    return f"{month}-01"


def _frame(engine: Engine, name: str, **params: object) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(queries.q(name), params)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def fetch_assumptions(engine: Engine) -> Assumptions:
    """The stored global assumptions, defaults filling any gap."""
    frame = _frame(engine, "assumptions_all")
    return Assumptions.from_mapping(dict(zip(frame["key"], frame["value"], strict=True)))


def fetch_product_months(
    engine: Engine, month_from: str, month_to: str, product_id: str | None = None
) -> pd.DataFrame:
    """The `product_months` aggregates (see valuemodel.metrics for the columns)."""
    frame = _frame(
        engine,
        "product_months",
        month_from=first_of_month(month_from),
        month_to=first_of_month(month_to),
        product_id=product_id,
    )
    frame["month"] = pd.to_datetime(frame["month"])
    return frame


def fetch_products(engine: Engine, product_id: str | None = None) -> pd.DataFrame:
    """Columns: product_id, name, owner_team, eligible_users, launched_on."""
    return _frame(engine, "product_list", product_id=product_id)


def fetch_heart_goals(engine: Engine, product_id: str | None = None) -> pd.DataFrame:
    """Columns: product_id, dimension, role, goal, signal, metric, target."""
    return _frame(engine, "heart_goals_for", product_id=product_id)


def fetch_data_months(engine: Engine) -> tuple[str, str] | None:
    """First and last month holding any usage event, or None on an empty database."""
    frame = _frame(engine, "data_months")
    first, last = frame.iloc[0]["first_month"], frame.iloc[0]["last_month"]
    if first is None or pd.isna(first):
        return None
    return pd.Timestamp(first).strftime("%Y-%m"), pd.Timestamp(last).strftime("%Y-%m")


def fetch_coverage(engine: Engine) -> pd.DataFrame:
    """Per product: owner, eligible users, months/users/events covered, latest day of data."""
    return _frame(engine, "product_coverage")


def fetch_last_import(engine: Engine) -> dict[str, object] | None:
    """imported_at, source and files of the latest import, or None."""
    frame = _frame(engine, "last_import")
    return None if frame.empty else frame.iloc[0].to_dict()


def fetch_links(engine: Engine, product_id: str | None = None) -> pd.DataFrame:
    """Columns: product_id, metric, kr_id, evidence, note, kr_title, objective_id."""
    return _frame(engine, "metric_links_for", product_id=product_id)


def fetch_link_measurements(engine: Engine, product_id: str | None = None) -> pd.DataFrame:
    """Columns: kr_id, month (datetime), value; for the key results the products link to."""
    frame = _frame(engine, "kr_measurements_for_links", product_id=product_id)
    frame["month"] = pd.to_datetime(frame["month"])
    return frame


def fetch_active_spans(engine: Engine, product_id: str | None = None) -> dict[str, tuple[str, str]]:
    """Per product, the first and last month holding any usage event."""
    frame = _frame(engine, "product_active_span", product_id=product_id)
    return {
        row.product_id: (
            pd.Timestamp(row.first_month).strftime("%Y-%m"),
            pd.Timestamp(row.last_month).strftime("%Y-%m"),
        )
        for row in frame.itertuples()
    }
