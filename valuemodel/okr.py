"""OKR ladder-up: how strongly a product metric moves with a key result. Pure.

Pearson r between the product metric's monthly series and the key result's monthly
measurements, pairing product month m with key-result month m + lag, lag 0..3 (the
product leading). A lag counts only with at least MIN_PAIRS months where both are
defined and neither side is constant; the reported lag has the largest |r| (the smaller
lag on a tie).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_LAG = 3
MIN_PAIRS = 6


@dataclass(frozen=True)
class LinkStrength:
    """r (-1..1), lag_months (0..3) and months (pairs behind r); all None when there is
    not enough data."""

    r: float | None
    lag_months: int | None
    months: int | None

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
    """Pearson's r, or None when either side is constant."""
    dx = x - x.mean()
    dy = y - y.mean()
    denominator = math.sqrt(float((dx * dx).sum()) * float((dy * dy).sum()))
    if denominator == 0 or not math.isfinite(denominator):
        return None
    r = float((dx * dy).sum()) / denominator
    return max(-1.0, min(1.0, r))


def link_strength(
    metric: pd.Series,
    key_result: pd.Series,
    *,
    max_lag: int = MAX_LAG,
    min_pairs: int = MIN_PAIRS,
) -> LinkStrength:
    """Best-lag correlation of a monthly product metric with a key result's measurements.

    Both series are indexed by month (anything pandas reads as a date); NaN is undefined.
    """
    product = _monthly(metric)
    kr = _monthly(key_result)
    if product.empty or kr.empty:
        return NOT_ENOUGH
    best = NOT_ENOUGH
    for lag in range(max_lag + 1):
        shifted = pd.Series(product.to_numpy(), index=product.index + lag)
        paired = pd.concat([shifted, kr], axis=1, join="inner").dropna()
        if len(paired) < min_pairs:
            continue
        r = pearson(paired.iloc[:, 0].to_numpy(), paired.iloc[:, 1].to_numpy())
        if r is None:
            continue
        if best.r is None or abs(r) > abs(best.r) + 1e-12:
            best = LinkStrength(r=r, lag_months=lag, months=len(paired))
    return best


def kr_progress(baseline: float, target: float, latest: float | None) -> float | None:
    """(latest - baseline) / (target - baseline) as a fraction; None without a measurement."""
    if latest is None or target == baseline:
        return None
    return (latest - baseline) / (target - baseline)
