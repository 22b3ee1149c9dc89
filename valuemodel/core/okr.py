"""OKR ladder-up: how strongly a product metric moves with a key result. Pure.

Pearson r between the product metric's monthly series and the key result's monthly
measurements, pairing product month m with key-result month m + lag, lag 0..3 (the
product leading). A lag counts only with at least MIN_PAIRS months where both are
defined and neither side is constant; the reported lag has the largest |r| (the smaller
lag on a tie).

Also here: a key result's progress and whether it is on track for its objective's period,
the product metric aligned with a key result by the lag (the co-movement behind r), and
the key and backstop (guardrail) HEART goals against their current values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from valuemodel.core import stats
from valuemodel.core.contract import DEFAULT_MIN_SURVEY_RESPONSES

MAX_LAG = 3
MIN_PAIRS = 6
MIN_CHANGES = 5
TREND_R = 0.5

MOVES_TOGETHER = "moves together"
SHARED_TREND = "shared trend only"
NO_CLEAR_LINK = "no clear link"
NOT_ENOUGH_DATA = "not enough data"
VERDICTS = (MOVES_TOGETHER, SHARED_TREND, NO_CLEAR_LINK, NOT_ENOUGH_DATA)


@dataclass(frozen=True)
class LinkStrength:
    """How a product metric moves with a key result (DESIGN section 4).

    r (-1..1), lag_months (0..3) and months (pairs behind r) at the reported lag, all None
    when there is not enough data. At that lag: ci90, the 90% Fisher interval of r;
    r_changes, Pearson r of the month-over-month changes, over months_changes pairs (None
    under MIN_CHANGES), with its interval ci90_changes; verdict, one of VERDICTS.
    """

    r: float | None
    lag_months: int | None
    months: int | None
    ci90: stats.Interval | None = None
    r_changes: float | None = None
    months_changes: int | None = None
    ci90_changes: stats.Interval | None = None
    verdict: str = NOT_ENOUGH_DATA

    @property
    def enough_data(self) -> bool:
        return self.r is not None


NOT_ENOUGH = LinkStrength(None, None, None)


def _monthly(series: pd.Series) -> pd.Series:
    """Index by monthly Period, drop undefined values."""
    index = pd.PeriodIndex(pd.to_datetime(pd.Index(series.index)), freq="M")
    values = pd.Series(series.to_numpy(dtype=float), index=index)
    return values[np.isfinite(values.to_numpy())]


def pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    """Pearson's r, or None when either side is constant (scipy; see core.stats)."""
    return stats.pearson(x, y)


def _changes(series: pd.Series) -> pd.Series:
    """x(m) - x(m-1) for every month m whose month before is defined too."""
    before = pd.Series(series.to_numpy(), index=series.index + 1)
    both = pd.concat([series, before], axis=1, join="inner")
    return (both.iloc[:, 0] - both.iloc[:, 1]).sort_index()


def changes_correlation(
    metric: pd.Series, key_result: pd.Series, lag: int, *, min_changes: int = MIN_CHANGES
) -> tuple[float | None, int | None]:
    """Pearson r of month-over-month changes at `lag` and its number of pairs.

    The product metric's change at m (months m-1 and m both defined) is paired with the
    key result's change at m + lag (both of its months measured). (None, None) with fewer
    than `min_changes` pairs or a constant side.
    """
    product = _changes(_monthly(metric))
    kr = _changes(_monthly(key_result))
    shifted = pd.Series(product.to_numpy(), index=product.index + lag)
    paired = pd.concat([shifted, kr], axis=1, join="inner").dropna()
    if len(paired) < min_changes:
        return None, None
    r = stats.pearson(paired.iloc[:, 0].to_numpy(), paired.iloc[:, 1].to_numpy())
    if r is None:
        return None, None
    return r, len(paired)


def verdict(r: float | None, r_changes: float | None, ci90_changes: stats.Interval | None) -> str:
    """'moves together' when the interval of r of changes excludes 0 (a perfect r of
    changes, whose interval is undefined, counts as excluding it); 'shared trend only'
    when |r| >= 0.5 otherwise; 'no clear link' below that; 'not enough data' without r."""
    if r is None:
        return NOT_ENOUGH_DATA
    perfect = r_changes is not None and stats.is_perfect(r_changes)
    if perfect or stats.excludes_zero(ci90_changes):
        return MOVES_TOGETHER
    if abs(r) >= TREND_R:
        return SHARED_TREND
    return NO_CLEAR_LINK


def link_strength(
    metric: pd.Series,
    key_result: pd.Series,
    *,
    max_lag: int = MAX_LAG,
    min_pairs: int = MIN_PAIRS,
) -> LinkStrength:
    """Best-lag correlation of a monthly product metric with a key result's measurements,
    with its interval, the correlation of changes at that lag and the verdict.

    Both series are indexed by month (anything pandas reads as a date); NaN is undefined.
    """
    product = _monthly(metric)
    kr = _monthly(key_result)
    if product.empty or kr.empty:
        return NOT_ENOUGH
    best: tuple[float, int, int] | None = None
    for lag in range(max_lag + 1):
        shifted = pd.Series(product.to_numpy(), index=product.index + lag)
        paired = pd.concat([shifted, kr], axis=1, join="inner").dropna()
        if len(paired) < min_pairs:
            continue
        r = stats.pearson(paired.iloc[:, 0].to_numpy(), paired.iloc[:, 1].to_numpy())
        if r is None:
            continue
        if best is None or abs(r) > abs(best[0]) + 1e-12:
            best = (r, lag, len(paired))
    if best is None:
        return NOT_ENOUGH
    r, lag, months = best
    r_changes, months_changes = changes_correlation(metric, key_result, lag)
    ci90_changes = stats.fisher_interval(r_changes, months_changes)
    return LinkStrength(
        r=r,
        lag_months=lag,
        months=months,
        ci90=stats.fisher_interval(r, months),
        r_changes=r_changes,
        months_changes=months_changes,
        ci90_changes=ci90_changes,
        verdict=verdict(r, r_changes, ci90_changes),
    )


# ---------------------------------------------------------------- what backs a claim

ASSERTED = "asserted"
CORRELATIONAL = "correlational"
CAUSAL = "causal"
NO_EXPERIMENT = "claimed, no experiment on record"


def causal_backing(metric: str, release_effects: Iterable[Mapping[str, object]] = ()) -> str:
    """What backs a causal claim on a product metric, as one phrase for the screen.

    release_effects: the product's release effects (DESIGN section 4 "Releases"), each a
    mapping with at least metric, verdict and release_id, optionally title and did (a
    mapping with estimate and ci90). A release whose level change on `metric` improved,
    or whose difference-in-differences interval lies above 0, backs the claim; without
    one the claim is 'claimed, no experiment on record'.
    """
    for effect in release_effects:
        if effect.get("metric") != metric:
            continue
        name = str(effect.get("title") or effect.get("release_id") or "a release")
        did = effect.get("did")
        if isinstance(did, Mapping):
            ci = did.get("ci90")
            if (
                isinstance(ci, list | tuple)
                and len(ci) == 2
                and stats.excludes_zero((float(ci[0]), float(ci[1])))
            ):
                return f"backed by a difference-in-differences of {name}"
        if effect.get("verdict") == "improved":
            return f"backed by a release effect ({name})"
    return NO_EXPERIMENT


def evidence_text(evidence: str, verdict_text: str, backing: str | None = None) -> str:
    """The evidence label beside what the data says: 'asserted; the data shows a shared
    trend only', 'correlational; moves together', 'causal; claimed, no experiment on
    record'. A causal link names its backing (see causal_backing)."""
    if evidence == CAUSAL:
        return f"causal; {backing or NO_EXPERIMENT}"
    if verdict_text == NOT_ENOUGH_DATA:
        return f"{evidence}; not enough data to check"
    return f"{evidence}; the data shows {_verdict_phrase(verdict_text)}"


def _verdict_phrase(verdict_text: str) -> str:
    return {
        MOVES_TOGETHER: "the series move together",
        SHARED_TREND: "a shared trend only",
        NO_CLEAR_LINK: "no clear link",
    }.get(verdict_text, verdict_text)


def kr_progress(baseline: float, target: float, latest: float | None) -> float | None:
    """(latest - baseline) / (target - baseline) as a fraction; None without a measurement."""
    if latest is None or target == baseline:
        return None
    return (latest - baseline) / (target - baseline)


# ---------------------------------------------------------------- key results on track

ACHIEVED = "achieved"
ON_TRACK = "on track"
BEHIND = "behind"
UNKNOWN = "unknown"
TREND_MEASUREMENTS = 3

_YEAR = r"(?:FY\s*)?(?P<year>\d{4})"
_PART = r"(?P<part>H[12]|Q[1-4])"
_PERIOD_FORMS = (
    re.compile(rf"^{_YEAR}$"),
    re.compile(rf"^{_YEAR}[\s\-/_]*{_PART}$"),
    re.compile(rf"^{_PART}[\s\-/_]*{_YEAR}$"),
    re.compile(r"^FY\s*(?P<short>\d{2})$"),
    re.compile(r"^(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])$"),
)


def parse_objective_period(text: str | None) -> tuple[str, str] | None:
    """The first and last month ('YYYY-MM') of an objective's period, or None.

    Reads a year ('2025', 'FY2025', 'FY25'; a fiscal year is taken as the calendar
    year), a half ('2025-H1', 'H2 2025'), a quarter ('2025-Q3', 'Q3 2025', 'FY2025 Q3')
    or a single month ('2025-03'). Anything else is not a period we can time against.
    """
    value = (text or "").strip().upper()
    for form in _PERIOD_FORMS:
        found = form.match(value)
        if found is None:
            continue
        parts = found.groupdict()
        year = 2000 + int(parts["short"]) if parts.get("short") else int(parts["year"])
        if parts.get("month"):
            month = f"{year:04d}-{parts['month']}"
            return month, month
        part = parts.get("part")
        if not part:
            return f"{year:04d}-01", f"{year:04d}-12"
        size = 6 if part[0] == "H" else 3
        start = (int(part[1]) - 1) * size + 1
        return f"{year:04d}-{start:02d}", f"{year:04d}-{start + size - 1:02d}"
    return None


def elapsed_share(span: tuple[str, str], as_of: str) -> float:
    """Share (0..1) of the months of `span` that have ended by the end of month `as_of`.

    A measurement of month m is taken as of m's end: as of the 6th month of a 12-month
    period, half of it has elapsed.
    """
    first = pd.Period(span[0], freq="M")
    last = pd.Period(span[1], freq="M")
    month = pd.Period(as_of, freq="M")
    total = (last - first).n + 1
    done = (month - first).n + 1
    return max(0.0, min(1.0, float(done / total)))


@dataclass(frozen=True)
class KrStatus:
    """Whether a key result is on track for its period.

    status: 'achieved', 'on track', 'behind' or 'unknown'. progress and elapsed are
    fractions (elapsed is None when the period could not be read); rule says how the
    status was judged ('target', 'period', 'trend' or 'none'); reason is one plain
    sentence for the screen; latest_month is 'YYYY-MM' or None.
    """

    status: str
    progress: float | None
    elapsed: float | None
    latest: float | None
    latest_month: str | None
    rule: str
    reason: str


def _measured(measurements: pd.Series) -> pd.Series:
    return _monthly(measurements).sort_index()


def kr_status(
    *, baseline: float, target: float, measurements: pd.Series, period: str | None
) -> KrStatus:
    """Judge a key result from its monthly measurements (indexed by month; NaN undefined).

    Reached target -> 'achieved'. Otherwise, when the objective's period can be read,
    'on track' means progress >= the share of the period elapsed at the latest
    measurement. When it cannot, the last three measurements decide: 'on track' when
    their least-squares trend moves toward the target, 'behind' when it is flat or moves
    away; with fewer than three the status is 'unknown'.
    """
    series = _measured(measurements)
    if series.empty:
        return KrStatus(UNKNOWN, None, None, None, None, "none", "No measurements yet.")
    latest = float(series.iloc[-1])
    latest_month = str(series.index[-1])
    progress = kr_progress(baseline, target, latest)
    span = parse_objective_period(period)
    elapsed = None if span is None else elapsed_share(span, latest_month)
    if progress is None:
        return KrStatus(
            UNKNOWN, None, elapsed, latest, latest_month, "none",
            "The target equals the baseline, so progress is undefined.",
        )  # fmt: skip
    if progress >= 1.0:
        return KrStatus(
            ACHIEVED, progress, elapsed, latest, latest_month, "target",
            f"Target reached as of {latest_month}.",
        )  # fmt: skip
    if elapsed is not None:
        status = ON_TRACK if progress >= elapsed else BEHIND
        reason = (
            f"{_pct(progress)} of the way with {_pct(elapsed)} of {str(period).strip()} "
            f"elapsed (as of {latest_month})."
        )
        return KrStatus(status, progress, elapsed, latest, latest_month, "period", reason)
    if len(series) < TREND_MEASUREMENTS:
        return KrStatus(
            UNKNOWN, progress, None, latest, latest_month, "none",
            f"The period {str(period or '').strip()!r} is not a year, half or quarter, "
            f"and fewer than {TREND_MEASUREMENTS} measurements show no trend yet.",
        )  # fmt: skip
    recent = series.iloc[-TREND_MEASUREMENTS:]
    x = np.array([(p - recent.index[0]).n for p in recent.index], dtype=float)
    y = recent.to_numpy(dtype=float)
    dx = x - x.mean()
    slope = float((dx * (y - y.mean())).sum() / (dx * dx).sum())  # least squares; 0 if flat
    toward = slope * (1.0 if target > baseline else -1.0)
    status = ON_TRACK if toward > 0 else BEHIND
    direction = "toward" if toward > 0 else ("away from" if toward < 0 else "no closer to")
    reason = (
        f"The last {TREND_MEASUREMENTS} measurements move {direction} the target "
        f"(the period {str(period or '').strip()!r} is not a year, half or quarter)."
    )
    return KrStatus(status, progress, None, latest, latest_month, "trend", reason)


def _pct(fraction: float) -> str:
    return f"{fraction * 100:.0f}%"


# ---------------------------------------------------------------- co-movement


def aligned_series(metric: pd.Series, key_result: pd.Series, lag: int) -> pd.DataFrame:
    """The product metric shifted forward by `lag` months beside the key result.

    Both inputs are indexed by month (NaN undefined). Returns one row per key-result
    month where either side is defined, in order, with columns month (Timestamp, the
    key-result month), product_month (Timestamp, month - lag), metric and key_result
    (NaN where undefined). Rows with both defined are exactly the pairs behind r.
    """
    product = _monthly(metric)
    kr = _monthly(key_result)
    shifted = pd.Series(product.to_numpy(), index=product.index + lag, name="metric")
    frame = pd.concat([shifted, kr.rename("key_result")], axis=1, join="outer").sort_index()
    index = pd.PeriodIndex(frame.index, freq="M")
    return pd.DataFrame(
        {
            "month": index.to_timestamp(),
            "product_month": (index - lag).to_timestamp(),
            "metric": frame["metric"].to_numpy(dtype=float),
            "key_result": frame["key_result"].to_numpy(dtype=float),
        }
    )


def metric_series(values: pd.DataFrame, product_id: str, metric: str) -> pd.Series:
    """A product's monthly series of a link metric from a `metrics.monthly_values` frame.

    The metric `savings` is monthly risk-adjusted savings (DESIGN section 4).
    """
    column = "risk_adjusted_savings" if metric == "savings" else metric
    if column not in values.columns or values.empty:
        return pd.Series([], dtype=float, index=pd.DatetimeIndex([]))
    own = values[values["product_id"] == product_id]
    return pd.Series(own[column].to_numpy(dtype=float), index=pd.to_datetime(own["month"]))


def key_result_table(
    key_results: pd.DataFrame, objectives: pd.DataFrame, measurements: pd.DataFrame
) -> pd.DataFrame:
    """Each key result with its objective, progress and on-track status.

    key_results: kr_id, objective_id, title, unit, baseline, target. objectives:
    objective_id, title, level, period. measurements: kr_id, month, value.
    Returns, in the key results' order: kr_id, objective_id, objective, level, period,
    title, unit, baseline, target, latest, latest_month ('YYYY-MM' or None), progress
    and elapsed (fractions or None), status, rule, reason (see kr_status) and trend
    (the measured values in month order, a list of floats).
    """
    by_objective = objectives.set_index("objective_id")
    rows = []
    for kr in key_results.to_dict("records"):
        own = measurements[measurements["kr_id"] == kr["kr_id"]].sort_values("month")
        series = pd.Series(own["value"].to_numpy(dtype=float), index=own["month"])
        objective = (
            by_objective.loc[kr["objective_id"]]
            if kr["objective_id"] in by_objective.index
            else None
        )
        period = None if objective is None else objective["period"]
        status = kr_status(
            baseline=float(kr["baseline"]), target=float(kr["target"]),
            measurements=series, period=period,
        )  # fmt: skip
        rows.append(
            {
                "kr_id": kr["kr_id"],
                "objective_id": kr["objective_id"],
                "objective": None if objective is None else objective["title"],
                "level": None if objective is None else objective["level"],
                "period": period,
                "title": kr["title"],
                "unit": kr["unit"],
                "baseline": float(kr["baseline"]),
                "target": float(kr["target"]),
                "latest": status.latest,
                "latest_month": status.latest_month,
                "progress": status.progress,
                "elapsed": status.elapsed,
                "status": status.status,
                "rule": status.rule,
                "reason": status.reason,
                "trend": [float(v) for v in _measured(series).to_numpy()],
            }
        )
    columns = [
        "kr_id", "objective_id", "objective", "level", "period", "title", "unit", "baseline",
        "target", "latest", "latest_month", "progress", "elapsed", "status", "rule", "reason",
        "trend",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


# ---------------------------------------------------------------- key and backstop metrics

MEETS = "meets target"
BELOW = "below target"
NO_VALUE = "no data"
TOO_FEW = "too few responses"


def guardrails(
    goals: pd.DataFrame,
    values: Mapping[str, Mapping[str, float | None]],
    min_survey_responses: int = DEFAULT_MIN_SURVEY_RESPONSES,
) -> pd.DataFrame:
    """HEART goals with their current value and whether each meets its target.

    goals: the `heart_goals` rows (product_id, dimension, role, goal, signal, metric,
    target). values: per product, per dimension, the current value (None undefined),
    e.g. a report's user figures, whose happiness_responses (when present) is the count
    behind happiness. Every HEART dimension is better when higher, so a value under its
    target is 'below target'; a happiness value from fewer than min_survey_responses
    answers is neither met nor missed ('too few responses'). Returns the goal columns plus
    value (float, NaN undefined), responses (the answers behind happiness, else NaN),
    below_target (bool; False without a judged value) and status ('meets target', 'below
    target', 'no data', 'too few responses'); key goals first within each product.
    """
    columns = [*goals.columns, "value", "responses", "below_target", "status"]
    if goals.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for goal in goals.to_dict("records"):
        own = values.get(str(goal["product_id"]), {})
        value = own.get(str(goal["dimension"]))
        defined = value is not None and math.isfinite(float(value))
        responses: float = math.nan
        thin = False
        answers = own.get("happiness_responses")
        if goal["dimension"] == "happiness" and answers is not None:
            responses = float(answers)
            thin = defined and responses < max(1, min_survey_responses)
        below = bool(
            defined and value is not None and not thin and float(value) < float(goal["target"])
        )
        if not defined:
            status = NO_VALUE
        elif thin:
            status = TOO_FEW
        else:
            status = BELOW if below else MEETS
        number = float(value) if defined and value is not None else math.nan
        rows.append(
            {**goal, "value": number, "responses": responses, "below_target": below,
             "status": status}
        )  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    frame["_role_order"] = (frame["role"] != "key").astype(int)
    frame = frame.sort_values(["product_id", "_role_order", "dimension"], kind="stable")
    return frame.drop(columns="_role_order").reset_index(drop=True)
