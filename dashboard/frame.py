"""The shared frame: product (or portfolio) and period, chosen once, kept in the URL.

The selection is mirrored in the URL (`?product=ci&from=2025-01&to=2025-12`, product ids
rather than display names, defaults left out), so a copied link reproduces the view. A
parameter that names an unknown product or a malformed month falls back to the default
with a visible notice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import streamlit as st

from dashboard import data
from valuemodel.core.months import PRESETS, Period, last_complete_month, month_range, preset_period
from valuemodel.core.segments import Segment
from valuemodel.present.text import plain

PORTFOLIO = "all"
PENDING = "frame_pending_product"
DEMO_LABEL = "Demo data: a generated portfolio, not real figures"


@dataclass(frozen=True)
class Selection:
    """What every page shows: one product (None = the portfolio) over a period."""

    product_id: str | None
    product_name: str
    period: Period
    segment: Segment | None = None  # None: everyone (user figures of one segment otherwise)

    @property
    def is_portfolio(self) -> bool:
        return self.product_id is None

    @property
    def label(self) -> str:
        return f"{self.product_name}, {self.period.first} to {self.period.last}"


def _url_value(name: str) -> str | None:
    try:
        values = st.query_params.get_all(name)
    except Exception:  # noqa: BLE001 - a malformed URL is treated as absent
        return None
    return values[-1] if values else None


def _initial_from_url(
    options: list[str], months: list[str], first: str, last: str
) -> tuple[str, str, str]:
    """The selection a session starts with: the link's, or the default with a notice.

    Computed once per session; afterwards the widgets keep their own state.
    """
    if "frame_initial" in st.session_state:
        return st.session_state["frame_initial"]
    notices = []
    product = _url_value("product")
    if product is not None and product not in options:
        notices.append(f"the link names an unknown product (“{plain(product[:40])}”)")
        product = None
    start, end = _url_value("from"), _url_value("to")
    if start is not None or end is not None:
        if start in months and end in months and str(start) <= str(end):
            first, last = str(start), str(end)
        else:
            notices.append("the link's period is not a range of months with data")
    if notices:
        st.session_state["frame_notice"] = "Showing the default view: " + "; ".join(notices) + "."
    initial = (product or PORTFOLIO, first, last)
    st.session_state["frame_initial"] = initial
    return initial


def _write_url(product: str, period: tuple[str, str], default: tuple[str, str]) -> None:
    """Keep the selection in the URL so a copied link reproduces the view."""
    params = {
        k: v for k, v in st.query_params.to_dict().items() if k not in ("product", "from", "to")
    }
    if product != PORTFOLIO:
        params["product"] = product
    if period != default:
        params["from"], params["to"] = period
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)


def open_product(product_id: str | None) -> None:
    """Switch the frame to `product_id` (None: the portfolio) and rerun, from any page."""
    st.session_state[PENDING] = product_id or PORTFOLIO
    st.rerun()


def available_months(today: dt.date | None = None) -> list[str]:
    """Months a period can cover: from the first month of data to the last complete one."""
    span = data.data_months()
    last_complete = last_complete_month(today or dt.datetime.now(dt.UTC).date())
    if span is None:
        return month_range(str_minus(last_complete, 11), last_complete)
    last = min(span[1], last_complete) if span[0] <= last_complete else span[1]
    return month_range(span[0], last)


def str_minus(month: str, count: int) -> str:
    import pandas as pd

    return str(pd.Period(month, freq="M") - count)


def _apply_preset(months: list[str]) -> None:
    chosen = preset_period(str(st.session_state.get("period_preset")), months)
    if chosen is not None:
        st.session_state["period"] = (chosen.first, chosen.last)


def mark_time_charts(selection: Selection) -> None:
    """Every time chart of this run marks the selected product's releases and notes."""
    from dashboard import review_data
    from valuemodel.present import charts

    period = selection.period
    charts.time_events.set(review_data.time_events(period.first, period.last, selection.product_id))


def demo_marker() -> None:
    """A visible marker while the data is the generated demo portfolio (every page)."""
    if data.is_demo():
        st.badge(
            DEMO_LABEL,
            icon=":material/science:",
            color="orange",
            help="The figures come from the generated demo portfolio. Import your own data "
            "on the Data page.",
        )


def copy_link(selection: Selection) -> None:
    """The current view's link, shown with a copy button."""
    try:
        url = str(st.context.url or "")
    except Exception:  # noqa: BLE001 - no browser context (tests): nothing to copy
        url = ""
    params = st.query_params.to_dict()
    query = "&".join(f"{k}={v}" for k, v in params.items())
    link = url.split("?")[0] + (f"?{query}" if query else "")
    with st.popover("Copy link", icon=":material/link:"):
        st.caption(f"This view: {plain(selection.label)}. Copy the link to share it.")
        st.code(link or "(open the app in a browser to get its link)", language=None)


def sidebar(presenting: bool = False) -> Selection:
    """Render the product and period pickers (in the sidebar, or as a compact row at the
    top while presenting); return the selection."""
    products = data.products()
    names = dict(zip(products["product_id"], products["name"], strict=True))
    options = [PORTFOLIO, *sorted(names, key=lambda pid: names[pid].lower())]
    months = available_months()
    default = data.period_default(dt.datetime.now(dt.UTC).date())
    first = default.first if default.first in months else months[0]
    last = default.last if default.last in months else months[-1]
    initial_product, initial_first, initial_last = _initial_from_url(options, months, first, last)
    if initial_product not in options:
        initial_product = PORTFOLIO
    if initial_first not in months or initial_last not in months:
        initial_first, initial_last = first, last

    pending = st.session_state.pop(PENDING, None)
    if pending in options:
        st.session_state["product"] = pending
    # The link decides the first run; afterwards the widget keeps its own state.
    first_run = "product" not in st.session_state
    if presenting:
        top = st.columns([2, 1, 3, 1], vertical_alignment="bottom")
        product_box, preset_box, period_box = top[0], top[1], top[2]
    else:
        product_box = preset_box = period_box = st.sidebar
    initial: dict[str, Any] = {"index": options.index(initial_product)} if first_run else {}
    product = product_box.selectbox(
        "Product",
        options,
        format_func=lambda pid: "Whole portfolio" if pid == PORTFOLIO else names[pid],
        key="product",
        help="One internal product, or every product summed.",
        **initial,
    )
    preset_box.selectbox(
        "Preset",
        PRESETS,
        index=None,
        placeholder="Choose a preset",
        key="period_preset",
        on_change=_apply_preset,
        args=(months,),
        help="Set the period to a common range; the Value page compares it with the "
        "months just before.",
    )
    held = st.session_state.get("period")
    if not (isinstance(held, tuple | list) and len(held) == 2 and all(m in months for m in held)):
        st.session_state["period"] = (initial_first, initial_last)
    period = period_box.select_slider(
        "Period",
        options=months,
        key="period",
        help="An inclusive range of calendar months (UTC).",
    )
    start, end = tuple(period) if isinstance(period, tuple | list) else (first, last)
    _write_url(str(product), (str(start), str(end)), (first, last))
    if not presenting:
        before = Period(str(start), str(end)).previous()
        st.sidebar.caption(f"Compared with {before.first} to {before.last} (the months before).")
    notice = st.session_state.pop("frame_notice", None)
    if notice:
        st.info(notice, icon=":material/link_off:")
    product_id = None if product in (None, PORTFOLIO) else str(product)
    from dashboard import segment_filter

    return Selection(
        segment=segment_filter.sidebar(),
        product_id=product_id,
        product_name="Whole portfolio" if product_id is None else names.get(product_id, product_id),
        period=Period(str(start), str(end)),
    )
