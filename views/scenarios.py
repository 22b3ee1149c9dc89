"""Scenarios: what-if funding for one product.

Sliders change a scenario's drivers; `valuemodel.core.scenario` computes the projection, its
uncertainty band, the change against the no-change baseline and the tornado. Everything a
slider touches runs inside one fragment fed with the cached baseline, so a slider move
reruns that part only, never the page's queries. Slider values that differ from the
baseline live in the URL (`?product=ci&s_fte=2.5&s_adoption=95`), so a copied link
reproduces the scenario; the session keeps each product's sliders while you look around.
"""

from __future__ import annotations

import dataclasses
import re
import time

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import data, ui
from valuemodel.core import scenario
from valuemodel.present import charts
from valuemodel.present import scenario_controls as controls_ui
from valuemodel.present.formats import MISSING, money, months, number, percent

MAX_COMPARE = 3
FLASH = "scenario_flash"
STATE = "scenario_sliders"  # {product_id: {driver: slider value off the baseline, "cut": bool}}
URL_OWNER = "scenario_url_owner"  # the product whose sliders the URL holds
BASELINE_SERIES = "Baseline (no change)"
CURRENT_SERIES = "Current sliders"

EXPLAIN = {
    "team_fte": "Engineers funded on the product. The data holds headcount cost, not heads: "
    "the team is that cost over the cost per engineer (under More assumptions).",
    "infrastructure_spend": "Infrastructure and licence spend per month.",
    "adoption_target": "Share of the eligible users active in a month once the targets "
    "have landed; it moves there in a straight line over the ramp months.",
    "minutes_saved": "Minutes a task saves against the old way (the task baselines, "
    "weighted by tasks done). An estimate: its uncertainty range scales the whole path.",
    "success_rate": "Share of tasks with a recorded outcome that succeed. A recorded "
    "failure saves nothing.",
    "confidence": "Share of the savings counted (risk adjustment, Forrester TEI).",
    "ramp_months": "Months for the outcome targets to land, in a straight line.",
    "tasks_per_user": "Attempts of the timed tasks per active user per month.",
    "cost_per_fte": "Loaded monthly cost of one engineer.",
    "loaded_hourly_cost": "What an hour of the users' time is worth (stored assumption).",
    "cost_risk": "Share added to every cost, for overruns (TEI cost risk).",
    "discount_rate": "Annual rate for present values (stored assumption).",
    "horizon_months": "How far the projection runs.",
    "churn": "Share of users lost each month once nobody improves the product "
    "(observed: 1 - retention over the baseline months).",
    "maintenance_share": "Share of the infrastructure and licence spend still paid while "
    "the product winds down.",
    "wind_down_months": "Months the product keeps running unmaintained before it is "
    "switched off; after that there are no users and no costs.",
}
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: str) -> str:
    """User text shown inside Markdown, with every Markdown character escaped."""
    return _MARKDOWN.sub(r"\\\1", text)


def key_for(baseline: scenario.Baseline, driver: str) -> str:
    """The widget key of a driver's slider for this product and baseline window (a new
    window gives new ranges, hence new widgets fed from the stored values)."""
    return f"scn_{controls_ui.URL_NAMES[driver]}_{baseline.product_id}_{baseline.months[-1]}"


def stored_values(baseline: scenario.Baseline) -> dict[str, float | bool]:
    """This session's slider values for the product: only those off the baseline, plus
    'cut'. The session's first scenario takes them from the link (the URL)."""
    state = st.session_state.setdefault(STATE, {})
    pid = baseline.product_id
    if pid not in state:
        values: dict[str, float | bool] = {}
        cut = False
        if st.session_state.get(URL_OWNER) is None:
            params = {k: st.query_params.get(k) for k in st.query_params}
            found, cut = controls_ui.values_from_url(baseline, params)  # type: ignore[arg-type]
            values.update(found)
        values["cut"] = cut
        state[pid] = values
    return state[pid]


def write_url(baseline: scenario.Baseline, stored: dict[str, float | bool]) -> None:
    """Mirror the sliders in the address bar (only those off the baseline)."""
    numbers = {k: float(v) for k, v in stored.items() if k != "cut"}
    desired = controls_ui.url_params(baseline, numbers, bool(stored.get("cut")))
    for name in controls_ui.URL_NAMES.values():
        param = controls_ui.URL_PREFIX + name
        if param in desired:
            if st.query_params.get(param) != desired[param]:
                st.query_params[param] = desired[param]
        elif param in st.query_params:
            del st.query_params[param]
    st.session_state[URL_OWNER] = baseline.product_id


def signed_money(value: float | None, currency: str) -> str:
    if value is None:
        return MISSING
    text = money(value, currency, compact=True)
    return text if value < 0 else f"+{text}"


def payback_text(value: float | None, horizon: int) -> str:
    if value is None:
        return f"> {horizon} months"
    return months(value)


# ------------------------------------------------------------------ the product


def _pick_product() -> None:
    choice = st.session_state.get("scenario_pick")
    if choice:
        st.session_state["product"] = choice  # the frame's selector: it updates the URL


sel = ui.selection()
st.title("Scenarios")

if sel.is_portfolio:  # type: ignore[attr-defined]
    products = data.products()
    if products.empty:
        ui.empty_state("No products are loaded yet.")
        st.stop()
    from dashboard import plan_page

    plan_page.render(sel)
    st.divider()
    st.info(
        "**Scenarios model one product at a time**: what two more engineers would buy, "
        "and what cutting it would lose. Pick a product below or in the sidebar.",
        icon=":material/ads_click:",
    )
    names = dict(zip(products["product_id"], products["name"], strict=True))
    st.selectbox(
        "Product to model",
        options=sorted(names, key=lambda pid: str(names[pid]).lower()),
        index=None,
        placeholder="Choose a product",
        format_func=lambda pid: str(names[pid]),
        key="scenario_pick",
        on_change=_pick_product,
        width=420,
    )
    st.stop()

baseline: scenario.Baseline = data.scenario_baseline(sel.product_id, sel.period.last)  # type: ignore[attr-defined]
window = f"{baseline.months[0]} to {baseline.months[-1]}"
if not baseline.has_usage and baseline.cost == 0:
    st.info(
        f"**{plain(baseline.product_name)} has no usage and no costs from {window}**, so there "
        "is no baseline to project from. Move the end of the period in the sidebar to months "
        "with data, or import this product's data on the Data page.",
        icon=":material/inbox:",
    )
    st.stop()

st.markdown(
    f"**{plain(baseline.product_name)}**: move the sliders to model a funding scenario "
    f"against the baseline of its last three complete months ({window}). Money in "
    f"{baseline.currency}; savings are risk-adjusted; NPV and ROI are discounted at the "
    "annual rate under More assumptions."
)
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
if notes:
    st.info("About this baseline: " + "; ".join(notes) + ".", icon=":material/info:")

with st.expander(f"The baseline: {window}", icon=":material/history:"):
    st.dataframe(
        pd.DataFrame(
            [
                ("Active users per month", number(baseline.active_users)),
                ("Eligible users", number(baseline.eligible_users)),
                ("Adoption", percent(baseline.adoption)),
                ("Timed tasks per active user per month", number(baseline.tasks_per_user, 1)),
                ("Task success rate (timed tasks)", percent(baseline.success_rate)),
                ("Minutes saved per task", number(baseline.minutes_saved, 1)),
                ("Confidence", percent(baseline.confidence)),
                ("Monthly churn (1 - retention)", percent(baseline.churn)),
                ("Hours saved per month", number(baseline.hours_saved)),
                (
                    "Risk-adjusted savings per month",
                    money(baseline.risk_adjusted_savings, baseline.currency),
                ),
                ("Headcount cost per month", money(baseline.headcount, baseline.currency)),
                (
                    "Infrastructure and licences per month",
                    money(baseline.infrastructure, baseline.currency),
                ),
                ("Other costs per month", money(baseline.other, baseline.currency)),
                ("Net value per month", money(baseline.net_value, baseline.currency)),
            ],
            columns=["Figure", "Baseline"],
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        "Usage figures pool the months with active users; costs average the months with "
        "cost rows. The Value page shows the same months' realized figures."
    )


# ------------------------------------------------------------------ charts


def projection_chart(evaluation: scenario.Evaluation) -> alt.TopLevelMixin:
    """Cumulative net value of the scenario with its P10-P90 band, against the baseline."""
    cur = evaluation.baseline.currency
    horizon = evaluation.scenario.drivers.horizon_months
    delta = evaluation.deltas["npv"]
    if evaluation.scenario.drivers.cut:
        verb = "gives up" if delta < 0 else "gains"
        title = (
            f"Cutting it {verb} {money(abs(delta), cur, compact=True)} of NPV over {horizon} months"
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
    bands = evaluation.uncertainty.bands.copy()
    bands["date"] = pd.to_datetime(bands["month"])
    for column in ("p10", "p50", "p90"):
        bands[f"{column}_text"] = [money(v, cur) for v in bands[column]]
    lines = pd.concat(
        [
            evaluation.scenario.monthly.assign(series="This scenario"),
            evaluation.reference.monthly.assign(series=BASELINE_SERIES),
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
            y2="p90:Q",
            tooltip=[
                alt.Tooltip("month:N", title="Month"),
                alt.Tooltip("p10_text:N", title="P10"),
                alt.Tooltip("p50_text:N", title="P50"),
                alt.Tooltip("p90_text:N", title="P90"),
            ],
        )
    )
    domain = ["This scenario", BASELINE_SERIES]
    line = (
        alt.Chart(lines)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=x,
            y="cumulative_net_value:Q",
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
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#9AA3AF").encode(y="zero:Q")
    chart = alt.layer(band, zero, line).properties(
        title=alt.Title(
            title,
            subtitle=(
                f"Cumulative net value, undiscounted. Shaded: P10 to P90 of "
                f"{evaluation.uncertainty.draws:,} draws of the uncertain drivers."
            ),
        )
    )
    return charts.style(chart, height=380)


def tornado_chart(evaluation: scenario.Evaluation) -> alt.TopLevelMixin:
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
            x2="npv:Q",
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
        .encode(x="npv:Q")
    )
    chart = alt.layer(bars, rule).properties(
        title=alt.Title(
            f"NPV is most sensitive to {top}",
            subtitle="Each driver at the ends of its range, the others as set.",
        )
    )
    # Streamlit fits the whole chart (title and legend too) in this height.
    return charts.style(chart, height=150 + 30 * len(order))


def distribution_chart(evaluation: scenario.Evaluation) -> alt.TopLevelMixin:
    """The NPV of the draws, losses and gains coloured apart."""
    cur = evaluation.baseline.currency
    uncertainty = evaluation.uncertainty
    frame = scenario.npv_histogram(uncertainty)
    frame["outcome"] = [
        "Loses money" if (a + b) / 2 < 0 else "Creates value"
        for a, b in zip(frame["npv_from"], frame["npv_to"], strict=True)
    ]
    frame["range_text"] = [
        f"{money(a, cur)} to {money(b, cur)}"
        for a, b in zip(frame["npv_from"], frame["npv_to"], strict=True)
    ]
    frame["share_text"] = [percent(v) for v in frame["share"]]
    p = uncertainty.npv_percentiles()
    negative = uncertainty.probability_negative_npv
    if negative == 0:
        title = f"Every one of {uncertainty.draws:,} draws creates value"
    elif negative == 1:
        title = f"Every one of {uncertainty.draws:,} draws loses money"
    else:
        title = f"{percent(negative, 0)} of {uncertainty.draws:,} draws lose money"
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "npv_from:Q",
                bin="binned",
                title=f"NPV ({cur})",
                axis=alt.Axis(format=charts.money_axis_format(cur)),
            ),
            x2="npv_to:Q",
            y=alt.Y("share:Q", title="Share of draws", axis=alt.Axis(format="%")),
            color=alt.Color(
                "outcome:N",
                scale=alt.Scale(
                    domain=["Loses money", "Creates value"], range=[charts.COST, charts.SAVINGS]
                ),
                legend=alt.Legend(title=None),
            ),
            tooltip=[
                alt.Tooltip("range_text:N", title="NPV"),
                alt.Tooltip("share_text:N", title="Share of draws"),
            ],
        )
        .properties(
            title=alt.Title(
                title,
                subtitle=f"NPV P10 {money(p['p10'], cur, compact=True)}, "
                f"P50 {money(p['p50'], cur, compact=True)}, "
                f"P90 {money(p['p90'], cur, compact=True)}.",
            )
        )
    )
    return charts.style(chart, height=340)


def compare_chart(curves: pd.DataFrame, currency: str, horizon: int) -> alt.TopLevelMixin:
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


# ------------------------------------------------------------------ actions (callbacks)


def _set_sliders(baseline: scenario.Baseline, drivers: scenario.Drivers) -> None:
    values = controls_ui.controls_from_drivers(baseline, drivers)
    stored: dict[str, float | bool] = {"cut": bool(drivers.cut)}
    for control in controls_ui.controls(baseline):
        value = values[control.driver]
        st.session_state[key_for(baseline, control.driver)] = value
        if abs(value - control.default) >= control.step / 1000:
            stored[control.driver] = value
    st.session_state[key_for(baseline, "cut")] = bool(drivers.cut)
    st.session_state.setdefault(STATE, {})[baseline.product_id] = stored


def _saved_drivers(baseline: scenario.Baseline, stored: dict) -> scenario.Drivers:  # type: ignore[type-arg]
    return scenario.drivers_from_mapping(
        scenario.baseline_drivers(baseline), stored, strict=False, baseline=baseline
    )


def reset_sliders(baseline: scenario.Baseline) -> None:
    _set_sliders(baseline, scenario.baseline_drivers(baseline))


def load_scenario(baseline: scenario.Baseline, scenario_id: int) -> None:
    saved = data.saved_scenarios(baseline.product_id)
    row = saved[saved["scenario_id"] == scenario_id]
    if row.empty:
        st.session_state[FLASH] = ("warning", "That scenario is gone (deleted meanwhile).")
        return
    name = str(row.iloc[0]["name"])
    try:
        drivers = _saved_drivers(baseline, dict(row.iloc[0]["drivers"]))
    except ValueError as exc:
        st.session_state[FLASH] = (
            "warning",
            f"“{plain(name)}” cannot be loaded on this baseline: {plain(str(exc))}.",
        )
        return
    _set_sliders(baseline, drivers)
    st.session_state[FLASH] = (
        "success",
        f"Loaded “{plain(name)}”: the sliders and the link now hold it.",
    )


def rename_scenario(baseline: scenario.Baseline, scenario_id: int) -> None:
    if not ui.rights().can_edit:  # type: ignore[attr-defined]
        return
    new_name = st.session_state.get(f"scenario_new_name_{baseline.product_id}", "")
    try:
        data.rename_scenario(
            product_id=baseline.product_id, scenario_id=scenario_id, new_name=new_name
        )
    except ValueError as exc:  # a taken or empty name
        st.session_state[FLASH] = ("warning", f"Not renamed: {plain(str(exc))}.")
        return
    st.session_state[FLASH] = ("success", f"Renamed to “{plain(new_name.strip())}”.")


def delete_scenario(baseline: scenario.Baseline, scenario_id: int, name: str) -> None:
    if not ui.rights().can_edit:  # type: ignore[attr-defined]
        return
    data.delete_scenario(product_id=baseline.product_id, scenario_id=scenario_id)
    st.session_state[FLASH] = ("success", f"Deleted “{plain(name)}”.")


def show_flash() -> None:
    flash = st.session_state.pop(FLASH, None)
    if flash:
        kind, text = flash
        {"success": st.success, "warning": st.warning, "info": st.info}[kind](text)


# ------------------------------------------------------------------ the scenario part


def slider(
    baseline: scenario.Baseline,
    control: controls_ui.Control,
    stored: dict[str, float | bool],
    *,
    disabled: bool = False,
) -> None:
    """One driver's slider, fed from and feeding this session's stored values."""
    key = key_for(baseline, control.driver)
    if key not in st.session_state:  # first shown (or shown again): the stored value
        start = float(stored.get(control.driver, control.default))
        st.session_state[key] = controls_ui.snap_control(control, start)
    value = float(
        st.slider(
            f"{control.label} · :gray[baseline {control.baseline_text}]",
            min_value=control.minimum,
            max_value=control.maximum,
            step=control.step,
            format=control.format,
            key=key,
            help=EXPLAIN.get(control.driver) or None,
            disabled=disabled,
        )
    )
    if abs(value - control.default) < control.step / 1000:
        stored.pop(control.driver, None)
    else:
        stored[control.driver] = value


def uncertainty_table(evaluation: scenario.Evaluation) -> None:
    """The spread of NPV and payback across the draws, as a small table."""
    cur = evaluation.baseline.currency
    uncertainty = evaluation.uncertainty
    horizon = evaluation.scenario.drivers.horizon_months
    npv = uncertainty.npv_percentiles()
    payback = uncertainty.payback_percentiles()
    st.markdown(f"**Across {uncertainty.draws:,} draws**")
    st.dataframe(
        pd.DataFrame(
            [
                ("NPV, pessimistic (P10)", money(npv["p10"], cur)),
                ("NPV, median (P50)", money(npv["p50"], cur)),
                ("NPV, optimistic (P90)", money(npv["p90"], cur)),
                ("Chance NPV is below zero", percent(uncertainty.probability_negative_npv, 0)),
                ("Payback, fast (P10)", payback_text(payback["p10"], horizon)),
                ("Payback, median (P50)", payback_text(payback["p50"], horizon)),
                ("Payback, slow (P90)", payback_text(payback["p90"], horizon)),
                (
                    f"No payback within {horizon} months",
                    percent(uncertainty.share_not_paid_back, 0),
                ),
            ],
            columns=["Figure", "Value"],
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        "Triangular ranges around the chosen values: adoption target, ramp, tasks per "
        "user, minutes saved, success rate, cost per engineer, infrastructure spend and "
        "churn (README, Scenario model)."
    )


def headline_tile(
    container: object, label: str, value: str, change: str | None, kind: str, help: str
) -> None:
    """A headline tile; `kind` is normal, inverse (lower is better) or neutral (no arrow)."""
    if change is None or kind == "neutral":
        container.metric(  # type: ignore[attr-defined]
            label,
            value,
            delta=change or "same as baseline",
            delta_color="off",
            delta_arrow="off",
            help=help,
            border=True,
        )
    else:
        ui.tile(container, label, value, delta=change, delta_color=kind, help=help)


def tiles(evaluation: scenario.Evaluation) -> None:
    cur = evaluation.baseline.currency
    s, r, d = evaluation.scenario.headline, evaluation.reference.headline, evaluation.deltas
    horizon = evaluation.scenario.drivers.horizon_months
    cols = st.columns(4)
    headline_tile(
        cols[0],
        f"NPV over {horizon} months",
        money(s.npv, cur, compact=True),
        None if abs(d["npv"]) < 0.5 else f"{signed_money(d['npv'], cur)} vs baseline",
        "normal",
        f"PV(risk-adjusted savings) - PV(costs) = {money(s.pv_benefits, cur)} - "
        f"{money(s.pv_costs, cur)}. Baseline: {money(r.npv, cur)}.",
    )
    roi_delta = d["roi"]
    if roi_delta is None:
        roi_change = None if s.roi == r.roi else f"baseline: {percent(r.roi, 0)}"
    else:
        roi_change = None if abs(roi_delta) < 5e-5 else f"{roi_delta * 100:+,.0f} pts vs baseline"
    headline_tile(
        cols[1],
        "ROI",
        percent(s.roi, 0),
        roi_change,
        "neutral" if roi_delta is None else "normal",
        f"NPV / PV(costs); none when there is no cost. Baseline: {percent(r.roi, 0)}.",
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
    headline_tile(
        cols[2],
        "Payback",
        payback_text(s.payback_months, horizon),
        payback_change,
        "neutral" if payback_delta is None else "inverse",
        "Months until the cumulative net value (undiscounted) first turns from negative to "
        f"zero or above; 0 when it is never negative, '> {horizon} months' when it does not "
        "recover within the horizon.",
    )
    headline_tile(
        cols[3],
        f"Hours saved over {horizon} months",
        number(s.hours_saved),
        None if abs(d["hours_saved"]) < 0.5 else f"{d['hours_saved']:+,.0f} h vs baseline",
        "normal",
        "Tasks done x minutes saved / 60, before the confidence haircut. "
        f"Baseline: {number(r.hours_saved)} h.",
    )


@st.fragment
def scenario_panel(baseline: scenario.Baseline) -> None:
    specs = controls_ui.controls(baseline)
    groups: dict[str, list[controls_ui.Control]] = {}
    for control in specs:
        groups.setdefault(control.group, []).append(control)
    stored = stored_values(baseline)
    tiles_area = st.container()
    left, right = st.columns([1, 2], gap="large")
    with left:
        cut_key = key_for(baseline, "cut")
        if cut_key not in st.session_state:
            st.session_state[cut_key] = bool(stored.get("cut"))
        cut = st.toggle(
            "What if we cut it?",
            key=cut_key,
            help="Team to zero; adoption decays at the observed churn; no improvement lands; "
            "a share of the infrastructure spend is paid through a wind-down, then it is "
            "switched off.",
        )
        if cut:
            st.caption(
                "Cut: the team goes to zero and no outcome improves, so the funding and "
                "outcome sliders are set aside."
            )
            st.markdown("**After the cut**")
            for control in groups["cut"]:
                slider(baseline, control, stored)
        st.markdown("**Funding**")
        for control in groups["funding"]:
            slider(baseline, control, stored, disabled=cut)
        st.markdown("**Outcomes**")
        for control in groups["outcomes"]:
            slider(baseline, control, stored, disabled=cut)
        with st.expander("More assumptions", icon=":material/tune:"):
            for control in groups["more"]:
                slider(baseline, control, stored)
        st.button(
            "Back to the baseline",
            icon=":material/restart_alt:",
            on_click=reset_sliders,
            args=(baseline,),
            key=f"scenario_reset_{baseline.product_id}",
        )

    stored["cut"] = bool(cut)
    write_url(baseline, stored)
    values = {c.driver: float(stored.get(c.driver, c.default)) for c in specs}
    drivers = controls_ui.drivers_from_controls(baseline, values, cut=cut)
    started = time.perf_counter()
    evaluation = scenario.evaluate(baseline, drivers)
    seconds = time.perf_counter() - started

    with tiles_area:
        tiles(evaluation)
    with right:
        st.altair_chart(projection_chart(evaluation), width="stretch")
        if evaluation.tornado.empty:
            st.info("No driver moves the NPV in this scenario.")
        else:
            st.altair_chart(tornado_chart(evaluation), width="stretch")

    distribution_col, figures_col = st.columns([2, 1], gap="large")
    with distribution_col:
        st.altair_chart(distribution_chart(evaluation), width="stretch")
    with figures_col:
        uncertainty_table(evaluation)
    st.caption(
        f"Computed in {seconds * 1000:,.0f} ms ({evaluation.uncertainty.draws:,} draws, seed "
        f"{evaluation.uncertainty.seed}). The address bar holds the sliders that differ from "
        "the baseline: copy it to share this scenario."
    )

    saved_scenarios(baseline, drivers, evaluation)


def saved_scenarios(
    baseline: scenario.Baseline, drivers: scenario.Drivers, evaluation: scenario.Evaluation
) -> None:
    pid = baseline.product_id
    cur = baseline.currency
    st.subheader("Saved scenarios")
    show_flash()
    rights = ui.rights()
    can_edit = bool(rights.can_edit)  # type: ignore[attr-defined]
    editing = not ui.presenting()  # presentation mode leaves the editing controls out
    if editing and not can_edit:
        st.info(str(rights.reason), icon=":material/lock:")  # type: ignore[attr-defined]
    save_col, manage_col = st.columns(2, gap="large")
    if editing:
        with save_col, st.form(f"scenario_save_{pid}", border=True):
            st.markdown("**Save the current sliders**")
            name = st.text_input(
                "Name",
                max_chars=scenario.NAME_MAX,
                placeholder="e.g. Two more engineers",
                key=f"scenario_name_{pid}",
            )
            if "scenario_author" not in st.session_state:
                st.session_state["scenario_author"] = rights.user_email or ""  # type: ignore[attr-defined]
            author = st.text_input(
                "Your name or team (optional)",
                max_chars=scenario.AUTHOR_MAX,
                key="scenario_author",
            )
            overwrite = st.checkbox(
                "Overwrite a scenario of the same name", key=f"scenario_overwrite_{pid}"
            )
            submitted = st.form_submit_button(
                "Save scenario", icon=":material/save:", type="primary", disabled=not can_edit
            )
        if submitted and can_edit:
            try:
                data.save_scenario(
                    product_id=pid,
                    name=name,
                    author=author,
                    drivers=drivers.as_dict(),
                    overwrite=overwrite,
                )
            except ValueError as exc:  # a taken or empty name
                save_col.warning(f"Not saved: {plain(str(exc))}.")
            else:
                save_col.success(f"Saved “{plain(name.strip())}”.")

    saved = data.saved_scenarios(pid)
    with manage_col if editing else save_col:
        if saved.empty:
            st.info(
                "No saved scenarios for this product yet. Save the current sliders to "
                "compare them later.",
                icon=":material/bookmark:",
            )
        else:
            names = dict(
                zip(saved["scenario_id"].astype(int), saved["name"].astype(str), strict=True)
            )
            chosen = st.selectbox(
                "Saved scenario",
                options=list(names),
                format_func=lambda i: names[i],
                key=f"scenario_chosen_{pid}",
            )
            if chosen is not None:
                row = saved[saved["scenario_id"] == chosen].iloc[0]
                author_text = f" by {row['author']}" if row["author"] else ""
                st.caption(
                    f"Saved{plain(author_text)}, "
                    f"created {pd.Timestamp(row['created_at']):%Y-%m-%d %H:%M} UTC, "
                    f"updated {pd.Timestamp(row['updated_at']):%Y-%m-%d %H:%M} UTC."
                )
                load_c, rename_c, delete_c = st.columns(3)
                load_c.button(
                    "Load",
                    icon=":material/upload:",
                    on_click=load_scenario,
                    args=(baseline, chosen),
                    key=f"scenario_load_{pid}",
                    width="stretch",
                )
                if editing:
                    with rename_c.popover(
                        "Rename", icon=":material/edit:", width="stretch", disabled=not can_edit
                    ):
                        st.text_input(
                            "New name", max_chars=scenario.NAME_MAX, key=f"scenario_new_name_{pid}"
                        )
                        st.button(
                            "Rename",
                            on_click=rename_scenario,
                            args=(baseline, chosen),
                            key=f"scenario_rename_{pid}",
                            disabled=not can_edit,
                        )
                    with delete_c.popover(
                        "Delete", icon=":material/delete:", width="stretch", disabled=not can_edit
                    ):
                        st.markdown(f"Delete “{plain(names[chosen])}” for everyone?")
                        st.button(
                            "Delete",
                            type="primary",
                            on_click=delete_scenario,
                            args=(baseline, chosen, names[chosen]),
                            key=f"scenario_delete_{pid}",
                            disabled=not can_edit,
                        )

    if saved.empty:
        return
    st.subheader("Compare")
    ids = [int(i) for i in saved["scenario_id"]]
    names = dict(zip(ids, saved["name"].astype(str), strict=True))
    picked = st.multiselect(
        f"Saved scenarios to compare with the current sliders (up to {MAX_COMPARE})",
        options=ids,
        format_func=lambda i: names.get(i, "?"),
        max_selections=MAX_COMPARE,
        key=f"scenario_compare_{pid}",
    )
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
            saved_drivers = _saved_drivers(baseline, dict(row.iloc[0]["drivers"]))
        except ValueError as exc:
            problems.append(f"“{plain(label)}”: {plain(str(exc))}")
            continue
        saved_drivers = dataclasses.replace(saved_drivers, horizon_months=drivers.horizon_months)
        columns.append((label, scenario.project(baseline, saved_drivers)))
    if problems:
        st.warning("Left out, as they do not fit this baseline: " + "; ".join(problems) + ".")
    if len(columns) == 2 and not picked:
        st.caption("Pick saved scenarios above to see them beside the current sliders.")
        return
    horizon = drivers.horizon_months
    table_rows = [
        ("NPV", [money(p.headline.npv, cur) for _, p in columns]),
        ("ROI", [percent(p.headline.roi, 0) for _, p in columns]),
        ("Payback", [payback_text(p.headline.payback_months, horizon) for _, p in columns]),
        ("Hours saved", [number(p.headline.hours_saved) for _, p in columns]),
        (
            "Risk-adjusted savings",
            [money(p.headline.risk_adjusted_savings, cur) for _, p in columns],
        ),
        ("Cost", [money(p.headline.cost, cur) for _, p in columns]),
    ]
    # after a cut the table shows what the projection uses: no team, no improvement
    effective = [scenario.effective_drivers(baseline, p.drivers) for _, p in columns]
    for driver in (
        "cut",
        "team_fte",
        "infrastructure_spend",
        "adoption_target",
        "minutes_saved",
        "success_rate",
        "confidence",
        "ramp_months",
        "tasks_per_user",
        "cost_per_fte",
        "loaded_hourly_cost",
        "cost_risk",
        "discount_rate",
    ):
        table_rows.append(
            (
                scenario.DRIVERS[driver].label,
                [
                    controls_ui.format_driver(driver, getattr(modelled, driver), cur)
                    for modelled in effective
                ],
            )
        )
    table = pd.DataFrame(
        [[label, *cells] for label, cells in table_rows],
        columns=["Over " + f"{horizon} months", *[label for label, _ in columns]],
    )
    st.dataframe(table, hide_index=True, width="stretch", height=35 * (len(table) + 1) + 3)
    curves = pd.concat(
        [p.monthly[["month", "cumulative_net_value"]].assign(series=label) for label, p in columns],
        ignore_index=True,
    )
    st.altair_chart(compare_chart(curves, cur, horizon), width="stretch")


scenario_panel(baseline)
