"""The frame and the router: page config, database readiness, shared selectors, navigation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import access, bootstrap, frame, present, ui

ICON = Path(__file__).resolve().parent / "assets" / "icon.png"  # local: no font fetch
presenting = present.active()
st.set_page_config(
    page_title="Value dashboard",
    page_icon=str(ICON),
    layout="wide",
    initial_sidebar_state="collapsed" if presenting else "expanded",
)

PAGES = {
    "Start": [
        st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("views/home.py", title="Home", icon=":material/home:"),
    ],
    "Buyer view": [
        st.Page("views/value.py", title="Value", icon=":material/payments:"),
        st.Page("views/okr.py", title="OKR ladder-up", icon=":material/account_tree:"),
        st.Page("views/releases.py", title="Releases", icon=":material/rocket_launch:"),
    ],
    "User view": [
        st.Page("views/heart.py", title="HEART", icon=":material/favorite:"),
        st.Page("views/adoption.py", title="Adoption", icon=":material/groups:"),
    ],
    "Plan": [
        st.Page("views/scenarios.py", title="Scenarios", icon=":material/tune:"),
        st.Page("views/reviews.py", title="Reviews", icon=":material/event_note:"),
    ],
    "Admin": [
        st.Page("views/data.py", title="Data", icon=":material/database:"),
    ],
}

access.require_sign_in()
navigation = st.navigation(PAGES, position="top" if presenting else "sidebar")
try:
    bootstrap.ensure_ready()
    present.controls(presenting)
    ui.chart_scale()
    st.session_state["selection"] = frame.sidebar(presenting)
    frame.mark_time_charts(st.session_state["selection"])
    frame.demo_marker()
    st.session_state["access"] = access.current()
    if not presenting:
        with st.sidebar:
            frame.copy_link(st.session_state["selection"])
            access.sidebar_notice(st.session_state["access"])
    navigation.run()
except Exception as exc:  # noqa: BLE001 - every failure becomes a calm message
    ui.show_failure(exc)
