"""Finance rules of DESIGN section 4: end-of-period PV, monthly rate, ROI and payback."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuemodel.core.finance import monthly_rate, payback_periods, present_value, roi

money = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
positive_money = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)
rates = st.floats(min_value=-0.5, max_value=2.0, allow_nan=False, allow_infinity=False)


# ---------------------------------------------------------------- present value


def test_present_value_discounts_each_flow_at_the_end_of_its_period() -> None:
    # 110 / 1.1 + 121 / 1.1**2 = 100 + 100 = 200
    assert present_value(0.10, [110.0, 121.0]) == pytest.approx(200.0)


def test_present_value_of_a_single_flow_is_discounted_one_full_period() -> None:
    # end of period 1: 105 / 1.05 = 100 (not 105, which a start-of-period flow would give)
    assert present_value(0.05, [105.0]) == pytest.approx(100.0)


def test_present_value_adds_the_initial_amount_undiscounted() -> None:
    # -50 at time 0 stays -50; 110 / 1.1 = 100; total 50
    assert present_value(0.10, [110.0], initial=-50.0) == pytest.approx(50.0)


def test_present_value_of_no_flows_is_the_initial_amount() -> None:
    assert present_value(0.10, [], initial=-250.0) == -250.0


def test_present_value_refuses_a_rate_of_minus_one_hundred_percent() -> None:
    with pytest.raises(ValueError):
        present_value(-1.0, [1.0])


# ---------------------------------------------------------------- monthly rate


def test_monthly_rate_compounds_to_the_annual_rate_over_twelve_months() -> None:
    # (1 + m) ** 12 = 1.21  ->  m = 1.21 ** (1/12) - 1
    m = monthly_rate(0.21)
    assert (1 + m) ** 12 == pytest.approx(1.21)
    assert m == pytest.approx(1.21 ** (1 / 12) - 1)


def test_monthly_rate_discounts_a_flow_twelve_months_out_like_one_year() -> None:
    # 121 at the end of month 12 at 21 %/year is worth 121 / 1.21 = 100 today
    flows = [0.0] * 11 + [121.0]
    assert present_value(monthly_rate(0.21), flows) == pytest.approx(100.0)


def test_monthly_rate_of_zero_is_zero() -> None:
    assert monthly_rate(0.0) == 0.0


def test_monthly_rate_is_less_than_a_twelfth_of_the_annual_rate() -> None:
    # compounding: 1.10 ** (1/12) - 1 = 0.007974 < 0.10 / 12 = 0.008333
    assert monthly_rate(0.10) == pytest.approx(0.0079741404, rel=1e-8)


def test_monthly_rate_refuses_an_annual_rate_of_minus_one_hundred_percent() -> None:
    with pytest.raises(ValueError):
        monthly_rate(-1.0)


# ---------------------------------------------------------------- ROI


def test_roi_is_net_benefit_over_cost() -> None:
    # (150 - 100) / 100 = 0.5
    assert roi(150.0, 100.0) == pytest.approx(0.5)


def test_roi_is_negative_when_benefits_fall_short_of_costs() -> None:
    # (30 - 120) / 120 = -0.75
    assert roi(30.0, 120.0) == pytest.approx(-0.75)


@pytest.mark.parametrize("benefits", [0.0, 10.0, -5.0])
def test_roi_is_undefined_when_costs_are_zero(benefits: float) -> None:
    assert roi(benefits, 0.0) is None


# ---------------------------------------------------------------- payback


def test_payback_is_zero_when_cumulative_value_is_never_negative() -> None:
    # cumulative 10, 30, 30: never below zero
    assert payback_periods([10.0, 20.0, 0.0]) == 0.0


def test_payback_is_zero_for_no_flows_and_no_initial_amount() -> None:
    assert payback_periods([]) == 0.0


def test_payback_is_undefined_when_value_is_negative_and_never_recovers() -> None:
    # cumulative -100, -60, -20: still negative at the end
    assert payback_periods([-100.0, 40.0, 40.0]) is None


def test_payback_interpolates_linearly_inside_the_crossing_month() -> None:
    # cumulative -100, -60, +60: crosses in the third month, 60 of its 120 needed
    # -> 2 + 60 / 120 = 2.5
    assert payback_periods([-100.0, 40.0, 120.0]) == pytest.approx(2.5)


def test_payback_counts_reaching_exactly_zero_as_recovered() -> None:
    # cumulative -100, -50, 0: zero is reached at the end of month 3 -> 2 + 50 / 50 = 3.0
    assert payback_periods([-100.0, 50.0, 50.0]) == pytest.approx(3.0)


def test_payback_starts_counting_only_once_cumulative_value_turns_negative() -> None:
    # cumulative 10, -20, +20: negative after month 2, recovered in month 3
    # -> 2 + 20 / 40 = 2.5
    assert payback_periods([10.0, -30.0, 40.0]) == pytest.approx(2.5)


def test_payback_is_the_first_crossing_even_if_value_dips_again() -> None:
    # cumulative -10, +10, -20, +20: first turns non-negative in month 2 -> 1 + 10 / 20 = 1.5
    assert payback_periods([-10.0, 20.0, -30.0, 40.0]) == pytest.approx(1.5)


def test_payback_with_a_negative_initial_investment_counts_from_time_zero() -> None:
    # initial -100, cumulative -50, +50: crosses in month 2 -> 1 + 50 / 100 = 1.5
    assert payback_periods([50.0, 100.0], initial=-100.0) == pytest.approx(1.5)


def test_payback_with_a_negative_initial_investment_recovered_in_the_first_month() -> None:
    # initial -100, one flow of 400: 0 + 100 / 400 = 0.25
    assert payback_periods([400.0], initial=-100.0) == pytest.approx(0.25)


def test_payback_is_undefined_for_a_negative_initial_amount_and_no_flows() -> None:
    assert payback_periods([], initial=-1.0) is None


def test_payback_is_zero_when_a_positive_initial_amount_absorbs_later_losses() -> None:
    # initial 100, cumulative 50, 20: never negative
    assert payback_periods([-50.0, -30.0], initial=100.0) == 0.0


# ---------------------------------------------------------------- properties


@given(flows=st.lists(money, max_size=40), initial=money)
def test_present_value_at_a_zero_rate_is_the_plain_sum(flows: list[float], initial: float) -> None:
    expected = initial + math.fsum(flows)
    assert present_value(0.0, flows, initial) == pytest.approx(expected, rel=1e-9, abs=1e-6)


@given(
    rate=rates,
    flows=st.lists(money, max_size=40),
    initial=money,
    k=st.floats(min_value=-100.0, max_value=100.0, allow_nan=False),
)
def test_scaling_every_flow_and_the_initial_amount_scales_the_present_value(
    rate: float, flows: list[float], initial: float, k: float
) -> None:
    scaled = present_value(rate, [k * f for f in flows], k * initial)
    base = present_value(rate, flows, initial)
    # rounding error is relative to the size of the discounted terms, not of their sum
    terms = [abs(f) * (1 + rate) ** -(i + 1) for i, f in enumerate(flows)]
    magnitude = abs(k) * (abs(initial) + sum(terms))
    assert scaled == pytest.approx(k * base, rel=1e-9, abs=1e-9 * magnitude + 1e-9)


@given(flows=st.lists(money, max_size=40), initial=money)
def test_payback_when_it_exists_lies_between_zero_and_the_number_of_flows(
    flows: list[float], initial: float
) -> None:
    payback = payback_periods(flows, initial)
    if payback is not None:
        assert 0.0 <= payback <= len(flows)


@given(
    flows=st.lists(positive_money, min_size=1, max_size=40),
    low=st.floats(min_value=-0.5, max_value=1.0, allow_nan=False),
    gap=st.floats(min_value=1e-3, max_value=1.0, allow_nan=False),
)
def test_present_value_of_positive_flows_falls_as_the_rate_rises(
    flows: list[float], low: float, gap: float
) -> None:
    assert present_value(low, flows) > present_value(low + gap, flows)


@given(flows=st.lists(money, max_size=40), initial=money)
def test_payback_is_undefined_exactly_when_the_final_cumulative_value_is_negative_after_a_dip(
    flows: list[float], initial: float
) -> None:
    # Running totals; payback is None iff some total went negative and none recovered after.
    totals = [initial]
    for flow in flows:
        totals.append(totals[-1] + flow)
    first_negative = next((i for i, t in enumerate(totals) if t < 0), None)
    recovered = first_negative is not None and any(t >= 0 for t in totals[first_negative:])
    expected_none = first_negative is not None and not recovered
    assert (payback_periods(flows, initial) is None) == expected_none


def test_the_savings_rule_is_elementwise_on_numbers_arrays_and_series():
    """DESIGN section 4 written once: done = events - recorded failures; hours = done x
    minutes / 60; money = hours x hourly cost; risk-adjusted = x confidence."""
    import numpy as np
    import pandas as pd

    from valuemodel.core import finance

    assert finance.tasks_done(10.0, 3.0) == 7.0
    assert finance.hours_saved(7.0, 30.0) == pytest.approx(3.5)
    assert finance.savings(3.5, 80.0) == pytest.approx(280.0)
    assert finance.risk_adjusted(280.0, 0.5) == pytest.approx(140.0)
    events, failed = np.array([10.0, 4.0]), np.array([3.0, 4.0])
    done = finance.tasks_done(events, failed)
    assert list(done) == [7.0, 0.0]
    hours = finance.hours_saved(pd.Series(done), pd.Series([30.0, 90.0]))
    assert list(hours) == pytest.approx([3.5, 0.0])
    per_draw = finance.savings(np.array([1.0, 2.0]), np.array([50.0, 70.0]))
    assert list(per_draw) == [50.0, 140.0]
