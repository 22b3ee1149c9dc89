"""Money over time: present value, ROI and payback (DESIGN section 4). Pure functions.

Flows are end-of-period amounts in the configured currency; rates are fractions per
period (0.10 is 10 %). Payback is in periods (months, for monthly flows).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

# A number or an array of them (a float, a numpy array, a pandas Series): the savings
# rules below are elementwise, so one function serves one task, a month or a projection.
Amount = TypeVar("Amount", float, "npt.NDArray[np.float64]", pd.Series)


# ---------------------------------------------------------------- the savings rule
# DESIGN section 4, written once: tasks done are events whose outcome is not a recorded
# failure; hours saved = tasks done x minutes saved per task / 60; gross savings = hours x
# the loaded hourly cost; risk-adjusted = gross x the baseline's confidence. The report,
# the Value page's ledger and the scenario model all call these; SQL returns counts.


def tasks_done(events: Amount, failed: Amount) -> Amount:
    """Events whose outcome is not a recorded failure (an unknown outcome counts)."""
    return events - failed


def hours_saved(tasks: Amount, minutes_per_task: Amount) -> Amount:
    """Hours saved by `tasks` done, each saving `minutes_per_task` minutes."""
    return tasks * minutes_per_task / 60.0


def risk_adjusted(amount: Amount, confidence: Amount) -> Amount:
    """An amount (hours or money) weighted by the baseline's confidence (0-1)."""
    return amount * confidence


def savings(hours: Amount, loaded_hourly_cost: Amount | float) -> Amount:
    """Money of `hours` at the loaded hourly cost (one, or one per draw)."""
    return hours * loaded_hourly_cost


def monthly_rate(annual_rate: float) -> float:
    """The monthly rate that compounds to `annual_rate` over twelve months (a fraction)."""
    if annual_rate <= -1:
        raise ValueError("an annual rate must be greater than -100%")
    return float((1.0 + annual_rate) ** (1.0 / 12.0) - 1.0)


def present_value(rate: float, flows: Sequence[float], initial: float = 0.0) -> float:
    """Present value of end-of-period `flows` at `rate` per period, plus `initial` at time 0.

    Flow i (0-based) is discounted by (1 + rate) ** (i + 1); `initial` is not discounted.
    """
    if rate <= -1:
        raise ValueError("a rate must be greater than -100%")
    factor = 1.0 / (1.0 + rate)
    total = 0.0
    discount = 1.0
    for flow in flows:
        discount *= factor
        total += flow * discount
    return initial + total


def roi(benefits: float, costs: float) -> float | None:
    """Return on investment (benefits - costs) / costs as a fraction; None when costs is 0."""
    if costs == 0:
        return None
    return (benefits - costs) / costs


def payback_periods(net_flows: Sequence[float], initial: float = 0.0) -> float | None:
    """Periods from the start until cumulative net value first turns from negative to >= 0.

    `initial` is the cumulative value at time 0. The crossing is interpolated linearly
    inside the period where it happens. Returns 0.0 when the cumulative value is never
    negative, and None when it is negative and never recovers within the flows.
    """
    cumulative = initial
    was_negative = cumulative < 0
    for period, flow in enumerate(net_flows):
        before = cumulative
        cumulative = before + flow
        if was_negative and cumulative >= 0:
            # before < 0 <= cumulative, so flow > 0 and the fraction lies in (0, 1].
            return period + (-before) / flow
        if cumulative < 0:
            was_negative = True
    if not was_negative:
        return 0.0
    return None


def cumulative(flows: Sequence[float], initial: float = 0.0) -> list[float]:
    """Running totals of `flows` starting from `initial` (one value per flow)."""
    totals = []
    running = initial
    for flow in flows:
        running += flow
        totals.append(running)
    return totals
