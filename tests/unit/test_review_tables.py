"""A frozen review's tables on the Reviews page: the figures, the notes kept, the plan and
the list of every review, from hand-made snapshots. No database, no Streamlit."""

from __future__ import annotations

import pandas as pd

from valuemodel.present import notes
from valuemodel.present import review as words

FIGURES = ["Product", "Net value", "ROI", "Payback", "HEART", "Adoption", "NPS"]
PLAN = ["Product", "Pick", "NPV", "Change vs today"]
LISTED = ["Name", "Selection", "Period", "Frozen", "By", "Plan", "Notes"]


def frozen_product(name: str, net: float, roi: float | None, user: dict | None) -> dict:
    return {
        "product_id": name.lower(),
        "name": name,
        "buyer": {"net_value": net, "roi": roi, "payback_months": 7.3 if roi else None},
        "user": user,
    }


def test_figures_table_formats_each_product_and_dashes_what_is_missing() -> None:
    report = {
        "products": [
            frozen_product(
                "Atlas",
                1_234_567.0,
                0.25,
                {"heart_index": 72.4, "adoption": 0.613, "happiness": 23.4},
            ),
            frozen_product("Beacon", -12_300.0, None, None),  # no user's view kept
        ]
    }
    table = words.figures_table(report, "USD")
    assert list(table.columns) == FIGURES
    assert table.iloc[0].tolist() == ["Atlas", "$1.2M", "25%", "7.3 months", "72", "61%", "+23"]
    assert table.iloc[1].tolist() == ["Beacon", "-$12.3K", "—", "—", "—", "—", "—"]


def test_figures_table_of_a_report_without_products_keeps_its_columns() -> None:
    table = words.figures_table({"products": []}, "USD")
    assert table.empty
    assert list(table.columns) == FIGURES
    assert words.figures_table({}, "USD").empty


def test_frozen_notes_read_as_the_notes_table_even_without_a_written_time() -> None:
    kept = [
        {"product_id": "atlas", "month": "2025-11", "metric": "adoption", "author": "ana",
         "text": "Launch mail", "created_at": "2025-12-01T10:15:00+00:00"},
        # a review frozen before notes kept their time
        {"product_id": "atlas", "month": "2025-10", "metric": "", "author": "bo", "text": "Reorg"},
    ]  # fmt: skip
    frame = words.frozen_notes(kept)
    assert list(frame.columns) == words.NOTE_FIELDS
    table = notes.notes_table(frame, {"atlas": "Atlas"})
    assert list(table["About"]) == ["Adoption", "the month"]
    assert table.loc[0, "Written"] == "2025-12-01 10:15 UTC"
    assert pd.isna(table.loc[1, "Written"])


def test_frozen_notes_of_a_review_without_notes_are_empty() -> None:
    frame = words.frozen_notes([])
    assert frame.empty
    assert list(frame.columns) == words.NOTE_FIELDS


def test_plan_table_lists_each_pick_with_its_npv_and_change() -> None:
    plan = {
        "products": [
            {"name": "Atlas", "choice": "grow", "npv": 2_500_000.0, "npv_change": 400.0},
            {"name": "Beacon", "choice": "retire", "npv": None, "npv_change": -1_500.0},
        ]
    }
    table = words.plan_table(plan, "USD")
    assert list(table.columns) == PLAN
    assert table.iloc[0].tolist() == ["Atlas", "grow", "$2.5M", "$400"]
    assert table.iloc[1].tolist() == ["Beacon", "retire", "—", "-$1.5K"]
    empty = words.plan_table({"products": []}, "USD")
    assert empty.empty
    assert list(empty.columns) == PLAN


def test_reviews_table_names_the_portfolio_and_writes_times_in_utc() -> None:
    listed = pd.DataFrame(
        {
            "name": ["Q4 budget", "Atlas check"],
            "product_id": [None, "atlas"],
            "month_from": ["2025-01", "2025-06"],
            "month_to": ["2025-12", "2025-09"],
            "created_at": [
                pd.Timestamp("2025-12-02 09:00", tz="Europe/Paris"),
                pd.Timestamp("2025-10-01 17:45", tz="UTC"),
            ],
            "author": ["ana@example.com", ""],
            "has_plan": [True, False],
            "notes": [3, 0],
        }
    )
    table = words.reviews_table(listed)
    assert list(table.columns) == LISTED
    assert list(table["Selection"]) == ["portfolio", "atlas"]
    assert list(table["Period"]) == ["2025-01 to 2025-12", "2025-06 to 2025-09"]
    assert list(table["Frozen"]) == ["2025-12-02 08:00 UTC", "2025-10-01 17:45 UTC"]
    assert list(table["Plan"]) == ["yes", ""]
    assert list(table["Notes"]) == [3, 0]


def test_reviews_table_of_no_reviews_is_empty_with_the_same_columns() -> None:
    listed = pd.DataFrame(
        columns=["name", "product_id", "month_from", "month_to", "created_at", "author",
                 "has_plan", "notes"]
    )  # fmt: skip
    table = words.reviews_table(listed)
    assert table.empty
    assert list(table.columns) == LISTED
