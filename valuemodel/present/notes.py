"""Notes as the pages show them: the table of notes (plain text cells) and the months a
new note may be written on. Pure (no streamlit)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from valuemodel.core import notes as core_notes


def month_options(first: str, last: str) -> list[str]:
    """The months from `first` to `last` ('YYYY-MM'), newest first."""
    return [str(p) for p in pd.period_range(first, last, freq="M")][::-1]


def notes_table(frame: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """The notes as a table of plain text (a dataframe never renders markup)."""
    return pd.DataFrame(
        {
            "Month": frame["month"],
            "Product": [names.get(p, p) for p in frame["product_id"]],
            "About": [core_notes.METRIC_LABELS.get(m, m) for m in frame["metric"]],
            "Note": frame["text"],
            "Author": frame["author"],
            "Written": pd.to_datetime(frame["created_at"], utc=True).dt.strftime(
                "%Y-%m-%d %H:%M UTC"
            ),
        }
    )
