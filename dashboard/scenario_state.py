"""The Scenarios page's session state: each product's sliders, the link that mirrors
them, and the saved-scenario actions (callbacks).

Slider values that differ from the baseline live in the URL (`?product=ci&s_fte=2.5`),
so a copied link reproduces the scenario; the session keeps each product's sliders while
the viewer looks around. A link's values are validated and clamped before use, with a
notice (`valuemodel.present.scenario_controls.values_from_url`).
"""

from __future__ import annotations

import streamlit as st

from dashboard import data, ui
from valuemodel.core import scenario
from valuemodel.present import scenario_controls as controls_ui
from valuemodel.present.pages import scenarios as model
from valuemodel.present.text import plain

FLASH = "scenario_flash"
NOTICE = "scenario_url_notice"
STATE = "scenario_sliders"  # {product_id: {driver: slider value off the baseline, "cut": bool}}
URL_OWNER = "scenario_url_owner"  # the product whose sliders the URL holds


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
            params = {k: str(st.query_params.get(k)) for k in st.query_params}
            found, cut, notices = controls_ui.values_from_url(baseline, params)
            values.update(found)
            if notices:
                st.session_state[NOTICE] = (
                    "The link's scenario was adjusted: " + "; ".join(notices) + "."
                )
        values["cut"] = cut
        state[pid] = values
    return state[pid]


def show_url_notice() -> None:
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.info(plain(notice), icon=":material/link_off:")


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


def current_drivers(baseline: scenario.Baseline) -> scenario.Drivers:
    """The drivers the session's sliders hold for this product."""
    stored = stored_values(baseline)
    specs = controls_ui.controls(baseline)
    values = {c.driver: float(stored.get(c.driver, c.default)) for c in specs}
    return controls_ui.drivers_from_controls(baseline, values, cut=bool(stored.get("cut")))


def slider(
    baseline: scenario.Baseline,
    control: controls_ui.Control,
    stored: dict[str, float | bool],
    *,
    disabled: bool = False,
) -> None:
    """One driver's slider, fed from and feeding this session's stored values. An
    untouched slider holds the baseline's exact value (not the nearest grid step)."""
    key = key_for(baseline, control.driver)
    if key not in st.session_state:  # first shown (or shown again): the stored value
        if control.driver in stored:
            st.session_state[key] = controls_ui.snap_control(control, float(stored[control.driver]))
        else:
            st.session_state[key] = control.default
    value = float(
        st.slider(
            f"{control.label} · :gray[baseline {plain(control.baseline_text)}]",
            min_value=control.minimum,
            max_value=control.maximum,
            step=control.step,
            format=control.format,
            key=key,
            help=controls_ui.EXPLAIN.get(control.driver) or None,
            disabled=disabled,
        )
    )
    if abs(value - control.default) < control.step / 1000:
        stored.pop(control.driver, None)
    else:
        stored[control.driver] = value


# ------------------------------------------------------------------ actions (callbacks)


def set_sliders(baseline: scenario.Baseline, drivers: scenario.Drivers) -> None:
    values = controls_ui.controls_from_drivers(baseline, drivers)
    stored: dict[str, float | bool] = {"cut": bool(drivers.cut)}
    for control in controls_ui.controls(baseline):
        value = values[control.driver]
        st.session_state[key_for(baseline, control.driver)] = value
        if abs(value - control.default) >= control.step / 1000:
            stored[control.driver] = value
    st.session_state[key_for(baseline, "cut")] = bool(drivers.cut)
    st.session_state.setdefault(STATE, {})[baseline.product_id] = stored


def reset_sliders(baseline: scenario.Baseline) -> None:
    set_sliders(baseline, scenario.baseline_drivers(baseline))


def load_scenario(baseline: scenario.Baseline, scenario_id: int) -> None:
    saved = data.saved_scenarios(baseline.product_id)
    row = saved[saved["scenario_id"] == scenario_id]
    if row.empty:
        st.session_state[FLASH] = ("warning", "That scenario is gone (deleted meanwhile).")
        return
    name = str(row.iloc[0]["name"])
    try:
        drivers = model.saved_drivers(baseline, dict(row.iloc[0]["drivers"]))
    except ValueError as exc:
        st.session_state[FLASH] = (
            "warning",
            f"“{plain(name)}” cannot be loaded on this baseline: {plain(str(exc))}.",
        )
        return
    set_sliders(baseline, drivers)
    st.session_state[FLASH] = (
        "success",
        f"Loaded “{plain(name)}”: the sliders and the link now hold it.",
    )


def rename_scenario(baseline: scenario.Baseline, scenario_id: int) -> None:
    if not ui.rights().can_edit:
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
    if not ui.rights().can_edit:
        return
    data.delete_scenario(product_id=baseline.product_id, scenario_id=scenario_id)
    st.session_state[FLASH] = ("success", f"Deleted “{plain(name)}”.")


def show_flash() -> None:
    flash = st.session_state.pop(FLASH, None)
    if flash:
        kind, text = flash
        {"success": st.success, "warning": st.warning, "info": st.info}[kind](text)
