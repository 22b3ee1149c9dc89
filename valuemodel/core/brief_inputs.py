"""What the one-page brief reads, fetched by the data layer in one descent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from valuemodel.core.contract import Assumptions
from valuemodel.core.months import Period
from valuemodel.core.report import Report


@dataclass(frozen=True)
class BriefInputs:
    """What the brief reads: the typed report, the assumptions, the products,
    the product-month rows and baseline ledger rows of the period, the last import and the
    span of months holding usage events."""

    report: Report
    period: Period
    product_id: str | None
    assumptions: Assumptions
    products: pd.DataFrame
    months_frame: pd.DataFrame
    ledger_rows: pd.DataFrame
    last_import: Mapping[str, Any] | None
    data_months: tuple[str, str] | None
    # The selection's notes of the period (month 'YYYY-MM', product_id, metric, author,
    # text); None when the caller has none to show.
    notes: pd.DataFrame | None = None
