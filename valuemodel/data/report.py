"""The report of DESIGN section 5: buyer and user figures per product, plus the portfolio.

`build_report` reads monthly aggregates through `store` and computes with the pure
modules; the pages show the same numbers because they call the same functions.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Engine

from valuemodel.core import metrics, okr, segments
from valuemodel.core.contract import HEART_DIMENSIONS
from valuemodel.core.months import Period, ReportError
from valuemodel.data import store


def link_history(engine: Engine, product_id: str | None) -> pd.DataFrame:
    """`metrics.monthly_values` of each product over its own active span: every month from
    its first to its last month holding a usage event, over all stored data (the series
    behind every link's r). One query over the union of the spans."""
    spans = store.fetch_active_spans(engine, product_id)
    if not spans:
        return pd.DataFrame(columns=["product_id", "month"])
    first = min(span[0] for span in spans.values())
    last = max(span[1] for span in spans.values())
    months = store.fetch_product_months(engine, first, last, product_id)
    assumptions = store.fetch_assumptions(engine)
    values = metrics.monthly_values(
        months,
        assumptions.loaded_hourly_cost,
        min_survey_responses=assumptions.min_survey_responses,
    )
    in_span = pd.Series(False, index=values.index)
    for pid, (own_first, own_last) in spans.items():
        in_span |= (
            (values["product_id"] == pid)
            & (values["month"] >= pd.Timestamp(f"{own_first}-01"))
            & (values["month"] <= pd.Timestamp(f"{own_last}-01"))
        )
    return values[in_span].reset_index(drop=True)


LINK_COLUMNS = (
    "r", "lag_months", "months", "ci90", "r_changes", "months_changes", "ci90_changes",
    "verdict",
)  # fmt: skip


def link_strengths(engine: Engine, product_id: str | None) -> pd.DataFrame:
    """Every link of the selection with r, lag_months and months, and (second round)
    ci90, r_changes, months_changes, ci90_changes and verdict (DESIGN section 4).

    The product metric's series spans every month from the product's first to its last
    month holding any usage event, over all stored data (not only the report period).
    Columns: product_id, metric, kr_id, evidence, note, kr_title, objective_id, then
    LINK_COLUMNS (intervals are (low, high) tuples or None).
    """
    links = store.fetch_links(engine, product_id)
    if links.empty:
        return links.assign(**{column: [] for column in LINK_COLUMNS})
    measurements = store.fetch_link_measurements(engine, product_id)
    history = link_history(engine, product_id)
    products = set(history["product_id"])
    results = []
    for link in links.itertuples():
        strength = okr.NOT_ENOUGH
        if link.product_id in products:
            kr = measurements[measurements["kr_id"] == link.kr_id]
            strength = okr.link_strength(
                okr.metric_series(history, link.product_id, link.metric),
                pd.Series(kr["value"].to_numpy(dtype=float), index=kr["month"]),
            )
        results.append(tuple(getattr(strength, column) for column in LINK_COLUMNS))
    strengths = pd.DataFrame(results, columns=list(LINK_COLUMNS), dtype=object)
    return pd.concat([links.reset_index(drop=True), strengths], axis=1)


def build_report(
    engine: Engine,
    period: Period,
    product_id: str | None = None,
    *,
    segment: segments.Segment | None = None,
    segment_attribute: str | None = None,
) -> dict[str, object]:
    """The report object of DESIGN section 5 for `period` and one product or all.

    With `segment`, user figures (HEART values, the funnel) are that segment's; buyer
    money stays the whole product's. With `segment_attribute`, each product gains
    `segments`: adoption and opportunity of every value of that attribute.
    """
    products = store.fetch_products(engine, product_id)
    if product_id is not None and products.empty:
        raise ReportError(f"unknown product {product_id!r}; `report` without --product lists all")
    if segment_attribute is not None and segment_attribute not in segments.SEGMENT_ATTRIBUTES:
        raise ReportError(
            f"unknown segment attribute {segment_attribute!r} "
            f"(one of {', '.join(segments.SEGMENT_ATTRIBUTES)})"
        )
    assumptions = store.fetch_assumptions(engine)
    whole = store.fetch_product_months(engine, period.first, period.last, product_id)
    months = (
        whole
        if segment is None
        else store.fetch_product_months(engine, period.first, period.last, product_id, segment)
    )
    values = metrics.monthly_values(
        months,
        assumptions.loaded_hourly_cost,
        min_survey_responses=assumptions.min_survey_responses,
    )
    whole_values = metrics.monthly_values(
        whole,
        assumptions.loaded_hourly_cost,
        min_survey_responses=assumptions.min_survey_responses,
    )
    ruled = store.fetch_products_with_rules(engine)
    segment_rows = store.fetch_segment_months(
        engine,
        period.last,
        period.last,
        product_id,
        None if segment is None else segment.attribute,
        None if segment is None else segment.value,
    )
    per_active = segments.savings_per_active_user(whole_values, period.last)
    goals = store.fetch_heart_goals(engine, product_id)
    links = link_strengths(engine, product_id)

    product_reports = []
    for product in products.sort_values("product_id").itertuples():
        own = values[values["product_id"] == product.product_id]
        targets = {
            row.dimension: float(row.target)
            for row in goals[goals["product_id"] == product.product_id].itertuples()
        }
        buyer = metrics.buyer_figures(metrics.monthly_flows(own))
        user = metrics.user_figures(own.iloc[-1], targets)
        own_links = links[links["product_id"] == product.product_id] if not links.empty else links
        funnel = segments.product_funnel(
            segment_rows,
            product.product_id,
            period.last,
            eligible_users=int(product.eligible_users),
            ruled=product.product_id in ruled,
        )
        extra: dict[str, object] = {"funnel": _json_funnel(funnel)}
        if segment_attribute is not None:
            rows = store.fetch_segment_months(
                engine, period.last, period.last, product.product_id, segment_attribute
            )
            extra["segments"] = _json_segments(
                segments.segment_table(rows, segment_attribute, period.last, per_active)
            )
        product_reports.append(
            {
                "product_id": product.product_id,
                "name": product.name,
                "buyer": _json_buyer(buyer),
                "user": _json_user(user),
                "okr_links": [
                    {
                        "kr_id": link.kr_id,
                        "metric": link.metric,
                        "evidence": link.evidence,
                        "r": None if link.r is None else round(float(link.r), 4),
                        "lag_months": None if link.lag_months is None else int(link.lag_months),
                        "months": None if link.months is None else int(link.months),
                        "ci90": _json_interval(link.ci90, 4),
                        "r_changes": None
                        if link.r_changes is None
                        else round(float(link.r_changes), 4),
                        "months_changes": None
                        if link.months_changes is None
                        else int(link.months_changes),
                        "ci90_changes": _json_interval(link.ci90_changes, 4),
                        "verdict": link.verdict,
                    }
                    for link in own_links.itertuples()
                ],
                **extra,
            }
        )
    portfolio = metrics.buyer_figures(metrics.monthly_flows(whole_values))
    return {
        "period": {"from": period.first, "to": period.last},
        "currency": assumptions.currency,
        "products": product_reports,
        "portfolio": {"buyer": _json_buyer(portfolio)},
    }


def _round(value: float | None, digits: int) -> float | None:
    value = metrics.none_if_nan(value)
    return None if value is None else round(value, digits)


def _json_interval(interval: object, digits: int) -> list[float] | None:
    if not isinstance(interval, tuple | list) or len(interval) != 2:
        return None
    low, high = (_round(float(v), digits) for v in interval)
    return None if low is None or high is None else [low, high]


def _json_buyer(buyer: metrics.BuyerFigures) -> dict[str, float | None]:
    return {
        "cost": _round(buyer.cost, 2),
        "hours_saved": _round(buyer.hours_saved, 2),
        "gross_savings": _round(buyer.gross_savings, 2),
        "risk_adjusted_savings": _round(buyer.risk_adjusted_savings, 2),
        "net_value": _round(buyer.net_value, 2),
        "roi": _round(buyer.roi, 4),
        "payback_months": _round(buyer.payback_months, 2),
    }


def _json_user(user: metrics.UserFigures) -> dict[str, object]:
    return {
        "month": user.month,
        "active_users": user.active_users,
        "adoption": _round(user.adoption, 4),
        "engagement": _round(user.engagement, 2),
        "retention": _round(user.retention, 4),
        "task_success": _round(user.task_success, 4),
        "happiness": _round(user.happiness, 1),
        "happiness_responses": user.happiness_responses,
        "happiness_ci90": _json_interval(user.happiness_ci90, 1),
        "retention_ci90": _json_interval(user.retention_ci90, 4),
        "task_success_ci90": _json_interval(user.task_success_ci90, 4),
        "scores": {d: _round(user.scores[d], 1) for d in HEART_DIMENSIONS},
        "heart_index": _round(user.heart_index, 1),
    }


def _json_funnel(funnel: segments.Funnel) -> dict[str, object]:
    return {
        "month": funnel.month,
        "eligible": funnel.eligible,
        "reached": funnel.reached,
        "tried": funnel.tried,
        "active": funnel.active,
        "habitual": funnel.habitual,
    }


def _json_segments(table: pd.DataFrame) -> list[dict[str, object]]:
    def number(value: object, digits: int) -> float | None:
        return _round(float(value), digits)  # type: ignore[arg-type]

    return [
        {
            "attribute": row.attribute,
            "value": row.value,
            "eligible": None if pd.isna(row.eligible) else int(row.eligible),
            "active": int(row.active),
            "adoption": number(row.adoption, 4),
            "opportunity": number(row.opportunity, 2),
        }
        for row in table.itertuples()
    ]
