"""The Home page model: the products-covered table and the freshness wording, from a
hand-made coverage frame and a fixed 'today'. No database, no Streamlit."""

from __future__ import annotations

import pandas as pd

from valuemodel.present.pages import home as page

TODAY = pd.Timestamp("2025-12-10")
COLUMNS = [
    "Product", "Owner team", "Eligible users", "Users seen", "Coverage", "Events",
    "Surveys", "Latest event",
]  # fmt: skip


def coverage(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(
        list(rows),
        columns=[
            "name", "owner_team", "eligible_users", "users", "first_month", "last_month",
            "active_months", "events", "survey_responses", "last_day",
        ],
    )  # fmt: skip


def test_freshness_words_follow_the_age_of_the_latest_event() -> None:
    assert page.freshness(pd.Timestamp("2025-12-10"), TODAY) == "up to date"
    assert page.freshness(pd.Timestamp("2025-12-09"), TODAY) == "up to date"
    assert page.freshness(pd.Timestamp("2025-12-08"), TODAY) == "2 days ago"
    assert page.freshness(pd.Timestamp("2022-03-05"), TODAY) == "1,376 days ago"
    assert page.freshness(None, TODAY) == "no events"
    assert page.freshness(pd.NaT, TODAY) == "no events"


def test_freshness_without_a_date_counts_from_today_in_utc() -> None:
    today = pd.Timestamp.now(tz="UTC").normalize().tz_localize(None)
    assert page.freshness(today - pd.Timedelta(days=30)) == "30 days ago"


def test_coverage_table_has_its_columns_and_formats_each_product() -> None:
    frame = coverage(
        ("Atlas", "Platform", 1200, 830.0, pd.Timestamp("2025-01-01"),
         pd.Timestamp("2025-11-01"), 11, 123456.0, 40.0, pd.Timestamp("2025-11-30")),
        ("Beacon", "Finance <b>ops</b>", 50, 0, None, None, 0, 0, 0, pd.NaT),
    )  # fmt: skip
    table = page.coverage_table(frame, TODAY)
    assert list(table.columns) == COLUMNS
    assert list(table["Product"]) == ["Atlas", "Beacon"]
    assert list(table["Owner team"]) == ["Platform", "Finance <b>ops</b>"]
    assert list(table["Users seen"]) == [830, 0]
    assert table["Events"].dtype.kind == "i"
    assert list(table["Coverage"]) == ["2025-01 to 2025-11 (11 months)", "no events yet"]
    assert list(table["Latest event"]) == ["2025-11-30 (10 days ago)", "no events"]
    assert list(table["Surveys"]) == [40, 0]


def test_coverage_table_of_no_products_is_empty_with_the_same_columns() -> None:
    table = page.coverage_table(coverage(), TODAY)
    assert table.empty
    assert list(table.columns) == COLUMNS
