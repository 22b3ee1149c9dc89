"""Buyer and user figures from monthly aggregates (DESIGN section 4). Pure.

The input is the frame of the `product_months` query: one row per product and month with
columns product_id, month, eligible_users, active_users, active_days, prev_active_users,
retained_users, events, succeeded_true, succeeded_known, responses, promoters,
detractors (the month's own surveys), happiness_responses, happiness_promoters,
happiness_detractors (the surveys of the rolling quarter m-2..m, summed in Postgres),
tasks_done, hours_saved, risk_adjusted_hours (from the per-baseline counts of
`product_month_tasks`, by `with_task_hours`), cost.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import pandas as pd

from valuemodel.core import finance, stats
from valuemodel.core.contract import DEFAULT_MIN_SURVEY_RESPONSES, HEART_DIMENSIONS
from valuemodel.core.numbers import finite

SCORE_FLOORS = {"happiness": -100.0}


@dataclass(frozen=True)
class Buyer:
    """Realized money figures of a period (undiscounted), in the configured currency.

    hours_saved in hours; roi a fraction (None when cost is 0); payback_months in months
    from the period's start (0 when never negative, None when not recovered).
    """

    cost: float
    hours_saved: float
    gross_savings: float
    risk_adjusted_savings: float
    net_value: float
    roi: float | None
    payback_months: float | None

    def as_dict(self) -> dict[str, float | None]:
        return asdict(self)


@dataclass(frozen=True)
class User:
    """HEART values of one month: adoption, retention, task_success are fractions,
    engagement is active days per active user, happiness is an NPS (-100..100) of the
    rolling quarter ending with the month. None means undefined (no data). Scores are
    0-100; heart_index their mean. happiness_responses is the count behind happiness;
    with fewer than min_survey_responses happiness_scored is False and happiness has no
    score. The *_ci90 fields are 90% intervals (low, high) in the value's unit, or None.
    """

    month: str
    active_users: int
    adoption: float | None
    engagement: float | None
    retention: float | None
    task_success: float | None
    happiness: float | None
    scores: Mapping[str, float | None]
    heart_index: float | None
    happiness_responses: int = 0
    happiness_ci90: stats.Interval | None = None
    retention_ci90: stats.Interval | None = None
    task_success_ci90: stats.Interval | None = None
    happiness_scored: bool = False

    def value(self, dimension: str) -> float | None:
        """The value of one HEART dimension (see HEART_DIMENSIONS)."""
        found: float | None = getattr(self, dimension)
        return found

    def values(self) -> dict[str, float | None]:
        """The five HEART values by dimension, in HEART order."""
        return {d: self.value(d) for d in HEART_DIMENSIONS}

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    num = numerator.astype(float)
    den = denominator.astype(float)
    return (num / den.where(den != 0)).astype(float)


TASK_COLUMNS = ("tasks_done", "hours_saved", "risk_adjusted_hours")


def with_task_hours(months: pd.DataFrame, tasks: pd.DataFrame) -> pd.DataFrame:
    """`months` (product_months rows) with tasks_done, hours_saved and risk_adjusted_hours
    per product and month, placed before `cost`, from `tasks`: the `product_month_tasks`
    rows (product_id, month, action, events, succeeded_false, minutes_saved, confidence),
    by the savings rule of `finance`. A month without a task baseline's events has 0."""
    done = finance.tasks_done(tasks["events"].astype(float), tasks["succeeded_false"].astype(float))
    hours = finance.hours_saved(done, tasks["minutes_saved"].astype(float))
    per_task = pd.DataFrame(
        {
            "product_id": tasks["product_id"].astype(str),
            "month": pd.to_datetime(tasks["month"]),
            "tasks_done": done,
            "hours_saved": hours,
            "risk_adjusted_hours": finance.risk_adjusted(hours, tasks["confidence"].astype(float)),
        }
    )
    sums = per_task.groupby(["product_id", "month"], sort=False)[list(TASK_COLUMNS)].sum()
    out = months.drop(columns=[c for c in TASK_COLUMNS if c in months.columns])
    keys = pd.MultiIndex.from_arrays([out["product_id"].astype(str), pd.to_datetime(out["month"])])
    found = sums.reindex(keys).fillna(0.0)
    at = out.columns.get_loc("cost") if "cost" in out.columns else len(out.columns)
    for offset, column in enumerate(TASK_COLUMNS):
        values = found[column].to_numpy()
        out.insert(
            int(at) + offset,
            column,
            values.round().astype("int64") if column == "tasks_done" else values,
        )
    return out


def monthly_values(
    months: pd.DataFrame,
    loaded_hourly_cost: float,
    *,
    min_survey_responses: int = DEFAULT_MIN_SURVEY_RESPONSES,
) -> pd.DataFrame:
    """Add the monthly metrics to a `product_months` frame (NaN where undefined).

    Added columns: adoption, engagement, retention, task_success (fractions), happiness
    (NPS of the rolling quarter), happiness_scored (bool: at least min_survey_responses
    responses, so the value gets a HEART score), the 90% intervals happiness_ci90_low /
    _high (NPS), retention_ci90_low / _high and task_success_ci90_low / _high (Wilson,
    fractions), gross_savings, risk_adjusted_savings, net_value (money).
    """
    out = months.copy()
    out["adoption"] = _ratio(out["active_users"], out["eligible_users"])
    out["engagement"] = _ratio(out["active_days"], out["active_users"])
    out["retention"] = _ratio(out["retained_users"], out["prev_active_users"])
    out["task_success"] = _ratio(out["succeeded_true"], out["succeeded_known"])
    promoters = out["happiness_promoters"].astype(float)
    detractors = out["happiness_detractors"].astype(float)
    answered = out["happiness_responses"].astype(float)
    out["happiness"] = 100.0 * _ratio(promoters - detractors, answered)
    out["happiness_scored"] = answered >= max(1, int(min_survey_responses))
    low, high = stats.nps_intervals(promoters, detractors, answered)
    out["happiness_ci90_low"], out["happiness_ci90_high"] = low, high
    for name, successes, total in (
        ("retention", "retained_users", "prev_active_users"),
        ("task_success", "succeeded_true", "succeeded_known"),
    ):
        low, high = stats.wilson_intervals(out[successes], out[total])
        out[f"{name}_ci90_low"], out[f"{name}_ci90_high"] = low, high
    out["gross_savings"] = finance.savings(out["hours_saved"].astype(float), loaded_hourly_cost)
    out["risk_adjusted_savings"] = finance.savings(
        out["risk_adjusted_hours"].astype(float), loaded_hourly_cost
    )
    out["cost"] = out["cost"].astype(float)
    out["net_value"] = out["risk_adjusted_savings"] - out["cost"]
    return out


def monthly_flows(values: pd.DataFrame) -> pd.DataFrame:
    """Money and hours summed over products per month (the portfolio's flows).

    Columns: month, cost, hours_saved, gross_savings, risk_adjusted_savings, net_value,
    cumulative_net_value; one row per month, in order.
    """
    columns = ["cost", "hours_saved", "gross_savings", "risk_adjusted_savings", "net_value"]
    flows = values.groupby("month", sort=True)[columns].sum().reset_index()
    flows["hours_saved"] = flows["hours_saved"].astype(float)
    flows["cumulative_net_value"] = flows["net_value"].cumsum()
    return flows


def buyer_figures(flows: pd.DataFrame) -> Buyer:
    """Period totals, ROI and payback from monthly flows (see monthly_flows)."""
    cost = float(flows["cost"].sum())
    risk_adjusted = float(flows["risk_adjusted_savings"].sum())
    net = risk_adjusted - cost
    return Buyer(
        cost=cost,
        hours_saved=float(flows["hours_saved"].sum()),
        gross_savings=float(flows["gross_savings"].sum()),
        risk_adjusted_savings=risk_adjusted,
        net_value=net,
        roi=finance.roi(risk_adjusted, cost),
        payback_months=finance.payback_periods(flows["net_value"].astype(float).tolist()),
    )


def heart_score(dimension: str, value: float | None, target: float | None) -> float | None:
    """clamp(100 x (value - floor) / (target - floor), 0, 100); None without value or goal.

    The floor is -100 for happiness (NPS) and 0 for the other dimensions.
    """
    if value is None or target is None or not math.isfinite(value):
        return None
    floor = SCORE_FLOORS.get(dimension, 0.0)
    if target <= floor:
        return 100.0 if value >= target else 0.0
    return min(100.0, max(0.0, 100.0 * (value - floor) / (target - floor)))


def heart_index(scores: dict[str, float | None]) -> float | None:
    """Mean of the scores that exist; None when none does."""
    present = [s for s in scores.values() if s is not None]
    return sum(present) / len(present) if present else None


_clean = finite


def _interval(month_row: pd.Series, name: str) -> stats.Interval | None:
    low = _clean(month_row.get(f"{name}_ci90_low"))
    high = _clean(month_row.get(f"{name}_ci90_high"))
    return None if low is None or high is None else (low, high)


def user_figures(month_row: pd.Series, targets: dict[str, float]) -> User:
    """HEART values, scores and index for one product-month row of `monthly_values`.

    Happiness from fewer than min_survey_responses responses (happiness_scored False)
    keeps its value and interval but has no score, so it neither moves the index nor
    counts against a goal.
    """
    values = {d: _clean(month_row[d]) for d in HEART_DIMENSIONS}
    scored = bool(month_row.get("happiness_scored", False))
    scores = {
        d: None if d == "happiness" and not scored else heart_score(d, values[d], targets.get(d))
        for d in HEART_DIMENSIONS
    }
    month = pd.Timestamp(month_row["month"]).strftime("%Y-%m")
    return User(
        month=month,
        active_users=int(month_row["active_users"]),
        scores=scores,
        heart_index=heart_index(scores),
        happiness_responses=int(month_row.get("happiness_responses", 0) or 0),
        happiness_ci90=_interval(month_row, "happiness"),
        retention_ci90=_interval(month_row, "retention"),
        task_success_ci90=_interval(month_row, "task_success"),
        happiness_scored=scored,
        **values,
    )


def enough_responses(responses: int | None, min_survey_responses: int) -> bool:
    """True when a happiness value rests on at least min_survey_responses answers."""
    return responses is not None and responses >= max(1, int(min_survey_responses))


none_if_nan = finite  # None for NaN (for JSON); the one guard is `core.numbers.finite`


__all__ = [
    "Buyer",
    "User",
    "buyer_figures",
    "enough_responses",
    "heart_index",
    "heart_score",
    "monthly_flows",
    "monthly_values",
    "none_if_nan",
    "user_figures",
]
