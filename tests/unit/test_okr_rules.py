"""OKR rules beyond the link formula: the correlation's edge cases, a key result's
period and on-track status, the lag-aligned series, and key and backstop goals."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from valuemodel.core import okr
from valuemodel.core.okr import (
    ACHIEVED,
    BEHIND,
    NOT_ENOUGH,
    ON_TRACK,
    UNKNOWN,
    aligned_series,
    elapsed_share,
    guardrails,
    key_result_table,
    kr_status,
    link_strength,
    metric_series,
    parse_objective_period,
    pearson,
)


def monthly(first: str, values: list[float]) -> pd.Series:
    """`values` on consecutive month starts from `first` ('YYYY-MM')."""
    index = pd.date_range(f"{first}-01", periods=len(values), freq="MS")
    return pd.Series(values, index=index, dtype=float)


def on_months(months: list[str], values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.to_datetime([f"{m}-01" for m in months]), dtype=float)


IRREGULAR = [1.0, 4.0, 2.0, 8.0, 5.0, 7.0, 3.0, 6.0]


# ---------------------------------------------------------------- correlation edge cases


def test_pearson_of_a_constant_side_is_none_not_nan() -> None:
    assert pearson(pd.Series([1.0, 2.0, 3.0]).to_numpy(), pd.Series([5.0] * 3).to_numpy()) is None


def test_a_lag_whose_paired_key_result_months_are_constant_is_skipped() -> None:
    # product Jan..Jun; KR Jan..Jun all 7, then 3 in Jul.
    # lag 0 pairs Jan..Jun with a constant KR -> no r at lag 0;
    # lag 1 pairs product Jan..Jun with KR Feb..Jul = 7,7,7,7,7,3 -> 6 pairs, r defined.
    product = monthly("2025-01", IRREGULAR[:6])
    kr = monthly("2025-01", [7.0] * 6 + [3.0])
    strength = link_strength(product, kr)
    assert strength.lag_months == 1
    assert strength.months == 6
    assert strength.r is not None


def test_the_only_lag_with_six_pairs_is_reported_even_the_largest() -> None:
    # product Jan..Jun, KR Apr..Sep: lags 0..2 pair fewer than 6 months, lag 3 pairs 6
    product = monthly("2025-01", IRREGULAR[:6])
    kr = monthly("2025-04", [2 * v + 1 for v in IRREGULAR[:6]])
    strength = link_strength(product, kr)
    assert strength.lag_months == 3
    assert strength.months == 6
    assert strength.r == pytest.approx(1.0)


def test_a_quarterly_key_result_pairs_only_its_measured_months() -> None:
    # 18 monthly product values; KR measured every third month (6 measurements), each
    # equal to 10 x the product value two months earlier -> lag 2, 6 pairs, r = 1.
    values = [float(v) for v in [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3]]
    product = monthly("2024-01", values)
    months = pd.date_range("2024-03-01", periods=6, freq="3MS")  # Mar, Jun, Sep, Dec, ...
    kr = pd.Series(
        [10 * values[(m.year - 2024) * 12 + m.month - 1 - 2] for m in months], index=months
    )
    strength = link_strength(product, kr)
    assert strength.lag_months == 2
    assert strength.months == 6
    assert strength.r == pytest.approx(1.0)


def test_a_key_result_with_five_measurements_has_not_enough_data() -> None:
    assert link_strength(monthly("2024-01", IRREGULAR), monthly("2024-01", IRREGULAR[:5])) == (
        NOT_ENOUGH
    )


def test_months_given_as_text_pair_like_dates() -> None:
    product = pd.Series(IRREGULAR, index=[f"2025-{m:02d}" for m in range(1, 9)])
    kr = pd.Series([3 * v for v in IRREGULAR], index=[f"2025-{m:02d}-01" for m in range(1, 9)])
    strength = link_strength(product, kr)
    assert strength.r == pytest.approx(1.0)
    assert strength.months == 8


def test_r_does_not_change_when_either_series_is_rescaled() -> None:
    product = monthly("2025-01", IRREGULAR)
    kr = monthly("2025-02", [v + (i % 3) for i, v in enumerate(IRREGULAR)])
    base = link_strength(product, kr)
    scaled = link_strength(product * 250.0 + 7, kr / 100.0)
    assert scaled.lag_months == base.lag_months
    assert scaled.r == pytest.approx(base.r)


# ---------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("FY2025", ("2025-01", "2025-12")),
        ("2025", ("2025-01", "2025-12")),
        ("fy 2025", ("2025-01", "2025-12")),
        ("FY25", ("2025-01", "2025-12")),
        ("2025-H1", ("2025-01", "2025-06")),
        ("H2 2025", ("2025-07", "2025-12")),
        ("2025-Q3", ("2025-07", "2025-09")),
        ("Q1-2026", ("2026-01", "2026-03")),
        ("FY2025 Q4", ("2025-10", "2025-12")),
        (" 2025-03 ", ("2025-03", "2025-03")),
    ],
)
def test_a_year_half_quarter_or_month_is_read_as_its_months(text: str, span: tuple) -> None:
    assert parse_objective_period(text) == span


@pytest.mark.parametrize("text", ["", None, "next year", "2025-H3", "2025-Q5", "2025-13", "H1"])
def test_anything_else_is_not_a_period(text: str | None) -> None:
    assert parse_objective_period(text) is None


def test_elapsed_share_counts_the_month_of_the_measurement_as_elapsed() -> None:
    assert elapsed_share(("2025-01", "2025-12"), "2025-06") == pytest.approx(6 / 12)
    assert elapsed_share(("2025-07", "2025-09"), "2025-07") == pytest.approx(1 / 3)


def test_elapsed_share_is_clamped_to_the_period() -> None:
    assert elapsed_share(("2025-01", "2025-12"), "2024-11") == 0.0
    assert elapsed_share(("2025-01", "2025-12"), "2026-03") == 1.0


# ---------------------------------------------------------------- on track


def test_progress_at_least_the_elapsed_share_is_on_track() -> None:
    # baseline 20, target 50, latest 35 in June of FY2025: progress 15/30 = 0.5,
    # elapsed 6/12 = 0.5 -> on track (at least, not strictly more)
    status = kr_status(
        baseline=20,
        target=50,
        measurements=on_months(["2025-05", "2025-06"], [30, 35]),
        period="FY2025",
    )
    assert status.status == ON_TRACK
    assert status.rule == "period"
    assert status.progress == pytest.approx(0.5)
    assert status.elapsed == pytest.approx(0.5)
    assert status.latest == 35
    assert status.latest_month == "2025-06"


def test_progress_below_the_elapsed_share_is_behind() -> None:
    # latest 32 in September: progress 12/30 = 0.4 < elapsed 9/12 = 0.75
    status = kr_status(
        baseline=20, target=50, measurements=on_months(["2025-09"], [32]), period="2025"
    )
    assert status.status == BEHIND
    assert status.progress == pytest.approx(0.4)
    assert status.elapsed == pytest.approx(0.75)
    assert "40%" in status.reason and "75%" in status.reason


def test_a_target_below_the_baseline_is_progress_when_the_value_falls() -> None:
    # lead time 30 -> 12 hours; 21 in 2025-Q1's second month: (21-30)/(12-30) = 0.5,
    # elapsed 2/3 -> behind
    status = kr_status(
        baseline=30, target=12, measurements=on_months(["2025-02"], [21]), period="2025-Q1"
    )
    assert status.progress == pytest.approx(0.5)
    assert status.status == BEHIND


def test_a_reached_target_is_achieved_whatever_the_period() -> None:
    for period in ("FY2025", "whenever"):
        status = kr_status(
            baseline=30, target=12, measurements=on_months(["2025-02"], [11]), period=period
        )
        assert status.status == ACHIEVED


def test_the_latest_measurement_is_the_newest_month_not_the_last_row() -> None:
    status = kr_status(
        baseline=0,
        target=10,
        measurements=on_months(["2025-06", "2025-02"], [6, 2]),
        period="FY2025",
    )
    assert status.latest == 6
    assert status.latest_month == "2025-06"


def test_without_a_readable_period_a_rising_trend_toward_the_target_is_on_track() -> None:
    status = kr_status(
        baseline=0,
        target=100,
        measurements=on_months(["2025-01", "2025-02", "2025-03", "2025-04"], [50, 10, 20, 30]),
        period="the next big push",
    )
    assert status.rule == "trend"
    assert status.status == ON_TRACK
    assert status.elapsed is None


def test_without_a_readable_period_a_trend_away_from_the_target_is_behind() -> None:
    # the target is below the baseline, and the last three values rise
    status = kr_status(
        baseline=30,
        target=10,
        measurements=on_months(["2025-01", "2025-02", "2025-03"], [20, 21, 23]),
        period="",
    )
    assert status.rule == "trend"
    assert status.status == BEHIND


def test_a_flat_trend_is_behind() -> None:
    status = kr_status(
        baseline=0,
        target=10,
        measurements=on_months(["2025-01", "2025-02", "2025-03"], [4, 4, 4]),
        period="someday",
    )
    assert status.status == BEHIND


def test_the_trend_uses_only_the_last_three_measurements() -> None:
    # falling overall, rising over the last three
    status = kr_status(
        baseline=0,
        target=10,
        measurements=on_months(
            ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05"], [9, 8, 1, 2, 3]
        ),
        period="someday",
    )
    assert status.status == ON_TRACK


def test_the_trend_weighs_measurements_by_their_months() -> None:
    # values 5, 8, 5.6 in months 0, 1 and 11: the last exceeds the first, but the
    # least-squares slope is negative: x mean 4, y mean 6.2; dx = -4, -3, 7;
    # dy = -1.2, 1.8, -0.6; sum dx*dy = 4.8 - 5.4 - 4.2 = -4.8 < 0.
    status = kr_status(
        baseline=0,
        target=10,
        measurements=on_months(["2025-01", "2025-02", "2025-12"], [5, 8, 5.6]),
        period="someday",
    )
    assert status.status == BEHIND


def test_fewer_than_three_measurements_and_no_period_is_unknown() -> None:
    status = kr_status(
        baseline=0, target=10, measurements=on_months(["2025-01", "2025-02"], [1, 2]), period="x"
    )
    assert status.status == UNKNOWN
    assert status.progress == pytest.approx(0.2)


def test_no_measurement_is_unknown_without_progress() -> None:
    status = kr_status(
        baseline=0, target=10, measurements=pd.Series([], dtype=float), period="2025"
    )
    assert status.status == UNKNOWN
    assert status.progress is None
    assert status.latest is None


def test_a_target_equal_to_the_baseline_is_unknown() -> None:
    status = kr_status(
        baseline=5, target=5, measurements=on_months(["2025-01"], [6]), period="2025"
    )
    assert status.status == UNKNOWN
    assert status.progress is None


@settings(deadline=None)  # timings vary on a shared machine; the rule is what counts
@given(
    baseline=st.floats(-1e3, 1e3),
    gap=st.floats(0.5, 1e3),
    direction=st.sampled_from([1, -1]),
    latest=st.floats(-3e3, 3e3),
    month=st.integers(1, 12),
)
def test_on_track_and_behind_split_exactly_at_the_elapsed_share(
    baseline: float, gap: float, direction: int, latest: float, month: int
) -> None:
    target = baseline + direction * gap
    status = kr_status(
        baseline=baseline,
        target=target,
        measurements=on_months([f"2025-{month:02d}"], [latest]),
        period="FY2025",
    )
    progress = (latest - baseline) / (target - baseline)
    if progress >= 1:
        assert status.status == ACHIEVED
    elif progress >= month / 12:
        assert status.status == ON_TRACK
    else:
        assert status.status == BEHIND


# ---------------------------------------------------------------- key-result table


def test_the_key_result_table_judges_each_key_result_against_its_objective_period() -> None:
    objectives = pd.DataFrame(
        {
            "objective_id": ["o1", "o2"],
            "title": ["Ship faster", "Happier staff"],
            "level": ["company", "org"],
            "parent_id": [None, "o1"],
            "period": ["FY2025", "later"],
        }
    )
    key_results = pd.DataFrame(
        {
            "kr_id": ["k1", "k2", "k3"],
            "objective_id": ["o1", "o2", "o2"],
            "title": ["Deploys", "eNPS", "Never measured"],
            "unit": ["per day", "points", "%"],
            "baseline": [10.0, 0.0, 1.0],
            "target": [20.0, 30.0, 2.0],
        }
    )
    measurements = pd.DataFrame(
        {
            "kr_id": ["k1", "k1", "k2", "k2", "k2"],
            "month": pd.to_datetime(
                ["2025-06-01", "2025-03-01", "2025-01-01", "2025-02-01", "2025-03-01"]
            ),
            "value": [16.0, 12.0, 5.0, 7.0, 9.0],
        }
    )
    table = key_result_table(key_results, objectives, measurements).set_index("kr_id")
    # k1: (16 - 10) / 10 = 0.6 >= 6/12 -> on track; trend list in month order
    assert table.loc["k1", "status"] == ON_TRACK
    assert table.loc["k1", "progress"] == pytest.approx(0.6)
    assert table.loc["k1", "trend"] == [12.0, 16.0]
    assert table.loc["k1", "objective"] == "Ship faster"
    # k2: period 'later' is unreadable; 5, 7, 9 rises toward 30 -> on track by trend
    assert table.loc["k2", "rule"] == "trend"
    assert table.loc["k2", "status"] == ON_TRACK
    assert table.loc["k3", "status"] == UNKNOWN
    assert table.loc["k3", "trend"] == []


# ---------------------------------------------------------------- aligned series


def test_the_metric_is_shifted_forward_by_the_lag_onto_key_result_months() -> None:
    product = monthly("2025-01", [1.0, 2.0, 3.0])
    kr = monthly("2025-02", [10.0, 20.0, 30.0, 40.0])
    frame = aligned_series(product, kr, 2)
    rows = {m.strftime("%Y-%m"): r for m, r in zip(frame["month"], frame.itertuples(), strict=True)}
    # product Jan (1.0) sits on KR month Mar (20.0)
    assert rows["2025-03"].metric == 1.0
    assert rows["2025-03"].key_result == 20.0
    assert rows["2025-03"].product_month.strftime("%Y-%m") == "2025-01"
    # KR Feb has no product value two months earlier
    assert math.isnan(rows["2025-02"].metric)
    assert list(frame["month"]) == sorted(frame["month"])


@settings(deadline=None)  # timings vary on a shared machine; the rule is what counts
@given(
    values=st.lists(st.floats(-100, 100), min_size=6, max_size=15),
    kr_values=st.lists(st.floats(-100, 100), min_size=6, max_size=15),
    kr_start=st.integers(0, 4),
)
def test_the_rows_with_both_sides_are_exactly_the_pairs_behind_r(
    values: list[float], kr_values: list[float], kr_start: int
) -> None:
    product = monthly("2024-01", values)
    kr = monthly(f"2024-{1 + kr_start:02d}", kr_values)
    strength = link_strength(product, kr)
    if strength.r is None:
        return
    frame = aligned_series(product, kr, strength.lag_months or 0).dropna()
    assert len(frame) == strength.months
    assert pearson(frame["metric"].to_numpy(), frame["key_result"].to_numpy()) == pytest.approx(
        strength.r, abs=1e-9
    )


def test_the_savings_link_metric_is_risk_adjusted_savings() -> None:
    values = pd.DataFrame(
        {
            "product_id": ["ci", "ci", "hr"],
            "month": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-01-01"]),
            "adoption": [0.1, 0.2, 0.9],
            "gross_savings": [100.0, 200.0, 1.0],
            "risk_adjusted_savings": [50.0, 80.0, 1.0],
        }
    )
    assert list(metric_series(values, "ci", "savings")) == [50.0, 80.0]
    assert list(metric_series(values, "ci", "adoption")) == [0.1, 0.2]
    assert metric_series(pd.DataFrame(columns=["product_id", "month"]), "ci", "adoption").empty


# ---------------------------------------------------------------- key and backstop goals


def test_a_backstop_under_its_target_is_below_target_and_key_goals_come_first() -> None:
    goals = pd.DataFrame(
        {
            "product_id": ["ci", "ci", "ci", "hr"],
            "dimension": ["retention", "adoption", "happiness", "adoption"],
            "role": ["backstop", "key", "backstop", "key"],
            "goal": ["g"] * 4,
            "signal": ["s"] * 4,
            "metric": ["m"] * 4,
            "target": [0.6, 0.5, 20.0, 0.3],
        }
    )
    values = {
        "ci": {"retention": 0.55, "adoption": 0.7, "happiness": None},
        "hr": {"adoption": 0.3},
    }
    table = guardrails(goals, values)
    assert list(zip(table["product_id"], table["dimension"], strict=True)) == [
        ("ci", "adoption"), ("ci", "happiness"), ("ci", "retention"), ("hr", "adoption"),
    ]  # fmt: skip
    status = dict(zip(table["dimension"] + "/" + table["product_id"], table["status"], strict=True))
    assert status["retention/ci"] == okr.BELOW
    assert status["adoption/ci"] == okr.MEETS
    assert status["happiness/ci"] == okr.NO_VALUE
    assert status["adoption/hr"] == okr.MEETS  # equal to the target meets it
    assert table["below_target"].tolist() == [False, False, True, False]


def test_no_goals_give_an_empty_guardrail_table_with_its_columns() -> None:
    goals = pd.DataFrame(
        columns=["product_id", "dimension", "role", "goal", "signal", "metric", "target"]
    )
    table = guardrails(goals, {})
    assert table.empty
    assert {"value", "below_target", "status"} <= set(table.columns)
