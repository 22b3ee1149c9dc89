"""The portfolio plan on the Scenarios page (the whole portfolio selected).

Per product a pick (as today, a saved scenario, cut); the portfolio's NPV, ROI, payback
and bands against everything as today; each product's contribution; a budget move; saved
plans compared side by side. Picks live in the URL (`?plan_ci=cut&plan_hr=Grow`), so a
copied link reproduces the plan. The math is `valuemodel.core.plan`; the wording, tables
and charts are the page model's (`valuemodel.present.pages.plan`).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from dashboard import review_data, ui
from dashboard.frame import Selection
from valuemodel.core import plan as core_plan
from valuemodel.core import scenario
from valuemodel.present.pages import plan as model
from valuemodel.present.pages.plan import DRAWS
from valuemodel.present.text import plain

URL_PREFIX = "plan_"
PICKS = "plan_picks"
FLASH = "plan_flash"
MAX_COMPARE = 3
Baselines = Mapping[str, scenario.Baseline]
Saved = Mapping[str, Mapping[str, Mapping[str, object]]]  # product -> scenario -> drivers


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


def show_flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def render(sel: Selection) -> None:
    """The whole plan section, for the portfolio selection `sel`."""
    month_to = sel.period.last
    baselines = review_data.plan_baselines(month_to)
    if not baselines:
        ui.empty_state("No products are loaded yet.")
        return
    saved = review_data.saved_drivers()
    products = sorted(baselines, key=lambda pid: str(baselines[pid].product_name).lower())
    options = model.options(products, saved)
    currency = next(iter(baselines.values())).currency
    st.subheader("Portfolio plan")
    st.markdown(model.intro(month_to, currency))
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
                format_func=model.choice_label,
                key=key,
            )
            picks_state[pid] = st.session_state[key]
    write_url(picks_state)

    try:
        resolved = core_plan.resolve_choices(baselines, picks_state, saved)
        result = core_plan.evaluate_plan(baselines, resolved, draws=DRAWS)
    except core_plan.PlanError as exc:
        st.warning(model.not_evaluated(exc), icon=":material/warning:")
        return

    # On a projector the tiles' large figures need two to a row.
    spots = [*st.columns(2), *st.columns(2)] if ui.presenting() else st.columns(4)
    for spot, tile in zip(spots, model.tiles(result), strict=True):
        ui.tile(
            spot, tile.label, tile.value, delta=tile.delta, delta_color=tile.delta_color,
            help=tile.help,
        )  # fmt: skip
    st.caption(model.bands_caption(result))
    left, right = st.columns(2)
    left.altair_chart(model.cost_chart(result), width="stretch")
    right.altair_chart(model.value_chart(result), width="stretch")
    if model.has_contributions(result):
        st.altair_chart(model.contribution_chart(result), width="stretch")
    else:
        st.caption(model.NO_CONTRIBUTION)
    st.dataframe(model.products_table(result), hide_index=True, width="stretch")

    budget_move(baselines, resolved, result, currency)
    save_and_compare(baselines, saved, picks_state)


def budget_move(
    baselines: Baselines,
    resolved: Mapping[str, core_plan.Choice],
    result: core_plan.PlanResult,
    currency: str,
) -> None:
    names = model.names_of(baselines)
    givers = model.givers(names, resolved)
    with st.expander("Move a budget from one product to another", icon=":material/swap_horiz:"):
        if not model.can_move(names, givers):
            st.info("No product of this plan has a team budget to move.")
            return
        c1, c2, c3 = st.columns(3)
        giver = c1.selectbox("From", givers, format_func=lambda p: names[p], key="plan_move_from")
        receivers = model.receivers(names, resolved, giver)
        if not receivers:
            st.info("Every other product is cut in this plan.")
            return
        receiver = c2.selectbox("To", receivers, format_func=lambda p: names[p], key="plan_move_to")
        available = core_plan.team_budget(resolved[giver])
        amount = c3.number_input(
            f"Per month ({currency})",
            min_value=0.0,
            max_value=model.max_amount(available),
            value=model.default_amount(available),
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
        st.markdown(model.move_sentence(move, float(amount), names, currency))
        st.dataframe(model.move_table(move, currency), hide_index=True, width="stretch")
        st.caption(model.MOVE_NOTE)


def save_and_compare(baselines: Baselines, saved: Saved, picks: dict[str, str]) -> None:
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
                    st.session_state[FLASH] = model.saved_flash(name)
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
            compare(baselines, saved, stored, chosen)


def compare(baselines: Baselines, saved: Saved, stored: pd.DataFrame, chosen: list[str]) -> None:
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
            st.dataframe(model.plan_figures(result), hide_index=True, width="stretch")
            st.caption(model.saved_caption(row["updated_at"], row["author"]))
