"""Release effects (DESIGN section 4, "Releases"): before/after means, the segmented
regression (interrupted time series) and difference-in-differences for staggered
rollouts. Pure: takes monthly series and tables, returns frozen dataclasses.

Months are 'YYYY-MM' strings or first-of-month timestamps; a series is a pandas Series
indexed by first-of-month timestamps with NaN where the month is undefined.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

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


def window(series: pd.Series, release_month: object) -> pd.DataFrame:
    """The defined months a release effect reads: columns month (first of month), t
    (months from the release, -6..-1 and 1..6; the release month left out) and y."""
    at = _month(release_month).to_period("M")
    points = []
    for offset in [*range(-WINDOW, 0), *range(1, WINDOW + 1)]:
        month = (at + offset).to_timestamp()
        value = series.get(month, np.nan)
        if value is not None and np.isfinite(float(value)):
            points.append((month, offset, float(value)))
    return pd.DataFrame(points, columns=["month", "t", "y"])


def segmented_fit(frame: pd.DataFrame) -> tuple[Any, pd.DataFrame]:
    """OLS of y = a + b t + c post + d t post over a `window` frame: the fit and its
    design matrix (columns const, t, post, t_post)."""
    post = (frame["t"] > 0).astype(float)
    design = pd.DataFrame(
        {"const": 1.0, "t": frame["t"].astype(float), "post": post, "t_post": frame["t"] * post}
    )
    return sm.OLS(frame["y"].to_numpy(), design).fit(), design


def release_effect(series: pd.Series, release_month: object, role: str | None) -> Effect:
    """The effect of a release in `release_month` on `series` (see Effect)."""
    frame = window(series, release_month)
    before = frame[frame["t"] < 0]["y"]
    after = frame[frame["t"] > 0]["y"]
    n_before, n_after = len(before), len(after)
    if n_before < MIN_SIDE or n_after < MIN_SIDE:
        return Effect(None, None, None, None, None, None, n_before, n_after, NOT_ENOUGH)
    fit, _ = segmented_fit(frame)
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


def _side_sums(
    cells: pd.DataFrame, wave: pd.Timestamp, values: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per segment of `values`: numerator and denominator summed over the wave's months
    before (W-3..W-1) and after (W+1..W+3)."""
    at = wave.to_period("M")
    before = [(at - k).to_timestamp() for k in range(DID_SIDE, 0, -1)]
    after = [(at + k).to_timestamp() for k in range(1, DID_SIDE + 1)]

    def sums(months: Sequence[pd.Timestamp]) -> tuple[np.ndarray, np.ndarray]:
        own = cells[cells["month"].isin(months)].groupby("value")[["numerator", "denominator"]]
        table = own.sum().reindex(list(values)).fillna(0.0)
        return (
            table["numerator"].to_numpy(dtype=float),
            table["denominator"].to_numpy(dtype=float),
        )

    return (*sums(before), *sums(after))


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan
        )


def _change(sums: tuple[np.ndarray, ...], pick: np.ndarray | None) -> np.ndarray:
    """after minus before of the pooled metric; `pick` (draws x segments) resamples the
    segments (a segment drawn twice counts twice); None pools every segment once."""
    before_n, before_d, after_n, after_d = sums
    if pick is None:
        return np.array(
            [_ratio(after_n.sum(), after_d.sum()) - _ratio(before_n.sum(), before_d.sum())]
        ).ravel()
    change: np.ndarray = _ratio(after_n[pick].sum(axis=1), after_d[pick].sum(axis=1)) - _ratio(
        before_n[pick].sum(axis=1), before_d[pick].sum(axis=1)
    )
    return change


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
    segments (treated and control, with replacement; every draw at once) with numpy's
    seeded generator; waves whose estimate is undefined in a draw are left out of it.
    """
    rollouts = rollouts.assign(month=pd.to_datetime(rollouts["month"]))
    cells = cells.assign(month=pd.to_datetime(cells["month"]))
    present = set(cells["value"])
    never = present - set(rollouts["value"])
    waves = []
    for wave, group in rollouts.groupby("month"):
        treated = sorted(set(group["value"]) & present)
        limit = (wave.to_period("M") + DID_SIDE).to_timestamp()
        later = set(rollouts[rollouts["month"] > limit]["value"])
        at_wave = cells[(cells["month"] == wave) & (cells["eligible"] > 0)]
        control = sorted((set(at_wave["value"]) & (later | never)) - set(treated))
        if not treated or not control:
            continue
        weight = float(at_wave[at_wave["value"].isin(treated)]["eligible"].sum())
        waves.append(
            (
                treated,
                control,
                weight,
                _side_sums(cells, wave, treated),
                _side_sums(cells, wave, control),
            )
        )
    if not waves:
        return None

    def combined(rng: np.random.Generator | None, count: int) -> np.ndarray:
        total, weights = np.zeros(count), np.zeros(count)
        for treated, control, weight, t_sums, c_sums in waves:
            t_pick = None if rng is None else rng.integers(0, len(treated), (count, len(treated)))
            c_pick = None if rng is None else rng.integers(0, len(control), (count, len(control)))
            estimate = _change(t_sums, t_pick) - _change(c_sums, c_pick)
            finite = np.isfinite(estimate)
            total += np.where(finite, weight * np.nan_to_num(estimate), 0.0)
            weights += np.where(finite, weight, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(weights > 0, total / np.where(weights > 0, weights, 1), np.nan)

    estimate = float(combined(None, 1)[0])
    every_treated = sorted({v for t, _, _, _, _ in waves for v in t})
    every_control = sorted({v for _, c, _, _, _ in waves for v in c})
    interval = None
    if len(every_treated) >= 2 and len(every_control) >= 2:
        samples = combined(np.random.default_rng(seed), draws)
        samples = samples[np.isfinite(samples)]
        if samples.size:
            low, high = np.quantile(samples, [0.05, 0.95])
            interval = (float(low), float(high))
    return DiD(estimate, interval, tuple(every_treated), tuple(every_control))


# ------------------------------------------------------------------ a product's releases

SAVINGS = "savings"  # the risk-adjusted savings of a month, in money
HEART_ORDER = ("happiness", "engagement", "adoption", "retention", "task_success")
# The pooled counts of the metrics a difference-in-differences can measure per segment.
DID_COUNTS = {
    "adoption": ("active_eligible", "eligible"),
    "task_success": ("succeeded_true", "succeeded_known"),
}
DID_SEED = 20240601


@dataclass(frozen=True)
class MetricEffect:
    """A release's effect on one metric: a HEART dimension with a goal (role key or
    backstop) or savings (role None), and the difference-in-differences of a staggered
    rollout (adoption and task success only; None without one or without a control)."""

    metric: str
    role: str | None
    effect: Effect
    did: DiD | None = None


@dataclass(frozen=True)
class Release:
    """One release of a product with its effects; `rollout` names the segment attribute
    of its staggered rollout (None when everyone got it at once)."""

    release_id: str
    released_on: str  # YYYY-MM-DD
    title: str
    kind: str
    effects: tuple[MetricEffect, ...]
    rollout: str | None = None

    @property
    def hurt(self) -> tuple[str, ...]:
        """The backstops this release hurt."""
        return tuple(e.metric for e in self.effects if e.effect.verdict == HURT)


def metric_series(values: pd.DataFrame, metric: str) -> pd.Series:
    """The monthly series of one product's `metrics.monthly_values` rows that release
    effects read: a HEART dimension (happiness only in months with enough survey
    responses to be scored) or savings (risk-adjusted, money)."""
    months = pd.to_datetime(values["month"])
    if metric == SAVINGS:
        column = values["risk_adjusted_savings"].astype(float)
    elif metric == "happiness":
        column = values["happiness"].astype(float).where(values["happiness_scored"].astype(bool))
    else:
        column = values[metric].astype(float)
    return pd.Series(column.to_numpy(), index=months).sort_index()


def effect_metrics(roles: dict[str, str]) -> tuple[tuple[str, str | None], ...]:
    """(metric, role) pairs a release is judged on: every HEART dimension with a goal
    (in HEART order), then savings."""
    return (*((d, roles[d]) for d in HEART_ORDER if d in roles), (SAVINGS, None))


def _did_of(
    release_rollouts: pd.DataFrame, segment_rows: pd.DataFrame, metric: str
) -> tuple[str | None, DiD | None]:
    if release_rollouts.empty or metric not in DID_COUNTS:
        return (
            None if release_rollouts.empty else str(release_rollouts["attribute"].iloc[0])
        ), None
    attribute = str(sorted(release_rollouts["attribute"].unique())[0])
    numerator, denominator = DID_COUNTS[metric]
    rows = segment_rows[segment_rows["attribute"] == attribute]
    if rows.empty:
        return attribute, None
    cells = pd.DataFrame(
        {
            "value": rows["value"].astype(str),
            "month": pd.to_datetime(rows["month"]),
            "numerator": rows[numerator].astype(float),
            "denominator": rows[denominator].astype(float),
            "eligible": rows["eligible"].astype(float).fillna(0.0),
        }
    )
    own = release_rollouts[release_rollouts["attribute"] == attribute]
    waves = pd.DataFrame(
        {
            "value": own["value"].astype(str),
            "month": pd.to_datetime(own["rolled_out_on"]).dt.to_period("M").dt.to_timestamp(),
        }
    )
    return attribute, difference_in_differences(cells, waves, seed=DID_SEED)


def product_releases(
    releases: pd.DataFrame,
    values: pd.DataFrame,
    roles: dict[str, str],
    rollouts: pd.DataFrame | None = None,
    segment_rows: pd.DataFrame | None = None,
) -> tuple[Release, ...]:
    """Every release of one product with its effects (DESIGN section 4, "Releases").

    releases: product_id, release_id, released_on, title, kind (this product's, in the
    period); values: the product's `metrics.monthly_values` rows covering six months
    either side of each release; roles: dimension -> key/backstop from its HEART goals;
    rollouts: the product's rollouts rows; segment_rows: the per segment rollup rows of
    the rollouts' attributes around each wave."""
    series = {metric: metric_series(values, metric) for metric, _ in effect_metrics(roles)}
    out = []
    for release in releases.sort_values(["released_on", "release_id"]).itertuples():
        released = pd.Timestamp(release.released_on)
        own = (
            pd.DataFrame(columns=["release_id", "attribute", "value", "rolled_out_on"])
            if rollouts is None
            else rollouts[rollouts["release_id"] == release.release_id]
        )
        rows = segment_rows if segment_rows is not None else pd.DataFrame(columns=["attribute"])
        effects = []
        attribute = None
        for metric, role in effect_metrics(roles):
            attribute, did = _did_of(own, rows, metric)
            effect = release_effect(series[metric], released.to_period("M").to_timestamp(), role)
            effects.append(MetricEffect(metric, role, effect, did))
        out.append(
            Release(
                release_id=str(release.release_id),
                released_on=released.strftime("%Y-%m-%d"),
                title=str(release.title),
                kind=str(release.kind),
                effects=tuple(effects),
                rollout=attribute,
            )
        )
    return tuple(out)


def windows(released_on: pd.Series) -> tuple[str, str] | None:
    """The months ('YYYY-MM') from six before the first release to six after the last,
    the span the effects read; None without releases."""
    if released_on.empty:
        return None
    months = pd.to_datetime(released_on).dt.to_period("M")
    return (months.min() - WINDOW).strftime("%Y-%m"), (months.max() + WINDOW).strftime("%Y-%m")


def wave_span(rollouts: pd.DataFrame) -> tuple[str, str] | None:
    """The months ('YYYY-MM') a difference-in-differences reads around every wave."""
    if rollouts is None or rollouts.empty:
        return None
    months = pd.to_datetime(rollouts["rolled_out_on"]).dt.to_period("M")
    return (months.min() - DID_SIDE).strftime("%Y-%m"), (months.max() + DID_SIDE).strftime("%Y-%m")
