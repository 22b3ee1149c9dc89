"""The one NaN guard: what counts as a number that can be shown, summed or compared. Pure."""

from __future__ import annotations

import math
from typing import SupportsFloat


def finite(value: object) -> float | None:
    """`value` as a finite float; None for None, NaN, infinities, pandas' NA and anything
    that is not a number (text and booleans included)."""
    if isinstance(value, bool) or not isinstance(value, SupportsFloat):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None
