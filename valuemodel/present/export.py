"""Files people download and open in a spreadsheet: one rule for every download.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (`=HYPERLINK(...)`, `@SUM(...)`), so a
product name or note from a CSV could run one on the reader's machine. Such a cell is
written with a leading apostrophe, which the spreadsheet shows as plain text. Numbers
stay numbers (a negative amount is not text). Pure: no Streamlit, no database.
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: object) -> object:
    """`value` itself, or with a leading apostrophe when it is text a spreadsheet would
    read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells (and column names) are neutralised."""
    out = frame.copy()
    out.columns = [spreadsheet_text(str(c)) for c in out.columns]
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        if pd.api.types.is_datetime64_any_dtype(series):
            continue
        out[column] = series.map(spreadsheet_text)
    return out


def csv_download(frame: pd.DataFrame) -> bytes:
    """`frame` as CSV bytes (UTF-8, LF line ends, no index), safe to open in a spreadsheet.

    Every CSV download of the app goes through this function.
    """
    return spreadsheet_safe(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")
