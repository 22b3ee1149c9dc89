"""The frame and the router: page config, database readiness, shared selectors, navigation."""

from __future__ import annotations

import streamlit as st

from dashboard import access, bootstrap, frame, present, ui

presenting = present.active()
st.set_page_config(
    page_title="Value dashboard",
    page_icon=":material/monitoring:",
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
    st.session_state["selection"] = frame.sidebar()
    present.controls(presenting)
    st.session_state["access"] = access.current()
    access.sidebar_notice(st.session_state["access"])
    navigation.run()
except Exception as exc:  # noqa: BLE001 - every failure becomes a calm message
    ui.show_failure(exc)
