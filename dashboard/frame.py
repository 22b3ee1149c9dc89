"""The shared frame: product (or portfolio) and period, chosen once, kept in the URL.

Widgets are bound to query parameters (`?product=ci&period=2025-01&period=2025-12`), so a
copied link reproduces the view. A parameter that names an unknown product or a
malformed month falls back to the default with a visible notice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from dashboard import data
from valuemodel.metrics import month_range
from valuemodel.report import Period, last_complete_month

PORTFOLIO = "all"


@dataclass(frozen=True)
class Selection:
    """What every page shows: one product (None = the portfolio) over a period."""

    product_id: str | None
    product_name: str
    period: Period

    @property
    def is_portfolio(self) -> bool:
        return self.product_id is None

    @property
    def label(self) -> str:
        return f"{self.product_name}, {self.period.first} to {self.period.last}"


def _raw_param(name: str) -> list[str]:
    try:
        return st.query_params.get_all(name)
    except Exception:  # noqa: BLE001 - a malformed URL is treated as absent
        return []


def _notice_bad_params(options: list[str], months: list[str]) -> None:
    notices = []
    product = _raw_param("product")
    if product and product[-1] not in options:
        notices.append(f"the link names an unknown product ({product[-1][:40]!r})")
    period = _raw_param("period")
    if period and not all(p in months for p in period):
        notices.append("the link's period is not a range of months with data")
    if notices:
        st.session_state["frame_notice"] = "Showing the default view: " + "; ".join(notices) + "."


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


def sidebar() -> Selection:
    """Render the product and period pickers in the sidebar; return the selection."""
    products = data.products()
    names = dict(zip(products["product_id"], products["name"], strict=True))
    options = [PORTFOLIO, *sorted(names, key=lambda pid: names[pid].lower())]
    months = available_months()
    default = data.period_default(dt.datetime.now(dt.UTC).date())
    first = default.first if default.first in months else months[0]
    last = default.last if default.last in months else months[-1]
    _notice_bad_params(options, months)

    with st.sidebar:
        product = st.selectbox(
            "Product",
            options,
            format_func=lambda pid: "Whole portfolio" if pid == PORTFOLIO else names[pid],
            key="product",
            bind="query-params",
            help="One internal product, or every product summed.",
        )
        period = st.select_slider(
            "Period",
            options=months,
            value=(first, last),
            key="period",
            bind="query-params",
            help="An inclusive range of calendar months (UTC).",
        )
    notice = st.session_state.pop("frame_notice", None)
    if notice:
        st.info(notice, icon=":material/link_off:")
    start, end = period if isinstance(period, tuple) else (first, last)
    product_id = None if product in (None, PORTFOLIO) else str(product)
    return Selection(
        product_id=product_id,
        product_name="Whole portfolio" if product_id is None else names.get(product_id, product_id),
        period=Period(str(start), str(end)),
    )
