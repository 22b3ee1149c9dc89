"""Calendar months and periods: the one owner of 'YYYY-MM' text, month arithmetic and
the `Period` value type (an inclusive range of months, UTC)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

MONTH_PATTERN = r"\d{4}-(0[1-9]|1[0-2])"
_MONTH = re.compile(rf"^{MONTH_PATTERN}$")
MAX_PERIOD_MONTHS = 240


class ReportError(ValueError):
    """The request cannot be answered (bad period, unknown product); the message says why."""


def is_month(text: object) -> bool:
    """Whether `text` is a 'YYYY-MM' month."""
    return isinstance(text, str) and bool(_MONTH.match(text))


def month_range(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` inclusive, as YYYY-MM strings."""
    periods = pd.period_range(first, last, freq="M")
    return [str(p) for p in periods]


def shift(month: str, months: int) -> str:
    """`month` moved by `months` (negative: earlier), 'YYYY-MM'."""
    return str(pd.Period(month, freq="M") + months)


def previous_period(first: str, last: str) -> tuple[str, str]:
    """The period of equal length that ends the month before `first`."""
    months = len(month_range(first, last))
    start = pd.Period(first, freq="M")
    return str(start - months), str(start - 1)


@dataclass(frozen=True)
class Period:
    """An inclusive range of calendar months, 'YYYY-MM'."""

    first: str
    last: str

    @property
    def months(self) -> list[str]:
        return month_range(self.first, self.last)

    def previous(self) -> Period:
        return Period(*previous_period(self.first, self.last))


def parse_period(first: str, last: str) -> Period:
    """Validate two 'YYYY-MM' strings into a Period; ReportError says what is wrong."""
    for label, value in (("--from", first), ("--to", last)):
        if not is_month(value or ""):
            raise ReportError(f"{label} {value!r} is not a month; write it as YYYY-MM")
    if first > last:
        raise ReportError(f"the period starts ({first}) after it ends ({last})")
    if len(month_range(first, last)) > MAX_PERIOD_MONTHS:
        raise ReportError("the period is longer than 20 years; choose a shorter one")
    return Period(first, last)


def last_complete_month(today: dt.date) -> str:
    """The calendar month before `today`'s month, 'YYYY-MM'."""
    return str(pd.Period(today, freq="M") - 1)


def default_period(data_months: tuple[str, str] | None, today: dt.date) -> Period:
    """The last 12 complete months of data: ending at the latest complete month with data."""
    last = last_complete_month(today)
    if data_months is not None and data_months[1] < last:
        last = data_months[1]
    first = str(pd.Period(last, freq="M") - 11)
    return Period(first, last)


PRESETS = ("Last 12 months", "Year to date", "Last quarter", "Last fiscal year")


def preset_period(name: str, months: list[str], *, fiscal_start: int = 1) -> Period | None:
    """The months of a named preset that ends at the last month of `months` (oldest
    first, 'YYYY-MM'), clipped to `months`; None for an unknown name or no months.

    Last 12 months: the 12 months ending at the last one. Year to date: January (or the
    fiscal year's first month) to the last one. Last quarter: the last complete calendar
    quarter. Last fiscal year: the 12 months of the last complete fiscal year (a fiscal
    year starting in January is the calendar year).
    """
    if not months or name not in PRESETS:
        return None
    last = months[-1]
    year, month = int(last[:4]), int(last[5:7])
    if name == "Last 12 months":
        first, end = shift(last, -11), last
    elif name == "Year to date":
        start_year = year if month >= fiscal_start else year - 1
        first, end = f"{start_year:04d}-{fiscal_start:02d}", last
    elif name == "Last quarter":
        quarter_end = ((month - 1) // 3) * 3 + 3  # the quarter holding `last`
        end = f"{year:04d}-{quarter_end:02d}"
        if end != last:  # that quarter is not complete: take the one before
            end = shift(end, -3)
        first = shift(end, -2)
    else:
        start_year = year if month >= fiscal_start else year - 1
        first = f"{start_year - 1:04d}-{fiscal_start:02d}"
        end = shift(first, 11)
    lo, hi = max(first, months[0]), min(end, last)
    if lo > hi:
        return None
    return Period(lo, hi)
