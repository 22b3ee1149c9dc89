"""What-if funding scenarios (DESIGN section 6). Pure and vectorised with numpy.

A `Baseline` holds a product's recent actuals (its last three complete months); a frozen
`Drivers` holds the levers of a scenario. `project` turns them into a monthly projection
with the TEI headline figures of DESIGN section 4 (NPV, ROI, payback, computed by
`valuemodel.finance`); `simulate` samples triangular ranges of the uncertain drivers into
P10/P50/P90 bands; `sensitivity` gives the NPV swing of each driver across its range
(a tornado). Every figure is in the configured currency per month unless stated.

One computation serves all three: `_paths` takes a row of adjustments per scenario
variant and returns arrays of shape (variants, months), so 5,000 draws cost about as
much as one projection.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any, SupportsFloat

import numpy as np
import pandas as pd

from valuemodel.core import drivers as drivers_registry
from valuemodel.core import finance

BASELINE_MONTHS = 3
DEFAULT_COST_PER_FTE = 15_000.0  # loaded monthly cost of one engineer, when the data lacks it
DEFAULT_HORIZON = 36
DEFAULT_RAMP_MONTHS = 6.0
DEFAULT_MAINTENANCE_SHARE = 0.30
DEFAULT_WIND_DOWN_MONTHS = 6
DEFAULT_DRAWS = 5_000
DEFAULT_SEED = 20240601
FTE_STEP = 0.1  # team size moves in tenths of an engineer (the inferred team is on this grid)
NAME_MAX = 80
AUTHOR_MAX = 80
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# ------------------------------------------------------------------ the baseline


@dataclass(frozen=True)
class Baseline:
    """A product's recent actuals, as monthly run-rates (DESIGN section 6).

    Usage figures are pooled over the months of the window that have active users
    (`usage_months`); costs are averaged over the months holding cost rows
    (`cost_months`). Fractions are 0..1, money is per month in `currency`.
    """

    product_id: str
    product_name: str
    months: tuple[str, ...]  # the window, 'YYYY-MM', oldest first
    usage_months: int
    cost_months: int
    eligible_users: int
    active_users: float  # mean monthly active users
    tasks_per_user: float  # attempts of baseline actions per active user per month
    outcome_share: float  # share of those attempts with a recorded outcome
    success_rate: float  # succeeded true / recorded outcomes
    minutes_saved: float  # per task done, weighted by tasks done
    confidence: float  # weighted by hours saved
    churn: float  # monthly, 1 - retention
    headcount: float
    infrastructure: float  # infrastructure and licences
    other: float
    loaded_hourly_cost: float
    discount_rate: float  # annual
    currency: str
    hours_saved: float  # actual monthly hours saved
    risk_adjusted_savings: float  # actual monthly risk-adjusted savings
    task_actions: int = 0  # how many task baselines the product has
    retention_observed: bool = True

    @property
    def population(self) -> float:
        """Users the adoption target refers to: eligible users (active users without)."""
        return float(self.eligible_users) if self.eligible_users > 0 else self.active_users

    @property
    def adoption(self) -> float:
        """Baseline adoption, a fraction of the population (0 without one)."""
        return self.active_users / self.population if self.population > 0 else 0.0

    @property
    def cost(self) -> float:
        """Monthly cost run-rate, every category."""
        return self.headcount + self.infrastructure + self.other

    @property
    def net_value(self) -> float:
        """Monthly risk-adjusted savings minus cost."""
        return self.risk_adjusted_savings - self.cost

    @property
    def has_usage(self) -> bool:
        return self.usage_months > 0 and self.active_users > 0


def baseline_window(last: str, months: int = BASELINE_MONTHS) -> tuple[str, ...]:
    """The `months` calendar months ending with `last` ('YYYY-MM'), oldest first."""
    end = pd.Period(last, freq="M")
    return tuple(str(end - i) for i in range(months - 1, -1, -1))


def _num(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].to_numpy(dtype=float) if len(frame) else np.zeros(0)


def build_baseline(
    *,
    product_id: str,
    product_name: str,
    eligible_users: int,
    months: pd.DataFrame,
    actions: pd.DataFrame,
    loaded_hourly_cost: float,
    discount_rate: float,
    currency: str,
) -> Baseline:
    """The baseline from the two baseline queries of sql/scenarios.sql.

    `months`: one row per month of the window with month, active_users,
    prev_active_users, retained_users, headcount, infrastructure, licenses, other,
    cost_rows. `actions`: one row per task baseline with action, minutes_saved,
    confidence, events, succeeded_true, succeeded_false (summed over the window).
    """
    window = tuple(pd.Timestamp(m).strftime("%Y-%m") for m in months["month"])
    active = _num(months, "active_users")
    used = active > 0
    usage_months = int(used.sum())
    user_months = float(active[used].sum())

    events = _num(actions, "events")
    true = _num(actions, "succeeded_true")
    false = _num(actions, "succeeded_false")
    minutes = _num(actions, "minutes_saved")
    conf = _num(actions, "confidence")
    done = finance.tasks_done(events, false)
    attempts = float(events.sum())
    known = float((true + false).sum())
    tasks_done = float(done.sum())
    per_task = finance.hours_saved(done, minutes)
    hours = float(per_task.sum())
    risk_hours = float(finance.risk_adjusted(per_task, conf).sum())

    prev = _num(months, "prev_active_users")
    retained = _num(months, "retained_users")
    with_prev = prev > 0
    retention_observed = bool(with_prev.any())
    churn = (
        1.0 - float(retained[with_prev].sum()) / float(prev[with_prev].sum())
        if retention_observed
        else 0.0
    )

    has_cost = _num(months, "cost_rows") > 0
    cost_months = int(has_cost.sum())

    def run_rate(*columns: str) -> float:
        if cost_months == 0:
            return 0.0
        return float(sum(_num(months, c)[has_cost].sum() for c in columns)) / cost_months

    per_usage_month = 1.0 / usage_months if usage_months else 0.0
    return Baseline(
        product_id=product_id,
        product_name=product_name,
        months=window,
        usage_months=usage_months,
        cost_months=cost_months,
        eligible_users=int(eligible_users),
        active_users=user_months * per_usage_month,
        tasks_per_user=attempts / user_months if user_months else 0.0,
        outcome_share=known / attempts if attempts else 0.0,
        success_rate=float(true.sum()) / known if known else 1.0,
        minutes_saved=hours * 60.0 / tasks_done if tasks_done else 0.0,
        confidence=(risk_hours / hours if hours else (float(conf.mean()) if len(conf) else 0.0)),
        churn=min(max(churn, 0.0), 1.0),
        headcount=run_rate("headcount"),
        infrastructure=run_rate("infrastructure", "licenses"),
        other=run_rate("other"),
        loaded_hourly_cost=float(loaded_hourly_cost),
        discount_rate=float(discount_rate),
        currency=currency,
        hours_saved=hours * per_usage_month,
        risk_adjusted_savings=finance.savings(risk_hours, loaded_hourly_cost) * per_usage_month,
        task_actions=len(actions),
        retention_observed=retention_observed,
    )


# ------------------------------------------------------------------ the drivers


@dataclass(frozen=True)
class Drivers:
    """The levers of a scenario. Money per month; fractions 0..1; rates annual."""

    team_fte: float
    cost_per_fte: float  # money per engineer per month
    infrastructure_spend: float  # infrastructure and licences per month
    other_spend: float  # other costs per month
    adoption_target: float  # fraction of the eligible users, reached after ramp_months
    ramp_months: float  # months for targets to land (linear); 0 = at once
    tasks_per_user: float  # attempts per active user per month (target)
    minutes_saved: float  # per task done (target)
    success_rate: float  # succeeded / recorded outcomes (target)
    loaded_hourly_cost: float  # money per hour
    confidence: float  # share of the savings counted (TEI benefit risk)
    cost_risk: float  # share added to every cost (TEI cost risk)
    discount_rate: float  # annual
    horizon_months: int
    churn: float  # monthly, used when the product is cut
    maintenance_share: float  # of the infrastructure spend, kept during the wind-down
    wind_down_months: int  # months the cut product keeps running before it is switched off
    cut: bool = False

    def as_dict(self) -> dict[str, float | int | bool]:
        return asdict(self)


@dataclass(frozen=True)
class DriverInfo:
    """How a driver reads: label and unit (fte, money, fraction, months, minutes, tasks)."""

    label: str
    unit: str


# Derived from the one registry (valuemodel.core.drivers); never written out here.
DRIVERS: dict[str, DriverInfo] = {
    s.name: DriverInfo(s.label, s.unit) for s in drivers_registry.SPECS
}
INT_DRIVERS = tuple(s.name for s in drivers_registry.SPECS if s.integer)
# (minimum, maximum) of each numeric driver; None = no upper bound.
LIMITS: dict[str, tuple[float, float | None]] = {
    s.name: s.limits for s in drivers_registry.SPECS if s.limits is not None
}


def baseline_drivers(baseline: Baseline) -> Drivers:
    """The 'no change' scenario: today's run-rates kept for the default horizon.

    The data holds costs, not heads: the team size is the headcount run-rate over
    DEFAULT_COST_PER_FTE, rounded to a tenth of an engineer, and the cost per engineer is
    then what makes the team cost the headcount run-rate exactly, so the no-change
    projection reproduces the actuals.
    """
    if baseline.headcount > 0:
        fte = max(
            FTE_STEP,
            round(round(baseline.headcount / DEFAULT_COST_PER_FTE / FTE_STEP) * FTE_STEP, 6),
        )
        cost_per_fte = baseline.headcount / fte
    else:
        fte, cost_per_fte = 0.0, DEFAULT_COST_PER_FTE
    return Drivers(
        team_fte=fte,
        cost_per_fte=cost_per_fte,
        infrastructure_spend=baseline.infrastructure,
        other_spend=baseline.other,
        adoption_target=baseline.adoption,
        ramp_months=DEFAULT_RAMP_MONTHS,
        tasks_per_user=baseline.tasks_per_user,
        minutes_saved=baseline.minutes_saved,
        success_rate=baseline.success_rate,
        loaded_hourly_cost=baseline.loaded_hourly_cost,
        confidence=baseline.confidence,
        cost_risk=0.0,
        discount_rate=baseline.discount_rate,
        horizon_months=DEFAULT_HORIZON,
        churn=baseline.churn,
        maintenance_share=DEFAULT_MAINTENANCE_SHARE,
        wind_down_months=DEFAULT_WIND_DOWN_MONTHS,
        cut=False,
    )


def max_adoption(baseline: Baseline) -> float:
    """The highest adoption target allowed: 100 %, or today's (rounded up to a whole
    percent) when more users than the eligible population were active."""
    return max(1.0, math.ceil(round(baseline.adoption * 100.0, 6)) / 100.0)


def _coerce(name: str, value: object) -> float | int | bool:
    if name == "cut":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1", "yes", "on"):
            return True
        if text in ("false", "0", "no", "off"):
            return False
        raise ValueError(f"{name} must be true or false, not {str(value)[:40]!r}")
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, not {value!r}")
    try:
        if not isinstance(value, SupportsFloat | str):
            raise TypeError
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, not {str(value)[:40]!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number")
    if name in INT_DRIVERS:
        if number != int(number):
            raise ValueError(f"{name} must be a whole number of months, not {number:g}")
        return int(number)
    return number


def check_drivers(drivers: Drivers, baseline: Baseline | None = None) -> Drivers:
    """Return `drivers` if every value is in range; ValueError names the first that is not."""
    for name, (low, high) in LIMITS.items():
        value = float(getattr(drivers, name))
        if name == "adoption_target" and baseline is not None:
            high = max_adoption(baseline)
        if not math.isfinite(value) or value < low or (high is not None and value > high):
            bound = f"{low:g} to {high:g}" if high is not None else f"at least {low:g}"
            raise ValueError(f"{name} must be {bound}, not {value:g}")
    return drivers


def drivers_from_mapping(
    base: Drivers,
    values: Mapping[str, object],
    *,
    strict: bool = True,
    baseline: Baseline | None = None,
) -> Drivers:
    """`base` with the given driver values (text or numbers), checked.

    Unknown names are an error when `strict` (the CLI), and ignored otherwise (a saved
    scenario written by a newer version). ValueError says what is wrong.
    """
    known = {f.name for f in fields(Drivers)}
    changes: dict[str, Any] = {}  # one value per Drivers field, each of its own type
    for name, value in values.items():
        if name not in known:
            if strict:
                raise ValueError(
                    f"unknown driver {str(name)[:40]!r}; drivers are: {', '.join(sorted(known))}"
                )
            continue
        changes[name] = _coerce(name, value)
    return check_drivers(replace(base, **changes), baseline)


def clean_label(text: str, what: str, maximum: int, *, required: bool = True) -> str:
    """A scenario name or author label: trimmed, no control characters, not too long.

    Any other character is kept as typed (it is stored as a bound value, never as SQL).
    """
    value = (text or "").strip()
    if required and not value:
        raise ValueError(f"the {what} is empty; type a {what}")
    if len(value) > maximum:
        raise ValueError(f"the {what} is longer than {maximum} characters")
    if _CONTROL.search(value):
        raise ValueError(f"the {what} contains control characters")
    return value


# ------------------------------------------------------------------ ranges


Range = drivers_registry.Range
RANGES: tuple[Range, ...] = tuple(s.range for s in drivers_registry.SPECS if s.range is not None)
_RANGE = {r.driver: r for r in RANGES}
_NUMERIC = tuple(name for name in LIMITS)


# ------------------------------------------------------------------ the core


def _values(
    drivers: Drivers,
    adjust: Mapping[str, np.ndarray],
    rows: int,
    baseline: Baseline | None,
) -> dict[str, np.ndarray]:
    """Each numeric driver as a (rows, 1) array, adjusted and clamped to its limits."""
    out: dict[str, np.ndarray] = {}
    for name in _NUMERIC:
        value = np.full((rows, 1), float(getattr(drivers, name)))
        if name in adjust:
            step = np.asarray(adjust[name], dtype=float).reshape(rows, 1)
            value = value * step if _RANGE[name].kind == "relative" else value + step
        low, high = LIMITS[name]
        if name == "adoption_target" and baseline is not None:
            high = max_adoption(baseline)
        out[name] = np.clip(value, low, high if high is not None else np.inf)
    return out


def effective_drivers(baseline: Baseline, drivers: Drivers) -> Drivers:
    """The drivers the projection uses: after a cut, no team, no other costs, and every
    outcome driver back at today's value (no improvement lands)."""
    return _effective(baseline, drivers)


def _effective(baseline: Baseline, drivers: Drivers) -> Drivers:
    """What a cut means for the drivers: no team, and no improvement lands."""
    if not drivers.cut:
        return drivers
    return replace(
        drivers,
        team_fte=0.0,
        other_spend=0.0,
        adoption_target=baseline.adoption,
        tasks_per_user=baseline.tasks_per_user,
        minutes_saved=baseline.minutes_saved,
        success_rate=baseline.success_rate,
    )


def _paths(
    baseline: Baseline, drivers: Drivers, adjust: Mapping[str, np.ndarray], rows: int
) -> dict[str, np.ndarray]:
    """Monthly paths of shape (rows, horizon): users, tasks_done, hours_saved,
    gross_savings, risk_adjusted_savings, cost, net_value; and (rows,) monthly_rate."""
    drivers = _effective(baseline, drivers)
    v = _values(drivers, adjust, rows, baseline)
    horizon = int(drivers.horizon_months)
    t = np.arange(1, horizon + 1, dtype=float)[None, :]
    # Minutes saved is an estimate even today, so its range scales the whole path; the
    # other outcome ranges move only the target, the measured start stays as observed.
    minutes_factor = v["minutes_saved"] / max(drivers.minutes_saved, 1e-12)
    minutes_start = baseline.minutes_saved * (minutes_factor if drivers.minutes_saved > 0 else 1.0)
    if drivers.cut:
        alive = t <= v["wind_down_months"]
        users = baseline.population * baseline.adoption * (1.0 - v["churn"]) ** t * alive
        tasks_per_user = np.broadcast_to(v["tasks_per_user"], users.shape)
        success = np.broadcast_to(v["success_rate"], users.shape)
        minutes = np.broadcast_to(v["minutes_saved"], users.shape)
        monthly_cost = v["infrastructure_spend"] * v["maintenance_share"] * alive
    else:
        ramp = v["ramp_months"]
        phase = np.where(ramp > 0, np.minimum(t / np.maximum(ramp, 1e-12), 1.0), 1.0)
        adoption = baseline.adoption + (v["adoption_target"] - baseline.adoption) * phase
        users = baseline.population * adoption
        tasks_per_user = (
            baseline.tasks_per_user + (v["tasks_per_user"] - baseline.tasks_per_user) * phase
        )
        success = baseline.success_rate + (v["success_rate"] - baseline.success_rate) * phase
        minutes = minutes_start + (v["minutes_saved"] - minutes_start) * phase
        monthly_cost = np.broadcast_to(
            v["team_fte"] * v["cost_per_fte"] + v["infrastructure_spend"] + v["other_spend"],
            users.shape,
        )
    # Only recorded failures stop a task counting as done (DESIGN section 4).
    done_per_user = tasks_per_user * (1.0 - baseline.outcome_share * (1.0 - success))
    tasks_done = users * done_per_user
    hours = finance.hours_saved(tasks_done, minutes)
    gross = finance.savings(hours, v["loaded_hourly_cost"])  # each draw's own hourly cost
    benefits = finance.risk_adjusted(gross, v["confidence"])
    cost = monthly_cost * (1.0 + v["cost_risk"])
    monthly_rate = (1.0 + v["discount_rate"][:, 0]) ** (1.0 / 12.0) - 1.0
    return {
        "users": users,
        "tasks_done": tasks_done,
        "hours_saved": hours,
        "gross_savings": gross,
        "risk_adjusted_savings": benefits,
        "cost": cost,
        "net_value": benefits - cost,
        "monthly_rate": monthly_rate,
    }


def present_values(flows: np.ndarray, monthly_rate: np.ndarray) -> np.ndarray:
    """Row-wise present value of end-of-month flows (rows, months) at each row's rate.

    The vectorised form of `finance.present_value` (flow i discounted i + 1 months).
    """
    months = np.arange(1, flows.shape[1] + 1, dtype=float)[None, :]
    factors = (1.0 + monthly_rate[:, None]) ** -months
    values: np.ndarray = (flows * factors).sum(axis=1)
    return values


def payback_months(net_flows: np.ndarray, cumulative: np.ndarray | None = None) -> np.ndarray:
    """Row-wise `finance.payback_periods` (initial 0) of (rows, months) net flows.

    0 where the cumulative value is never negative, NaN where it is negative and never
    recovers, otherwise the first recovery interpolated inside its month. `cumulative`
    (the row-wise running total of `net_flows`) may be passed when already computed.
    """
    if cumulative is None:
        cumulative = np.cumsum(net_flows, axis=1)
    negative = cumulative < 0
    before_negative = np.concatenate(
        [np.zeros((cumulative.shape[0], 1), dtype=bool), negative[:, :-1]], axis=1
    )
    crossing = before_negative & ~negative
    first = crossing.argmax(axis=1)
    rows = np.arange(cumulative.shape[0])
    before = np.where(first > 0, cumulative[rows, np.maximum(first - 1, 0)], 0.0)
    flow = net_flows[rows, first]
    with np.errstate(divide="ignore", invalid="ignore"):
        crossed = first + (-before) / flow
    result = np.where(crossing.any(axis=1), crossed, np.nan)
    return np.where(negative.any(axis=1), result, 0.0)


# ------------------------------------------------------------------ projection


@dataclass(frozen=True)
class Headline:
    """TEI figures of a projection: NPV and PVs in money, ROI a fraction (None when
    PV(costs) is 0), payback in months (None when not within the horizon), totals
    undiscounted over the horizon."""

    npv: float
    roi: float | None
    payback_months: float | None
    pv_benefits: float
    pv_costs: float
    hours_saved: float
    risk_adjusted_savings: float
    cost: float
    net_value: float

    def as_dict(self) -> dict[str, float | None]:
        return asdict(self)


@dataclass(frozen=True)
class Projection:
    """A scenario month by month plus its headline.

    `monthly` columns: month ('YYYY-MM'), month_index (1..horizon), users, tasks_done,
    hours_saved, gross_savings, risk_adjusted_savings, cost, net_value,
    cumulative_net_value (money, undiscounted).
    """

    drivers: Drivers
    monthly: pd.DataFrame
    headline: Headline


def future_months(baseline: Baseline, horizon: int) -> list[str]:
    """The `horizon` months after the baseline window, 'YYYY-MM'."""
    last = pd.Period(baseline.months[-1], freq="M")
    return [str(last + i) for i in range(1, horizon + 1)]


def project(baseline: Baseline, drivers: Drivers) -> Projection:
    """The deterministic projection of `drivers`, with NPV, ROI and payback per TEI."""
    paths = _paths(baseline, drivers, {}, 1)
    horizon = int(drivers.horizon_months)
    monthly = pd.DataFrame(
        {
            "month": future_months(baseline, horizon),
            "month_index": np.arange(1, horizon + 1),
            **{
                column: paths[column][0]
                for column in (
                    "users", "tasks_done", "hours_saved", "gross_savings",
                    "risk_adjusted_savings", "cost", "net_value",
                )
            },
        }
    )  # fmt: skip
    monthly["cumulative_net_value"] = monthly["net_value"].cumsum()
    rate = finance.monthly_rate(float(_values(drivers, {}, 1, baseline)["discount_rate"][0, 0]))
    benefits = monthly["risk_adjusted_savings"].tolist()
    costs = monthly["cost"].tolist()
    pv_benefits = finance.present_value(rate, benefits)
    pv_costs = finance.present_value(rate, costs)
    headline = Headline(
        npv=pv_benefits - pv_costs,
        roi=finance.roi(pv_benefits, pv_costs),
        payback_months=finance.payback_periods(monthly["net_value"].tolist()),
        pv_benefits=pv_benefits,
        pv_costs=pv_costs,
        hours_saved=float(monthly["hours_saved"].sum()),
        risk_adjusted_savings=float(sum(benefits)),
        cost=float(sum(costs)),
        net_value=float(monthly["net_value"].sum()),
    )
    return Projection(drivers=drivers, monthly=monthly, headline=headline)


# ------------------------------------------------------------------ uncertainty


@dataclass(frozen=True)
class Uncertainty:
    """Seeded draws of the sampled drivers.

    `bands` columns: month, month_index, p10, p50, p90 (cumulative net value, money).
    `npv` has one value per draw; `payback` too (NaN where it does not pay back).
    """

    draws: int
    seed: int
    bands: pd.DataFrame
    npv: np.ndarray = field(repr=False)
    payback: np.ndarray = field(repr=False)

    def npv_percentiles(self) -> dict[str, float]:
        p10, p50, p90 = np.percentile(self.npv, [10, 50, 90])
        return {
            "p10": float(p10),
            "p50": float(p50),
            "p90": float(p90),
            "mean": float(self.npv.mean()),
        }

    @property
    def probability_negative_npv(self) -> float:
        """Share of the draws whose NPV is below zero (a fraction)."""
        return float((self.npv < 0).mean())

    def payback_percentiles(self) -> dict[str, float | None]:
        """P10/P50/P90 of payback in months; None where that share never pays back."""
        filled = np.where(np.isnan(self.payback), np.inf, self.payback)
        values = np.percentile(filled, [10, 50, 90], method="lower")
        return {
            key: (float(v) if math.isfinite(v) else None)
            for key, v in zip(("p10", "p50", "p90"), values, strict=True)
        }

    @property
    def share_not_paid_back(self) -> float:
        """Share of the draws that do not pay back within the horizon (a fraction)."""
        return float(np.isnan(self.payback).mean())


def _triangular_factors(
    rng: np.random.Generator, drivers: Drivers | None, draws: int
) -> dict[str, np.ndarray]:
    adjust: dict[str, np.ndarray] = {}
    for spec in RANGES:
        if not spec.sampled:
            continue
        mode = 1.0 if spec.kind == "relative" else 0.0
        # Always draw, so each driver keeps its own stream of numbers whatever the others do.
        adjust[spec.driver] = rng.triangular(spec.low, mode, spec.high, size=draws)
    return adjust


@functools.lru_cache(maxsize=8)
def triangular_factors(draws: int, seed: int) -> Mapping[str, np.ndarray]:
    """The seeded triangular factors of the sampled drivers, one array of `draws` each.

    They depend on neither the baseline nor the drivers' values (`_values` applies the
    chosen value to them), so a slider move reuses them: drawn once per draw count and
    seed, returned read-only."""
    adjust = _triangular_factors(np.random.default_rng(seed), None, draws)
    for factors in adjust.values():
        factors.setflags(write=False)
    return MappingProxyType(adjust)


def simulate(
    baseline: Baseline, drivers: Drivers, *, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED
) -> Uncertainty:
    """`draws` seeded triangular draws of the sampled drivers (the chosen value is the
    mode); bands of cumulative net value, NPV and payback per draw. Vectorised."""
    if draws < 1:
        raise ValueError("draws must be at least 1")
    adjust = triangular_factors(int(draws), int(seed))
    paths = _paths(baseline, drivers, adjust, draws)
    net = paths["net_value"]
    cumulative = np.cumsum(net, axis=1)
    # Percentiles per month run along contiguous memory: month-major is several times faster.
    p10, p50, p90 = np.percentile(np.ascontiguousarray(cumulative.T), [10, 50, 90], axis=1)
    horizon = int(drivers.horizon_months)
    bands = pd.DataFrame(
        {
            "month": future_months(baseline, horizon),
            "month_index": np.arange(1, horizon + 1),
            "p10": p10,
            "p50": p50,
            "p90": p90,
        }
    )
    npv = present_values(paths["risk_adjusted_savings"], paths["monthly_rate"]) - present_values(
        paths["cost"], paths["monthly_rate"]
    )
    return Uncertainty(
        draws=draws, seed=seed, bands=bands, npv=npv, payback=payback_months(net, cumulative)
    )


def sensitivity(baseline: Baseline, drivers: Drivers) -> pd.DataFrame:
    """The NPV swing of each driver across its range, the others at their chosen value.

    Columns: driver, label, low_value, high_value (the driver's values), npv_low,
    npv_high (money), swing (|npv_high - npv_low|); largest swing first. Drivers
    without effect in this scenario (churn while funded, targets after a cut) are left
    out.
    """
    specs = list(RANGES)
    rows = 2 * len(specs)
    adjust: dict[str, np.ndarray] = {}
    for i, spec in enumerate(specs):
        neutral = 1.0 if spec.kind == "relative" else 0.0
        column = np.full(rows, neutral)
        column[2 * i], column[2 * i + 1] = spec.low, spec.high
        adjust[spec.driver] = column
    effective = _effective(baseline, drivers)
    paths = _paths(baseline, drivers, adjust, rows)
    npv = present_values(paths["risk_adjusted_savings"], paths["monthly_rate"]) - present_values(
        paths["cost"], paths["monthly_rate"]
    )
    values = _values(effective, adjust, rows, baseline)
    records = []
    for i, spec in enumerate(specs):
        low_npv, high_npv = float(npv[2 * i]), float(npv[2 * i + 1])
        records.append(
            {
                "driver": spec.driver,
                "label": DRIVERS[spec.driver].label,
                "low_value": float(values[spec.driver][2 * i, 0]),
                "high_value": float(values[spec.driver][2 * i + 1, 0]),
                "npv_low": low_npv,
                "npv_high": high_npv,
                "swing": abs(high_npv - low_npv),
            }
        )
    frame = pd.DataFrame(records)
    scale = max(1.0, float(np.abs(npv).max()))
    frame = frame[frame["swing"] > 1e-9 * scale]
    return frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------ a full evaluation


@dataclass(frozen=True)
class Evaluation:
    """A scenario against the no-change baseline: both projections, the change in the
    headline figures, the bands and the tornado."""

    baseline: Baseline
    scenario: Projection
    reference: Projection  # the no-change scenario over the same horizon
    uncertainty: Uncertainty
    tornado: pd.DataFrame

    @property
    def deltas(self) -> dict[str, float | None]:
        """Scenario minus reference: npv and hours_saved (totals), roi (a fraction of a
        fraction, i.e. percentage points / 100), payback_months (None if either is)."""
        a, b = self.scenario.headline, self.reference.headline

        def diff(x: float | None, y: float | None) -> float | None:
            return None if x is None or y is None else x - y

        return {
            "npv": a.npv - b.npv,
            "roi": diff(a.roi, b.roi),
            "payback_months": diff(a.payback_months, b.payback_months),
            "hours_saved": a.hours_saved - b.hours_saved,
            "risk_adjusted_savings": a.risk_adjusted_savings - b.risk_adjusted_savings,
            "cost": a.cost - b.cost,
        }


def reference_drivers(baseline: Baseline, drivers: Drivers) -> Drivers:
    """The no-change scenario measured with the yardstick of `drivers` (hourly cost,
    discount rate, horizon), so a delta shows what the levers change, not the ruler."""
    base = baseline_drivers(baseline)
    return replace(
        base,
        loaded_hourly_cost=drivers.loaded_hourly_cost,
        discount_rate=drivers.discount_rate,
        horizon_months=drivers.horizon_months,
    )


def evaluate(
    baseline: Baseline,
    drivers: Drivers,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> Evaluation:
    """Everything the Scenarios page and the CLI show for one set of drivers."""
    check_drivers(drivers, baseline)
    return Evaluation(
        baseline=baseline,
        scenario=project(baseline, drivers),
        reference=project(baseline, reference_drivers(baseline, drivers)),
        uncertainty=simulate(baseline, drivers, draws=draws, seed=seed),
        tornado=sensitivity(baseline, drivers),
    )


# ------------------------------------------------------------------ page controls


def npv_histogram(uncertainty: Uncertainty, bins: int = 40) -> pd.DataFrame:
    """The NPV of the draws in `bins` equal bins. Columns: npv_from, npv_to (money),
    draws (count), share (fraction of all draws)."""
    counts, edges = np.histogram(uncertainty.npv, bins=bins)
    return pd.DataFrame(
        {
            "npv_from": edges[:-1],
            "npv_to": edges[1:],
            "draws": counts,
            "share": counts / max(1, uncertainty.draws),
        }
    )


__all__ = [
    "DRIVERS",
    "RANGES",
    "Baseline",
    "Drivers",
    "Evaluation",
    "Headline",
    "Projection",
    "Range",
    "Uncertainty",
    "baseline_drivers",
    "baseline_window",
    "build_baseline",
    "check_drivers",
    "clean_label",
    "drivers_from_mapping",
    "effective_drivers",
    "evaluate",
    "npv_histogram",
    "payback_months",
    "present_values",
    "project",
    "sensitivity",
    "simulate",
]
