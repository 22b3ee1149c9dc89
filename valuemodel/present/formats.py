"""How numbers read on screen, in the CLI and in the brief. Pure.

Money in the configured currency with thousands separators and a minus sign for losses;
ratios as percentages; undefined values as an em dash, never 'nan' or 'None'.
"""

from __future__ import annotations

import math

MISSING = "—"
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CNY": "¥"}


def _missing(value: float | None) -> bool:
    return value is None or not math.isfinite(value)


def money(value: float | None, currency: str = "USD", *, compact: bool = False) -> str:
    """'$1,234,567' or '-$12,300' (compact: '$1.2M', '-$12.3K'); whole units."""
    if value is None or _missing(value):
        return MISSING
    symbol = SYMBOLS.get(currency)
    sign = "-" if value < 0 else ""
    amount = abs(value)
    if compact:
        for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
            if amount >= threshold:
                body = f"{amount / threshold:,.1f}{suffix}"
                break
        else:
            body = f"{amount:,.0f}"
    else:
        body = f"{amount:,.0f}"
    if symbol:
        return f"{sign}{symbol}{body}"
    return f"{sign}{body} {currency}"


def percent(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: 0.423 -> '42.3%'."""
    if value is None or _missing(value):
        return MISSING
    return f"{value * 100:,.{digits}f}%"


def number(value: float | None, digits: int = 0) -> str:
    """Thousands separators: 1234567 -> '1,234,567'."""
    if value is None or _missing(value):
        return MISSING
    return f"{value:,.{digits}f}"


def months(value: float | None) -> str:
    """A duration in months: 7.25 -> '7.3 months', 0 -> '0 months'."""
    if value is None or _missing(value):
        return MISSING
    if value == 0:
        return "0 months"
    unit = "month" if round(value, 1) == 1 else "months"
    return f"{value:,.1f} {unit}"


def nps(value: float | None) -> str:
    """An NPS with its sign: 23.4 -> '+23'."""
    if value is None or _missing(value):
        return MISSING
    return f"{value:+.0f}"


def signed_percent(value: float | None, digits: int = 1) -> str:
    """A change as a signed percentage: 0.05 -> '+5.0%'."""
    if value is None or _missing(value):
        return MISSING
    return f"{value * 100:+,.{digits}f}%"


def score(value: float | None) -> str:
    """A 0-100 score as a whole number, never rounded up to 100: 99.6 -> '99', so '100'
    always means every goal behind it is met."""
    if value is None or _missing(value):
        return MISSING
    if 99 < value < 100:
        return "99"
    return f"{value:.0f}"
