"""The Value and Data pages' pure model (valuemodel.present.value): flows reshaped for charts,
tiles, the ledger, the quarterly cash flow, and the Data page's validation helpers."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from valuemodel.core import csvcheck, finance
from valuemodel.core.months import Period
from valuemodel.core.report import Buyer, Portfolio, ProductReport, Report, User
from valuemodel.present import value

# ---------------------------------------------------------------- helpers


def flows_of(
    first: str, costs: list[float], savings: list[float], gross: list[float] | None = None
):
    """Monthly flows (the shape of metrics.monthly_flows) from per-month costs and savings."""
    months = pd.period_range(first, periods=len(costs), freq="M").to_timestamp()
    gross = gross if gross is not None else [2 * s for s in savings]
    frame = pd.DataFrame(
        {
            "month": months,
            "cost": [float(c) for c in costs],
            "hours_saved": [g / 100 for g in gross],
            "gross_savings": [float(g) for g in gross],
            "risk_adjusted_savings": [float(s) for s in savings],
        }
    )
    frame["net_value"] = frame["risk_adjusted_savings"] - frame["cost"]
    frame["cumulative_net_value"] = frame["net_value"].cumsum()
    return frame


def buyer(
    cost: float,
    savings: float,
    payback: float | None,
    *,
    roi: float | None = None,
    hours: float = 10.0,
) -> Buyer:
    return Buyer(
        cost=cost,
        hours_saved=hours,
        gross_savings=2 * savings,
        risk_adjusted_savings=savings,
        net_value=savings - cost,
        roi=roi if roi is not None else ((savings - cost) / cost if cost else None),
        payback_months=payback,
    )


# ---------------------------------------------------------------- payback, gap, months


def test_payback_month_is_the_month_in_which_cumulative_net_turns_non_negative() -> None:
    # 2.67 months from January: the crossing lies inside the third month, March.
    assert value.payback_month("2025-01", 2.67) == "2025-03"


def test_a_payback_of_a_whole_number_of_months_falls_in_the_month_it_completes() -> None:
    # 3.0 months: cumulative net reaches zero exactly at the end of March.
    assert value.payback_month("2025-01", 3.0) == "2025-03"


def test_a_payback_of_zero_is_the_first_month_and_none_stays_none() -> None:
    assert value.payback_month("2025-01", 0.0) == "2025-01"
    assert value.payback_month("2025-01", None) is None


def test_the_gap_left_to_recover_is_minus_the_cumulative_net_at_the_period_end() -> None:
    # cost 900, savings 400: cumulative net at the end is -500, never recovered.
    assert value.recovery_gap(buyer(900, 400, None)) == pytest.approx(500)


def test_there_is_no_gap_once_paid_back_even_if_behind_again_at_the_end() -> None:
    assert value.recovery_gap(buyer(900, 890, 2.5)) is None
    assert value.recovery_gap(buyer(100, 400, 0.0)) is None


def test_month_offset_spreads_a_fraction_over_that_months_days() -> None:
    # Half of February 2025 (28 days) is 14 days after February 1.
    assert value.month_offset("2025-01", 1.5) == pd.Timestamp("2025-02-15")


# ---------------------------------------------------------------- cumulative chart


def test_cumulative_series_start_at_zero_and_end_at_the_period_totals() -> None:
    flows = flows_of("2025-01", [100, 0, 50], [0, 60, 60])
    data = value.cumulative_chart_data(flows, "2025-01")
    start = data[data["through"] == "Start"]
    assert set(start["value"]) == {0.0}
    assert set(start["at"]) == {pd.Timestamp("2025-01-01")}
    end = data[data["at"] == pd.Timestamp("2025-04-01")].set_index("series")["value"]
    assert end[value.COST] == 150
    assert end[value.SAVINGS] == 120
    assert end[value.GROSS] == 240


def test_payback_marker_sits_where_cumulative_savings_meet_cumulative_cost() -> None:
    # Net: -100, +60, +60 -> cumulative -100, -40, +20; payback = 2 + 40/60 months.
    # Cumulative cost at that point: 100 (nothing is spent after January).
    flows = flows_of("2025-01", [100, 0, 0], [0, 60, 60])
    payback = finance.payback_periods(flows["net_value"].tolist())
    assert payback == pytest.approx(2 + 40 / 60)
    marker = value.payback_marker(flows, "2025-01", payback)
    assert marker is not None
    assert marker.value == pytest.approx(100)
    assert marker.label == "Payback: Mar 2025"
    # Two thirds of March (31 days) after March 1.
    expected = pd.Timestamp("2025-03-01") + pd.Timedelta(days=31 * 2 / 3)
    assert abs(marker.at - expected) < pd.Timedelta(seconds=1)


def test_no_payback_marker_without_payback() -> None:
    flows = flows_of("2025-01", [100, 100], [10, 10])
    assert value.payback_marker(flows, "2025-01", None) is None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=1000), st.integers(min_value=0, max_value=1000)
        ),
        min_size=1,
        max_size=18,
    )
)
def test_at_the_payback_marker_cumulative_savings_equal_cumulative_cost(pairs) -> None:
    costs = [float(c) for c, _ in pairs]
    savings = [float(s) for _, s in pairs]
    flows = flows_of("2024-11", costs, savings)
    payback = finance.payback_periods(flows["net_value"].tolist())
    marker = value.payback_marker(flows, "2024-11", payback)
    if payback is None:
        assert marker is None
        return
    assert marker is not None
    index = max(math.ceil(payback) - 1, 0)
    fraction = payback - index
    saved = sum(savings[:index]) + fraction * savings[index] if payback > 0 else 0.0
    assert marker.value == pytest.approx(saved, abs=1e-6)


# ---------------------------------------------------------------- titles and verdict


def test_cumulative_title_names_the_payback_month() -> None:
    title = value.cumulative_title(buyer(100, 120, 2 + 40 / 60), "2025-01", "USD")
    assert title == "Paid back in Mar 2025, 2.7 months into the period"


def test_cumulative_title_states_the_gap_when_not_paid_back() -> None:
    title = value.cumulative_title(buyer(900, 400, None), "2025-01", "EUR")
    assert title == "Not paid back yet: €500 of cost still to recover"


def test_cumulative_title_says_when_the_period_ends_behind_after_paying_back() -> None:
    title = value.cumulative_title(buyer(900, 890, 2.5), "2025-01", "USD")
    assert title.startswith("Paid back in Mar 2025")
    assert "behind again by the end (-$10 net)" in title


def test_monthly_title_counts_the_months_in_which_savings_exceeded_cost() -> None:
    flows = flows_of("2025-01", [10, 10, 10, 10], [5, 20, 20, 10])
    assert value.monthly_title(flows) == "Savings exceeded cost in 2 of 4 months"


def test_verdict_of_a_product_that_pays_for_itself_says_since_when_and_the_roi() -> None:
    text = value.verdict("CI", buyer(100, 250, 1.5, roi=1.5), "2025-01", "2025-12", "USD")
    assert text.startswith("CI pays for itself since Feb 2025 (1.5 months in)")
    assert "$250 saved" in text and "$100 spent" in text and "ROI 150.0%" in text


def test_verdict_of_a_product_not_paid_back_states_the_gap() -> None:
    text = value.verdict("DS", buyer(900, 400, None), "2025-01", "2025-12", "GBP")
    assert text.startswith("DS has not paid for itself yet")
    assert "£500 is left to recover" in text


def test_verdict_without_cost_or_savings_says_nothing_is_recorded() -> None:
    text = value.verdict("X", buyer(0, 0, 0.0), "2025-01", "2025-12", "USD")
    assert text == "No cost or savings are recorded for X from Jan 2025 to Dec 2025."


def test_markdown_text_keeps_dollar_signs_literal() -> None:
    assert value.markdown_text("$1 and $2") == "\\$1 and \\$2"


# ---------------------------------------------------------------- tiles


def test_tiles_show_changes_against_the_previous_period() -> None:
    now = buyer(1000, 1500, 2.0, hours=300)
    before = buyer(1200, 1000, 5.0, hours=200)
    tiles = {t.label: t for t in value.tiles(now, before, currency="USD", loaded_hourly_cost=100)}
    assert [t for t in tiles] == [
        "Risk-adjusted savings",
        "Cost",
        "Net value",
        "ROI",
        "Payback",
        "Hours saved",
    ]
    assert tiles["Risk-adjusted savings"].value == "$1,500"
    assert tiles["Risk-adjusted savings"].delta == "+$500"
    assert tiles["Cost"].delta == "-$200"
    # Less cost is good news: the cost change is coloured the other way round.
    assert tiles["Cost"].delta_color == "inverse"
    assert tiles["Net value"].delta == "+$700"
    # ROI 50% against -16.7%: +66.7 percentage points.
    assert tiles["ROI"].value == "50.0%"
    assert tiles["ROI"].delta == "+66.7 pts"
    assert tiles["Payback"].value == "2.0 months"
    assert tiles["Payback"].delta == "-3.0 months"
    assert tiles["Payback"].delta_color == "inverse"
    assert tiles["Hours saved"].value == "300 h"
    assert tiles["Hours saved"].delta == "+100 h"


def test_tiles_show_no_change_when_the_previous_period_has_no_data() -> None:
    tiles = value.tiles(buyer(1000, 1500, 2.0), None, currency="USD", loaded_hourly_cost=100)
    assert all(t.delta is None for t in tiles)


def test_a_negative_net_value_and_roi_are_marked_in_red_with_a_minus_sign() -> None:
    tiles = {
        t.label: t
        for t in value.tiles(buyer(900, 400, None), None, currency="EUR", loaded_hourly_cost=80)
    }
    assert tiles["Net value"].value == ":red[-€500]"
    assert tiles["ROI"].value == ":red[-55.6%]"


def test_payback_tile_says_not_yet_with_the_gap_left_to_recover() -> None:
    tiles = {
        t.label: t
        for t in value.tiles(
            buyer(900, 400, None), buyer(900, 100, None), currency="USD", loaded_hourly_cost=80
        )
    }
    assert tiles["Payback"].value == "Not yet"
    assert tiles["Payback"].delta == "$500 left to recover"
    assert tiles["Payback"].delta_color == "off"


def test_roi_tile_without_cost_is_a_dash_with_an_explanation() -> None:
    tiles = {
        t.label: t
        for t in value.tiles(buyer(0, 50, 0.0), None, currency="USD", loaded_hourly_cost=1)
    }
    assert tiles["ROI"].value == "—"
    assert "No cost" in tiles["ROI"].help


def test_tile_help_texts_keep_dollar_signs_literal() -> None:
    tiles = value.tiles(buyer(1, 2, 0.0), None, currency="USD", loaded_hourly_cost=100)
    savings_help = tiles[0].help
    assert "\\$100 per hour" in savings_help


# ---------------------------------------------------------------- products, ledger


def report_of(products: list[tuple[str, str, Buyer]]) -> Report:
    nobody = User("2025-12", 0, None, None, None, None, None, {}, None)
    return Report(
        period=Period("2025-01", "2025-12"),
        currency="USD",
        products=tuple(
            ProductReport(product_id=pid, name=name, buyer=figures, user=nobody)
            for pid, name, figures in products
        ),
        portfolio=Portfolio(buyer=buyer(0, 0, 0.0)),
    )


def test_products_are_ranked_by_net_value_with_a_plain_payback_status() -> None:
    report = report_of(
        [
            ("a", "Alpha", buyer(100, 50, None)),
            ("b", "Beta", buyer(100, 400, 0.0)),
            ("c", "Gamma", buyer(100, 150, 3.5)),
            ("d", "Delta", buyer(0, 0, 0.0)),
        ]
    )
    ranking = value.product_ranking(report, "USD")
    assert list(ranking["product_id"]) == ["b", "c", "d", "a"]
    assert list(ranking["pays_back"]) == [
        "From the first month",
        "Yes, since Apr 2025",
        "No cost or savings recorded",
        "Not yet: $50 to recover",
    ]
    assert math.isnan(ranking.loc[ranking["product_id"] == "d", "roi"].iloc[0])
    assert value.ranking_title(ranking) == "3 of 4 products returned more than they cost"


def test_buyer_of_picks_the_product_or_the_portfolio() -> None:
    report = report_of([("a", "Alpha", buyer(100, 50, None))])
    assert value.buyer_of(report, "a").cost == 100
    assert value.buyer_of(report, None).cost == 0


def test_a_product_link_keeps_the_period_in_the_frames_url_form() -> None:
    assert value.product_link("ci", "2025-01", "2025-12") == "?product=ci&from=2025-01&to=2025-12"


def test_a_product_link_encodes_unusual_ids() -> None:
    assert value.product_link("a&b c", "2025-01", "2025-02") == (
        "?product=a%26b+c&from=2025-01&to=2025-02"
    )


def test_the_ledger_prices_hours_at_the_hourly_cost_and_applies_confidence() -> None:
    rows = pd.DataFrame(
        {
            "product_id": ["ci", "ci"],
            "product_name": ["CI", "CI"],
            "action": ["build", "deploy"],
            "minutes_saved": [120.0, 30.0],
            "confidence": [0.5, 0.8],
            "source": ["study", "survey"],
            # 4 and 3 tasks done (a failure never counts): 4 x 120 / 60 = 8 h and
            # 3 x 30 / 60 = 1.5 h; risk-adjusted 4 h and 1.2 h
            "events": [5, 3],
            "succeeded_false": [1, 0],
        }
    )
    ledger = value.baseline_ledger(rows.iloc[::-1], 60.0)  # the one yielding most first
    assert list(ledger["action"]) == ["build", "deploy"]
    assert list(ledger["tasks_done"]) == [4, 3]
    assert list(ledger["hours_saved"]) == pytest.approx([8.0, 1.5])
    assert list(ledger["gross_savings"]) == pytest.approx([480.0, 90.0])
    assert list(ledger["risk_adjusted_savings"]) == pytest.approx([240.0, 72.0])
    totals = value.ledger_totals(ledger)
    assert totals == pytest.approx(
        {
            "tasks_done": 7,
            "hours_saved": 9.5,
            "gross_savings": 570.0,
            "risk_adjusted_savings": 312.0,
        }
    )
    # build brings 240 of 312 = 77% of the risk-adjusted savings.
    assert value.ledger_title(ledger) == "“build” brings 77% of risk-adjusted savings"


# ---------------------------------------------------------------- cash flow


def test_cash_flow_sums_months_by_calendar_quarter_and_counts_partial_quarters() -> None:
    # February to July 2025: Q1 holds Feb and Mar, Q2 three months, Q3 only July.
    flows = flows_of("2025-02", [10, 20, 30, 40, 50, 60], [5, 5, 100, 100, 100, 0])
    quarters = value.quarterly_cash_flow(flows)
    assert list(quarters["quarter"]) == ["2025 Q1", "2025 Q2", "2025 Q3"]
    assert list(quarters["months"]) == [2, 3, 1]
    assert list(quarters["cost"]) == [30, 120, 60]
    assert list(quarters["risk_adjusted_savings"]) == [10, 300, 0]
    assert list(quarters["net_value"]) == [-20, 180, -60]
    assert list(quarters["cumulative_net_value"]) == [-20, 160, 100]


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=0, max_value=11),
    st.lists(st.integers(min_value=-500, max_value=5000), min_size=1, max_size=30),
)
def test_quarters_hold_every_month_and_every_amount_once(start, amounts) -> None:
    first = str(pd.Period("2024-01", freq="M") + start)
    flows = flows_of(first, [abs(a) for a in amounts], [a + 7 for a in amounts])
    quarters = value.quarterly_cash_flow(flows)
    assert quarters["months"].sum() == len(amounts)
    assert quarters["cost"].sum() == pytest.approx(flows["cost"].sum())
    assert quarters["net_value"].sum() == pytest.approx(flows["net_value"].sum())
    assert quarters["cumulative_net_value"].iloc[-1] == pytest.approx(flows["net_value"].sum())


def test_cash_flow_csv_has_money_in_cents_and_names_the_currency() -> None:
    flows = flows_of("2025-01", [10.005, 0, 0], [1 / 3, 0, 0])
    text = value.cash_flow_csv(value.quarterly_cash_flow(flows), "EUR").decode("utf-8")
    lines = text.strip().split("\n")
    assert lines[0] == (
        "quarter,months,cost,risk_adjusted_savings,net_value,cumulative_net_value,currency"
    )
    assert lines[1].startswith("2025 Q1,3,")
    assert lines[1].endswith(",EUR")
    assert "0.33" in lines[1].split(",")[3]


def test_no_data_means_no_cost_and_no_event() -> None:
    months = pd.DataFrame({"events": [0, 0], "cost": [0.0, 0.0]})
    assert not value.has_data(months)
    assert value.has_data(months.assign(cost=[0.0, 5.0]))
    assert value.has_data(months.assign(events=[0, 1]))
    assert not value.has_data(months.iloc[0:0])


# ---------------------------------------------------------------- Data page helpers


def test_assumption_values_are_stored_as_short_text() -> None:
    assert value.assumption_values(120.0, " eur ", 0.1) == {
        "loaded_hourly_cost": "120",
        "currency": "EUR",
        "discount_rate": "0.1",
    }


def test_valid_assumptions_have_no_problems() -> None:
    assert csvcheck.assumption_problems(value.assumption_values(95.5, "USD", 0.08)) == {}


@pytest.mark.parametrize(
    ("key", "text", "words"),
    [
        ("loaded_hourly_cost", "0", "positive"),
        ("loaded_hourly_cost", "-5", "positive"),
        ("discount_rate", "1.5", "between 0 and 1"),
        ("discount_rate", "-0.1", "between 0 and 1"),
        ("currency", "XYZ", "not a known currency"),
        ("currency", "usd", "not a known currency"),
    ],
)
def test_assumptions_that_break_the_import_rules_are_refused(key, text, words) -> None:
    problems = csvcheck.assumption_problems({key: text})
    assert list(problems) == [key]
    assert words in problems[key]


def test_an_unknown_assumption_key_is_refused() -> None:
    problems = csvcheck.assumption_problems({"tax_rate": "0.2"})
    assert "not a global assumption" in problems["tax_rate"]


def test_import_problems_become_a_table_of_file_line_column_reason() -> None:
    table = value.problem_table(
        [
            "costs.csv:3: amount: 'abc' is not a number (use a dot for decimals)",
            "widgets.csv: not a file of the contract",
            "... and 12 more problems",
        ]
    )
    assert table.to_dict("records") == [
        {
            "File": "costs.csv",
            "Line": "3",
            "Column": "amount",
            "Reason": "'abc' is not a number (use a dot for decimals)",
        },
        {"File": "widgets.csv", "Line": "", "Column": "", "Reason": "not a file of the contract"},
        {"File": "", "Line": "", "Column": "", "Reason": "... and 12 more problems"},
    ]


def test_files_over_the_size_limit_are_named_with_their_size() -> None:
    lines = value.oversized({"a.csv": b"x" * 3 * 2**20, "b.csv": b"x"}, 2 * 2**20)
    assert len(lines) == 1
    assert lines[0].startswith("a.csv: 3.0 MB is larger than the 2 MB limit")


def test_import_summary_lists_rows_per_file() -> None:
    assert value.import_summary({"costs.csv": 3}).to_dict("records") == [
        {"File": "costs.csv", "Rows": 3}
    ]


def test_markdown_section_returns_one_level_two_section_and_can_demote_headings() -> None:
    text = "# T\n\n## Intro\nhello\n\n## Definitions\nbody\n### Sub\nmore\n\n## Next\nx\n"
    assert value.markdown_section(text, "Definitions") == "body\n### Sub\nmore"
    assert value.markdown_section(text, "Definitions", demote=1) == "body\n#### Sub\nmore"
    assert value.markdown_section(text, "Next") == "x"
    assert value.markdown_section(text, "Missing") is None


def test_freshness_table_marks_rollups_as_rebuilt_and_formats_counts() -> None:
    frame = pd.DataFrame(
        {
            "table_name": ["costs", "rollup_user_month"],
            "file_name": ["costs.csv", None],
            "row_count": [1200, 40],
            "latest": ["2025-04", "2025-04"],
            "last_imported_at": [pd.Timestamp("2025-05-02 08:30", tz="UTC"), None],
            "last_source": ["upload", None],
            "last_rows": [1200, None],
        }
    )
    table = value.freshness_table(frame)
    assert table.to_dict("records") == [
        {
            "Table": "costs",
            "Holds": "Monthly cost rows",
            "Rows": 1200,
            "Latest": "2025-04",
            "Last imported": "2025-05-02 08:30 UTC",
            "Rows in that import": "1,200",
            "Source": "upload",
        },
        {
            "Table": "rollup_user_month",
            "Holds": "Rollup: active users per month",
            "Rows": 40,
            "Latest": "2025-04",
            "Last imported": "rebuilt by every import",
            "Rows in that import": "—",
            "Source": "—",
        },
    ]


def test_tables_show_money_with_separators_and_missing_values_as_a_dash() -> None:
    frame = pd.DataFrame(
        {"net": [-1234.5, 99.0], "roi": [0.5, float("nan")], "payback": [None, 2.5]}
    )
    styler = value.styled_table(
        frame, "USD", money_columns=["net"], percent_columns=["roi"], months_columns=["payback"]
    )
    html = styler.to_html()
    assert "-$1,234" in html and "$99" in html
    assert "50.0%" in html and "2.5 months" in html
    assert "nan" not in html.lower() and "None" not in html
    assert "color: #B33F00" in html


# ---------------------------------------------------------------- Data page wording


@pytest.mark.parametrize(
    "source",
    [
        "generated demo portfolio",
        "/tmp/valuedash-demo-k2x9q1",
        "folder valuedash-demo-k2x9q1",
        "C:\\Temp\\valuedash-demo-k2x9q1\\",
    ],
)
def test_a_demo_load_is_named_demo_data_not_its_temporary_folder(source):
    assert value.source_label(source) == "demo data"


def test_other_sources_keep_their_folder_name_without_the_path():
    assert value.source_label("/srv/exports/metrics-2025") == "folder metrics-2025"
    assert value.source_label("upload") == "upload"


@pytest.mark.parametrize(
    ("typed", "stored"), [(10.0, 0.1), (7.3, 0.073), (0.0, 0.0), (12.5, 0.125)]
)
def test_a_discount_rate_typed_as_a_percentage_is_stored_as_its_fraction(typed, stored):
    assert value.rate_from_percent(typed) == stored
    assert value.assumption_values(60, "USD", value.rate_from_percent(typed))["discount_rate"] == (
        value.number_text(stored)
    )


def test_a_refused_discount_rate_is_explained_in_percent_as_the_form_asks():
    reason = csvcheck.assumption_problem("discount_rate", "1.5")
    assert reason is not None
    shown = value.assumption_reason("discount_rate", reason)
    assert "100%" in shown and "0.10" not in shown
    assert value.assumption_reason("currency", "'XX' is unknown") == "'XX' is unknown"
