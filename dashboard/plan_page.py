"""The portfolio plan on the Scenarios page (the whole portfolio selected).

Per product a pick (as today, a saved scenario, cut); the portfolio's NPV, ROI, payback
and bands against everything as today; each product's contribution; a budget move; saved
plans compared side by side. Picks live in the URL (`?plan_ci=cut&plan_hr=Grow`), so a
copied link reproduces the plan. The math is `valuemodel.core.plan`.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import review_data, ui
from valuemodel.core import plan as core_plan
from valuemodel.present import charts
from valuemodel.present.formats import MISSING, money, months, percent

URL_PREFIX = "plan_"
PICKS = "plan_picks"
FLASH = "plan_flash"
MAX_COMPARE = 3
DRAWS = 2_000
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: str) -> str:
    """User text inside Markdown, every Markdown character escaped."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def choice_label(choice: str) -> str:
    if choice == core_plan.AS_TODAY:
        return "As today"
    if choice == core_plan.CUT:
        return "Cut it"
    return f"Scenario: {choice}"


def signed(value: float | None, currency: str) -> str:
    if value is None:
        return MISSING
    text = money(value, currency, compact=True)
    return text if value < 0 else f"+{text}"


def vs_today(change: float, currency: str) -> str | None:
    """'+$1.2M vs today', or None (no delta shown) when the plan is today's."""
    return None if abs(change) < 0.5 else f"{signed(change, currency)} vs today"


def url_picks(products: list[str], options: dict[str, list[str]]) -> dict[str, str]:
    """Picks from the link; unknown products or scenarios are ignored."""
    picks: dict[str, str] = {}
    for pid in products:
        value = st.query_params.get(URL_PREFIX + pid)
        if value and value in options[pid]:
            picks[pid] = value
    return picks


def write_url(picks: dict[str, str]) -> None:
    for key in list(st.query_params):
        if key.startswith(URL_PREFIX) and key[len(URL_PREFIX) :] not in picks:
            del st.query_params[key]
    for pid, choice in picks.items():
        if choice == core_plan.AS_TODAY:
            if URL_PREFIX + pid in st.query_params:
                del st.query_params[URL_PREFIX + pid]
        elif st.query_params.get(URL_PREFIX + pid) != choice:
            st.query_params[URL_PREFIX + pid] = choice


def cost_chart(result: core_plan.PlanResult) -> alt.Chart:
    frame = result.monthly
    long = pd.concat(
        [
            pd.DataFrame({"month": frame["month"], "series": "This plan", "cost": frame["cost"]}),
            pd.DataFrame({"month": frame["month"], "series": "Today", "cost": frame["cost_today"]}),
        ]
    )
    long["month"] = pd.to_datetime(long["month"] + "-01")
    fmt = charts.money_axis_format(result.currency)
    chart = (
        alt.Chart(long)
        .mark_line(strokeWidth=3, interpolate="step-after")
        .encode(
            x=alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y")),
            y=alt.Y(
                "cost:Q",
                title=f"Cost per month ({result.currency})",
                axis=alt.Axis(format=fmt),
                scale=alt.Scale(zero=False),
            ),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=["This plan", "Today"], range=[charts.COST, charts.GOAL]),
                legend=alt.Legend(title=None),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=["This plan", "Today"], range=[[1, 0], [5, 4]]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("month:T", format="%b %Y", title="Month"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("cost:Q", format=",.0f", title="Cost"),
            ],
        )
    )
    return charts.style(
        chart.properties(
            title=alt.Title("Portfolio cost per month", subtitle="This plan against today.")
        ),
        height=260,
    )


def value_chart(result: core_plan.PlanResult) -> alt.LayerChart | alt.FacetChart:
    bands = result.bands.assign(month=pd.to_datetime(result.bands["month"] + "-01"))
    today = result.monthly.assign(month=pd.to_datetime(result.monthly["month"] + "-01"))
    fmt = charts.money_axis_format(result.currency)
    x = alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y"))
    band = (
        alt.Chart(bands)
        .mark_area(opacity=0.25, color=charts.NET)
        .encode(
            x=x,
            y=alt.Y(
                "p10:Q",
                title=f"Cumulative net value ({result.currency})",
                axis=alt.Axis(format=fmt),
            ),
            y2=alt.Y2("p90:Q"),
        )
    )
    median = (
        alt.Chart(bands).mark_line(color=charts.NET, strokeWidth=3).encode(x=x, y=alt.Y("p50:Q"))
    )
    base = (
        alt.Chart(today)
        .mark_line(color=charts.GOAL, strokeDash=[5, 4], strokeWidth=2)
        .encode(x=x, y=alt.Y("cumulative_net_value_today:Q"))
    )
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#9AA3AF").encode(y=alt.Y("y:Q"))
    return charts.style(
        alt.layer(band, median, base, zero).properties(
            title=alt.Title(
                "Cumulative net value",
                subtitle="The plan's P50 with its P10–P90 band; dashed: everything as today.",
            )
        ),
        height=260,
    )


def contribution_chart(result: core_plan.PlanResult) -> alt.LayerChart | alt.FacetChart:
    rows = result.products.assign(
        label=result.products["name"].astype(str),
        npv_change=result.products["npv_change"].round(0),
    )
    rows = rows[rows["npv_change"].abs() >= 1]
    rows = rows.assign(
        text=[signed(v, result.currency) for v in rows["npv_change"]],
        align=["left" if v >= 0 else "right" for v in rows["npv_change"]],
    )
    fmt = charts.money_axis_format(result.currency)
    base = alt.Chart(rows).encode(
        y=alt.Y(
            "label:N", sort=alt.EncodingSortField("npv_change", order="descending"), title=None
        ),
        x=alt.X(
            "npv_change:Q",
            title=f"NPV change against today ({result.currency})",
            axis=alt.Axis(format=fmt),
        ),
        tooltip=[
            alt.Tooltip("label:N", title="Product"),
            alt.Tooltip("choice:N", title="Pick"),
            alt.Tooltip("npv:Q", format=",.0f", title="NPV"),
            alt.Tooltip("npv_change:Q", format=",.0f", title="Change"),
        ],
    )
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        color=alt.condition(
            "datum.npv_change < 0", alt.value(charts.COST), alt.value(charts.SAVINGS)
        )
    )
    positive = (
        base.transform_filter("datum.npv_change >= 0")
        .mark_text(align="left", dx=6, fontSize=13)
        .encode(text=alt.Text("text:N"))
    )
    negative = (
        base.transform_filter("datum.npv_change < 0")
        .mark_text(align="right", dx=-6, fontSize=13)
        .encode(text=alt.Text("text:N"))
    )
    return charts.style(
        alt.layer(bars, positive, negative).properties(
            title=alt.Title(
                "Each product's contribution to the change",
                subtitle="NPV change against today; products kept as today change nothing.",
            )
        ),
        height=max(180, 50 * len(rows)),
    )


def show_flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def render(sel) -> None:
    """The whole plan section, for the portfolio selection `sel`."""
    month_to = sel.period.last
    baselines = review_data.plan_baselines(month_to)
    if not baselines:
        ui.empty_state("No products are loaded yet.")
        return
    saved = review_data.saved_drivers()
    products = sorted(baselines, key=lambda pid: str(baselines[pid].product_name).lower())
    options = {
        pid: [core_plan.AS_TODAY, core_plan.CUT, *sorted(saved.get(pid, {}))] for pid in products
    }
    currency = next(iter(baselines.values())).currency
    st.subheader("Portfolio plan")
    st.markdown(
        "Pick, for every product, **as today**, one of its **saved scenarios** or **cut it**, "
        "and see the whole budget: the portfolio's cost per month against today, its NPV, "
        "ROI and payback with P10–P90 bands (each product's own draws, summed per draw). "
        f"Baseline: the three months ending {month_to}; {core_plan.scenario.DEFAULT_HORIZON} "
        f"months ahead; money in {currency}."
    )
    show_flash()
    picks_state: dict[str, str] = st.session_state.setdefault(PICKS, {})
    if not picks_state:
        picks_state.update(url_picks(products, options))
    loaded = st.session_state.pop("plan_load", None)
    if loaded:
        picks_state.clear()
        picks_state.update({k: v for k, v in loaded.items() if k in options and v in options[k]})
        for pid in products:
            st.session_state[f"plan_pick_{pid}"] = picks_state.get(pid, core_plan.AS_TODAY)

    with st.container(border=True):
        st.markdown("**Picks**")
        columns = st.columns(4)
        for i, pid in enumerate(products):
            key = f"plan_pick_{pid}"
            if key not in st.session_state:
                st.session_state[key] = picks_state.get(pid, core_plan.AS_TODAY)
            columns[i % 4].selectbox(
                str(baselines[pid].product_name),
                options=options[pid],
                format_func=choice_label,
                key=key,
            )
            picks_state[pid] = st.session_state[key]
    write_url(picks_state)

    try:
        resolved = core_plan.resolve_choices(baselines, picks_state, saved)
        result = core_plan.evaluate_plan(baselines, resolved, draws=DRAWS)
    except core_plan.PlanError as exc:
        st.warning(f"This plan cannot be evaluated: {plain(str(exc))}", icon=":material/warning:")
        return

    npv_bands = result.npv_percentiles()
    first_cost = float(result.monthly["cost"].iloc[0])
    first_cost_today = float(result.monthly["cost_today"].iloc[0])
    # On a projector the tiles' large figures need two to a row.
    tiles = [*st.columns(2), *st.columns(2)] if ui.presenting() else st.columns(4)
    ui.tile(
        tiles[0],
        f"NPV over {result.horizon} months",
        money(result.npv, currency, compact=True),
        delta=vs_today(result.npv - result.npv_today, currency),
        help="Sum of the products' NPVs (risk-adjusted savings minus cost, discounted).",
    )
    ui.tile(
        tiles[1],
        "ROI",
        percent(result.roi, 0),
        delta=None
        if result.roi is None
        or result.roi_today is None
        or abs(result.roi - result.roi_today) < 0.005
        else f"{(result.roi - result.roi_today) * 100:+.0f} pts vs today",
        help="Summed PV of benefits over summed PV of costs, minus one.",
    )
    ui.tile(
        tiles[2],
        "Payback",
        months(result.payback_months)
        if result.payback_months is not None
        else f"> {result.horizon} months",
        help="Months until the portfolio's cumulative net value turns positive.",
    )
    ui.tile(
        tiles[3],
        "Cost per month",
        money(first_cost, currency, compact=True),
        delta=vs_today(first_cost - first_cost_today, currency),
        delta_color="inverse",
        help="The plan's first month; the chart below shows every month.",
    )
    st.caption(
        f"NPV P10 {money(npv_bands['p10'], currency, compact=True)}, P50 "
        f"{money(npv_bands['p50'], currency, compact=True)}, P90 "
        f"{money(npv_bands['p90'], currency, compact=True)}: {result.draws:,} draws per "
        "product, each with its own seed, summed per draw "
        f"({percent(result.probability_negative_npv, 0)} of the draws lose money)."
    )
    left, right = st.columns(2)
    left.altair_chart(cost_chart(result), width="stretch")
    right.altair_chart(value_chart(result), width="stretch")
    if (result.products["npv_change"].abs() >= 1).any():
        st.altair_chart(contribution_chart(result), width="stretch")
    else:
        st.caption(
            "Every product is as today, so no product changes the portfolio's NPV: pick a "
            "saved scenario or cut it to see each product's contribution."
        )
    table = pd.DataFrame(
        {
            "Product": result.products["name"],
            "Pick": result.products["choice"].map(choice_label),
            "NPV": [money(v, currency, compact=True) for v in result.products["npv"]],
            "Change vs today": [
                signed(v, currency) if abs(v) >= 0.5 else "no change"
                for v in result.products["npv_change"]
            ],
            "Cost per month": [
                money(v, currency, compact=True) for v in result.products["monthly_cost"]
            ],
            "Cost per month today": [
                money(v, currency, compact=True) for v in result.products["monthly_cost_today"]
            ],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")

    budget_move(baselines, resolved, result, currency)
    save_and_compare(baselines, saved, picks_state, currency)


def budget_move(baselines, resolved, result, currency: str) -> None:
    names = {pid: str(b.product_name) for pid, b in baselines.items()}
    givers = [
        pid for pid in sorted(names, key=str.lower) if core_plan.team_budget(resolved[pid]) > 0
    ]
    with st.expander("Move a budget from one product to another", icon=":material/swap_horiz:"):
        if len(givers) < 1 or len(names) < 2:
            st.info("No product of this plan has a team budget to move.")
            return
        c1, c2, c3 = st.columns(3)
        giver = c1.selectbox("From", givers, format_func=lambda p: names[p], key="plan_move_from")
        receivers = [
            p for p in sorted(names, key=str.lower) if p != giver and not resolved[p].drivers.cut
        ]
        if not receivers:
            st.info("Every other product is cut in this plan.")
            return
        receiver = c2.selectbox("To", receivers, format_func=lambda p: names[p], key="plan_move_to")
        available = core_plan.team_budget(resolved[giver])
        amount = c3.number_input(
            f"Per month ({currency})",
            min_value=0.0,
            max_value=float(round(available, 2)),
            value=float(round(min(available, max(available / 2, 1.0)), 2)),
            step=1_000.0,
            key=f"plan_move_amount_{giver}",
        )
        if amount <= 0:
            st.caption("Choose an amount above zero.")
            return
        try:
            move = core_plan.move_budget(
                baselines, resolved, giver=giver, receiver=receiver, amount=float(amount),
                draws=DRAWS, before=result,
            )  # fmt: skip
        except core_plan.PlanError as exc:
            st.warning(plain(str(exc)))
            return
        verb = "gains" if move.npv_change >= 0 else "loses"
        whole = " (its whole team: it is then modelled as cut)" if move.giver_cut else ""
        st.markdown(
            f"Moving {money(amount, currency)} a month from {plain(names[giver])}{whole} to "
            f"{plain(names[receiver])}: the portfolio {verb} "
            f"{money(abs(move.npv_change), currency, compact=True)} of NPV."
        )
        st.dataframe(
            pd.DataFrame(
                {
                    "Product": move.changes["name"],
                    "NPV before": [
                        money(v, currency, compact=True) for v in move.changes["npv_before"]
                    ],
                    "NPV after": [
                        money(v, currency, compact=True) for v in move.changes["npv_after"]
                    ],
                    "Change": [signed(v, currency) for v in move.changes["npv_change"]],
                    "Cost per month before": [
                        money(v, currency, compact=True)
                        for v in move.changes["monthly_cost_before"]
                    ],
                    "after": [
                        money(v, currency, compact=True) for v in move.changes["monthly_cost_after"]
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        st.caption(
            "The model never assumes what an engineer produces: the receiving product only "
            "costs more unless its pick is a saved scenario whose targets promise more."
        )


def save_and_compare(baselines, saved, picks: dict[str, str], currency: str) -> None:
    rights = ui.rights()
    stored = review_data.saved_plans()
    with st.expander("Saved plans", icon=":material/bookmarks:", expanded=not stored.empty):
        if getattr(rights, "can_edit", False) and not ui.presenting():
            with st.form("plan_save", clear_on_submit=False, border=False):
                c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
                name = c1.text_input(
                    "Plan name", max_chars=core_plan.PLAN_NAME_MAX, key="plan_save_name"
                )
                overwrite = c2.checkbox("Overwrite")
                submitted = c3.form_submit_button("Save plan", icon=":material/save:")
            if submitted:
                try:
                    review_data.save_plan(
                        name=name,
                        author=str(getattr(rights, "user_email", None) or ""),
                        choices=picks,
                        overwrite=overwrite,
                    )
                except ValueError as exc:
                    st.error(plain(str(exc)), icon=":material/block:")
                else:
                    st.session_state[FLASH] = f"Saved the plan “{plain(name.strip())}”."
                    st.rerun()
        else:
            st.caption(getattr(rights, "reason", None) or "Saving plans is for editors.")
        if stored.empty:
            st.caption("No plan is saved yet.")
            return
        names = list(stored["name"])
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        pick = c1.selectbox(
            "Open a saved plan", names, index=None, key="plan_open", placeholder="Choose a plan"
        )
        if c2.button("Open", disabled=pick is None, key="plan_open_button"):
            row = stored[stored["name"] == pick].iloc[0]
            st.session_state["plan_load"] = dict(row["choices"])
            st.rerun()
        chosen = st.multiselect(
            f"Compare saved plans side by side (up to {MAX_COMPARE})",
            names,
            max_selections=MAX_COMPARE,
            key="plan_compare",
        )
        if chosen:
            compare(baselines, saved, stored, chosen, currency)


def compare(baselines, saved, stored: pd.DataFrame, chosen: list[str], currency: str) -> None:
    columns = st.columns(len(chosen))
    for column, name in zip(columns, chosen, strict=True):
        row = stored[stored["name"] == name].iloc[0]
        try:
            resolved = core_plan.resolve_choices(
                baselines, dict(row["choices"]), saved, horizon=int(row["horizon"])
            )
            result = core_plan.evaluate_plan(baselines, resolved, draws=DRAWS)
        except core_plan.PlanError as exc:
            column.warning(f"{plain(name)}: {plain(str(exc))}")
            continue
        with column.container(border=True):
            st.markdown(f"**{plain(name)}**")
            bands = result.npv_percentiles()
            st.dataframe(
                pd.DataFrame(
                    [
                        ("NPV", money(result.npv, currency, compact=True)),
                        ("vs today", signed(result.npv - result.npv_today, currency)),
                        ("ROI", percent(result.roi, 0)),
                        (
                            "Payback",
                            months(result.payback_months)
                            if result.payback_months is not None
                            else f"> {result.horizon} months",
                        ),
                        ("NPV P10", money(bands["p10"], currency, compact=True)),
                        ("NPV P90", money(bands["p90"], currency, compact=True)),
                        (
                            "Cut",
                            ", ".join(
                                result.products.loc[
                                    result.products["choice"] == core_plan.CUT, "name"
                                ]
                            )
                            or "none",
                        ),
                    ],
                    columns=["Figure", "Value"],
                ),
                hide_index=True,
                width="stretch",
            )
            author = str(row["author"] or "")
            st.caption(
                f"Saved {row['updated_at']:%Y-%m-%d}" + (f" by {plain(author)}" if author else "")
            )
