"""Fetch everything a view needs in one descent, then hand it to the core or presentation."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from valuemodel.core.brief_inputs import BriefInputs
from valuemodel.core.months import Period
from valuemodel.data import notes, store
from valuemodel.data.report import build_report


def brief_inputs(engine: Engine, period: Period, product_id: str | None) -> BriefInputs:
    """Read what the one-page brief shows for one product (or the portfolio when None)."""
    return BriefInputs(
        report=build_report(engine, period, product_id),
        period=period,
        product_id=product_id,
        assumptions=store.fetch_assumptions(engine),
        products=store.fetch_products(engine, product_id),
        months_frame=store.fetch_product_months(engine, period.first, period.last, product_id),
        ledger_rows=store.fetch_baseline_ledger(engine, period.first, period.last, product_id),
        last_import=store.fetch_last_import(engine),
        data_months=store.fetch_data_months(engine),
        notes=notes.fetch_notes(engine, period.first, period.last, product_id),
    )
