"""The Adoption page's active users by segment (products without eligibility rules), from
hand-made per segment rollup rows. No database, no Streamlit."""

from __future__ import annotations

import pandas as pd

from valuemodel.present import adoption


def segment_rows(*rows: tuple[str, str, str, float]) -> pd.DataFrame:
    """(product, 'YYYY-MM', value, active users) rows of the per segment rollup."""
    return pd.DataFrame(
        {
            "product_id": [r[0] for r in rows],
            "month": pd.to_datetime([f"{r[1]}-01" for r in rows]),
            "attribute": ["org"] * len(rows),
            "value": [r[2] for r in rows],
            "active_users": [r[3] for r in rows],
        }
    )


def test_active_users_are_summed_over_products_in_the_month_most_active_first() -> None:
    rows = segment_rows(
        ("ci", "2025-11", "Finance", 9),
        ("ci", "2025-12", "Finance", 4),
        ("hr", "2025-12", "Finance", 3),
        ("ci", "2025-12", "Engineering", 12),
        ("ci", "2025-12", "unknown", 2),
        ("hr", "2025-12", "Sales", float("nan")),  # no count in the rollup row
    )
    table = adoption.active_users_table(rows, "org", "2025-12")
    assert list(table.columns) == ["Org", "Active users"]
    assert list(table["Org"]) == ["Engineering", "Finance", "unknown", "Sales"]
    assert list(table["Active users"]) == [12, 7, 2, 0]  # November left out


def test_the_label_follows_the_attribute_and_an_empty_month_gives_an_empty_table() -> None:
    rows = segment_rows(("ci", "2025-11", "Berlin", 5))
    table = adoption.active_users_table(rows, "location", "2025-12")
    assert table.empty
    assert list(table.columns) == ["Location", "Active users"]
    none = adoption.active_users_table(segment_rows(), "job_family", "2025-12")
    assert list(none.columns) == ["Job family", "Active users"]
    assert none.empty


def test_funnel_notes_name_products_without_rules_escaped_and_the_portfolio_rule() -> None:
    product = adoption.funnel_notes([], portfolio=False)
    assert product.startswith(adoption.funnel_meaning() + " The biggest drop")
    assert "eligibility rules" not in product
    assert "once per product" not in product
    portfolio = adoption.funnel_notes(["CI *Platform*", "HR"], portfolio=True)
    assert "Without eligibility rules (CI \\*Platform\\*, HR), eligible is " in portfolio
    assert portfolio.endswith("Across products a person counts once per product.")


def test_unknown_users_sentence_agrees_in_number_and_is_absent_for_none() -> None:
    assert adoption.unknown_users_sentence(0, "2025-12") is None
    assert adoption.unknown_users_sentence(1, "2025-12") == (
        "1 user active in 2025-12 is not in the people directory; they count in the "
        "segment 'unknown'."
    )
    many = adoption.unknown_users_sentence(1234, "2025-12")
    assert many is not None and many.startswith("1,234 users active in 2025-12 are not")
