"""Buyer and user figures from monthly aggregates (DESIGN section 4). Pure.

The input is the frame of the `product_months` query: one row per product and month with
columns product_id, month, eligible_users, active_users, active_days, prev_active_users,
retained_users, events, succeeded_true, succeeded_known, responses, promoters,
detractors, tasks_done, hours_saved, risk_adjusted_hours, cost.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import pandas as pd

from valuemodel.core import finance
from valuemodel.core.contract import HEART_DIMENSIONS

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
    engagement is active days per active user, happiness is an NPS (-100..100).
    None means undefined (no data). Scores are 0-100; heart_index their mean."""

    month: str
    active_users: int
    adoption: float | None
    engagement: float | None
    retention: float | None
    task_success: float | None
    happiness: float | None
    scores: Mapping[str, float | None]
    heart_index: float | None

    def value(self, dimension: str) -> float | None:
        """The value of one HEART dimension (see HEART_DIMENSIONS)."""
        return getattr(self, dimension)  # type: ignore[no-any-return]

    def values(self) -> dict[str, float | None]:
        """The five HEART values by dimension, in HEART order."""
        return {d: self.value(d) for d in HEART_DIMENSIONS}

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    num = numerator.astype(float)
    den = denominator.astype(float)
    return (num / den.where(den != 0)).astype(float)


def monthly_values(months: pd.DataFrame, loaded_hourly_cost: float) -> pd.DataFrame:
    """Add the monthly metrics to a `product_months` frame (NaN where undefined).

    Added columns: adoption, engagement, retention, task_success, happiness (NPS),
    gross_savings, risk_adjusted_savings, net_value (money).
    """
    out = months.copy()
    out["adoption"] = _ratio(out["active_users"], out["eligible_users"])
    out["engagement"] = _ratio(out["active_days"], out["active_users"])
    out["retention"] = _ratio(out["retained_users"], out["prev_active_users"])
    out["task_success"] = _ratio(out["succeeded_true"], out["succeeded_known"])
    out["happiness"] = 100.0 * _ratio(out["promoters"] - out["detractors"], out["responses"])
    out["gross_savings"] = out["hours_saved"].astype(float) * loaded_hourly_cost
    out["risk_adjusted_savings"] = out["risk_adjusted_hours"].astype(float) * loaded_hourly_cost
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


def _clean(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None


def user_figures(month_row: pd.Series, targets: dict[str, float]) -> User:
    """HEART values, scores and index for one product-month row of `monthly_values`."""
    values = {d: _clean(month_row[d]) for d in HEART_DIMENSIONS}
    scores = {d: heart_score(d, values[d], targets.get(d)) for d in HEART_DIMENSIONS}
    month = pd.Timestamp(month_row["month"]).strftime("%Y-%m")
    return User(
        month=month,
        active_users=int(month_row["active_users"]),
        scores=scores,
        heart_index=heart_index(scores),
        **values,
    )


def none_if_nan(value: float | None) -> float | None:
    """None for NaN (for JSON)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return float(value)


__all__ = [
    "Buyer",
    "User",
    "buyer_figures",
    "heart_index",
    "heart_score",
    "monthly_flows",
    "monthly_values",
    "none_if_nan",
    "user_figures",
]
