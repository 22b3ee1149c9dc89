"""HEART scores and monthly definitions of DESIGN section 4, and how numbers are formatted."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuemodel.core.contract import HEART_DIMENSIONS
from valuemodel.core.metrics import (
    buyer_figures,
    heart_index,
    heart_score,
    monthly_flows,
    monthly_values,
    user_figures,
)
from valuemodel.present import formats as formatting

# ---------------------------------------------------------------- HEART scores


def test_heart_score_is_the_share_of_the_way_from_zero_to_the_target() -> None:
    # 100 x (0.3 - 0) / (0.6 - 0) = 50
    assert heart_score("adoption", 0.3, 0.6) == pytest.approx(50.0)


def test_heart_score_of_engagement_uses_a_floor_of_zero() -> None:
    # 100 x (3 - 0) / (12 - 0) = 25
    assert heart_score("engagement", 3.0, 12.0) == pytest.approx(25.0)


def test_heart_score_of_happiness_uses_a_floor_of_minus_one_hundred() -> None:
    # 100 x (20 - -100) / (50 - -100) = 100 x 120 / 150 = 80
    assert heart_score("happiness", 20.0, 50.0) == pytest.approx(80.0)


def test_heart_score_of_a_negative_nps_is_still_positive() -> None:
    # 100 x (-40 + 100) / (50 + 100) = 100 x 60 / 150 = 40
    assert heart_score("happiness", -40.0, 50.0) == pytest.approx(40.0)


def test_heart_score_of_happiness_at_the_floor_is_zero() -> None:
    assert heart_score("happiness", -100.0, 30.0) == 0.0


def test_heart_score_is_capped_at_one_hundred_above_the_target() -> None:
    # 100 x 0.9 / 0.6 = 150 -> clamped to 100
    assert heart_score("retention", 0.9, 0.6) == 100.0


def test_heart_score_is_clamped_at_zero_below_the_floor() -> None:
    # 100 x (-0.2 - 0) / 0.5 = -40 -> clamped to 0
    assert heart_score("task_success", -0.2, 0.5) == 0.0


def test_heart_score_is_undefined_without_a_goal() -> None:
    assert heart_score("adoption", 0.3, None) is None


def test_heart_score_is_undefined_without_a_value() -> None:
    assert heart_score("retention", None, 0.8) is None


def test_heart_score_is_undefined_for_a_nan_value() -> None:
    assert heart_score("engagement", float("nan"), 4.0) is None


@given(
    dimension=st.sampled_from(HEART_DIMENSIONS),
    value=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    target=st.floats(min_value=0.001, max_value=1e6, allow_nan=False),
)
def test_heart_score_always_lies_between_zero_and_one_hundred(
    dimension: str, value: float, target: float
) -> None:
    score = heart_score(dimension, value, target)
    assert score is not None
    assert 0.0 <= score <= 100.0


@given(
    value=st.floats(min_value=0.0, max_value=1.0, allow_nan=False),
    more=st.floats(min_value=0.0, max_value=1.0, allow_nan=False),
    target=st.floats(min_value=0.01, max_value=1.0, allow_nan=False),
)
def test_heart_score_never_falls_when_the_value_rises(
    value: float, more: float, target: float
) -> None:
    low = heart_score("adoption", value, target)
    high = heart_score("adoption", value + more, target)
    assert low is not None and high is not None
    assert high >= low


def test_heart_index_is_the_mean_of_the_scores_that_exist() -> None:
    # (50 + 100 + 30) / 3 = 60; the two missing scores are left out, not counted as 0
    scores = {
        "happiness": 50.0,
        "engagement": None,
        "adoption": 100.0,
        "retention": None,
        "task_success": 30.0,
    }
    assert heart_index(scores) == pytest.approx(60.0)


def test_heart_index_counts_a_score_of_zero() -> None:
    # (0 + 80) / 2 = 40
    assert heart_index({"adoption": 0.0, "retention": 80.0}) == pytest.approx(40.0)


def test_heart_index_is_undefined_when_no_score_exists() -> None:
    assert heart_index(dict.fromkeys(HEART_DIMENSIONS)) is None
    assert heart_index({}) is None


# ---------------------------------------------------------------- monthly values

PRODUCT_MONTH_COLUMNS = [
    "product_id",
    "month",
    "eligible_users",
    "active_users",
    "active_days",
    "prev_active_users",
    "retained_users",
    "events",
    "succeeded_true",
    "succeeded_known",
    "responses",
    "promoters",
    "detractors",
    "tasks_done",
    "hours_saved",
    "risk_adjusted_hours",
    "cost",
]


def product_months(*rows: tuple[object, ...]) -> pd.DataFrame:
    """Rows as a `product_months` frame whose rolling quarter holds only the month's own
    surveys (the earlier two months had none)."""
    frame = pd.DataFrame(list(rows), columns=PRODUCT_MONTH_COLUMNS)
    frame["month"] = pd.to_datetime(frame["month"])
    for column in ("responses", "promoters", "detractors"):
        frame[f"happiness_{column}"] = frame[column]
    return frame


# product, month, eligible, active, active_days, prev_active, retained, events,
# succeeded_true, succeeded_known, responses, promoters, detractors, tasks, hours, risk_hours, cost
JANUARY = ("ci", "2025-01-01", 20, 5, 12, 0, 0, 10, 6, 8, 4, 2, 1, 7, 3.5, 2.0, 150.0)
FEBRUARY = ("ci", "2025-02-01", 20, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0.0, 0.0, 0.0)
MARCH = ("ci", "2025-03-01", 20, 4, 4, 0, 0, 4, 4, 4, 2, 0, 2, 4, 2.0, 1.0, 40.0)


def test_monthly_values_follow_the_definitions() -> None:
    values = monthly_values(product_months(JANUARY), loaded_hourly_cost=80.0).iloc[0]
    assert values["adoption"] == pytest.approx(0.25)  # 5 / 20
    assert values["engagement"] == pytest.approx(2.4)  # 12 active days / 5 users
    assert values["task_success"] == pytest.approx(0.75)  # 6 true / 8 with an outcome
    assert values["happiness"] == pytest.approx(25.0)  # 100 x (2 - 1) / 4
    assert values["gross_savings"] == pytest.approx(280.0)  # 3.5 h x 80
    assert values["risk_adjusted_savings"] == pytest.approx(160.0)  # 2.0 h x 80
    assert values["net_value"] == pytest.approx(10.0)  # 160 - 150


def test_retention_is_undefined_when_previous_month_is_empty() -> None:
    values = monthly_values(product_months(JANUARY, MARCH), loaded_hourly_cost=80.0)
    assert values["retention"].isna().all()  # prev_active_users = 0 in both rows


def test_retention_is_zero_when_nobody_returns_after_an_active_month() -> None:
    # February: 0 retained of 5 active in January -> 0 / 5 = 0
    values = monthly_values(product_months(FEBRUARY), loaded_hourly_cost=80.0).iloc[0]
    assert values["retention"] == 0.0


def test_retention_is_retained_over_previous_active_users() -> None:
    row = ("ci", "2025-04-01", 20, 6, 6, 8, 6, 6, 0, 0, 0, 0, 0, 0, 0.0, 0.0, 0.0)
    values = monthly_values(product_months(row), loaded_hourly_cost=80.0).iloc[0]
    assert values["retention"] == pytest.approx(0.75)  # 6 / 8


def test_a_month_without_events_has_zero_adoption_and_undefined_engagement_and_success() -> None:
    values = monthly_values(product_months(FEBRUARY), loaded_hourly_cost=80.0).iloc[0]
    assert values["adoption"] == 0.0  # 0 / 20
    assert math.isnan(values["engagement"])  # 0 days / 0 users
    assert math.isnan(values["task_success"])  # no event with an outcome
    assert math.isnan(values["happiness"])  # no survey response


def test_nps_counts_passives_in_the_denominator_only() -> None:
    # March: 2 responses, 0 promoters, 2 detractors -> 100 x (0 - 2) / 2 = -100
    values = monthly_values(product_months(MARCH), loaded_hourly_cost=80.0).iloc[0]
    assert values["happiness"] == pytest.approx(-100.0)


def test_adoption_is_undefined_for_a_product_with_no_eligible_users() -> None:
    row = ("x", "2025-01-01", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.0, 0.0, 0.0)
    values = monthly_values(product_months(row), loaded_hourly_cost=80.0).iloc[0]
    assert math.isnan(values["adoption"])


def test_monthly_values_leave_the_input_frame_unchanged() -> None:
    frame = product_months(JANUARY)
    before = frame.copy()
    monthly_values(frame, loaded_hourly_cost=80.0)
    pd.testing.assert_frame_equal(frame, before)


# ---------------------------------------------------------------- buyer figures


def test_buyer_figures_sum_the_months_and_interpolate_payback() -> None:
    values = monthly_values(product_months(JANUARY, FEBRUARY, MARCH), loaded_hourly_cost=80.0)
    buyer = buyer_figures(monthly_flows(values))
    # cost 150 + 0 + 40 = 190; risk-adjusted (2.0 + 0 + 1.0) h x 80 = 240
    assert buyer.cost == pytest.approx(190.0)
    assert buyer.hours_saved == pytest.approx(5.5)  # 3.5 + 0 + 2.0
    assert buyer.gross_savings == pytest.approx(440.0)  # 5.5 x 80
    assert buyer.risk_adjusted_savings == pytest.approx(240.0)
    assert buyer.net_value == pytest.approx(50.0)  # 240 - 190
    assert buyer.roi == pytest.approx(50.0 / 190.0)
    # net per month: +10, 0, +40: never negative -> payback 0
    assert buyer.payback_months == 0.0


def test_buyer_roi_is_undefined_when_the_period_has_no_cost() -> None:
    values = monthly_values(product_months(FEBRUARY), loaded_hourly_cost=80.0)
    buyer = buyer_figures(monthly_flows(values))
    assert buyer.cost == 0.0
    assert buyer.roi is None


def test_portfolio_flows_are_summed_per_month_across_products() -> None:
    a = ("a", "2025-01-01", 10, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0.0, 0.0, 100.0)
    b = ("b", "2025-01-01", 10, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1.0, 1.0, 20.0)
    a2 = ("a", "2025-02-01", 10, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0.0, 0.0, 0.0)
    b2 = ("b", "2025-02-01", 10, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 3.0, 3.0, 20.0)
    values = monthly_values(product_months(a, b, a2, b2), loaded_hourly_cost=50.0)
    flows = monthly_flows(values)
    # January: cost 100 + 20 = 120, savings 1 h x 50 = 50 -> net -70
    # February: cost 0 + 20 = 20, savings 3 h x 50 = 150 -> net +130
    assert list(flows["cost"]) == pytest.approx([120.0, 20.0])
    assert list(flows["net_value"]) == pytest.approx([-70.0, 130.0])
    assert list(flows["cumulative_net_value"]) == pytest.approx([-70.0, 60.0])
    # payback: 1 + 70 / 130
    assert buyer_figures(flows).payback_months == pytest.approx(1 + 70 / 130)


# ---------------------------------------------------------------- user figures


def test_user_figures_score_the_dimensions_that_have_a_goal() -> None:
    row = monthly_values(
        product_months(JANUARY), loaded_hourly_cost=80.0, min_survey_responses=4
    ).iloc[0]
    user = user_figures(row, {"adoption": 0.5, "happiness": 50.0, "retention": 0.8})
    assert user.month == "2025-01"
    assert user.active_users == 5
    assert user.scores["adoption"] == pytest.approx(50.0)  # 100 x 0.25 / 0.5
    assert user.scores["happiness"] == pytest.approx(250 / 3)  # 100 x (25 + 100) / 150
    assert user.scores["retention"] is None  # goal, but retention undefined
    assert user.scores["engagement"] is None  # value, but no goal
    assert user.scores["task_success"] is None
    assert user.retention is None
    assert user.heart_index == pytest.approx((50.0 + 250 / 3) / 2)


def test_happiness_under_the_minimum_responses_keeps_value_and_interval_but_no_score() -> None:
    # January: 4 responses (2 promoters, 1 detractor): NPS 25, but 4 < 5 required
    row = monthly_values(
        product_months(JANUARY), loaded_hourly_cost=80.0, min_survey_responses=5
    ).iloc[0]
    user = user_figures(row, {"adoption": 0.5, "happiness": 50.0})
    assert user.happiness == pytest.approx(25.0)
    assert user.happiness_responses == 4
    assert user.happiness_ci90 is not None
    assert user.happiness_scored is False
    assert user.scores["happiness"] is None
    assert user.heart_index == pytest.approx(50.0)  # adoption alone


def test_happiness_at_the_minimum_responses_is_scored() -> None:
    row = monthly_values(
        product_months(JANUARY), loaded_hourly_cost=80.0, min_survey_responses=4
    ).iloc[0]
    assert user_figures(row, {"happiness": 50.0}).scores["happiness"] == pytest.approx(250 / 3)


def test_happiness_is_the_nps_of_the_rolling_quarter_not_of_the_month() -> None:
    frame = product_months(MARCH)
    # The quarter January..March: 10 answers, 6 promoters, 2 detractors (March alone: -100)
    frame[["happiness_responses", "happiness_promoters", "happiness_detractors"]] = [10, 6, 2]
    values = monthly_values(frame, loaded_hourly_cost=80.0).iloc[0]
    assert values["happiness"] == pytest.approx(40.0)  # 100 x (6 - 2) / 10
    # 1.645 x 100 x sqrt((0.6 + 0.2 - 0.4^2) / 10) = 1.645 x 100 x sqrt(0.064)
    half = 1.645 * 100 * math.sqrt(0.064)
    assert values["happiness_ci90_low"] == pytest.approx(40.0 - half)
    assert values["happiness_ci90_high"] == pytest.approx(40.0 + half)


def test_rates_carry_wilson_intervals_from_their_denominators() -> None:
    from statsmodels.stats.proportion import proportion_confint

    values = monthly_values(product_months(JANUARY), loaded_hourly_cost=80.0).iloc[0]
    low, high = proportion_confint(6, 8, alpha=0.10, method="wilson")
    assert values["task_success_ci90_low"] == pytest.approx(low)
    assert values["task_success_ci90_high"] == pytest.approx(high)
    assert math.isnan(values["retention_ci90_low"])  # no users the month before


# ---------------------------------------------------------------- formatting


def test_money_has_a_currency_symbol_and_thousands_separators() -> None:
    assert formatting.money(1_234_567.0) == "$1,234,567"


def test_money_shows_a_loss_with_a_leading_minus_sign() -> None:
    assert formatting.money(-12_300.0) == "-$12,300"


def test_money_is_whole_units() -> None:
    assert formatting.money(1234.4, "EUR") == "€1,234"


def test_money_without_a_known_symbol_shows_the_code() -> None:
    assert formatting.money(2500.0, "SEK") == "2,500 SEK"


def test_compact_money_uses_thousand_and_million_suffixes() -> None:
    assert formatting.money(1_234_567.0, compact=True) == "$1.2M"
    assert formatting.money(-12_300.0, compact=True) == "-$12.3K"


def test_percent_shows_a_fraction_as_a_percentage() -> None:
    assert formatting.percent(0.423) == "42.3%"
    assert formatting.percent(0.5, 0) == "50%"
    assert formatting.percent(-0.1) == "-10.0%"


def test_months_shows_one_decimal_and_the_unit() -> None:
    assert formatting.months(7.26) == "7.3 months"
    assert formatting.months(0.0) == "0 months"
    assert formatting.months(1.0) == "1.0 month"


def test_number_and_nps_formatting() -> None:
    assert formatting.number(1_234_567) == "1,234,567"
    assert formatting.nps(23.4) == "+23"
    assert formatting.nps(-5.0) == "-5"


@pytest.mark.parametrize(
    "render",
    [
        formatting.money,
        formatting.percent,
        formatting.months,
        formatting.number,
        formatting.nps,
        formatting.signed_percent,
    ],
)
@pytest.mark.parametrize("missing", [None, float("nan"), float("inf")])
def test_missing_values_are_shown_as_an_em_dash(render, missing) -> None:  # type: ignore[no-untyped-def]
    assert render(missing) == "\u2014"


def test_a_score_is_never_rounded_up_to_a_met_goal():
    from valuemodel.present.formats import score

    assert score(99.6) == "99"
    assert score(100.0) == "100"
    assert score(87.5) == "88"
    assert score(None) == "—"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(2, 2.0), (0.5, 0.5), (None, None), (math.nan, None), (math.inf, None), (-math.inf, None),
     (pd.NA, None), ("3", None), (True, None)],
)  # fmt: skip
def test_the_one_nan_guard_keeps_finite_numbers_only(value: object, expected: float | None) -> None:
    from valuemodel.core.numbers import finite

    assert finite(value) == expected


def test_task_hours_join_the_months_per_product_and_month_with_zero_where_none():
    from valuemodel.core.metrics import with_task_hours

    months = pd.DataFrame(
        {
            "product_id": ["a", "a", "b"],
            "month": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-01-01"]),
            "events": [9, 0, 5],
            "cost": [100.0, 100.0, 50.0],
        }
    )
    tasks = pd.DataFrame(
        {
            "product_id": ["a", "a", "b"],
            "month": ["2026-01-01", "2026-01-01", "2026-01-01"],
            "action": ["build", "deploy", "query"],
            "events": [6, 3, 5],
            "succeeded_false": [2, 0, 5],  # b's five tasks all failed: none done
            "minutes_saved": [30.0, 60.0, 10.0],
            "confidence": [0.5, 1.0, 0.9],
        }
    )
    out = with_task_hours(months, tasks)
    assert list(out.columns) == [
        "product_id",
        "month",
        "events",
        "tasks_done",
        "hours_saved",
        "risk_adjusted_hours",
        "cost",
    ]
    # a in January: 4 x 30 / 60 = 2 h (1 h at 0.5) + 3 x 60 / 60 = 3 h (3 h at 1.0).
    assert list(out["tasks_done"]) == [7, 0, 0]
    assert list(out["hours_saved"]) == pytest.approx([5.0, 0.0, 0.0])
    assert list(out["risk_adjusted_hours"]) == pytest.approx([4.0, 0.0, 0.0])
    assert list(out["cost"]) == [100.0, 100.0, 50.0]  # the months' rows, in their order
