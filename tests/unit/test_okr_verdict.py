"""Correlations that survive a trend: r's interval, r of month-over-month changes and the
verdict of an OKR link (DESIGN section 4, second round), checked against scipy."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from valuemodel.core import okr


def monthly(first: str, values: list[float] | np.ndarray) -> pd.Series:
    index = pd.date_range(f"{first}-01", periods=len(values), freq="MS")
    return pd.Series(np.asarray(values, dtype=float), index=index)


def test_two_trends_with_unrelated_wiggles_share_a_trend_only() -> None:
    rng = np.random.default_rng(11)
    months = np.arange(24, dtype=float)
    product = monthly("2024-01", months + rng.normal(0, 1.0, 24))
    kr = monthly("2024-01", 2 * months + rng.normal(0, 2.0, 24))
    strength = okr.link_strength(product, kr)
    assert strength.r is not None and strength.r > 0.9
    assert strength.verdict == okr.SHARED_TREND
    assert strength.ci90_changes is not None
    assert strength.ci90_changes[0] < 0 < strength.ci90_changes[1]


def test_series_whose_changes_follow_each_other_move_together() -> None:
    rng = np.random.default_rng(5)
    steps = rng.normal(0, 1.0, 24)
    product = monthly("2024-01", np.cumsum(steps))
    kr = monthly("2024-01", np.cumsum(steps + rng.normal(0, 0.3, 24)))
    strength = okr.link_strength(product, kr)
    assert strength.verdict == okr.MOVES_TOGETHER
    assert strength.lag_months == 0
    assert strength.ci90_changes is not None and strength.ci90_changes[0] > 0


def test_unrelated_flat_series_have_no_clear_link() -> None:
    rng = np.random.default_rng(1)
    product = monthly("2024-01", rng.normal(10, 1, 18))
    kr = monthly("2024-01", rng.normal(50, 5, 18))
    strength = okr.link_strength(product, kr)
    assert strength.r is not None and abs(strength.r) < 0.5
    assert strength.verdict in (okr.NO_CLEAR_LINK, okr.MOVES_TOGETHER)
    if not okr.stats.excludes_zero(strength.ci90_changes):
        assert strength.verdict == okr.NO_CLEAR_LINK


def test_without_r_the_verdict_is_not_enough_data() -> None:
    strength = okr.link_strength(monthly("2024-01", [1, 2, 3]), monthly("2024-01", [1, 2, 3]))
    assert strength.verdict == okr.NOT_ENOUGH_DATA
    assert strength.ci90 is None and strength.r_changes is None


def test_r_changes_pairs_product_change_at_m_with_key_result_change_at_m_plus_lag() -> None:
    rng = np.random.default_rng(9)
    x = np.cumsum(rng.normal(0, 1, 20))
    product = monthly("2024-01", x)
    kr = monthly("2024-02", x + rng.normal(0, 0.05, 20))  # the key result one month later
    strength = okr.link_strength(product, kr)
    assert strength.lag_months == 1
    # Independent: the changes with numpy, paired by calendar month, r with scipy.
    dx = pd.Series(np.diff(x), index=pd.period_range("2024-02", periods=19, freq="M"))
    dk = pd.Series(np.diff(kr.to_numpy()), index=pd.period_range("2024-03", periods=19, freq="M"))
    shifted = pd.Series(dx.to_numpy(), index=dx.index + 1)
    both = pd.concat([shifted, dk], axis=1, join="inner")
    expected = scipy_stats.pearsonr(both.iloc[:, 0], both.iloc[:, 1]).statistic
    assert strength.months_changes == len(both)
    assert strength.r_changes == pytest.approx(expected)
    half = 1.645 / math.sqrt(len(both) - 3)
    assert strength.ci90_changes == pytest.approx(
        (math.tanh(math.atanh(expected) - half), math.tanh(math.atanh(expected) + half))
    )


def test_a_change_needs_both_months_defined() -> None:
    values = [1.0, 3.0, float("nan"), 2.0, 6.0, 4.0, 9.0, 7.0, 12.0]
    product = monthly("2024-01", values)
    kr = monthly("2024-01", [v * 2 + 1 for v in [1.0, 3.0, 5.0, 2.0, 6.0, 4.0, 9.0, 7.0, 12.0]])
    r_changes, months_changes = okr.changes_correlation(product, kr, 0)
    # changes at Feb, May.. Sep are defined (Mar and Apr touch the missing March): 6
    assert months_changes == 6
    assert r_changes == pytest.approx(1.0)


def test_fewer_than_five_changes_give_no_r_of_changes() -> None:
    product = monthly("2024-01", [1.0, 2.0, 4.0, 3.0, 5.0, 6.0])
    kr = monthly("2024-01", [2.0, 3.0, 5.0, 3.0, 6.0, 8.0])
    strength = okr.link_strength(product, kr)
    assert strength.r is not None
    assert strength.months_changes == 5
    shorter = okr.changes_correlation(product.iloc[:5], kr.iloc[:5], 0)
    assert shorter == (None, None)


def test_ci90_of_r_is_fishers_interval_over_the_months_behind_r() -> None:
    product = monthly("2024-01", [1.0, 4.0, 2.0, 8.0, 5.0, 7.0, 3.0, 6.0])
    kr = monthly("2024-01", [2.0, 5.0, 1.0, 7.0, 6.0, 8.0, 2.0, 5.0])
    strength = okr.link_strength(product, kr)
    assert strength.r is not None and strength.months is not None
    half = 1.645 / math.sqrt(strength.months - 3)
    assert strength.ci90 == pytest.approx(
        (math.tanh(math.atanh(strength.r) - half), math.tanh(math.atanh(strength.r) + half))
    )


@pytest.mark.parametrize(
    ("r", "r_changes", "ci", "expected"),
    [
        (None, None, None, okr.NOT_ENOUGH_DATA),
        (0.9, 0.6, (0.1, 0.85), okr.MOVES_TOGETHER),
        (0.1, -0.7, (-0.9, -0.2), okr.MOVES_TOGETHER),
        (0.9, 0.2, (-0.3, 0.6), okr.SHARED_TREND),
        (-0.5, None, None, okr.SHARED_TREND),
        (0.49, 0.2, (-0.3, 0.6), okr.NO_CLEAR_LINK),
        (0.3, None, None, okr.NO_CLEAR_LINK),
        (0.95, 1.0, None, okr.MOVES_TOGETHER),
    ],
)
def test_the_verdict_follows_the_rule(
    r: float | None, r_changes: float | None, ci: tuple[float, float] | None, expected: str
) -> None:
    assert okr.verdict(r, r_changes, ci) == expected


@settings(deadline=None)  # scipy's first call is slow on a loaded machine
@given(
    st.lists(st.floats(-100, 100, allow_subnormal=False), min_size=8, max_size=30),
    st.integers(0, 10_000),
)
def test_every_link_gets_one_of_the_four_verdicts(values: list[float], seed: int) -> None:
    rng = np.random.default_rng(seed)
    product = monthly("2024-01", values)
    kr = monthly("2024-01", rng.normal(size=len(values)))
    strength = okr.link_strength(product, kr)
    assert strength.verdict in okr.VERDICTS
    if strength.ci90 is not None:
        assert strength.r is not None
        assert strength.ci90[0] <= strength.r <= strength.ci90[1]
    if strength.months_changes is not None:
        assert strength.months_changes >= okr.MIN_CHANGES


# ---------------------------------------------------------------- labels


def test_an_asserted_link_shows_what_the_data_says() -> None:
    assert (
        okr.evidence_text("asserted", okr.SHARED_TREND)
        == "asserted; the data shows a shared trend only"
    )


def test_a_causal_link_without_an_experiment_says_so() -> None:
    assert okr.evidence_text("causal", okr.MOVES_TOGETHER, okr.causal_backing("adoption")) == (
        "causal; claimed, no experiment on record"
    )


def test_a_causal_link_is_backed_by_an_improving_release_on_its_metric() -> None:
    effects = [
        {"metric": "retention", "verdict": "improved", "release_id": "r1", "title": "Cache"},
        {"metric": "adoption", "verdict": "no clear change", "release_id": "r2"},
    ]
    assert okr.causal_backing("adoption", effects) == okr.NO_EXPERIMENT
    assert okr.causal_backing("retention", effects) == "backed by a release effect (Cache)"


def test_a_causal_link_is_backed_by_a_difference_in_differences_above_zero() -> None:
    effects = [
        {
            "metric": "adoption",
            "verdict": "no clear change",
            "release_id": "r3",
            "title": "SSO",
            "did": {"estimate": 0.05, "ci90": [0.01, 0.09]},
        }
    ]
    assert okr.causal_backing("adoption", effects) == (
        "backed by a difference-in-differences of SSO"
    )
