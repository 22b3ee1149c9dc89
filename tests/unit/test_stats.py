"""Intervals and correlations (DESIGN section 4, second round), checked against scipy and
statsmodels, and the laws every interval obeys."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import proportion_confint

from valuemodel.core import stats

# ---------------------------------------------------------------- against the libraries


@pytest.mark.parametrize(("successes", "total"), [(0, 1), (1, 1), (6, 8), (37, 40), (450, 1000)])
def test_wilson_interval_is_statsmodels_wilson_at_ninety_percent(
    successes: int, total: int
) -> None:
    low, high = proportion_confint(successes, total, alpha=0.10, method="wilson")
    assert stats.wilson_interval(successes, total) == pytest.approx((low, high))


def test_wilson_intervals_of_a_series_match_one_at_a_time() -> None:
    successes = pd.Series([6, 0, 37, 0])
    totals = pd.Series([8, 5, 40, 0])
    low, high = stats.wilson_intervals(successes, totals)
    for i in range(3):
        expected = stats.wilson_interval(int(successes[i]), int(totals[i]))
        assert (low[i], high[i]) == pytest.approx(expected)
    assert math.isnan(low[3]) and math.isnan(high[3])  # no denominator, no interval


def test_wilson_interval_is_undefined_without_a_denominator() -> None:
    assert stats.wilson_interval(0, 0) is None


def test_pearson_is_scipys() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=20)
    y = 0.5 * x + rng.normal(size=20)
    assert stats.pearson(x, y) == pytest.approx(scipy_stats.pearsonr(x, y).statistic)


def test_pearson_of_a_constant_side_is_undefined() -> None:
    assert stats.pearson(np.array([1.0, 1.0, 1.0]), np.array([1.0, 2.0, 3.0])) is None


def test_fisher_interval_is_the_normal_interval_of_atanh_r() -> None:
    # atanh(0.6) = 0.6931; 1.645 / sqrt(17) = 0.3990 -> tanh(0.2942), tanh(1.0921)
    low, high = stats.fisher_interval(0.6, 20)  # type: ignore[misc]
    half = 1.645 / math.sqrt(17)
    assert low == pytest.approx(math.tanh(math.atanh(0.6) - half))
    assert high == pytest.approx(math.tanh(math.atanh(0.6) + half))
    assert low == pytest.approx(0.2860, abs=1e-4)
    assert high == pytest.approx(0.7976, abs=1e-4)


def test_fisher_interval_agrees_with_scipys_confidence_interval() -> None:
    # scipy's pearsonr(...).confidence_interval uses the same Fisher transform with the
    # exact normal quantile (1.64485 for 90%), so the two agree to about 1e-4.
    rng = np.random.default_rng(3)
    x = rng.normal(size=15)
    y = x + rng.normal(size=15)
    result = scipy_stats.pearsonr(x, y)
    expected = result.confidence_interval(confidence_level=0.90)
    ours = stats.fisher_interval(float(result.statistic), 15)
    assert ours == pytest.approx((expected.low, expected.high), abs=2e-4)


@pytest.mark.parametrize(("r", "n"), [(0.5, 3), (0.5, 2), (1.0, 20), (-1.0, 20), (None, 20)])
def test_fisher_interval_is_undefined_for_three_pairs_or_fewer_or_a_perfect_r(
    r: float | None, n: int
) -> None:
    assert stats.fisher_interval(r, n) is None


def test_nps_interval_follows_the_formula() -> None:
    # 300 answers: 120 promoters (0.4), 60 detractors (0.2): NPS 20
    # half width = 1.645 x 100 x sqrt((0.4 + 0.2 - 0.2^2) / 300) = 1.645 x 100 x 0.04320
    low, high = stats.nps_interval(120, 60, 300)  # type: ignore[misc]
    half = 1.645 * 100 * math.sqrt(0.56 / 300)
    assert (low, high) == pytest.approx((20 - half, 20 + half))
    assert half == pytest.approx(7.107, abs=1e-3)


def test_nps_interval_is_clipped_to_the_nps_range() -> None:
    low, high = stats.nps_interval(2, 0, 3)  # type: ignore[misc]
    assert high == 100.0
    assert low >= -100.0


def test_nps_intervals_of_a_series_match_one_at_a_time() -> None:
    promoters = pd.Series([120, 1, 0])
    detractors = pd.Series([60, 1, 0])
    responses = pd.Series([300, 2, 0])
    low, high = stats.nps_intervals(promoters, detractors, responses)
    for i in range(2):
        assert (low[i], high[i]) == pytest.approx(
            stats.nps_interval(int(promoters[i]), int(detractors[i]), int(responses[i]))
        )
    assert math.isnan(low[2])


# ---------------------------------------------------------------- laws


@st.composite
def survey(draw: st.DrawFn) -> tuple[int, int, int]:
    n = draw(st.integers(1, 5000))
    promoters = draw(st.integers(0, n))
    detractors = draw(st.integers(0, n - promoters))
    return promoters, detractors, n


@given(survey())
def test_an_nps_interval_contains_its_nps_and_stays_in_range(answers: tuple[int, int, int]) -> None:
    promoters, detractors, n = answers
    low, high = stats.nps_interval(promoters, detractors, n)  # type: ignore[misc]
    value = stats.nps(promoters, detractors, n)
    assert value is not None
    assert -100.0 <= low <= value + 1e-9
    assert value - 1e-9 <= high <= 100.0


@given(survey(), st.integers(2, 20))
def test_an_nps_interval_widens_as_the_responses_shrink(
    answers: tuple[int, int, int], factor: int
) -> None:
    promoters, detractors, n = answers
    # The same shares from `factor` times as many answers give a narrower interval.
    small = stats.nps_interval(promoters, detractors, n)
    large = stats.nps_interval(promoters * factor, detractors * factor, n * factor)
    assert small is not None and large is not None
    assert small[1] - small[0] >= large[1] - large[0] - 1e-9


@given(st.integers(1, 10_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_a_wilson_interval_contains_its_rate_and_stays_within_zero_and_one(
    counts: tuple[int, int],
) -> None:
    successes, total = counts
    low, high = stats.wilson_interval(successes, total)  # type: ignore[misc]
    rate = successes / total
    assert 0.0 <= low <= rate + 1e-12
    assert rate - 1e-12 <= high <= 1.0


@given(
    st.integers(1, 2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(2, 20),
)
def test_a_wilson_interval_widens_as_n_shrinks(counts: tuple[int, int], factor: int) -> None:
    successes, total = counts
    small = stats.wilson_interval(successes, total)
    large = stats.wilson_interval(successes * factor, total * factor)
    assert small is not None and large is not None
    assert small[1] - small[0] >= large[1] - large[0] - 1e-12


@given(st.floats(-0.999, 0.999), st.integers(4, 500))
def test_a_fisher_interval_contains_r_and_stays_within_minus_one_and_one(r: float, n: int) -> None:
    low, high = stats.fisher_interval(r, n)  # type: ignore[misc]
    assert -1.0 <= low <= r <= high <= 1.0


@given(st.floats(-0.99, 0.99), st.integers(4, 200), st.integers(1, 100))
def test_a_fisher_interval_widens_as_the_pairs_shrink(r: float, n: int, more: int) -> None:
    small = stats.fisher_interval(r, n)
    large = stats.fisher_interval(r, n + more)
    assert small is not None and large is not None
    assert small[1] - small[0] >= large[1] - large[0] - 1e-12


@given(st.floats(-1.0, 1.0), st.floats(-1.0, 1.0))
def test_an_interval_excludes_zero_only_when_it_lies_on_one_side(a: float, b: float) -> None:
    assume(a <= b)
    assert stats.excludes_zero((a, b)) == (a > 0 or b < 0)
