"""Rendering helpers shared by the pages: empty states and friendly failures."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy.exc
import streamlit as st

from valuemodel.data import db
from valuemodel.present.formats import number
from valuemodel.present.value import DeltaColor

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

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


def require_products() -> pd.DataFrame:
    """The product catalogue; without any product, an empty state and the page stops."""
    from dashboard import data

    catalogue = data.products()
    if catalogue.empty:
        empty_state("No products are loaded yet.")
        st.stop()
    return catalogue


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
    container: DeltaGenerator,
    label: str,
    value: str,
    *,
    delta: str | None = None,
    delta_color: DeltaColor = "normal",
    help: str | None = None,
) -> None:
    """One headline figure (st.metric) with an optional change and an explanation."""
    container.metric(label, value, delta=delta, delta_color=delta_color, help=help, border=True)


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


def chart_scale() -> None:
    """Charts in this run follow presentation mode (larger text in a room)."""
    from valuemodel.present import charts

    charts.type_scale.set(charts.PRESENTING if presenting() else 1.0)


DRAWN_CELLS = ("_chart", "image", "link")  # grid-only cells: left out of a plain table


def table(
    data: Any,
    *,
    column_config: Mapping[str, Any] | None = None,
    column_order: Sequence[str] | None = None,
    **_grid_only: object,
) -> None:
    """A table that fits its column at any screen width: long text and headers wrap
    instead of pushing columns out of view (st.table, not a scrolling grid).

    Takes what the pages gave st.dataframe: a frame or a Styler, `column_config` (its
    labels; a grid's widths mean nothing here, and chart, image and link cells are left
    out) and `column_order`. Whole numbers of
    an unstyled frame get thousands separators.
    """
    styler = data if hasattr(data, "data") and hasattr(data, "hide") else None
    frame: pd.DataFrame = styler.data if styler is not None else data
    order = [c for c in (column_order or frame.columns) if c in frame.columns]
    labels: dict[str, str] = {}
    for column, config in (column_config or {}).items():
        if isinstance(config, str):
            labels[column] = config
            continue
        if not isinstance(config, Mapping):
            continue
        if str((config.get("type_config") or {}).get("type", "")).endswith(DRAWN_CELLS):
            order = [c for c in order if c != column]  # a sparkline would print as a list
        elif config.get("label"):
            labels[column] = str(config["label"])
    if styler is None:
        shown = frame[order].copy()
        for column in shown.columns:
            if pd.api.types.is_integer_dtype(shown[column]):
                shown[column] = [number(float(v)) for v in shown[column]]
        st.table(shown.rename(columns=labels), hide_index=True, border="horizontal")
        return
    st.table(_shown(styler, frame, order, labels), border="horizontal")


def _shown(styler: Any, frame: pd.DataFrame, order: list[str], labels: dict[str, str]) -> Any:
    """A Styler's text and cell styles as computed, on a frame of the shown columns under
    their labels (st.table ignores Styler.hide and relabel_index; a Styler's pending
    styles name the original columns, so they are computed first)."""
    styler._compute()
    positions = [list(frame.columns).index(c) for c in order]
    text = pd.DataFrame(
        [
            [styler._display_funcs[(r, c)](frame.iat[r, c]) for c in positions]
            for r in range(len(frame))
        ],
        columns=[labels.get(c, c) for c in order],
    )
    css = pd.DataFrame(
        [
            ["; ".join(f"{k}: {v}" for k, v in styler.ctx.get((r, c), [])) for c in positions]
            for r in range(len(frame))
        ],
        columns=text.columns,
    )
    return text.style.apply(lambda _: css, axis=None).hide(axis="index")
