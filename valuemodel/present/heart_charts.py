"""Charts of the HEART view (pure Altair): dimension series against goals, the index,
the user lifecycle, reach, cohorts, durations, NPS and the portfolio score heatmap.

Shared by the HEART page and the Overview, so both draw the same charts.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from valuemodel.core.contract import HEART_DIMENSIONS
from valuemodel.present import charts, heart
from valuemodel.present import formats as formatting

MONTH_AXIS = alt.Axis(format="%b %Y", labelAngle=0, title=None, tickCount="month")
BAR_MONTH_AXIS = alt.Axis(labelAngle=0, title=None, labelOverlap=True)


def month_band(frame: pd.DataFrame) -> alt.X:
    """A band per calendar month (bars centred on their month, every month on the axis)."""
    labels = list(dict.fromkeys(frame["month"].dt.strftime("%b %Y")))
    return alt.X("month_label:O", axis=BAR_MONTH_AXIS, sort=labels, scale=alt.Scale(domain=labels))


def with_month_label(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(month_label=frame["month"].dt.strftime("%b %Y"))


DIMENSION_COLOURS = {
    "happiness": charts.PALETTE["purple"],
    "engagement": charts.PALETTE["orange"],
    "adoption": charts.PALETTE["blue"],
    "retention": charts.PALETTE["green"],
    "task_success": charts.PALETTE["vermillion"],
}
LIFECYCLE_COLOURS = [
    charts.PALETTE["sky"],
    charts.PALETTE["blue"],
    charts.PALETTE["green"],
    charts.PALETTE["vermillion"],
]


# ---------------------------------------------------------------- charts (rendering only)


def styled(chart: charts.AnyChart, *, height: int) -> charts.AnyChart:
    """The house style, with `height` as the plot's own height (titles, legends and axes
    come on top), so rows of a heatmap or a bar chart never get squeezed."""
    fit = alt.AutoSizeParams(type="fit-x", contains="padding")
    return charts.style(chart, height=height, autosize=fit)


def dimension_chart(
    dimension: str,
    series: pd.DataFrame,
    target: float | None,
    *,
    title: tuple[str, str] | None = None,
    height: int = 200,
    compact: bool = False,
    low_confidence_months: int = 0,
    min_responses: int = heart.LOW_CONFIDENCE_RESPONSES,
) -> charts.TopChart:
    """One product's monthly values of a dimension, with its goal as a dashed line and,
    for happiness, retention and task success, its 90% interval as a band (series
    columns low and high, from `heart.monthly_scores`).

    compact: a small multiple (no axis title; the subtitle carries the unit and goal).
    """
    axis_title, axis_format = heart.AXIS[dimension]
    colour = DIMENSION_COLOURS[dimension]
    base = alt.Chart(series).encode(
        x=alt.X("month:T", axis=MONTH_AXIS),
        tooltip=[
            alt.Tooltip("month:T", title="Month", format="%Y-%m"),
            alt.Tooltip("value_text:N", title=heart.DIMENSION_LABELS[dimension]),
            alt.Tooltip("target_text:N", title="Goal"),
            alt.Tooltip("score_text:N", title="Score (0-100)"),
            *(
                [alt.Tooltip("interval_text:N", title="90% interval")]
                if "interval_text" in series.columns
                else []
            ),
        ],
    )
    y_scale = alt.Scale(zero=dimension != "happiness")
    layers: list[alt.Chart | alt.LayerChart] = []
    if dimension in heart.WITH_INTERVAL and {"low", "high"} <= set(series.columns):
        layers.append(
            base.transform_filter("isValid(datum.low) && isValid(datum.high)")
            .mark_area(color=colour, opacity=0.18)
            .encode(y=alt.Y("low:Q", scale=y_scale), y2=alt.Y2("high:Q"))
        )
    line = base.mark_line(
        color=colour, strokeWidth=2.5, point=alt.OverlayMarkDef(color=colour, size=45)
    ).encode(
        y=alt.Y(
            "value:Q",
            title=None if compact else axis_title,
            axis=alt.Axis(format=axis_format, tickCount=4 if compact else alt.Undefined),
            scale=y_scale,
        )
    )
    layers.append(line)
    layers += charts.current_markers()
    if target is not None:
        goal = pd.DataFrame({"target": [target]})
        layers.append(
            alt.Chart(goal)
            .mark_rule(color=charts.GOAL, strokeDash=[6, 4], strokeWidth=2)
            .encode(y=alt.Y("target:Q"))
        )
    text, subtitle = title or (
        heart.series_title(dimension, series[["month", "value"]], target),
        heart.series_subtitle(
            series[["month", "value"]], target, low_confidence_months, min_responses
        )
        + ("; band: 90% interval" if dimension in heart.WITH_INTERVAL else ""),
    )
    heading = alt.TitleParams(text=text, subtitle=subtitle)
    return styled(alt.layer(*layers).properties(title=heading), height=height)


def index_chart(
    index: pd.DataFrame, title: str, colour_field: str | None = None
) -> charts.TopChart:
    """HEART index by month (0-100), one line per product when `colour_field` is given."""
    encoding = {
        "x": alt.X("month:T", axis=MONTH_AXIS),
        "y": alt.Y("heart_index:Q", title="HEART index (0-100)", scale=alt.Scale(domain=[0, 100])),
        "tooltip": [
            alt.Tooltip("month:T", title="Month", format="%Y-%m"),
            alt.Tooltip("heart_index:Q", title="HEART index", format=".0f"),
        ],
    }
    if colour_field:
        encoding["color"] = alt.Color(f"{colour_field}:N", title=None)
        encoding["tooltip"] = [
            alt.Tooltip(f"{colour_field}:N", title="Product"),
            *encoding["tooltip"],
        ]
        mark = alt.Chart(index).mark_line(strokeWidth=2, point=True)
    else:
        mark = alt.Chart(index).mark_line(color=charts.NET, strokeWidth=2.5, point=True)
    chart = alt.layer(mark.encode(**encoding), *charts.current_markers())
    return styled(chart.properties(title=title), height=230)


def lifecycle_chart(long: pd.DataFrame, title: tuple[str, str]) -> charts.TopChart:
    """New, returning and resurrected users above the axis; users gone dormant below."""
    long = with_month_label(long)
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=month_band(long),
            y=alt.Y("bar:Q", title="Users (dormant below zero)", stack="zero"),
            color=alt.Color(
                "state:N",
                title=None,
                sort=[heart.LIFECYCLE_LABELS[s] for s in heart.LIFECYCLE_STATES],
                scale=alt.Scale(
                    domain=[heart.LIFECYCLE_LABELS[s] for s in heart.LIFECYCLE_STATES],
                    range=LIFECYCLE_COLOURS,
                ),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("month:T", title="Month", format="%Y-%m"),
                alt.Tooltip("state:N", title="Users"),
                alt.Tooltip("users:Q", title="Count", format=","),
            ],
        )
    )
    band = list(dict.fromkeys(long["month_label"]))
    chart = alt.layer(chart, *charts.current_markers(band=band)).properties(
        title=alt.TitleParams(text=title[0], subtitle=title[1])
    )
    return styled(chart, height=280)


def reach_chart(values: pd.DataFrame, target: float | None, title: str) -> charts.TopChart:
    """Active users per month against the eligible population (and the adoption goal)."""
    frame = with_month_label(values[["month", "active_users", "eligible_users", "adoption"]])
    frame["adoption_text"] = [formatting.percent(a) for a in frame["adoption"]]
    bars = (
        alt.Chart(frame)
        .mark_bar(color=charts.NEUTRAL)
        .encode(
            x=month_band(frame),
            y=alt.Y("active_users:Q", title="Users"),
            tooltip=[
                alt.Tooltip("month:T", title="Month", format="%Y-%m"),
                alt.Tooltip("active_users:Q", title="Active users", format=","),
                alt.Tooltip("eligible_users:Q", title="Eligible users", format=","),
                alt.Tooltip("adoption_text:N", title="Adoption"),
            ],
        )
    )
    eligible = int(frame["eligible_users"].iloc[-1]) if not frame.empty else 0
    lines = [{"y": eligible, "label": f"eligible {formatting.number(eligible)}", "dash": False}]
    if target is not None:
        lines.append(
            {
                "y": target * eligible,
                "label": f"goal {formatting.percent(target, 0)} of eligible",
                "dash": True,
            }
        )
    rules = pd.DataFrame(lines)
    layers = [bars]
    for row in rules.itertuples():
        one = rules[rules["label"] == row.label]
        layers.append(
            alt.Chart(one)
            .mark_rule(color=charts.GOAL, strokeWidth=2, strokeDash=[6, 4] if row.dash else [1, 0])
            .encode(y=alt.Y("y:Q"))
        )
        layers.append(
            alt.Chart(one)
            .mark_text(align="left", dx=4, dy=-7, color=charts.GOAL, fontSize=12)
            .encode(y=alt.Y("y:Q"), x=alt.value(0), text=alt.Text("label:N"))
        )
    layers += charts.current_markers(band=list(dict.fromkeys(frame["month_label"])))
    return styled(alt.layer(*layers).properties(title=title), height=280)


def adoption_by_product_chart(frame: pd.DataFrame, title: str) -> charts.TopChart:
    """Each product's adoption in the last month, with its goal as a tick."""
    frame = frame.copy()
    frame["adoption_text"] = [formatting.percent(a) for a in frame["adoption"]]
    frame["reach"] = [
        f"{formatting.number(a)} of {formatting.number(e)}"
        for a, e in zip(frame["active_users"], frame["eligible_users"], strict=True)
    ]
    frame["target_text"] = [
        formatting.percent(t) if pd.notna(t) else heart.NO_GOAL for t in frame["target"]
    ]
    y = alt.Y("name:N", title=None, sort="-x", axis=alt.Axis(labelLimit=200))
    tooltip = [
        alt.Tooltip("name:N", title="Product"),
        alt.Tooltip("reach:N", title="Active of eligible"),
        alt.Tooltip("adoption_text:N", title="Adoption"),
        alt.Tooltip("target_text:N", title="Goal"),
    ]
    bars = (
        alt.Chart(frame)
        .mark_bar(color=DIMENSION_COLOURS["adoption"], height=16)
        .encode(
            x=alt.X(
                "adoption:Q",
                title="Active users / eligible users",
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            y=y,
            tooltip=tooltip,
        )
    )
    labels = (
        alt.Chart(frame)
        .mark_text(align="left", dx=4, fontSize=12)
        .encode(x=alt.X("adoption:Q"), y=y, text=alt.Text("reach:N"))
    )
    goals = (
        alt.Chart(frame[frame["target"].notna()])
        .mark_tick(color="#222222", thickness=3, size=24)
        .encode(x=alt.X("target:Q"), y=y, tooltip=tooltip)
    )
    chart = alt.layer(bars, labels, goals).properties(title=title)
    return styled(chart, height=max(160, 34 * len(frame)))


def cohort_chart(grid: pd.DataFrame, title: str) -> charts.TopChart:
    """Share of each monthly cohort active k months after its first month."""
    frame = grid[grid["months_since"] > 0].copy()
    frame["cohort_label"] = [
        f"{c} ({formatting.number(n)} users)"
        for c, n in zip(frame["cohort"], frame["cohort_users"], strict=True)
    ]
    frame["share_text"] = [formatting.percent(s, 0) for s in frame["share"]]
    order = list(dict.fromkeys(frame["cohort_label"]))
    base = alt.Chart(frame).encode(
        x=alt.X(
            "months_since:O",
            title="Months after the first active month",
            axis=alt.Axis(labelAngle=0),
        ),
        y=alt.Y(
            "cohort_label:N",
            title="Cohort (first active month)",
            sort=order,
            axis=alt.Axis(labelLimit=240),
        ),
        tooltip=[
            alt.Tooltip("cohort:N", title="Cohort"),
            alt.Tooltip("cohort_users:Q", title="Users in cohort", format=","),
            alt.Tooltip("months_since:O", title="Months later"),
            alt.Tooltip("active_users:Q", title="Still active", format=","),
            alt.Tooltip("share_text:N", title="Share active"),
        ],
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "share:Q",
            title="Share active",
            scale=alt.Scale(domain=[0, 1], scheme="blues"),
            legend=alt.Legend(format=".0%"),
        )
    )
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("share_text:N"),
        color=alt.condition(alt.datum.share > 0.6, alt.value("white"), alt.value("#1F2937")),
    )
    chart = alt.layer(cells, text).properties(title=title)
    return styled(chart, height=max(180, 26 * len(order)))


def duration_chart(series: pd.DataFrame, title: str) -> charts.TopChart:
    """Median task duration per action and month, in minutes."""
    frame = series.copy()
    frame["duration_text"] = [heart.format_duration(s) for s in frame["duration_median"]]
    chart = (
        alt.Chart(frame)
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X("month:T", axis=MONTH_AXIS),
            y=alt.Y("duration_minutes:Q", title="Median duration (minutes)"),
            color=alt.Color("action:N", title="Action"),
            tooltip=[
                alt.Tooltip("month:T", title="Month", format="%Y-%m"),
                alt.Tooltip("action:N", title="Action"),
                alt.Tooltip("duration_text:N", title="Median duration"),
                alt.Tooltip("duration_count:Q", title="Events with a duration", format=","),
            ],
        )
    )
    return styled(alt.layer(chart, *charts.current_markers()).properties(title=title), height=260)


def nps_chart(nps: pd.DataFrame, target: float | None, title: str) -> charts.TopChart:
    """Monthly NPS bars (each month's rolling quarter) with their 90% intervals as error
    bars; quarters with too few responses to score in a pale tint; counts on top."""
    frame = with_month_label(nps)
    frame["nps_text"] = [formatting.nps(v) for v in frame["happiness"]]
    frame["n_text"] = [f"n={n:,}" for n in frame["responses"]]
    frame["reading"] = ["too few to score" if low else "scored" for low in frame["low_confidence"]]
    if "low" in frame.columns:
        frame["interval_text"] = [
            heart.format_interval("happiness", (lo, hi)) or formatting.MISSING
            for lo, hi in zip(frame["low"], frame["high"], strict=True)
        ]
    x = month_band(frame)
    tooltip = [
        alt.Tooltip("month:T", title="Month", format="%Y-%m"),
        alt.Tooltip("nps_text:N", title="NPS"),
        alt.Tooltip("responses:Q", title="Responses", format=","),
        alt.Tooltip("promoters:Q", title="Promoters (9-10)", format=","),
        alt.Tooltip("detractors:Q", title="Detractors (0-6)", format=","),
        alt.Tooltip("confidence:N", title="Scored"),
        *([alt.Tooltip("interval_text:N", title="90% interval")] if "low" in frame.columns else []),
    ]
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("happiness:Q", title="NPS (-100 to 100)", axis=alt.Axis(format="+d")),
            color=alt.Color(
                "reading:N",
                title="Reading",
                scale=alt.Scale(
                    domain=["scored", "too few to score"],
                    range=[DIMENSION_COLOURS["happiness"], "#E8C3D9"],
                ),
            ),
            tooltip=tooltip,
        )
    )
    counts_above = (
        alt.Chart(frame)
        .transform_filter("datum.happiness >= 0")
        .mark_text(dy=-8, fontSize=11, color="#374151")
        .encode(x=x, y=alt.Y("happiness:Q"), text=alt.Text("n_text:N"), tooltip=tooltip)
    )
    counts_below = (
        alt.Chart(frame)
        .transform_filter("datum.happiness < 0")
        .mark_text(dy=9, fontSize=11, color="#374151")
        .encode(x=x, y=alt.Y("happiness:Q"), text=alt.Text("n_text:N"), tooltip=tooltip)
    )
    layers: list[alt.Chart | alt.LayerChart] = [bars, counts_above, counts_below]
    if "low" in frame.columns:
        layers.append(
            alt.Chart(frame)
            .transform_filter("isValid(datum.low) && isValid(datum.high)")
            .mark_rule(color="#374151", strokeWidth=1.5, opacity=0.7)
            .encode(x=x, y=alt.Y("low:Q"), y2=alt.Y2("high:Q"), tooltip=tooltip)
        )
    if target is not None:
        goal = pd.DataFrame({"target": [target], "label": [f"goal {formatting.nps(target)}"]})
        layers.append(
            alt.Chart(goal)
            .mark_rule(color=charts.GOAL, strokeDash=[6, 4], strokeWidth=2)
            .encode(y=alt.Y("target:Q"))
        )
        layers.append(
            alt.Chart(goal)
            .mark_text(align="left", dx=4, dy=-7, color=charts.GOAL, fontSize=12)
            .encode(y=alt.Y("target:Q"), x=alt.value(0), text=alt.Text("label:N"))
        )
    layers += charts.current_markers(band=list(dict.fromkeys(frame["month_label"])))
    return styled(alt.layer(*layers).properties(title=title), height=260)


def score_heatmap(grid: pd.DataFrame, title: str) -> charts.TopChart:
    """Products by HEART dimension: the score as colour and number, gaps named in text."""
    columns = [heart.DIMENSION_LABELS[d] for d in HEART_DIMENSIONS] + ["HEART index"]
    order = list(dict.fromkeys(grid["name"]))
    base = alt.Chart(grid).encode(
        x=alt.X(
            "column:N",
            title=None,
            sort=columns,
            axis=alt.Axis(orient="top", labelAngle=0, labelFontSize=13),
        ),
        y=alt.Y("name:N", title=None, sort=order, axis=alt.Axis(labelFontSize=13, labelLimit=220)),
        tooltip=[
            alt.Tooltip("name:N", title="Product"),
            alt.Tooltip("column:N", title="Dimension"),
            alt.Tooltip("text:N", title="Score (0-100)"),
        ],
    )
    empty = base.mark_rect(color="#F3F4F6", stroke="white", strokeWidth=2)
    scored = (
        base.transform_filter("isValid(datum.score)")
        .mark_rect(stroke="white", strokeWidth=2)
        .encode(
            color=alt.Color(
                "score:Q",
                title="Score (100 = goal met)",
                scale=alt.Scale(domain=[0, 50, 100], range=[charts.COST, "#F7F7F7", charts.NET]),
            )
        )
    )
    text = base.mark_text(fontSize=13).encode(
        text=alt.Text("text:N"),
        color=alt.condition(
            "isValid(datum.score) && (datum.score >= 85 || datum.score <= 15)",
            alt.value("white"),
            alt.value("#1F2937"),
        ),
    )
    chart = alt.layer(empty, scored, text).properties(title=title)
    return styled(chart, height=max(160, 44 * len(order)))
