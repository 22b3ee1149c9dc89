"""Shared chart style: one colour-blind-safe palette and axis conventions for every chart.

Pure Altair (no streamlit), so the pages and the exported brief draw the same charts.
The palette is Okabe-Ito, safe for the common colour-vision deficiencies.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

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


# ---------------------------------------------------------------- events on time charts

EVENT_COLORS = {"release": PALETTE["purple"], "note": PALETTE["orange"]}
EVENT_COLUMNS = ("month", "kind", "label", "detail")


def event_markers(
    events: pd.DataFrame, *, x: str = "month", y_top: float | None = None
) -> alt.LayerChart | None:
    """Vertical markers for events on a time chart: releases and notes share this layer.

    `events` columns: month (datetime, the x position), kind ('release' or 'note'),
    label (short text, shown in the tooltip) and detail (longer text, tooltip). Labels
    are data, never markup: Vega renders them as text. Returns None without events, so
    callers layer it only when there is something to mark. `x` names the time field of
    the chart it is layered on; `y_top` places the marker symbols (the chart's top).
    """
    if events is None or events.empty:
        return None
    data = events.loc[:, list(EVENT_COLUMNS)].copy()
    data = data.rename(columns={"month": x})
    data[x] = pd.to_datetime(data[x])
    tooltip = [
        alt.Tooltip(f"{x}:T", title="Month", format="%b %Y"),
        alt.Tooltip("kind:N", title="What"),
        alt.Tooltip("label:N", title="Note"),
        alt.Tooltip("detail:N", title="Detail"),
    ]
    # Fixed colours per kind (no colour scale): the markers never join or split the
    # legend of the chart they are layered on.
    layers: list[alt.Chart] = []
    for kind in sorted(data["kind"].astype(str).unique()):
        own = data[data["kind"] == kind]
        colour = EVENT_COLORS.get(kind, GOAL)
        shape = "triangle-down" if kind == "note" else "diamond"
        layers.append(
            alt.Chart(own)
            .mark_rule(strokeDash=[3, 3], strokeWidth=1.5, opacity=0.8, color=colour)
            .encode(x=alt.X(f"{x}:T"), tooltip=tooltip)
        )
        y = alt.value(0) if y_top is None else alt.datum(y_top)
        layers.append(
            alt.Chart(own)
            .mark_point(filled=True, size=110, opacity=1, yOffset=6, color=colour, shape=shape)
            .encode(x=alt.X(f"{x}:T"), y=y, tooltip=tooltip)
        )
    return alt.LayerChart(layer=layers)


def note_events(notes: pd.DataFrame) -> pd.DataFrame:
    """Notes (columns month 'YYYY-MM', metric, author, text) as `event_markers` rows."""
    if notes is None or notes.empty:
        return pd.DataFrame(columns=list(EVENT_COLUMNS))
    metric = notes["metric"].fillna("").astype(str)
    about = metric.where(metric == "", " (" + metric.str.replace("_", " ") + ")")
    return pd.DataFrame(
        {
            "month": pd.to_datetime(notes["month"].astype(str) + "-01"),
            "kind": "note",
            "label": notes["text"].astype(str).str.slice(0, 120),
            "detail": notes["author"].astype(str) + about,
        }
    )
