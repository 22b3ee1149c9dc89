"""Presentation mode: for a projector in a review.

On with the toggle or `present=1` in the URL: the sidebar and every editing control are
hidden, navigation moves to the top, tiles and fonts grow; the figures stay the same.
"""

from __future__ import annotations

import streamlit as st

KEY = "present"

# Every run, every screen: a tile never cuts its number or its label; they shrink with
# the window and wrap instead of ending in "...".
FIT_CSS = """
<style>
[data-testid="stMetricValue"] { font-size: clamp(1.35rem, 2.1vw, 2.25rem); }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] *,
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
[data-testid="stMetricDelta"] > div {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: anywhere;
}
[data-testid="stTable"] th { white-space: normal; }
/* Narrow screens give the content the side margins rather than cut its tables, and a
   table's cells less padding, so a wrapping table fits its column. */
@media (max-width: 1280px) {
  [data-testid="stTable"] th, [data-testid="stTable"] td {
    padding: 0.25rem 0.3rem !important; font-size: 0.8rem;
  }
}
[data-testid="stTable"] td, [data-testid="stTable"] th { overflow-wrap: anywhere; }
[data-testid="stMainBlockContainer"] {
  padding-left: clamp(1rem, 3vw, 5rem); padding-right: clamp(1rem, 3vw, 5rem);
}
</style>
"""

# Larger type, more air, no sidebar: readable from the back of a meeting room.
PROJECTOR_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 1680px; padding-top: 3.5rem; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
  font-size: clamp(1.8rem, 2.6vw, 3.1rem) !important;
}
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { font-size: 1.25rem !important; }
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * { font-size: 1.1rem !important; }
h1 { font-size: 3rem !important; }
h2, h3 { font-size: 1.9rem !important; }
[data-testid="stMarkdown"] p, [data-testid="stCaptionContainer"] p { font-size: 1.15rem; }
[data-testid="stMetricValue"] > div { overflow: visible; }
</style>
"""
# For a washed-out projector: black on white, no light greys, heavier text.
HIGH_CONTRAST_CSS = """
<style>
.stApp, [data-testid="stMainBlockContainer"] {
  background: #FFFFFF !important; color: #000 !important;
}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stMetricLabel"] * , [data-testid="stMarkdown"] p { color: #000 !important; }
[data-testid="stMetric"] { border: 2px solid #000 !important; }
body, p, span, label { font-weight: 500; }
</style>
"""


def _url_flag() -> bool:
    try:
        return st.query_params.get(KEY) in ("1", "true", "yes")
    except Exception:  # noqa: BLE001 - a malformed URL means "not presenting"
        return False


def active() -> bool:
    """Whether this run is in presentation mode (the URL decides on a session's first run)."""
    if KEY not in st.session_state:
        st.session_state[KEY] = _url_flag()
    return bool(st.session_state[KEY])


def _set(value: bool) -> None:
    st.session_state[KEY] = value


def controls(presenting: bool) -> None:
    """The switch: a toggle in the sidebar, or a quiet exit button while presenting."""
    st.markdown(FIT_CSS, unsafe_allow_html=True)
    if presenting:
        st.markdown(PROJECTOR_CSS, unsafe_allow_html=True)
        _, left, right = st.columns([3, 1, 1], vertical_alignment="center")
        if st.session_state.get("present_contrast"):
            st.markdown(HIGH_CONTRAST_CSS, unsafe_allow_html=True)
        left.toggle(
            "High contrast",
            key="present_contrast",
            help="Black on white for a washed-out projector.",
        )
        right.button(
            "Exit presentation",
            icon=":material/close_fullscreen:",
            on_click=_set,
            args=(False,),
            key="exit_present",
            width="stretch",
        )
    else:
        st.sidebar.toggle(
            "Presentation mode",
            value=False,
            key="present_toggle",
            on_change=lambda: _set(bool(st.session_state.get("present_toggle"))),
            help="Hide the sidebar and editing controls, enlarge the figures (or add "
            "present=1 to the link).",
        )
    params = st.query_params.to_dict()
    if presenting and params.get(KEY) != "1":
        st.query_params[KEY] = "1"
    elif not presenting and KEY in params:
        del st.query_params[KEY]
