"""Cached reads for the pages: thin wrappers over `valuemodel.store` with a TTL.

Caching sits here, at the boundary, and nowhere else. After a write (an import, a
changed assumption) call `invalidate()` so every page shows the new numbers at once.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from valuemodel import db, store
from valuemodel.report import Period, build_report, default_period

TTL_SECONDS = 300


def engine():  # type: ignore[no-untyped-def]
    return db.get_engine()


def invalidate() -> None:
    """Forget every cached read (after an import or an assumptions change)."""
    st.cache_data.clear()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def products() -> pd.DataFrame:
    return store.fetch_products(engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def coverage() -> pd.DataFrame:
    return store.fetch_coverage(engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def last_import() -> dict[str, object] | None:
    return store.fetch_last_import(engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def data_months() -> tuple[str, str] | None:
    return store.fetch_data_months(engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def assumptions() -> store.Assumptions:
    return store.fetch_assumptions(engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def product_months(month_from: str, month_to: str, product_id: str | None) -> pd.DataFrame:
    return store.fetch_product_months(engine(), month_from, month_to, product_id)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def heart_goals(product_id: str | None) -> pd.DataFrame:
    return store.fetch_heart_goals(engine(), product_id)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def report(month_from: str, month_to: str, product_id: str | None) -> dict[str, object]:
    return build_report(engine(), Period(month_from, month_to), product_id)


def period_default(today) -> Period:  # type: ignore[no-untyped-def]
    return default_period(data_months(), today)
