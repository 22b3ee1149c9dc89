"""Rendering helpers shared by the pages: empty states and friendly failures."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import sqlalchemy.exc
import streamlit as st

from valuemodel.data import db

if TYPE_CHECKING:
    from dashboard.access import Access
    from dashboard.frame import Selection

log = logging.getLogger("valuedash")


def empty_state(what: str) -> None:
    """Guidance instead of an error when there is nothing to show yet."""
    st.info(
        f"{what}\n\n"
        "Load the demo portfolio with `python -m valuemodel demo`, or import your own CSV "
        "files with `python -m valuemodel import FOLDER` (formats in the README).",
        icon=":material/inbox:",
    )


def show_failure(exc: BaseException) -> None:
    """A calm message for a failure; details go to the log, never to the screen."""
    if isinstance(exc, db.DatabaseUnavailable):
        st.error(str(exc), icon=":material/cloud_off:")
    elif isinstance(exc, sqlalchemy.exc.OperationalError | sqlalchemy.exc.InterfaceError):
        st.error(
            "The database is not reachable right now. Check that PostgreSQL is running and "
            "that DATABASE_URL points at it; this page recovers by itself when it is back.",
            icon=":material/cloud_off:",
        )
        if st.button("Try again", icon=":material/refresh:"):
            st.rerun()
    else:
        st.error(
            "Something went wrong while preparing this view. The details are in the app's "
            "log; try another selection, or reload the page.",
            icon=":material/error:",
        )
    log.error("page failed", exc_info=exc)


def tile(
    container: object,
    label: str,
    value: str,
    *,
    delta: str | None = None,
    delta_color: str = "normal",
    help: str | None = None,
) -> None:
    """One headline figure (st.metric) with an optional change and an explanation."""
    container.metric(  # type: ignore[attr-defined]
        label, value, delta=delta, delta_color=delta_color, help=help, border=True
    )


def selection() -> Selection:
    """The frame's selection for this run (set by app.py before the page runs)."""
    chosen: Selection = st.session_state["selection"]
    return chosen


def rights() -> Access:
    """The viewer's rights for this run (a dashboard.access.Access, set by app.py).

    Writing features check `rights().can_edit` and show `rights().reason` when false.
    """
    viewer: Access = st.session_state["access"]
    return viewer


def presenting() -> bool:
    """True in presentation mode: pages leave out editing controls (same figures)."""
    return bool(st.session_state.get("present", False))
