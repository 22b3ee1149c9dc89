"""The optional segment filter of the frame: one attribute of the people directory and
one of its values, kept in the URL (`?segment_by=org&segment=Payments`) like the product
and the period. User-side figures respect it; buyer money stays the whole product's.

A link that names an unknown attribute or value falls back to everyone, with a notice.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard import data
from valuemodel.core.contract import SEGMENT_ATTRIBUTES, UNKNOWN_SEGMENT
from valuemodel.core.segments import ATTRIBUTE_LABELS, Segment
from valuemodel.present.text import plain

EVERYONE = "everyone"
URL_ATTRIBUTE = "segment_by"
URL_VALUE = "segment"


def _url(name: str) -> str | None:
    try:
        values = st.query_params.get_all(name)
    except Exception:  # noqa: BLE001 - a malformed URL is treated as absent
        return None
    return values[-1] if values else None


def _initial(values: dict[str, list[str]]) -> tuple[str, str | None]:
    """The segment a session starts with: the link's, or everyone with a notice."""
    if "segment_initial" in st.session_state:
        return st.session_state["segment_initial"]
    attribute, value = _url(URL_ATTRIBUTE), _url(URL_VALUE)
    initial: tuple[str, str | None] = (EVERYONE, None)
    if attribute is not None or value is not None:
        if attribute in values and value in values[attribute]:
            initial = (str(attribute), str(value))
        else:
            st.session_state["segment_notice"] = (
                "Showing everyone: the link names a segment the people directory does not "
                f"hold ({str(attribute)[:30]!r} = {str(value)[:40]!r})."
            )
    st.session_state["segment_initial"] = initial
    return initial


def _write_url(segment: Segment | None) -> None:
    params = {
        k: v for k, v in st.query_params.to_dict().items() if k not in (URL_ATTRIBUTE, URL_VALUE)
    }
    if segment is not None:
        params[URL_ATTRIBUTE], params[URL_VALUE] = segment.attribute, segment.value
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)


def sidebar() -> Segment | None:
    """The segment pickers (in the sidebar); None means everyone."""
    directory = data.segment_values()
    values: dict[str, list[str]] = {
        attribute: [
            *sorted(directory.loc[directory["attribute"] == attribute, "value"]),
            UNKNOWN_SEGMENT,
        ]
        for attribute in SEGMENT_ATTRIBUTES
    }
    if directory.empty:
        _write_url(None)
        return None
    initial_attribute, initial_value = _initial(values)
    options = [EVERYONE, *SEGMENT_ATTRIBUTES]
    first: dict[str, Any] = (
        {"index": options.index(initial_attribute)}
        if "segment_attribute" not in st.session_state
        else {}
    )
    with st.sidebar:
        attribute = st.selectbox(
            "Segment",
            options,
            format_func=lambda a: (
                "Everyone" if a == EVERYONE else f"By {ATTRIBUTE_LABELS[a].lower()}"
            ),
            key="segment_attribute",
            help="Show the user figures (HEART, lifecycle, cohorts, funnel) of one group of "
            "the people directory. Money stays the whole product's.",
            **first,
        )
        segment = None
        if attribute != EVERYONE:
            choices = values[str(attribute)]
            start = choices.index(initial_value) if initial_value in choices else 0
            value = st.selectbox(
                ATTRIBUTE_LABELS[str(attribute)],
                choices,
                index=start,
                key=f"segment_value_{attribute}",
                help="'unknown': users of the product who are not in the people directory.",
            )
            segment = Segment(str(attribute), str(value))
    _write_url(segment)
    notice = st.session_state.pop("segment_notice", None)
    if notice:
        st.info(notice, icon=":material/link_off:")
    return segment


def caption(segment: Segment | None) -> None:
    """Say on screen what a segment changes (and what it does not)."""
    if segment is not None:
        st.info(
            f"**Segment {plain(segment.label)}.** User figures (HEART, lifecycle, cohorts, funnel) "
            "count this segment only; money (savings, cost, ROI) stays the whole product's, "
            "because savings are not attributed to segments.",
            icon=":material/group:",
        )
