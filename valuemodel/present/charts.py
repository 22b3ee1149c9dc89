"""Shared chart style: one colour-blind-safe palette and axis conventions for every chart.

Pure Altair (no streamlit), so the pages and the exported brief draw the same charts.
The palette is Okabe-Ito, safe for the common colour-vision deficiencies.
"""

from __future__ import annotations

import textwrap
from contextvars import ContextVar
from typing import Any, TypeVar

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
# How much larger chart text is drawn: 1 on a screen, PRESENTING in a room (12 px axis
# text becomes 17 px). Set per script run by the shell; a context variable, so one
# viewer presenting never enlarges another viewer's charts.
PRESENTING = 1.4
type_scale: ContextVar[float] = ContextVar("type_scale", default=1.0)


def money_axis_format(currency: str) -> str:
    """A d3 format for money axes: '$,.0f' style with an SI suffix for large values."""
    return "$~s" if currency == "USD" else "~s"


TITLE_CHARS, SUBTITLE_CHARS = 42, 64  # a line of either fits a half-width chart at 1024


def _lines(text: Any, width: int) -> Any:
    """A long title as lines of at most `width` characters (Vega never wraps a title;
    it runs past the chart's box and is cut)."""
    if isinstance(text, str) and len(text) > width:
        return textwrap.wrap(text, width, break_long_words=False)
    return text


def _wrapped_title(chart: Any, width: int, sub_width: int) -> Any:
    """The chart's title with long lines wrapped (Undefined when it has none)."""
    title = getattr(chart, "title", alt.Undefined)
    if isinstance(title, str):
        return alt.Title(_lines(title, width))
    if isinstance(title, alt.Title):
        spec = title.to_dict()
        spec["text"] = _lines(spec.get("text"), width)
        if "subtitle" in spec:
            spec["subtitle"] = _lines(spec["subtitle"], sub_width)
        return alt.Title(**spec)
    return title


# Any top-level Altair chart; `style` returns the same kind it was given, so that
# `st.altair_chart` (typed for the concrete chart classes) accepts the result.
# A finished top-level chart, as the page and `st.altair_chart` take it.
TopChart = (
    alt.Chart
    | alt.LayerChart
    | alt.FacetChart
    | alt.ConcatChart
    | alt.HConcatChart
    | alt.VConcatChart
    | alt.RepeatChart
)
AnyChart = TypeVar("AnyChart", bound=TopChart)


def style(
    chart: AnyChart,
    *,
    height: int | alt.Step = 280,
    autosize: alt.AutoSizeParams | None = None,
) -> AnyChart:
    """Apply the house style: fonts, quiet grid, readable titles; text and height grow
    with `type_scale` (presentation mode), so charts scale with the page's text.

    One copy of the chart, its title, height and whole configuration set on it: each of
    Altair's `.properties()` and `.configure_*()` copies a layered chart with all its
    layers, which cost more than the rest of a chart's building on the Scenarios page.
    The spec is the one the chained calls gave (a test compares them)."""
    k = type_scale.get()
    text, title = round(12 * k), round(15 * k)
    label_colour = "#1F2937" if k > 1 else "#4B5563"
    styled: Any = chart.copy(deep=False)
    wrapped = _wrapped_title(chart, round(TITLE_CHARS / k), round(SUBTITLE_CHARS / k))
    if wrapped is not alt.Undefined:
        styled.title = wrapped
    styled.height = round(height * (1 + (k - 1) / 2)) if isinstance(height, int | float) else height
    if autosize is not None:  # e.g. fit-x: the plot's width is the column's
        styled.autosize = autosize
    styled.config = alt.Config(
        font=FONT,
        view=alt.ViewConfig(stroke=None),
        axis=alt.AxisConfig(
            labelFontSize=text,
            titleFontSize=text,
            labelColor=label_colour,
            titleColor=label_colour,
            gridColor="#E6E9EF",
            domainColor="#9AA3AF",
        ),
        title=alt.TitleConfig(
            fontSize=title, anchor="start", subtitleFontSize=text, subtitleColor="#5B6472"
        ),
        # Two entries a row: a legend never runs wider than a half-width chart at 1024.
        legend=alt.LegendConfig(labelFontSize=text, titleFontSize=text, orient="top", columns=2),
        text=alt.MarkConfig(fontSize=text),
        range=alt.RangeConfig(category=CATEGORY_RANGE),
    )
    return styled


# ---------------------------------------------------------------- events on time charts

EVENT_COLORS = {"release": PALETTE["purple"], "note": PALETTE["orange"]}
EVENT_COLUMNS = ("month", "kind", "label", "detail")


def _layers(
    data: pd.DataFrame, x: alt.X, month: alt.Tooltip, y: Any = None, *, symbols: bool = True
) -> alt.LayerChart:
    """A dashed rule (and a symbol at `y`) per event, coloured by kind with fixed colours
    (no colour scale), so markers never join or split the legend of their chart."""
    tooltip = [
        month,
        alt.Tooltip("kind:N", title="What"),
        alt.Tooltip("label:N", title="Note"),
        alt.Tooltip("detail:N", title="Detail"),
    ]
    layers: list[alt.Chart] = []
    for kind in sorted(data["kind"].astype(str).unique()):
        own = data[data["kind"] == kind]
        colour = EVENT_COLORS.get(kind, GOAL)
        layers.append(
            alt.Chart(own)
            .mark_rule(strokeDash=[3, 3], strokeWidth=1.5, opacity=0.8, color=colour)
            .encode(x=x, tooltip=tooltip)
        )
        if symbols:
            shape = "triangle-down" if kind == "note" else "diamond"
            layers.append(
                alt.Chart(own)
                .mark_point(filled=True, size=110, opacity=1, yOffset=6, color=colour, shape=shape)
                .encode(x=x, y=alt.value(0) if y is None else y, tooltip=tooltip)
            )
    return alt.LayerChart(layer=layers)


def event_markers(
    events: pd.DataFrame | None, *, x: str = "month", y_top: float | None = None
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
    data = events.loc[:, list(EVENT_COLUMNS)].rename(columns={"month": x})
    data[x] = pd.to_datetime(data[x])
    month = alt.Tooltip(f"{x}:T", title="Month", format="%b %Y")
    return _layers(data, alt.X(f"{x}:T"), month, None if y_top is None else alt.datum(y_top))


# The events (releases and notes) of the product on screen: set once per run by the
# shell, read by every time chart, so each marks the same events the same way.
time_events: ContextVar[pd.DataFrame | None] = ContextVar("time_events", default=None)


def current_markers(
    *,
    x: str = "month",
    y_top: float | None = None,
    band: list[str] | None = None,
    shift_months: int = 0,
    ordinal: str | None = None,
) -> list[alt.LayerChart]:
    """The marker layer of `time_events` for a time chart whose time field is `x`, as a
    list to splice into the chart's layers (empty without events). `band`: the month
    labels ('Jan 2026') of a chart with one band per month (x field `month_label`); the
    markers then sit on their month's band, and events outside the chart are left out.
    `shift_months` moves every event later (a series drawn with a lag); `ordinal` names
    an ordinal time encoding such as 'yearmonth(month):O' (bars grouped by month), where
    rules sit mid-band."""
    events = time_events.get()
    if events is None or events.empty:
        return []
    events = events.loc[:, list(EVENT_COLUMNS)].assign(month=pd.to_datetime(events["month"]))
    if shift_months:
        events["month"] = (events["month"].dt.to_period("M") + shift_months).dt.to_timestamp()
    if ordinal is not None:
        month = alt.Tooltip("month:T", title="Month", format="%b %Y")
        return [_layers(events, alt.X(ordinal, bandPosition=0.5), month, symbols=False)]
    if band is not None:
        events["month_label"] = events["month"].dt.strftime("%b %Y")
        events = events[events["month_label"].isin(band)]
        if events.empty:
            return []
        x_band = alt.X("month_label:O", sort=band, scale=alt.Scale(domain=band))
        return [_layers(events, x_band, alt.Tooltip("month_label:N", title="Month"))]
    markers = event_markers(events, x=x, y_top=y_top)
    return [] if markers is None else [markers]


def combine_events(*frames: pd.DataFrame | None) -> pd.DataFrame | None:
    """`event_markers` rows of several sources (releases, notes) in one frame."""
    kept = [f.loc[:, list(EVENT_COLUMNS)] for f in frames if f is not None and not f.empty]
    return pd.concat(kept, ignore_index=True) if kept else None


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
