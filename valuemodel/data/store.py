"""Data access: every read the pages and the CLI need, as named SQL over the rollups.

Functions take an Engine and plain values and return DataFrames or frozen dataclasses;
no raw events ever leave PostgreSQL. Months are passed as 'YYYY-MM' strings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy.engine import Engine

from valuemodel.core import metrics
from valuemodel.core.contract import Assumptions, is_demo_source
from valuemodel.core.segments import USER_COLUMNS, Segment
from valuemodel.data import queries

if TYPE_CHECKING:
    from valuemodel.core.scenario import Baseline


def first_of_month(month: str) -> str:
    """'2025-03' -> '2025-03-01' (the form the SQL binds take)."""
    return f"{month}-01"


def _frame(engine: Engine, name: str, **params: object) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(queries.q(name), params)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _range_frame(
    engine: Engine,
    name: str,
    month_from: str,
    month_to: str,
    product_id: str | None,
    *,
    dates: tuple[str, ...] = ("month",),
    segment: Segment | None = None,
    **params: object,
) -> pd.DataFrame:
    """A named query over the months month_from..month_to ('YYYY-MM', bound as their
    first days) of one product or all (None), its `dates` columns as datetimes; a
    `segment` binds segment_attribute and segment_value (NULL without one)."""
    frame = _frame(
        engine,
        name,
        month_from=first_of_month(month_from),
        month_to=first_of_month(month_to),
        product_id=product_id,
        segment_attribute=None if segment is None else segment.attribute,
        segment_value=None if segment is None else segment.value,
        **params,
    )
    for column in dates:
        frame[column] = pd.to_datetime(frame[column])
    return frame


def fetch_assumptions(engine: Engine) -> Assumptions:
    """The stored global assumptions, defaults filling any gap."""
    frame = _frame(engine, "assumptions_all")
    return Assumptions.from_mapping(dict(zip(frame["key"], frame["value"], strict=True)))


def fetch_product_months(
    engine: Engine,
    month_from: str,
    month_to: str,
    product_id: str | None = None,
    segment: Segment | None = None,
) -> pd.DataFrame:
    """The `product_months` aggregates (see valuemodel.metrics for the columns).

    With a `segment`, the user-side columns (eligible and active users, days, retention,
    outcomes, survey answers) are the segment's, from the per segment rollup; tasks,
    hours and cost stay the whole product's (savings are not attributed to segments).
    """
    bounds = (month_from, month_to, product_id)
    frame = metrics.with_task_hours(
        _range_frame(engine, "product_months", *bounds),
        _range_frame(engine, "product_month_tasks", *bounds),
    )
    if segment is None:
        return frame
    lead_in = (pd.Period(month_from, freq="M") - 2).strftime("%Y-%m")  # rolling quarter
    rows = fetch_segment_months(
        engine, lead_in, month_to, product_id, segment.attribute, segment.value
    )
    from valuemodel.core.segments import segment_user_months

    return segment_user_months(frame, rows)


def fetch_segment_months(
    engine: Engine,
    month_from: str,
    month_to: str,
    product_id: str | None = None,
    attribute: str | None = None,
    value: str | None = None,
) -> pd.DataFrame:
    """Per product, month and segment (attribute, value): the rollup's counts. Columns:
    product_id, month (datetime), attribute, value, eligible (float, NaN without rules)
    and the counts of `segments.USER_COLUMNS` (see sql/migrations/040)."""
    frame = _range_frame(
        engine, "segment_months", month_from, month_to, product_id, attribute=attribute, value=value
    )
    frame["eligible"] = pd.to_numeric(frame["eligible"]).astype(float)
    for column in USER_COLUMNS:
        frame[column] = frame[column].astype("int64")
    return frame


def fetch_segment_values(engine: Engine) -> pd.DataFrame:
    """Every (attribute, value) of the people directory with its head count (people)."""
    return _frame(engine, "segment_values")


def fetch_products_with_rules(engine: Engine) -> frozenset[str]:
    """Ids of the products that have eligibility rules."""
    return frozenset(_frame(engine, "products_with_rules")["product_id"])


def fetch_eligibility_rules(engine: Engine, product_id: str | None = None) -> pd.DataFrame:
    """Columns: product_id, attribute, value."""
    return _frame(engine, "eligibility_rules", product_id=product_id)


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


# ---------------------------------------------------------------- OKR ladder-up


def fetch_objectives(engine: Engine) -> pd.DataFrame:
    """The objective tree. Columns: objective_id, title, level (company, org, team),
    parent_id (None at the top), period (free text, e.g. 'FY2025')."""
    return _frame(engine, "objectives_all")


def fetch_key_results(engine: Engine) -> pd.DataFrame:
    """Columns: kr_id, objective_id, title, unit, baseline, target, latest_month
    (datetime, NaT without measurements), latest_value (float, NaN without)."""
    frame = _frame(engine, "key_results_all")
    frame["latest_month"] = pd.to_datetime(frame["latest_month"])
    frame["latest_value"] = frame["latest_value"].astype(float)
    return frame


def fetch_kr_measurements(engine: Engine) -> pd.DataFrame:
    """Every key result's measurements. Columns: kr_id, month (datetime), value (float)."""
    frame = _frame(engine, "kr_measurements_all")
    frame["month"] = pd.to_datetime(frame["month"])
    frame["value"] = frame["value"].astype(float)
    return frame


# ---------------------------------------------------------------- HEART page


def fetch_heart_lifecycle(
    engine: Engine,
    month_from: str,
    month_to: str,
    product_id: str | None = None,
    segment: Segment | None = None,
) -> pd.DataFrame:
    """Per product and month of the range: active, new, returning, resurrected and
    dormant users (counts; see sql/heart.sql for the definitions). month is a datetime."""
    name = "heart_lifecycle" if segment is None else "segment_lifecycle"
    return _range_frame(engine, name, month_from, month_to, product_id, segment=segment)


def fetch_heart_cohorts(
    engine: Engine,
    month_from: str,
    month_to: str,
    product_id: str | None = None,
    segment: Segment | None = None,
) -> pd.DataFrame:
    """Users by first ever active month (cohorts starting in the range), and how many are
    active k months later, up to month_to. Columns: product_id, cohort_month (datetime),
    months_since (k), cohort_users, active_users."""
    name = "heart_cohorts" if segment is None else "segment_cohorts"
    return _range_frame(
        engine,
        name,
        month_from,
        month_to,
        product_id,
        dates=("cohort_month",),
        segment=segment,
    )


def fetch_heart_action_months(
    engine: Engine, month_from: str, month_to: str, product_id: str | None = None
) -> pd.DataFrame:
    """Per product, month and action: events, succeeded_true, succeeded_known,
    duration_count and duration_median (seconds, NaN without durations)."""
    frame = _range_frame(engine, "heart_action_months", month_from, month_to, product_id)
    frame["duration_median"] = pd.to_numeric(frame["duration_median"]).astype(float)
    return frame


# ---------------------------------------------------------------- Value and Data pages


class AssumptionsRefused(ValueError):
    """Assumptions that break the import's rules; `problems` maps each key to its reason.
    Nothing was written."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(f"{key}: {reason}" for key, reason in problems.items()))
        self.problems = problems


def fetch_baseline_ledger(
    engine: Engine, month_from: str, month_to: str, product_id: str | None = None
) -> pd.DataFrame:
    """Every task baseline of the selection with what it did in the period.

    Columns: product_id, product_name, action, minutes_saved, confidence (0-1), source,
    events and succeeded_false (counts; tasks done, hours and money are applied by
    valuemodel.present.value.baseline_ledger with the core's savings rule).
    """
    frame = _range_frame(
        engine, "value_baseline_ledger", month_from, month_to, product_id, dates=()
    )
    for column in ("minutes_saved", "confidence"):
        frame[column] = frame[column].astype(float)
    for column in ("events", "succeeded_false"):
        frame[column] = frame[column].astype("int64")
    return frame


def fetch_table_freshness(engine: Engine) -> pd.DataFrame:
    """Per stored table: table_name, file_name (None for rollups), row_count, latest (text:
    the latest month, day or date it holds, or None), last_imported_at, last_source and
    last_rows (the latest import that carried the table's file, or None)."""
    return _frame(engine, "data_freshness")


def fetch_is_demo(engine: Engine) -> bool:
    """Whether the products were last loaded from the generated demo portfolio."""
    frame = fetch_table_freshness(engine)
    row = frame[frame["table_name"] == "products"]
    return bool(not row.empty and is_demo_source(row.iloc[0]["last_source"]))


def fetch_import_history(engine: Engine, limit: int = 10) -> pd.DataFrame:
    """The latest imports, newest first. Columns: import_id, imported_at, source, files
    (a dict of file name -> rows)."""
    return _frame(engine, "import_history", limit=int(limit))


def fetch_assumption_rows(engine: Engine) -> pd.DataFrame:
    """The stored assumptions as text. Columns: key, value, updated_at."""
    return _frame(engine, "assumptions_all")


def save_assumptions(engine: Engine, values: dict[str, str]) -> list[str]:
    """Validate and store global assumptions (key -> text) in one transaction.

    Raises AssumptionsRefused, writing nothing, when any value breaks the import's rules.
    Returns the keys whose stored value changed (updated_at moves only for those).
    """
    from valuemodel.core.csvcheck import assumption_problems

    problems = assumption_problems(values)
    if problems:
        raise AssumptionsRefused(problems)
    changed: list[str] = []
    with engine.begin() as conn:
        for key, value in values.items():
            changed.extend(
                conn.execute(queries.q("assumption_upsert"), {"key": key, "value": value}).scalars()
            )
    return changed


def fetch_can_write(engine: Engine) -> bool:
    """Whether this connection may write the app's tables (False for a read-only role)."""
    with engine.connect() as conn:
        return bool(conn.execute(queries.q("can_write")).scalar())


# ---------------------------------------------------------------- scenarios (what-if funding)


class ScenarioConflict(ValueError):
    """A saved scenario cannot be written as asked (a name already taken, a row gone)."""


def fetch_scenario_baseline_frames(
    engine: Engine, product_id: str, month_to: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two baseline queries for the three months ending `month_to` ('YYYY-MM').

    Returns (months, actions); see `valuemodel.scenario.build_baseline` for the columns.
    """
    from valuemodel.core.scenario import baseline_window

    window = baseline_window(month_to)
    binds = {
        "product_id": product_id,
        "month_from": first_of_month(window[0]),
        "month_to": first_of_month(window[-1]),
    }
    months = _frame(engine, "scenario_baseline_months", **binds)
    actions = _frame(engine, "scenario_baseline_actions", **binds)
    return months, actions


def fetch_scenario_baseline(
    engine: Engine, product_id: str, month_to: str, assumptions: Assumptions | None = None
) -> Baseline:
    """The scenario baseline (`valuemodel.scenario.Baseline`) of one product from its
    three complete months ending `month_to`, valued with `assumptions` (the stored ones
    when None). LookupError for an unknown product."""
    from valuemodel.core.scenario import build_baseline

    products = fetch_products(engine, product_id)
    if products.empty:
        raise LookupError(f"unknown product {product_id!r}")
    product = products.iloc[0]
    if assumptions is None:
        assumptions = fetch_assumptions(engine)
    months, actions = fetch_scenario_baseline_frames(engine, product_id, month_to)
    return build_baseline(
        product_id=product_id,
        product_name=str(product["name"]),
        eligible_users=int(product["eligible_users"]),
        months=months,
        actions=actions,
        loaded_hourly_cost=assumptions.loaded_hourly_cost,
        discount_rate=assumptions.discount_rate,
        currency=assumptions.currency,
    )


def fetch_scenarios(engine: Engine, product_id: str) -> pd.DataFrame:
    """Saved scenarios of a product by name. Columns: scenario_id, product_id, name,
    author, drivers (a dict of driver values), created_at, updated_at (UTC)."""
    return _frame(engine, "scenario_list", product_id=product_id)


def save_scenario(
    engine: Engine,
    *,
    product_id: str,
    name: str,
    author: str,
    drivers: dict[str, object],
    overwrite: bool = False,
) -> int:
    """Store `drivers` under `name` for the product; return the scenario id.

    A name the product already uses is refused (ScenarioConflict) unless `overwrite`,
    which replaces that scenario's drivers and author. ValueError for a bad name.
    """
    import json

    from valuemodel.core.scenario import AUTHOR_MAX, NAME_MAX, clean_label

    binds = {
        "product_id": product_id,
        "name": clean_label(name, "scenario name", NAME_MAX),
        "author": clean_label(author, "author label", AUTHOR_MAX, required=False),
        "drivers": json.dumps(drivers, allow_nan=False),
    }
    with engine.begin() as conn:
        query = "scenario_upsert" if overwrite else "scenario_insert"
        scenario_id = conn.execute(queries.q(query), binds).scalar()
    if scenario_id is None:
        raise ScenarioConflict(
            f"a scenario named {binds['name']!r} already exists for this product; "
            "choose another name or tick overwrite"
        )
    return int(scenario_id)


def rename_scenario(engine: Engine, *, product_id: str, scenario_id: int, new_name: str) -> None:
    """Rename a saved scenario; ScenarioConflict when the name is taken or the row is gone."""
    from valuemodel.core.scenario import NAME_MAX, clean_label

    name = clean_label(new_name, "scenario name", NAME_MAX)
    with engine.begin() as conn:
        done = conn.execute(
            queries.q("scenario_rename"),
            {"product_id": product_id, "scenario_id": int(scenario_id), "new_name": name},
        ).scalar()
    if done is None:
        raise ScenarioConflict(
            f"cannot rename to {name!r}: another scenario of this product has that name, "
            "or the scenario was deleted"
        )


def delete_scenario(engine: Engine, *, product_id: str, scenario_id: int) -> bool:
    """Delete a saved scenario; True when it existed."""
    with engine.begin() as conn:
        done = conn.execute(
            queries.q("scenario_delete"),
            {"product_id": product_id, "scenario_id": int(scenario_id)},
        ).scalar()
    return done is not None


def fetch_releases(
    engine: Engine, month_from: str, month_to: str, product_id: str | None = None
) -> pd.DataFrame:
    """Releases of the selection whose month lies in month_from..month_to ('YYYY-MM').
    Columns: product_id, release_id, released_on (datetime), title, kind."""
    return _range_frame(
        engine, "releases_in_range", month_from, month_to, product_id, dates=("released_on",)
    )


def fetch_rollouts(engine: Engine, product_id: str | None = None) -> pd.DataFrame:
    """Rollouts of the selection: product_id, release_id, attribute, value,
    rolled_out_on (datetime)."""
    frame = _frame(engine, "rollouts_of_selection", product_id=product_id)
    frame["rolled_out_on"] = pd.to_datetime(frame["rolled_out_on"])
    return frame
