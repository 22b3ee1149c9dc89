"""The Scenarios page's model: tiles, sentences, tables and charts of one evaluation.

Pure (no streamlit). `views/scenarios.py` reads the sliders, calls
`valuemodel.core.scenario.evaluate` and renders what these functions return.

Three NPVs appear on the page and each is named where it appears: the **NPV** tile is
the chosen values' net present value (discounted); the projection chart ends on the
**net value over the horizon, undiscounted**; the draws' **median NPV (P50)** differs
from the tile because the uncertainty ranges are not symmetric.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import altair as alt
import pandas as pd

from valuemodel.core import scenario
from valuemodel.present import charts
from valuemodel.present import scenario_controls as controls_ui
from valuemodel.present.formats import MISSING, money, months, number, percent
from valuemodel.present.text import plain
from valuemodel.present.value import DeltaColor

BASELINE_SERIES = "Baseline (no change)"
CURRENT_SERIES = "Current sliders"
KEEP_SERIES = "Funded as today"
CUT_SERIES = "If cut"
SAME = "same as baseline"


@dataclass(frozen=True)
class Tile:
    """One headline figure. kind: normal (up is good), inverse (down is good), off (a
    change shown without colour or arrow, e.g. a cut's ROI, which is no win). A delta of
    None means the figure is the baseline's (shown as SAME)."""

    label: str
    value: str
    delta: str | None
    kind: DeltaColor
    help: str


def signed_money(value: float | None, currency: str) -> str:
    if value is None:
        return MISSING
    text = money(value, currency, compact=True)
    return text if value < 0 else f"+{text}"


def payback_text(value: float | None, horizon: int) -> str:
    if value is None:
        return f"> {horizon} months"
    return months(value)


def baseline_notes(baseline: scenario.Baseline) -> list[str]:
    """What a reader should know about the baseline window, as short clauses."""
    notes = []
    if baseline.task_actions == 0:
        notes.append("it has no task baselines, so it saves no measured time")
    elif baseline.has_usage and baseline.hours_saved == 0:
        notes.append("none of its timed tasks was done in these months")
    if 0 < baseline.usage_months < len(baseline.months):
        notes.append(f"only {baseline.usage_months} of the three months have usage")
    if not baseline.has_usage:
        notes.append("nobody used it in these months")
    if not baseline.retention_observed:
        notes.append("its churn could not be observed (no users in the months before)")
    return notes


def baseline_table(baseline: scenario.Baseline) -> pd.DataFrame:
    """The baseline's figures (columns Figure, Baseline), as text."""
    cur = baseline.currency
    rows = [
        ("Active users per month", number(baseline.active_users)),
        ("Eligible users", number(baseline.eligible_users)),
        ("Adoption", percent(baseline.adoption)),
        ("Timed tasks per active user per month", number(baseline.tasks_per_user, 1)),
        ("Task success rate (timed tasks)", percent(baseline.success_rate)),
        ("Minutes saved per task", number(baseline.minutes_saved, 1)),
        ("Confidence", percent(baseline.confidence)),
        ("Monthly churn (1 - retention)", percent(baseline.churn)),
        ("Hours saved per month", number(baseline.hours_saved)),
        ("Risk-adjusted savings per month", money(baseline.risk_adjusted_savings, cur)),
        ("Headcount cost per month", money(baseline.headcount, cur)),
        ("Infrastructure and licences per month", money(baseline.infrastructure, cur)),
        ("Other costs per month", money(baseline.other, cur)),
        ("Net value per month", money(baseline.net_value, cur)),
    ]
    return pd.DataFrame(rows, columns=["Figure", "Baseline"])


def intro(baseline: scenario.Baseline) -> str:
    """The page's lead sentence (Markdown; the product name escaped)."""
    window = f"{baseline.months[0]} to {baseline.months[-1]}"
    return (
        f"**{plain(baseline.product_name)}**: move the sliders to model a funding scenario "
        f"against the baseline of its last three complete months ({window}). Money in "
        f"{baseline.currency}; savings are risk-adjusted; NPV and ROI are discounted at the "
        "annual rate under More assumptions."
    )


def cut_summary(evaluation: scenario.Evaluation) -> str:
    """What cutting saves and what it loses against funding the product as today
    (Markdown; the product name escaped)."""
    cur = evaluation.baseline.currency
    horizon = evaluation.scenario.drivers.horizon_months
    s, r, d = evaluation.scenario.headline, evaluation.reference.headline, evaluation.deltas
    avoided = -float(d["cost"] or 0.0)
    lost = -float(d["risk_adjusted_savings"] or 0.0)
    npv_change = float(d["npv"] or 0.0)
    verdict = (
        f"NPV falls by **{money(abs(npv_change), cur, compact=True)}**"
        if npv_change < 0
        else f"NPV rises by **{money(npv_change, cur, compact=True)}**"
    )
    return (
        f"**Cutting {plain(evaluation.baseline.product_name)}** avoids "
        f"**{money(avoided, cur, compact=True)}** of cost over {horizon} months but gives up "
        f"**{money(lost, cur, compact=True)}** of risk-adjusted savings: against funding it as "
        f"today, {verdict} (NPV {money(r.npv, cur, compact=True)} funded as today, "
        f"{money(s.npv, cur, compact=True)} if cut)."
    )


def npv_note(evaluation: scenario.Evaluation) -> str:
    """Why the page shows three NPV-like figures, with their values."""
    cur = evaluation.baseline.currency
    horizon = evaluation.scenario.drivers.horizon_months
    s = evaluation.scenario.headline
    p50 = evaluation.uncertainty.npv_percentiles()["p50"]
    rate = percent(evaluation.scenario.drivers.discount_rate)
    return (
        f"Three figures, three questions: **NPV** {money(s.npv, cur, compact=True)} is the "
        f"chosen values discounted at {rate} a year; the projection chart ends on the **net "
        f"value over {horizon} months, undiscounted** ({money(s.net_value, cur, compact=True)}); "
        f"the **median NPV of the draws (P50)** {money(p50, cur, compact=True)} differs from the "
        "tile because the uncertainty ranges are not symmetric."
    )


def tiles(evaluation: scenario.Evaluation) -> list[Tile]:
    """The four headline tiles. A cut leads with what it avoids and gives up, and its ROI
    is shown without colour: a cut's high ROI is no win."""
    cur = evaluation.baseline.currency
    s, r, d = evaluation.scenario.headline, evaluation.reference.headline, evaluation.deltas
    horizon = evaluation.scenario.drivers.horizon_months
    if evaluation.scenario.drivers.cut:
        avoided = -float(d["cost"] or 0.0)
        lost = -float(d["risk_adjusted_savings"] or 0.0)
        return [
            Tile(
                f"Cost avoided over {horizon} months",
                money(avoided, cur, compact=True),
                f"as today: {money(r.cost, cur, compact=True)} of cost",
                "off",
                "Cost funded as today minus cost if cut, undiscounted, over the horizon.",
            ),
            Tile(
                f"Savings given up over {horizon} months",
                money(lost, cur, compact=True),
                f"if cut: {money(s.risk_adjusted_savings, cur, compact=True)} still saved",
                "off",
                "Risk-adjusted savings funded as today minus those if cut (users drift away "
                "at the observed churn, then the product is switched off), undiscounted.",
            ),
            Tile(
                "NPV change from cutting",
                signed_money(d["npv"], cur),
                f"{money(s.npv, cur, compact=True)} if cut vs "
                f"{money(r.npv, cur, compact=True)} as today",
                "normal" if abs(float(d["npv"] or 0.0)) >= 0.5 else "off",
                f"NPV if cut minus NPV funded as today, discounted at "
                f"{percent(evaluation.scenario.drivers.discount_rate)} a year.",
            ),
            Tile(
                "ROI if cut",
                percent(s.roi, 0),
                f"as today: {percent(r.roi, 0)}",
                "off",
                "NPV / PV(costs) of the cut case. It is high because little cost remains, "
                "not because cutting creates value: read the NPV change.",
            ),
        ]
    out = [
        Tile(
            f"NPV over {horizon} months",
            money(s.npv, cur, compact=True),
            None
            if abs(float(d["npv"] or 0.0)) < 0.5
            else f"{signed_money(d['npv'], cur)} vs baseline",
            "normal",
            f"Discounted: PV(risk-adjusted savings) - PV(costs) = {money(s.pv_benefits, cur)} - "
            f"{money(s.pv_costs, cur)}. Baseline: {money(r.npv, cur)}.",
        )
    ]
    roi_delta = d["roi"]
    if roi_delta is None:
        roi_change = None if s.roi == r.roi else f"baseline: {percent(r.roi, 0)}"
    else:
        roi_change = None if abs(roi_delta) < 5e-5 else f"{roi_delta * 100:+,.0f} pts vs baseline"
    out.append(
        Tile(
            "ROI",
            percent(s.roi, 0),
            roi_change,
            "off" if roi_delta is None else "normal",
            f"NPV / PV(costs); none when there is no cost. Baseline: {percent(r.roi, 0)}.",
        )
    )
    payback_delta = d["payback_months"]
    if payback_delta is None:
        payback_change = (
            None
            if s.payback_months == r.payback_months
            else f"baseline: {payback_text(r.payback_months, horizon)}"
        )
    else:
        payback_change = (
            None if abs(payback_delta) < 0.05 else f"{payback_delta:+,.1f} months vs baseline"
        )
    out.append(
        Tile(
            "Payback",
            payback_text(s.payback_months, horizon),
            payback_change,
            "off" if payback_delta is None else "inverse",
            "Months until the cumulative net value (undiscounted) first turns from negative "
            f"to zero or above; 0 when it is never negative, '> {horizon} months' when it "
            "does not recover within the horizon.",
        )
    )
    out.append(
        Tile(
            f"Hours saved over {horizon} months",
            number(s.hours_saved),
            None
            if abs(float(d["hours_saved"] or 0.0)) < 0.5
            else f"{d['hours_saved']:+,.0f} h vs baseline",
            "normal",
            "Tasks done x minutes saved / 60, before the confidence haircut. "
            f"Baseline: {number(r.hours_saved)} h.",
        )
    )
    return out


def uncertainty_table(evaluation: scenario.Evaluation) -> pd.DataFrame:
    """The spread of NPV and payback across the draws (columns Figure, Value)."""
    cur = evaluation.baseline.currency
    uncertainty = evaluation.uncertainty
    horizon = evaluation.scenario.drivers.horizon_months
    npv = uncertainty.npv_percentiles()
    payback = uncertainty.payback_percentiles()
    rows = [
        ("NPV, pessimistic (P10)", money(npv["p10"], cur)),
        ("NPV, median of the draws (P50)", money(npv["p50"], cur)),
        ("NPV, optimistic (P90)", money(npv["p90"], cur)),
        ("Chance NPV is below zero", percent(uncertainty.probability_negative_npv, 0)),
        ("Payback, fast (P10)", payback_text(payback["p10"], horizon)),
        ("Payback, median (P50)", payback_text(payback["p50"], horizon)),
        ("Payback, slow (P90)", payback_text(payback["p90"], horizon)),
        (f"No payback within {horizon} months", percent(uncertainty.share_not_paid_back, 0)),
    ]
    return pd.DataFrame(rows, columns=["Figure", "Value"])


UNCERTAINTY_NOTE = (
    "Triangular ranges around the chosen values: adoption target, ramp, tasks per user, "
    "minutes saved, success rate, cost per engineer, infrastructure spend and churn "
    "(README, Scenario model)."
)


def comparison_table(
    baseline: scenario.Baseline, columns: list[tuple[str, scenario.Projection]], horizon: int
) -> pd.DataFrame:
    """Saved scenarios side by side: headline figures, then every compared driver as the
    projection uses it (after a cut: no team, no improvement)."""
    cur = baseline.currency
    table_rows = [
        ("NPV (discounted)", [money(p.headline.npv, cur) for _, p in columns]),
        ("ROI", [percent(p.headline.roi, 0) for _, p in columns]),
        ("Payback", [payback_text(p.headline.payback_months, horizon) for _, p in columns]),
        ("Hours saved", [number(p.headline.hours_saved) for _, p in columns]),
        (
            "Risk-adjusted savings",
            [money(p.headline.risk_adjusted_savings, cur) for _, p in columns],
        ),
        ("Cost", [money(p.headline.cost, cur) for _, p in columns]),
    ]
    effective = [scenario.effective_drivers(baseline, p.drivers) for _, p in columns]
    for driver in controls_ui.COMPARED:
        table_rows.append(
            (
                scenario.DRIVERS[driver].label,
                [
                    controls_ui.format_driver(driver, getattr(modelled, driver), cur)
                    for modelled in effective
                ],
            )
        )
    return pd.DataFrame(
        [[label, *cells] for label, cells in table_rows],
        columns=[f"Over {horizon} months", *[label for label, _ in columns]],
    )


def saved_drivers(baseline: scenario.Baseline, stored: Mapping[str, object]) -> scenario.Drivers:
    """A saved scenario's drivers on this baseline (ValueError when they do not fit)."""
    return scenario.drivers_from_mapping(
        scenario.baseline_drivers(baseline), dict(stored), strict=False, baseline=baseline
    )


def saved_names(saved: pd.DataFrame) -> dict[int, str]:
    """Saved scenarios' names by id, in the stored order."""
    return {int(i): str(n) for i, n in zip(saved["scenario_id"], saved["name"], strict=True)}


def comparison_columns(
    evaluation: scenario.Evaluation,
    saved: pd.DataFrame,
    picked: Sequence[int],
    horizon: int,
) -> tuple[list[tuple[str, scenario.Projection]], list[str]]:
    """The baseline, the current sliders and each picked saved scenario projected over
    `horizon` months, as (label, projection); and, as escaped Markdown clauses, the picked
    scenarios left out because they do not fit this baseline."""
    baseline = evaluation.baseline
    names = saved_names(saved)
    columns: list[tuple[str, scenario.Projection]] = [
        (BASELINE_SERIES, evaluation.reference),
        (CURRENT_SERIES, evaluation.scenario),
    ]
    problems = []
    for scenario_id in picked:
        row = saved[saved["scenario_id"] == scenario_id]
        if row.empty:
            continue
        label = names[scenario_id]
        if label in (BASELINE_SERIES, CURRENT_SERIES):
            label = f"{label} (saved)"
        try:
            drivers = saved_drivers(baseline, dict(row.iloc[0]["drivers"]))
        except ValueError as exc:
            problems.append(f"“{plain(label)}”: {plain(str(exc))}")
            continue
        drivers = dataclasses.replace(drivers, horizon_months=horizon)
        columns.append((label, scenario.project(baseline, drivers)))
    return columns, problems


def compare_curves(columns: list[tuple[str, scenario.Projection]]) -> pd.DataFrame:
    """Cumulative net value of each compared projection, long form (month,
    cumulative_net_value, series)."""
    return pd.concat(
        [p.monthly[["month", "cumulative_net_value"]].assign(series=label) for label, p in columns],
        ignore_index=True,
    )


# ------------------------------------------------------------------ charts


def projection_chart(evaluation: scenario.Evaluation) -> charts.TopChart:
    """Cumulative net value of the scenario with its P10-P90 band, against the baseline."""
    cur = evaluation.baseline.currency
    horizon = evaluation.scenario.drivers.horizon_months
    delta = float(evaluation.deltas["npv"] or 0.0)
    cut = evaluation.scenario.drivers.cut
    if cut:
        verb = "gives up" if delta < 0 else "gains"
        title = (
            f"Cutting it {verb} {money(abs(delta), cur, compact=True)} of NPV against funding "
            f"it as today, over {horizon} months"
        )
    elif abs(delta) < 0.5:
        title = (
            "Keeping today's funding is worth "
            f"{money(evaluation.reference.headline.npv, cur, compact=True)} "
            f"of NPV over {horizon} months"
        )
    else:
        verb = "adds" if delta > 0 else "loses"
        title = (
            f"This scenario {verb} {money(abs(delta), cur, compact=True)} of NPV "
            f"against the baseline over {horizon} months"
        )
    mine, theirs = (CUT_SERIES, KEEP_SERIES) if cut else ("This scenario", BASELINE_SERIES)
    bands = evaluation.uncertainty.bands.copy()
    bands["date"] = pd.to_datetime(bands["month"])
    for column in ("p10", "p50", "p90"):
        bands[f"{column}_text"] = [money(v, cur) for v in bands[column]]
    lines = pd.concat(
        [
            evaluation.scenario.monthly.assign(series=mine),
            evaluation.reference.monthly.assign(series=theirs),
        ]
    )
    lines["date"] = pd.to_datetime(lines["month"])
    lines["value_text"] = [money(v, cur) for v in lines["cumulative_net_value"]]
    axis_format = charts.money_axis_format(cur)
    x = alt.X("date:T", title="Month", axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=8))
    band = (
        alt.Chart(bands)
        .mark_area(opacity=0.18, color=charts.NET)
        .encode(
            x=x,
            y=alt.Y(
                "p10:Q", title=f"Cumulative net value ({cur})", axis=alt.Axis(format=axis_format)
            ),
            y2=alt.Y2("p90:Q"),
            tooltip=[
                alt.Tooltip("month:N", title="Month"),
                alt.Tooltip("p10_text:N", title="P10"),
                alt.Tooltip("p50_text:N", title="P50"),
                alt.Tooltip("p90_text:N", title="P90"),
            ],
        )
    )
    domain = [mine, theirs]
    line = (
        alt.Chart(lines)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=x,
            y=alt.Y("cumulative_net_value:Q"),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=domain, range=[charts.NET, charts.GOAL]),
                legend=alt.Legend(title=None),
            ),
            strokeDash=alt.StrokeDash(
                "series:N", scale=alt.Scale(domain=domain, range=[[1, 0], [6, 4]]), legend=None
            ),
            tooltip=[
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("month:N", title="Month"),
                alt.Tooltip("value_text:N", title="Cumulative net value"),
            ],
        )
    )
    zero = (
        alt.Chart(pd.DataFrame({"zero": [0.0]}))
        .mark_rule(color="#9AA3AF")
        .encode(y=alt.Y("zero:Q"))
    )
    chart = alt.layer(band, zero, line).properties(
        title=alt.Title(
            title,
            subtitle=(
                f"Net value over the horizon, cumulative and undiscounted (the NPV tile is "
                f"discounted). Shaded: P10 to P90 of {evaluation.uncertainty.draws:,} draws."
            ),
        )
    )
    return charts.style(chart, height=380)


def tornado_chart(evaluation: scenario.Evaluation) -> charts.TopChart:
    """The NPV at each end of each driver's range, the others held."""
    cur = evaluation.baseline.currency
    center = evaluation.scenario.headline.npv
    rows = []
    order = []
    for row in evaluation.tornado.itertuples():
        low = controls_ui.format_driver(row.driver, row.low_value, cur)
        high = controls_ui.format_driver(row.driver, row.high_value, cur)
        order.append(row.label)
        for end, value, npv in (
            ("Driver at the low end", low, row.npv_low),
            ("Driver at the high end", high, row.npv_high),
        ):
            rows.append(
                {
                    "driver": row.label,
                    "end": end,
                    "value": value,
                    "center": center,
                    "npv": npv,
                    "npv_text": money(npv, cur),
                    "swing_text": money(row.swing, cur),
                }
            )
    frame = pd.DataFrame(rows)
    top = order[0].lower() if order else "nothing"
    bars = (
        alt.Chart(frame)
        .mark_bar(opacity=0.9)
        .encode(
            y=alt.Y("driver:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X(
                "center:Q",
                title=f"NPV ({cur})",
                axis=alt.Axis(format=charts.money_axis_format(cur)),
            ),
            x2=alt.X2("npv:Q"),
            color=alt.Color(
                "end:N",
                scale=alt.Scale(
                    domain=["Driver at the low end", "Driver at the high end"],
                    range=[charts.PALETTE["orange"], charts.PALETTE["blue"]],
                ),
                legend=alt.Legend(title=None),
            ),
            tooltip=[
                alt.Tooltip("driver:N", title="Driver"),
                alt.Tooltip("value:N", title="Value"),
                alt.Tooltip("npv_text:N", title="NPV"),
                alt.Tooltip("swing_text:N", title="Swing"),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"npv": [center]}))
        .mark_rule(color=charts.GOAL, strokeDash=[4, 3])
        .encode(x=alt.X("npv:Q"))
    )
    chart = alt.layer(bars, rule).properties(
        title=alt.Title(
            f"NPV is most sensitive to {top}",
            subtitle="Each driver at the ends of its range, the others as set.",
        )
    )
    # Streamlit fits the whole chart (title and legend too) in this height.
    return charts.style(chart, height=150 + 30 * len(order))


def distribution_title(evaluation: scenario.Evaluation) -> str:
    """The histogram's title, following the scenario: a cut is judged against funding
    the product as today, never as 'creating value' on its own."""
    uncertainty = evaluation.uncertainty
    draws = f"{uncertainty.draws:,}"
    if evaluation.scenario.drivers.cut:
        beats = float((uncertainty.npv > evaluation.reference.headline.npv).mean())
        if beats == 0:
            return f"In none of {draws} draws does cutting beat funding it as today"
        if beats == 1:
            return f"In every one of {draws} draws, cutting beats funding it as today"
        return f"In {percent(beats, 0)} of {draws} draws, cutting beats funding it as today"
    negative = uncertainty.probability_negative_npv
    if negative == 0:
        return f"Every one of {draws} draws creates value"
    if negative == 1:
        return f"Every one of {draws} draws loses money"
    return f"{percent(negative, 0)} of {draws} draws lose money"


def distribution_chart(evaluation: scenario.Evaluation) -> charts.TopChart:
    """The NPV of the draws; losses and gains coloured apart (for a cut: below and above
    the NPV of funding the product as today, marked by a dashed rule)."""
    cur = evaluation.baseline.currency
    uncertainty = evaluation.uncertainty
    cut = evaluation.scenario.drivers.cut
    frame = scenario.npv_histogram(uncertainty)
    threshold = evaluation.reference.headline.npv if cut else 0.0
    low_label, high_label = (
        ("Worse than funding as today", "Better than funding as today")
        if cut
        else ("Loses money", "Creates value")
    )
    frame["outcome"] = [
        low_label if (a + b) / 2 < threshold else high_label
        for a, b in zip(frame["npv_from"], frame["npv_to"], strict=True)
    ]
    frame["range_text"] = [
        f"{money(a, cur)} to {money(b, cur)}"
        for a, b in zip(frame["npv_from"], frame["npv_to"], strict=True)
    ]
    frame["share_text"] = [percent(v) for v in frame["share"]]
    p = uncertainty.npv_percentiles()
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "npv_from:Q",
                bin="binned",
                title=f"NPV ({cur}){' if cut' if cut else ''}",
                axis=alt.Axis(format=charts.money_axis_format(cur)),
            ),
            x2=alt.X2("npv_to:Q"),
            y=alt.Y("share:Q", title="Share of draws", axis=alt.Axis(format="%")),
            color=alt.Color(
                "outcome:N",
                scale=alt.Scale(
                    domain=[low_label, high_label], range=[charts.COST, charts.SAVINGS]
                ),
                legend=alt.Legend(title=None, labelLimit=320),
            ),
            tooltip=[
                alt.Tooltip("range_text:N", title="NPV"),
                alt.Tooltip("share_text:N", title="Share of draws"),
            ],
        )
    )
    layers: list[alt.Chart] = [bars]
    subtitle = (
        f"NPV of the draws: P10 {money(p['p10'], cur, compact=True)}, "
        f"median (P50) {money(p['p50'], cur, compact=True)}, "
        f"P90 {money(p['p90'], cur, compact=True)}."
    )
    if cut:
        layers.append(
            alt.Chart(pd.DataFrame({"npv": [threshold]}))
            .mark_rule(color=charts.GOAL, strokeDash=[6, 4], strokeWidth=2)
            .encode(x=alt.X("npv:Q"))
        )
        subtitle += f" Dashed: NPV funded as today, {money(threshold, cur, compact=True)}."
    chart = alt.layer(*layers).properties(
        title=alt.Title(distribution_title(evaluation), subtitle=subtitle)
    )
    return charts.style(chart, height=340)


def compare_chart(curves: pd.DataFrame, currency: str, horizon: int) -> charts.TopChart:
    """Cumulative net value of several scenarios on one chart."""
    final = curves.sort_values("month", kind="stable").groupby("series", sort=False).tail(1)
    best = final.sort_values("cumulative_net_value", ascending=False, kind="stable").iloc[0]
    curves = curves.assign(
        date=pd.to_datetime(curves["month"]),
        value_text=[money(v, currency) for v in curves["cumulative_net_value"]],
    )
    domain = list(dict.fromkeys(curves["series"]))
    palette = [
        charts.GOAL,
        charts.NET,
        charts.PALETTE["orange"],
        charts.PALETTE["green"],
        charts.PALETTE["purple"],
    ]
    chart = (
        alt.Chart(curves)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X(
                "date:T", title="Month", axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=8)
            ),
            y=alt.Y(
                "cumulative_net_value:Q",
                title=f"Cumulative net value ({currency})",
                axis=alt.Axis(format=charts.money_axis_format(currency)),
            ),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=domain, range=palette[: len(domain)]),
                legend=alt.Legend(title=None, labelLimit=260),
            ),
            tooltip=[
                alt.Tooltip("series:N", title="Scenario"),
                alt.Tooltip("month:N", title="Month"),
                alt.Tooltip("value_text:N", title="Cumulative net value"),
            ],
        )
        .properties(
            title=alt.Title(
                f"“{best['series']}” ends {horizon} months with the most net value "
                f"({money(best['cumulative_net_value'], currency, compact=True)})",
                subtitle="Cumulative net value, undiscounted, each scenario on today's baseline.",
            )
        )
    )
    return charts.style(chart, height=340)


# ------------------------------------------------------------------ the page's wording

PORTFOLIO_PROMPT = (
    "**Scenarios model one product at a time**: what two more engineers would buy, "
    "and what cutting it would lose. Pick a product below or in the sidebar."
)
BASELINE_CAPTION = (
    "Usage figures pool the months with active users; costs average the months with "
    "cost rows. The Value page shows the same months' realized figures."
)
CUT_NOTE = (
    "Cut: the team goes to zero and no outcome improves, so the funding and "
    "outcome sliders are set aside."
)
COMPARE_HINT = "Pick saved scenarios above to see them beside the current sliders."
SLIDER_GROUPS = (("funding", "Funding"), ("outcomes", "Outcomes"))


def window(baseline: scenario.Baseline) -> str:
    """The baseline's months, 'first to last'."""
    return f"{baseline.months[0]} to {baseline.months[-1]}"


def has_baseline(baseline: scenario.Baseline) -> bool:
    """A baseline to project from: some usage or some cost in its months."""
    return baseline.has_usage or baseline.cost != 0


def no_baseline_notice(baseline: scenario.Baseline) -> str:
    return (
        f"**{plain(baseline.product_name)} has no usage and no costs from {window(baseline)}**, "
        "so there is no baseline to project from. Move the end of the period in the sidebar "
        "to months with data, or import this product's data on the Data page."
    )


def baseline_notice(baseline: scenario.Baseline) -> str | None:
    """One line on what to know about the baseline window, or None."""
    notes = baseline_notes(baseline)
    return "About this baseline: " + "; ".join(notes) + "." if notes else None


def product_options(names: Mapping[str, str]) -> list[str]:
    """Product ids in the order of their names, case-insensitive."""
    return sorted(names, key=lambda pid: str(names[pid]).lower())


def control_groups(
    specs: Sequence[controls_ui.Control],
) -> dict[str, list[controls_ui.Control]]:
    """The sliders by group (cut, funding, outcomes, more), in their own order."""
    groups: dict[str, list[controls_ui.Control]] = {}
    for control in specs:
        groups.setdefault(control.group, []).append(control)
    return groups


def timing_note(seconds: float, draws: int) -> str:
    return (
        f"Computed in {seconds * 1000:,.0f} ms ({draws:,} draws). "
        "The address bar holds the sliders that differ from the baseline: copy it to "
        "share this scenario."
    )


def left_out_warning(problems: Sequence[str]) -> str:
    return "Left out, as they do not fit this baseline: " + "; ".join(problems) + "."


def no_saved_notice(editing: bool) -> str:
    return "No saved scenarios for this product yet." + (
        " Save the current sliders to compare them later." if editing else ""
    )


def saved_caption(author: object, created_at: object, updated_at: object) -> str:
    """Who saved a scenario and when (Markdown; the author escaped)."""
    author_text = f" by {author}" if author else ""
    return (
        f"Saved{plain(author_text)}, "
        f"created {pd.Timestamp(created_at):%Y-%m-%d %H:%M} UTC, "
        f"updated {pd.Timestamp(updated_at):%Y-%m-%d %H:%M} UTC."
    )


def saved_flash(name: str) -> str:
    return f"Saved “{plain(name.strip())}”."


def not_saved(problem: Exception) -> str:
    return f"Not saved: {plain(str(problem))}."


def delete_question(name: str) -> str:
    return f"Delete “{plain(name)}” for everyone?"
