"""Intervals and correlations behind the numbers a skeptical reader asks about. Pure.

DESIGN section 4 ("second round"): every interval here is a 90% interval.
- NPS: NPS +- z x 100 x sqrt((P + D - (P - D)^2) / n), clipped to -100..100, with P and
  D the shares of promoters (9-10) and detractors (0-6) among n responses.
- a rate (retention, task success): the Wilson score interval from statsmodels'
  `proportion_confint(method="wilson", alpha=0.10)`, n the rate's denominator.
- a correlation r over n pairs: Fisher's z, tanh(atanh(r) +- z / sqrt(n - 3)); none when
  n <= 3 or |r| = 1.
Pearson's r itself comes from scipy.

Intervals are (low, high) tuples in the value's own unit (NPS points, fractions, r), or
None when undefined.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import proportion_confint

CONFIDENCE = 0.90
ALPHA = 1.0 - CONFIDENCE
# DESIGN section 4 writes z = 1.645 for 90%; statsmodels uses the exact normal quantile
# (1.64485...) for Wilson, which agrees to four decimals.
Z90 = 1.645

PERFECT_TOLERANCE = 1e-9

Interval = tuple[float, float]


def nps(promoters: int, detractors: int, responses: int) -> float | None:
    """100 x (P - D) as NPS points (-100..100); None without responses."""
    if responses <= 0:
        return None
    return 100.0 * (promoters - detractors) / responses


def nps_interval(
    promoters: int, detractors: int, responses: int, *, z: float = Z90
) -> Interval | None:
    """The 90% interval of an NPS in NPS points, clipped to -100..100; None without
    responses. The variance of (P - D) per answer is P + D - (P - D)^2."""
    if responses <= 0:
        return None
    p = promoters / responses
    d = detractors / responses
    centre = 100.0 * (p - d)
    half = z * 100.0 * math.sqrt(max(0.0, p + d - (p - d) ** 2) / responses)
    return max(-100.0, centre - half), min(100.0, centre + half)


def nps_intervals(
    promoters: pd.Series, detractors: pd.Series, responses: pd.Series, *, z: float = Z90
) -> tuple[pd.Series, pd.Series]:
    """nps_interval over aligned series: (low, high), NaN where there are no responses."""
    n = responses.astype(float)
    n_safe = n.where(n > 0)
    p = promoters.astype(float) / n_safe
    d = detractors.astype(float) / n_safe
    centre = 100.0 * (p - d)
    half = z * 100.0 * np.sqrt(((p + d - (p - d) ** 2).clip(lower=0.0)) / n_safe)
    return (centre - half).clip(lower=-100.0), (centre + half).clip(upper=100.0)


def wilson_interval(successes: int, total: int, *, alpha: float = ALPHA) -> Interval | None:
    """The Wilson score interval of successes / total as fractions; None when total is 0."""
    if total <= 0:
        return None
    low, high = proportion_confint(successes, total, alpha=alpha, method="wilson")
    return max(0.0, float(low)), min(1.0, float(high))


def wilson_intervals(
    successes: pd.Series, totals: pd.Series, *, alpha: float = ALPHA
) -> tuple[pd.Series, pd.Series]:
    """wilson_interval over aligned series: (low, high) fractions, NaN where total is 0."""
    count = successes.astype(float).to_numpy()
    nobs = totals.astype(float).to_numpy()
    defined = nobs > 0
    low = np.full(len(nobs), np.nan)
    high = np.full(len(nobs), np.nan)
    if defined.any():
        lo, hi = proportion_confint(count[defined], nobs[defined], alpha=alpha, method="wilson")
        low[defined] = np.clip(lo, 0.0, 1.0)
        high[defined] = np.clip(hi, 0.0, 1.0)
    return pd.Series(low, index=successes.index), pd.Series(high, index=successes.index)


def pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    """Pearson's r (scipy), or None with fewer than 2 pairs or when either side is constant."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if len(x) < 2 or len(x) != len(y) or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    with warnings.catch_warnings():
        # Nearly constant input warns but still has an r; exactly constant is excluded.
        warnings.simplefilter("ignore", category=scipy_stats.ConstantInputWarning)
        r = float(scipy_stats.pearsonr(x, y).statistic)
    if not math.isfinite(r):
        return None
    return max(-1.0, min(1.0, r))


def fisher_interval(r: float | None, n: int | None, *, z: float = Z90) -> Interval | None:
    """The 90% interval of a correlation by Fisher's z: tanh(atanh(r) +- z / sqrt(n - 3)).

    None when r or n is missing, n <= 3 or |r| = 1 (atanh is infinite there).
    """
    if r is None or n is None or n <= 3 or not math.isfinite(r) or is_perfect(r):
        return None
    centre = float(np.arctanh(r))
    half = z / math.sqrt(n - 3)
    return float(np.tanh(centre - half)), float(np.tanh(centre + half))


def is_perfect(r: float) -> bool:
    """True for |r| = 1 up to floating-point noise (scipy returns 0.9999999999999998)."""
    return abs(r) >= 1.0 - PERFECT_TOLERANCE


def excludes_zero(interval: Interval | None) -> bool:
    """True when an interval lies entirely above or entirely below 0."""
    return interval is not None and (interval[0] > 0 or interval[1] < 0)


__all__ = [
    "ALPHA",
    "CONFIDENCE",
    "Z90",
    "Interval",
    "excludes_zero",
    "fisher_interval",
    "is_perfect",
    "nps",
    "nps_interval",
    "nps_intervals",
    "pearson",
    "wilson_interval",
    "wilson_intervals",
]
