"""Monthly frames a review keeps beside its report (read once, through `store`)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Engine

from valuemodel.core import metrics
from valuemodel.core.months import Period
from valuemodel.data import store

SERIES_COLUMNS = (
    "product_id", "month", "cost", "hours_saved", "risk_adjusted_savings", "net_value",
    "active_users", "adoption", "engagement", "retention", "task_success", "happiness",
)  # fmt: skip


def review_series(engine: Engine, period: Period, product_id: str | None) -> pd.DataFrame:
    """Per product and month of the period: money, hours and HEART values.

    Columns: SERIES_COLUMNS; month is 'YYYY-MM'; NaN where a value is undefined.
    """
    months = store.fetch_product_months(engine, period.first, period.last, product_id)
    values = metrics.monthly_values(months, store.fetch_assumptions(engine).loaded_hourly_cost)
    frame = values[[c for c in SERIES_COLUMNS if c in values.columns]].copy()
    frame["month"] = pd.to_datetime(frame["month"]).dt.strftime("%Y-%m")
    return frame.sort_values(["product_id", "month"]).reset_index(drop=True)
