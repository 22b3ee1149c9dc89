"""Notes as the pages show them: the plain-text table and the months offered for a new
note. No database, no Streamlit."""

from __future__ import annotations

import pandas as pd

from valuemodel.present import notes

COLUMNS = ["Month", "Product", "About", "Note", "Author", "Written"]
RAW = ["product_id", "month", "metric", "author", "text", "created_at"]


def test_month_options_run_newest_first_across_a_year_end() -> None:
    assert notes.month_options("2024-11", "2025-02") == ["2025-02", "2025-01", "2024-12", "2024-11"]
    assert notes.month_options("2025-06", "2025-06") == ["2025-06"]


def test_notes_table_names_products_and_metrics_and_writes_the_time_in_utc() -> None:
    frame = pd.DataFrame(
        [
            ("atlas", "2025-11", "happiness", "ana@example.com", "NPS dipped: *outage*",
             pd.Timestamp("2025-12-01 09:30", tz="Europe/Paris")),
            ("gone", "2025-10", "", "bo", "Reorg", pd.Timestamp("2025-11-02 23:05", tz="UTC")),
            ("atlas", "2025-09", "velocity", "cy", "Odd metric",
             pd.Timestamp("2025-10-01 00:00", tz="UTC")),
        ],
        columns=RAW,
    )  # fmt: skip
    table = notes.notes_table(frame, {"atlas": "Atlas"})
    assert list(table.columns) == COLUMNS
    assert list(table["Product"]) == ["Atlas", "gone", "Atlas"]  # unknown id shown as is
    assert list(table["About"]) == ["Happiness", "the month", "velocity"]
    assert table.loc[0, "Note"] == "NPS dipped: *outage*"  # the text, unescaped
    assert list(table["Written"]) == [
        "2025-12-01 08:30 UTC",
        "2025-11-02 23:05 UTC",
        "2025-10-01 00:00 UTC",
    ]


def test_notes_table_of_no_notes_is_empty_with_the_same_columns() -> None:
    table = notes.notes_table(pd.DataFrame(columns=RAW), {})
    assert table.empty
    assert list(table.columns) == COLUMNS
