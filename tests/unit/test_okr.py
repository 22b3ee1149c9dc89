"""OKR link strength and key-result progress (DESIGN section 4)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuemodel.core.okr import NOT_ENOUGH, kr_progress, link_strength


def monthly(first: str, values: list[float]) -> pd.Series:
    """`values` on consecutive month starts from `first` ('YYYY-MM')."""
    index = pd.date_range(f"{first}-01", periods=len(values), freq="MS")
    return pd.Series(values, index=index, dtype=float)


IRREGULAR = [1.0, 4.0, 2.0, 8.0, 5.0, 7.0, 3.0, 6.0]  # no two lags of it line up linearly


# ---------------------------------------------------------------- pairing and lag


def test_pearson_r_is_computed_on_the_paired_months() -> None:
    # x = 1..6, y = 2,1,4,3,6,5; means 3.5 and 3.5
    # dx = -2.5,-1.5,-.5,.5,1.5,2.5; dy = -1.5,-2.5,.5,-.5,2.5,1.5
    # sum dx*dy = 3.75+3.75-.25-.25+3.75+3.75 = 14.5; sum dx^2 = sum dy^2 = 17.5
    # r = 14.5 / 17.5; only lag 0 has 6 pairs (lag 1 has 5)
    product = monthly("2025-01", [1, 2, 3, 4, 5, 6])
    kr = monthly("2025-01", [2, 1, 4, 3, 6, 5])
    strength = link_strength(product, kr)
    assert strength.r == pytest.approx(14.5 / 17.5)
    assert strength.lag_months == 0
    assert strength.months == 6


def test_product_month_m_is_paired_with_key_result_month_m_plus_lag() -> None:
    # KR in month m + 2 = 3 x product in month m + 1, for the 8 product months
    product = monthly("2024-01", IRREGULAR)
    kr = monthly("2024-03", [3 * v + 1 for v in IRREGULAR])
    strength = link_strength(product, kr)
    assert strength.lag_months == 2
    assert strength.r == pytest.approx(1.0)
    assert strength.months == 8


def test_the_key_result_leading_the_product_is_not_a_lag() -> None:
    # KR month m = product month m + 1: the KR leads, which lags 0..3 never pair exactly
    product = monthly("2024-02", IRREGULAR)
    kr = monthly("2024-01", IRREGULAR)
    strength = link_strength(product, kr)
    assert strength.r is None or strength.r < 0.99


def test_a_lag_needs_at_least_six_pairs() -> None:
    product = monthly("2025-01", IRREGULAR[:5])
    kr = monthly("2025-01", IRREGULAR[:5])
    assert link_strength(product, kr) == NOT_ENOUGH


def test_six_pairs_are_enough() -> None:
    product = monthly("2025-01", IRREGULAR[:6])
    kr = monthly("2025-01", [2 * v for v in IRREGULAR[:6]])
    strength = link_strength(product, kr)
    assert strength.r == pytest.approx(1.0)
    assert strength.months == 6


def test_undefined_months_are_left_out_of_the_pairs() -> None:
    # 7 months, one undefined on the product side -> 6 pairs, still enough
    values = [*IRREGULAR[:7]]
    values[3] = math.nan
    product = monthly("2025-01", values)
    kr = monthly("2025-01", [2 * v if not math.isnan(v) else 99.0 for v in values])
    strength = link_strength(product, kr)
    assert strength.months == 6
    assert strength.r == pytest.approx(1.0)


def test_undefined_months_can_leave_too_few_pairs() -> None:
    # 7 months, two undefined -> 5 pairs
    values = [*IRREGULAR[:7]]
    values[1] = math.nan
    values[4] = math.nan
    product = monthly("2025-01", values)
    kr = monthly("2025-01", IRREGULAR[:7])
    assert link_strength(product, kr) == NOT_ENOUGH


def test_a_constant_product_series_gives_no_r() -> None:
    product = monthly("2025-01", [3.0] * 9)
    kr = monthly("2025-01", [*IRREGULAR, 9.0])
    strength = link_strength(product, kr)
    assert strength.r is None
    assert strength.lag_months is None
    assert strength.months is None


def test_a_constant_key_result_gives_no_r() -> None:
    product = monthly("2025-01", IRREGULAR)
    kr = monthly("2025-01", [40.0] * 8)
    assert link_strength(product, kr) == NOT_ENOUGH


def test_an_empty_key_result_gives_no_r() -> None:
    product = monthly("2025-01", IRREGULAR)
    assert link_strength(product, pd.Series([], dtype=float)) == NOT_ENOUGH


def test_a_negative_correlation_is_reported_with_its_sign() -> None:
    product = monthly("2025-01", IRREGULAR)
    kr = monthly("2025-01", [100 - 5 * v for v in IRREGULAR])
    strength = link_strength(product, kr)
    assert strength.r == pytest.approx(-1.0)
    assert strength.lag_months == 0


def test_the_largest_absolute_r_wins_even_when_negative() -> None:
    # lag 1: KR(m + 1) = -product(m) -> r = -1; lag 0 pairs are far from linear
    product = monthly("2025-01", IRREGULAR)
    kr = monthly("2025-02", [-v for v in IRREGULAR])
    strength = link_strength(product, kr)
    assert strength.lag_months == 1
    assert strength.r == pytest.approx(-1.0)
    assert strength.months == 8


def test_a_tie_in_absolute_r_goes_to_the_smaller_lag() -> None:
    # a straight line correlates perfectly with itself at every lag: lag 0 is reported
    product = monthly("2025-01", [float(i) for i in range(1, 11)])
    kr = monthly("2025-01", [float(10 * i) for i in range(1, 11)])
    strength = link_strength(product, kr)
    assert strength.lag_months == 0
    assert strength.r == pytest.approx(1.0)
    assert strength.months == 10


def test_a_tie_between_r_and_minus_r_goes_to_the_smaller_lag() -> None:
    # product alternates: lag 0 gives r = -1 (KR is its mirror), lag 1 gives r = +1
    product = monthly("2025-01", [1.0, 2.0] * 5)
    kr = monthly("2025-01", [2.0, 1.0] * 5)
    strength = link_strength(product, kr)
    assert strength.lag_months == 0
    assert strength.r == pytest.approx(-1.0)


def test_lags_beyond_three_months_are_not_considered() -> None:
    # exact relation at lag 4 only
    product = monthly("2024-01", IRREGULAR)
    kr = monthly("2024-05", IRREGULAR)
    strength = link_strength(product, kr)
    assert strength.lag_months != 4
    assert strength.r is None or abs(strength.r) < 0.99


@given(
    values=st.lists(
        st.floats(min_value=-1e3, max_value=1e3, allow_nan=False), min_size=6, max_size=24
    ),
    kr_values=st.lists(
        st.floats(min_value=-1e3, max_value=1e3, allow_nan=False), min_size=6, max_size=24
    ),
)
def test_a_reported_link_has_r_in_range_a_lag_of_zero_to_three_and_six_pairs(
    values: list[float], kr_values: list[float]
) -> None:
    strength = link_strength(monthly("2024-01", values), monthly("2024-01", kr_values))
    if strength.r is None:
        assert strength == NOT_ENOUGH
    else:
        assert -1.0 <= strength.r <= 1.0
        assert strength.lag_months in (0, 1, 2, 3)
        assert strength.months is not None and strength.months >= 6


# ---------------------------------------------------------------- progress


def test_kr_progress_is_the_share_of_the_way_from_baseline_to_target() -> None:
    # (15 - 10) / (20 - 10) = 0.5
    assert kr_progress(10.0, 20.0, 15.0) == pytest.approx(0.5)


def test_kr_progress_works_for_a_target_below_the_baseline() -> None:
    # lead time from 100 down to 50; now 75 -> (75 - 100) / (50 - 100) = 0.5
    assert kr_progress(100.0, 50.0, 75.0) == pytest.approx(0.5)


def test_kr_progress_can_exceed_one_and_fall_below_zero() -> None:
    assert kr_progress(10.0, 20.0, 25.0) == pytest.approx(1.5)  # (25 - 10) / 10
    assert kr_progress(10.0, 20.0, 5.0) == pytest.approx(-0.5)  # (5 - 10) / 10


def test_kr_progress_is_undefined_without_a_measurement() -> None:
    assert kr_progress(10.0, 20.0, None) is None
