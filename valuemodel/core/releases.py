"""Release effects (DESIGN section 4, "Releases"): before/after means, the segmented
regression (interrupted time series) and difference-in-differences for staggered
rollouts. Pure: takes monthly series and tables, returns frozen dataclasses.

Months are 'YYYY-MM' strings or first-of-month timestamps; a series is a pandas Series
indexed by first-of-month timestamps with NaN where the month is undefined.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from valuemodel.core.stats import Interval

WINDOW = 6  # months each side of the release month
MIN_SIDE = 3  # defined months needed on each side
DID_SIDE = 3  # months each side of a wave for difference-in-differences
DRAWS = 2_000
NOT_ENOUGH = "not enough data"
IMPROVED, WORSE, NO_CLEAR = "improved", "worse", "no clear change"
HELD, HURT = "held", "hurt"


@dataclass(frozen=True)
class Effect:
    """A release's effect on one monthly series. Means and changes are in the series'
    unit; level_change (c) and slope_change (d) of y = a + b t + c post + d t post over
    t = -6..-1 and 1..6 (the release month left out); level_change_ci90 from OLS's
    standard error and the t distribution with n - 4 degrees of freedom (None when
    n <= 4); verdict per role (key or None: improved / worse / no clear change;
    backstop: held / hurt), or "not enough data" with fewer than 3 months a side."""

    before_mean: float | None
    after_mean: float | None
    change: float | None
    level_change: float | None
    level_change_ci90: Interval | None
    slope_change: float | None
    months_before: int
    months_after: int
    verdict: str


def _month(value: object) -> pd.Timestamp:
    return pd.Timestamp(f"{value}-01") if isinstance(value, str) else pd.Timestamp(value)


def release_effect(series: pd.Series, release_month: object, role: str | None) -> Effect:
    """The effect of a release in `release_month` on `series` (see Effect)."""
    at = _month(release_month).to_period("M")
    points = []
    for offset in [*range(-WINDOW, 0), *range(1, WINDOW + 1)]:
        month = (at + offset).to_timestamp()
        value = series.get(month, np.nan)
        if value is not None and np.isfinite(float(value)):
            points.append((offset, float(value)))
    frame = pd.DataFrame(points, columns=["t", "y"])
    before = frame[frame["t"] < 0]["y"]
    after = frame[frame["t"] > 0]["y"]
    n_before, n_after = len(before), len(after)
    if n_before < MIN_SIDE or n_after < MIN_SIDE:
        return Effect(None, None, None, None, None, None, n_before, n_after, NOT_ENOUGH)
    post = (frame["t"] > 0).astype(float)
    design = pd.DataFrame(
        {"const": 1.0, "t": frame["t"].astype(float), "post": post, "t_post": frame["t"] * post}
    )
    fit = sm.OLS(frame["y"].to_numpy(), design).fit()
    level = float(fit.params["post"])
    interval = None
    if len(frame) > 4:
        low, high = fit.conf_int(alpha=0.10).loc["post"]
        interval = (float(low), float(high))
    return Effect(
        before_mean=float(before.mean()),
        after_mean=float(after.mean()),
        change=float(after.mean() - before.mean()),
        level_change=level,
        level_change_ci90=interval,
        slope_change=float(fit.params["t_post"]),
        months_before=n_before,
        months_after=n_after,
        verdict=verdict(interval, role),
    )


def verdict(interval: Interval | None, role: str | None) -> str:
    """improved / worse / no clear change for a key metric (or none), held / hurt for a
    backstop, from the level change's 90% interval (every metric is better higher)."""
    above = interval is not None and interval[0] > 0
    below = interval is not None and interval[1] < 0
    if role == "backstop":
        return HURT if below else HELD
    return IMPROVED if above else WORSE if below else NO_CLEAR


@dataclass(frozen=True)
class DiD:
    """Difference-in-differences of a staggered rollout: the estimate (in the metric's
    unit), its 90% interval from resampling segments, and the treated and control
    segment values behind it; ci90 None with fewer than two segments a side."""

    estimate: float
    ci90: Interval | None
    treated: tuple[str, ...]
    control: tuple[str, ...]


def _pooled(cells: pd.DataFrame, segments: Sequence[str], months: Sequence[pd.Timestamp]) -> float:
    own = cells[cells["value"].isin(segments) & cells["month"].isin(months)]
    denominator = float(own["denominator"].sum())
    return float(own["numerator"].sum()) / denominator if denominator > 0 else float("nan")


def _wave_estimate(
    cells: pd.DataFrame, wave: pd.Timestamp, treated: Sequence[str], control: Sequence[str]
) -> float:
    at = wave.to_period("M")
    before = [(at - k).to_timestamp() for k in range(DID_SIDE, 0, -1)]
    after = [(at + k).to_timestamp() for k in range(1, DID_SIDE + 1)]
    return (_pooled(cells, treated, after) - _pooled(cells, treated, before)) - (
        _pooled(cells, control, after) - _pooled(cells, control, before)
    )


def difference_in_differences(
    cells: pd.DataFrame, rollouts: pd.DataFrame, *, seed: int = 0, draws: int = DRAWS
) -> DiD | None:
    """DiD of a staggered rollout (DESIGN section 4), or None: "no control group".

    cells: value (segment), month (first-of-month timestamp), numerator, denominator,
    eligible (people of the segment in the month); the metric is pooled as numerator
    over denominator (adoption: active over eligible). rollouts: value, month (the month
    each segment got the release). A wave W (segments rolled out in month W) is compared
    with the segments not rolled out by W+3 that have eligible people in W; waves combine
    weighted by their treated segments' eligible people in W. The interval resamples
    segments (treated and control, with replacement) with numpy's seeded generator.
    """
    rollouts = rollouts.assign(month=pd.to_datetime(rollouts["month"]))
    cells = cells.assign(month=pd.to_datetime(cells["month"]))
    present = set(cells["value"])
    waves = []
    for wave, group in rollouts.groupby("month"):
        treated = sorted(set(group["value"]) & present)
        limit = (wave.to_period("M") + DID_SIDE).to_timestamp()
        later = set(rollouts[rollouts["month"] > limit]["value"])
        at_wave = cells[(cells["month"] == wave) & (cells["eligible"] > 0)]
        never = present - set(rollouts["value"])
        control = sorted((set(at_wave["value"]) & (later | never)) - set(treated))
        if not treated or not control:
            continue
        weight = float(at_wave[at_wave["value"].isin(treated)]["eligible"].sum())
        waves.append((wave, treated, control, weight))
    if not waves:
        return None

    def combined(pick: np.random.Generator | None) -> float:
        total, weights = 0.0, 0.0
        for wave, treated, control, weight in waves:
            if pick is None:
                estimate = _wave_estimate(cells, wave, treated, control)
            else:
                t = list(pick.choice(treated, size=len(treated), replace=True))
                c = list(pick.choice(control, size=len(control), replace=True))
                estimate = _resampled_estimate(cells, wave, t, c)
            if np.isfinite(estimate):
                total += weight * estimate
                weights += weight
        return total / weights if weights else float("nan")

    estimate = combined(None)
    every_treated = sorted({v for _, t, _, _ in waves for v in t})
    every_control = sorted({v for _, _, c, _ in waves for v in c})
    interval = None
    if len(every_treated) >= 2 and len(every_control) >= 2:
        rng = np.random.default_rng(seed)
        samples = np.array([combined(rng) for _ in range(draws)])
        samples = samples[np.isfinite(samples)]
        if samples.size:
            low, high = np.quantile(samples, [0.05, 0.95])
            interval = (float(low), float(high))
    return DiD(float(estimate), interval, tuple(every_treated), tuple(every_control))


def _resampled_estimate(
    cells: pd.DataFrame, wave: pd.Timestamp, treated: Sequence[str], control: Sequence[str]
) -> float:
    """The wave's estimate with segments drawn with replacement (a segment drawn twice
    counts twice in the pooled sums)."""
    at = wave.to_period("M")
    before = [(at - k).to_timestamp() for k in range(DID_SIDE, 0, -1)]
    after = [(at + k).to_timestamp() for k in range(1, DID_SIDE + 1)]

    def pooled(values: Sequence[str], months: Sequence[pd.Timestamp]) -> float:
        own = (
            cells[cells["month"].isin(months)].groupby("value")[["numerator", "denominator"]].sum()
        )
        picked = own.reindex(list(values)).fillna(0.0)
        denominator = float(picked["denominator"].sum())
        return float(picked["numerator"].sum()) / denominator if denominator > 0 else float("nan")

    return (pooled(treated, after) - pooled(treated, before)) - (
        pooled(control, after) - pooled(control, before)
    )
