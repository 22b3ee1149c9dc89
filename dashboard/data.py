"""Cached reads for the pages: thin wrappers over `valuemodel.data.store` with a TTL.

Caching sits here, at the boundary, and nowhere else. After a write (an import, a
changed assumption) call `invalidate()` so every page shows the new numbers at once.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from valuemodel.core.months import Period, default_period
from valuemodel.core.report import Report
from valuemodel.core.segments import Segment
from valuemodel.data import db, store
from valuemodel.data import report as report_data
from valuemodel.data.report import build_report

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from valuemodel.core.scenario import Baseline

TTL_SECONDS = 300


def engine() -> Engine:
    """The one engine: writes, and the reads that must see this session's own writes."""
    return db.get_engine()


def read_engine() -> Engine:
    """Where the pages read: DATABASE_READ_URL (a replica) when set, else the one engine."""
    return db.get_read_engine()


def invalidate() -> None:
    """Forget every cached read (after an import or an assumptions change)."""
    st.cache_data.clear()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def products() -> pd.DataFrame:
    return store.fetch_products(read_engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def coverage() -> pd.DataFrame:
    return store.fetch_coverage(read_engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def last_import() -> dict[str, object] | None:
    return store.fetch_last_import(read_engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def data_months() -> tuple[str, str] | None:
    return store.fetch_data_months(read_engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def assumptions() -> store.Assumptions:
    return store.fetch_assumptions(read_engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def product_months(
    month_from: str, month_to: str, product_id: str | None, segment: Segment | None = None
) -> pd.DataFrame:
    return store.fetch_product_months(read_engine(), month_from, month_to, product_id, segment)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def heart_goals(product_id: str | None) -> pd.DataFrame:
    return store.fetch_heart_goals(read_engine(), product_id)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def report(
    month_from: str, month_to: str, product_id: str | None, segment: Segment | None = None
) -> Report:
    return build_report(read_engine(), Period(month_from, month_to), product_id, segment=segment)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def releases(month_from: str, month_to: str, product_id: str | None) -> pd.DataFrame:
    return store.fetch_releases(read_engine(), month_from, month_to, product_id)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def causal_backing(product_id: str | None) -> dict[tuple[str, str], str]:
    """What backs each causal OKR link of the selection: the effects of every release on
    record (over all stored months, not only the selected period)."""
    from valuemodel.present.releases import causal_backing as backing_of

    links = store.fetch_links(read_engine(), product_id)
    span = data_months()
    if span is None or links.empty or not (links["evidence"] == "causal").any():
        return {}
    effects = report_data.release_effects(read_engine(), Period(span[0], span[1]), product_id)
    return backing_of(list(effects.items()), links)


def period_default(today: dt.date) -> Period:
    return default_period(data_months(), today)


# ---------------------------------------------------------------- OKR ladder-up


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def objectives() -> pd.DataFrame:
    return store.fetch_objectives(read_engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def key_results() -> pd.DataFrame:
    return store.fetch_key_results(read_engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def kr_measurements() -> pd.DataFrame:
    return store.fetch_kr_measurements(read_engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def okr_links(product_id: str | None) -> pd.DataFrame:
    """The report's link strengths (r, lag_months, months), so page and report agree."""
    from valuemodel.data.report import link_strengths

    return link_strengths(read_engine(), product_id)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def okr_metric_values(product_id: str | None) -> pd.DataFrame:
    """The series behind every link's r (`report.link_history`), so page and report agree."""
    from valuemodel.data.report import link_history

    return link_history(read_engine(), product_id)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def heart_lifecycle(
    month_from: str, month_to: str, product_id: str | None, segment: Segment | None = None
) -> pd.DataFrame:
    return store.fetch_heart_lifecycle(read_engine(), month_from, month_to, product_id, segment)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def heart_cohorts(
    month_from: str, month_to: str, product_id: str | None, segment: Segment | None = None
) -> pd.DataFrame:
    return store.fetch_heart_cohorts(read_engine(), month_from, month_to, product_id, segment)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def heart_action_months(month_from: str, month_to: str, product_id: str | None) -> pd.DataFrame:
    return store.fetch_heart_action_months(read_engine(), month_from, month_to, product_id)


# ---------------------------------------------------------------- segments (Adoption page)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def segment_values() -> pd.DataFrame:
    return store.fetch_segment_values(read_engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def segment_months(
    month_from: str, month_to: str, product_id: str | None, attribute: str | None = None
) -> pd.DataFrame:
    return store.fetch_segment_months(read_engine(), month_from, month_to, product_id, attribute)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def products_with_rules() -> frozenset[str]:
    return store.fetch_products_with_rules(read_engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def eligibility_rules(product_id: str | None) -> pd.DataFrame:
    return store.fetch_eligibility_rules(read_engine(), product_id)


# ---------------------------------------------------------------- Value and Data pages


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def baseline_ledger(month_from: str, month_to: str, product_id: str | None) -> pd.DataFrame:
    return store.fetch_baseline_ledger(read_engine(), month_from, month_to, product_id)


@st.cache_data(ttl=60, show_spinner=False)
def table_freshness() -> pd.DataFrame:
    return store.fetch_table_freshness(read_engine())


@st.cache_data(ttl=60, show_spinner=False)
def is_demo() -> bool:
    """Whether the data is the generated demo portfolio (every page says so)."""
    return store.fetch_is_demo(engine())


@st.cache_data(ttl=60, show_spinner=False)
def import_history(limit: int = 10) -> pd.DataFrame:
    return store.fetch_import_history(read_engine(), limit)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def assumption_rows() -> pd.DataFrame:
    # From the primary: the Data page's editor shows what it has just stored.
    return store.fetch_assumption_rows(engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def readme_section(heading: str) -> str | None:
    """The `## heading` section of the project's README (None when it cannot be read)."""
    from pathlib import Path

    from valuemodel.present.value import markdown_section

    try:
        text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    except OSError:
        return None
    return markdown_section(text, heading, demote=1)


# ---------------------------------------------------------------- scenarios (what-if funding)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def scenario_baseline(product_id: str, month_to: str) -> Baseline:
    """The product's scenario baseline (three complete months ending `month_to`),
    valued with the stored assumptions."""
    return store.fetch_scenario_baseline(read_engine(), product_id, month_to, assumptions())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def saved_scenarios(product_id: str) -> pd.DataFrame:
    # From the primary: an editor sees the scenario they just saved, replica lag or not.
    return store.fetch_scenarios(engine(), product_id)


def save_scenario(**values: Any) -> int:
    """Write through `store.save_scenario`, then forget the cached list."""
    scenario_id = store.save_scenario(engine(), **values)
    saved_scenarios.clear()
    return scenario_id


def rename_scenario(**values: Any) -> None:
    store.rename_scenario(engine(), **values)
    saved_scenarios.clear()


def delete_scenario(**values: Any) -> bool:
    done = store.delete_scenario(engine(), **values)
    saved_scenarios.clear()
    return done


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=20)
def brief_files(
    month_from: str, month_to: str, product_id: str | None, today: str
) -> tuple[bytes, bytes]:
    """The one-page brief of a selection as (PDF bytes, PNG bytes)."""
    import datetime as dt

    from valuemodel.core.months import Period
    from valuemodel.data import assemble
    from valuemodel.present import brief

    content = brief.compose(
        assemble.brief_inputs(read_engine(), Period(month_from, month_to), product_id),
        today=dt.date.fromisoformat(today),
    )
    pdf = brief.render_pdf(content)
    return pdf, brief.render_png(pdf)
