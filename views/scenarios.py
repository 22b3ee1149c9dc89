"""Scenarios: what-if funding for one product.

Sliders change a scenario's drivers; `valuemodel.core.scenario` computes the projection,
its uncertainty band, the change against the no-change baseline and the tornado, and
`valuemodel.present.pages.scenarios` words and draws them. Only what a slider changes
(tiles, projection, band, tornado, draws, comparison) runs inside the fragment, fed with
the cached baseline, so a slider move reruns that part only; the baseline table and the
saved-scenario controls render outside it. Session and link state: dashboard.scenario_state.
"""

from __future__ import annotations

import time

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from dashboard import data, ui
from dashboard import scenario_state as state
from valuemodel.core import scenario
from valuemodel.present import scenario_controls as controls_ui
from valuemodel.present.pages import scenarios as model

MAX_COMPARE = 3


def _pick_product() -> None:
    choice = st.session_state.get("scenario_pick")
    if choice:
        st.session_state["product"] = choice  # the frame's selector: it updates the URL


def show_tile(container: DeltaGenerator, tile: model.Tile) -> None:
    """A headline tile; no change reads 'same as baseline', without colour or arrow."""
    quiet = tile.delta is None or tile.kind == "off"
    container.metric(
        tile.label,
        tile.value,
        delta=tile.delta or model.SAME,
        delta_color="off" if quiet else tile.kind,
        delta_arrow="off" if quiet else "auto",
        help=tile.help,
        border=True,
    )


sel = ui.selection()
st.title("Scenarios")

if sel.is_portfolio:
    products = data.products()
    if products.empty:
        ui.empty_state("No products are loaded yet.")
        st.stop()
    from dashboard import plan_page

    plan_page.render(sel)
    st.divider()
    st.info(model.PORTFOLIO_PROMPT, icon=":material/ads_click:")
    names = dict(zip(products["product_id"], products["name"], strict=True))
    st.selectbox(
        "Product to model",
        options=model.product_options(names),
        index=None,
        placeholder="Choose a product",
        format_func=lambda pid: str(names[pid]),
        key="scenario_pick",
        on_change=_pick_product,
        width=420,
    )
    st.stop()

baseline = data.scenario_baseline(str(sel.product_id), sel.period.last)  # one product here
if not model.has_baseline(baseline):
    st.info(model.no_baseline_notice(baseline), icon=":material/inbox:")
    st.stop()

stored = state.stored_values(baseline)
state.show_url_notice()
st.markdown(model.intro(baseline))
notice = model.baseline_notice(baseline)
if notice:
    st.info(notice, icon=":material/info:")

with st.expander(f"The baseline: {model.window(baseline)}", icon=":material/history:"):
    st.dataframe(model.baseline_table(baseline), hide_index=True, width="stretch")
    st.caption(model.BASELINE_CAPTION)


@st.fragment
def scenario_panel(baseline: scenario.Baseline) -> None:
    ui.chart_scale()  # a fragment rerun does not pass through app.py
    specs = controls_ui.controls(baseline)
    groups = model.control_groups(specs)
    stored = state.stored_values(baseline)
    lead_area, tiles_area = st.container(), st.container()
    left, right = st.columns([1, 2], gap="large")
    with left:
        cut_key = state.key_for(baseline, "cut")
        if cut_key not in st.session_state:
            st.session_state[cut_key] = bool(stored.get("cut"))
        cut = st.toggle("What if we cut it?", key=cut_key, help=controls_ui.EXPLAIN["cut"])
        if cut:
            st.caption(model.CUT_NOTE)
            st.markdown("**After the cut**")
            for control in groups["cut"]:
                state.slider(baseline, control, stored)
        for group, title in model.SLIDER_GROUPS:
            st.markdown(f"**{title}**")
            for control in groups[group]:
                state.slider(baseline, control, stored, disabled=cut)
        with st.expander("More assumptions", icon=":material/tune:"):
            for control in groups["more"]:
                state.slider(baseline, control, stored)
        st.button(
            "Back to the baseline",
            icon=":material/restart_alt:",
            on_click=state.reset_sliders,
            args=(baseline,),
            key=f"scenario_reset_{baseline.product_id}",
        )

    stored["cut"] = bool(cut)
    state.write_url(baseline, stored)
    values = {c.driver: float(stored.get(c.driver, c.default)) for c in specs}
    drivers = controls_ui.drivers_from_controls(baseline, values, cut=cut)
    started = time.perf_counter()
    evaluation = scenario.evaluate(baseline, drivers)
    seconds = time.perf_counter() - started

    if cut:
        lead_area.markdown(model.cut_summary(evaluation))
    with tiles_area:
        for column, tile in zip(st.columns(4), model.tiles(evaluation), strict=True):
            show_tile(column, tile)
        st.caption(model.npv_note(evaluation))
    with right:
        st.altair_chart(model.projection_chart(evaluation), width="stretch")
        if evaluation.tornado.empty:
            st.info("No driver moves the NPV in this scenario.")
        else:
            st.altair_chart(model.tornado_chart(evaluation), width="stretch")

    distribution_col, figures_col = st.columns([2, 1], gap="large")
    with distribution_col:
        st.altair_chart(model.distribution_chart(evaluation), width="stretch")
    with figures_col:
        st.markdown(f"**Across {evaluation.uncertainty.draws:,} draws**")
        ui.table(model.uncertainty_table(evaluation))
        st.caption(model.UNCERTAINTY_NOTE)
    if not ui.presenting():
        st.caption(model.timing_note(seconds, evaluation.uncertainty.draws))
    compare(baseline, drivers, evaluation)


def compare(
    baseline: scenario.Baseline, drivers: scenario.Drivers, evaluation: scenario.Evaluation
) -> None:
    """Saved scenarios beside the current sliders (inside the fragment: it follows them)."""
    saved = data.saved_scenarios(baseline.product_id)
    if saved.empty:
        return
    st.subheader("Compare")
    names = model.saved_names(saved)
    picked = st.multiselect(
        f"Saved scenarios to compare with the current sliders (up to {MAX_COMPARE})",
        options=list(names),
        format_func=lambda i: names.get(i, "?"),
        max_selections=MAX_COMPARE,
        key=f"scenario_compare_{baseline.product_id}",
    )
    horizon = drivers.horizon_months
    columns, problems = model.comparison_columns(evaluation, saved, picked, horizon)
    if problems:
        st.warning(model.left_out_warning(problems))
    if not picked:
        st.caption(model.COMPARE_HINT)
        return
    ui.table(model.comparison_table(baseline, columns, horizon))
    curves = model.compare_curves(columns)
    st.altair_chart(model.compare_chart(curves, baseline.currency, horizon), width="stretch")


def saved_scenarios(baseline: scenario.Baseline) -> None:
    """Save, load, rename and delete (outside the fragment: the sliders do not move it)."""
    pid = baseline.product_id
    st.subheader("Saved scenarios")
    state.show_flash()
    rights = ui.rights()
    can_edit = bool(rights.can_edit)
    editing = not ui.presenting()  # presentation mode leaves the editing controls out
    if editing and not can_edit:
        st.info(str(rights.reason), icon=":material/lock:")
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
                st.session_state["scenario_author"] = rights.user_email or ""
            author = st.text_input(
                "Your name or team (optional)", max_chars=scenario.AUTHOR_MAX, key="scenario_author"
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
                    drivers=state.current_drivers(baseline).as_dict(),
                    overwrite=overwrite,
                )
            except ValueError as exc:  # a taken or empty name
                save_col.warning(model.not_saved(exc))
            else:
                st.session_state[state.FLASH] = ("success", model.saved_flash(name))
                st.rerun()  # the comparison (in the fragment) lists it at once

    saved = data.saved_scenarios(pid)
    with manage_col if editing else save_col:
        if saved.empty:
            st.info(model.no_saved_notice(editing), icon=":material/bookmark:")
            return
        names = model.saved_names(saved)
        chosen = st.selectbox(
            "Saved scenario",
            options=list(names),
            format_func=lambda i: names[i],
            key=f"scenario_chosen_{pid}",
        )
        if chosen is None:
            return
        row = saved[saved["scenario_id"] == chosen].iloc[0]
        st.caption(model.saved_caption(row["author"], row["created_at"], row["updated_at"]))
        load_c, rename_c, delete_c = st.columns(3)
        load_c.button(
            "Load",
            icon=":material/upload:",
            on_click=state.load_scenario,
            args=(baseline, chosen),
            key=f"scenario_load_{pid}",
            width="stretch",
        )
        if not editing:
            return
        with rename_c.popover(
            "Rename", icon=":material/edit:", width="stretch", disabled=not can_edit
        ):
            st.text_input("New name", max_chars=scenario.NAME_MAX, key=f"scenario_new_name_{pid}")
            st.button(
                "Rename",
                on_click=state.rename_scenario,
                args=(baseline, chosen),
                key=f"scenario_rename_{pid}",
                disabled=not can_edit,
            )
        with delete_c.popover(
            "Delete", icon=":material/delete:", width="stretch", disabled=not can_edit
        ):
            st.markdown(model.delete_question(names[chosen]))
            st.button(
                "Delete",
                type="primary",
                on_click=state.delete_scenario,
                args=(baseline, chosen, names[chosen]),
                key=f"scenario_delete_{pid}",
                disabled=not can_edit,
            )


scenario_panel(baseline)
saved_scenarios(baseline)
