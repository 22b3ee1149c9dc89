"""Shared chart style: one colour-blind-safe palette and axis conventions for every chart.

Pure Altair (no streamlit), so the pages and the exported brief draw the same charts.
The palette is Okabe-Ito, safe for the common colour-vision deficiencies.
"""

from __future__ import annotations

import altair as alt

# Okabe-Ito, in the order charts take them.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "grey": "#7A7A7A",
}
# Meanings used consistently across pages.
SAVINGS = PALETTE["green"]
GROSS = "#8FD1BC"  # a light tint of the savings green: the value before the risk haircut
COST = PALETTE["vermillion"]
NET = PALETTE["blue"]
GOAL = PALETTE["grey"]
NEUTRAL = PALETTE["sky"]
CATEGORY_RANGE = [
    PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "sky", "purple", "yellow", "grey")
]

FONT = "Source Sans Pro, Helvetica Neue, Arial, sans-serif"


def money_axis_format(currency: str) -> str:
    """A d3 format for money axes: '$,.0f' style with an SI suffix for large values."""
    return "$~s" if currency == "USD" else "~s"


def style(chart: alt.TopLevelMixin, *, height: int = 280) -> alt.TopLevelMixin:
    """Apply the house style: fonts, quiet grid, readable titles."""
    return (
        chart.properties(height=height)
        .configure(font=FONT)
        .configure_view(stroke=None)
        .configure_axis(
            labelFontSize=12, titleFontSize=12, gridColor="#E6E9EF", domainColor="#9AA3AF"
        )
        .configure_title(fontSize=15, anchor="start", subtitleFontSize=12, subtitleColor="#5B6472")
        .configure_legend(labelFontSize=12, titleFontSize=12, orient="top")
        .configure_range(category=CATEGORY_RANGE)
    )
