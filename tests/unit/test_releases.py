"""Release effects and difference-in-differences (DESIGN section 4, "Releases")."""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from valuemodel.core import releases


def series(first: str, values: list[float]) -> pd.Series:
    months = pd.date_range(f"{first}-01", periods=len(values), freq="MS")
    return pd.Series(values, index=months, dtype=float)


def test_level_change_and_interval_match_a_statsmodels_formula_fit() -> None:
    rng = np.random.default_rng(3)
    y = list(0.40 + 0.01 * np.arange(13) + rng.normal(0, 0.01, 13))
    y[7:] = [v + 0.08 for v in y[7:]]  # a step after the release month (index 6)
    s = series("2025-01", y)
    effect = releases.release_effect(s, "2025-07", "key")
    t = [*range(-6, 0), *range(1, 7)]
    frame = pd.DataFrame({"t": t, "y": [y[6 + k] for k in t]})
    frame["post"] = (frame["t"] > 0).astype(int)
    fit = smf.ols("y ~ t + post + t:post", frame).fit()
    assert effect.level_change is not None and effect.level_change_ci90 is not None
    assert abs(effect.level_change - fit.params["post"]) < 1e-12
    low, high = fit.conf_int(alpha=0.10).loc["post"]
    assert abs(effect.level_change_ci90[0] - low) < 1e-12
    assert abs(effect.level_change_ci90[1] - high) < 1e-12
    assert abs(effect.slope_change - fit.params["t:post"]) < 1e-12  # type: ignore[operator]
    assert effect.months_before == 6 and effect.months_after == 6
    assert effect.verdict == releases.IMPROVED
    assert releases.release_effect(s, "2025-07", "backstop").verdict == releases.HELD


def test_a_drop_on_a_backstop_is_hurt_and_on_a_key_metric_worse() -> None:
    y = [0.95, 0.951, 0.949, 0.952, 0.95, 0.951, 0.95, 0.90, 0.899, 0.902, 0.9, 0.901, 0.899]
    s = series("2025-01", y)
    assert releases.release_effect(s, "2025-07", "backstop").verdict == releases.HURT
    assert releases.release_effect(s, "2025-07", "key").verdict == releases.WORSE


def test_fewer_than_three_months_on_a_side_is_not_enough_data() -> None:
    s = series("2025-01", [0.5] * 9)  # Jan..Sep: a release in August has 1 month after
    effect = releases.release_effect(s, "2025-08", "key")
    assert effect.verdict == releases.NOT_ENOUGH
    assert (effect.months_before, effect.months_after) == (6, 1)
    assert effect.level_change is None


def test_a_release_at_the_edge_of_the_data_uses_the_months_it_has() -> None:
    s = series("2025-03", [0.5, 0.52, 0.51, 0.5, 0.6, 0.61, 0.6, 0.62])  # Mar..Oct
    effect = releases.release_effect(s, "2025-06", "key")  # 3 months before, 4 after
    assert (effect.months_before, effect.months_after) == (3, 4)
    assert effect.level_change is not None


def test_did_matches_a_hand_computation_on_a_small_table() -> None:
    # Two treated orgs (A, B) rolled out in 2025-04, two controls (C, D) rolled out in
    # 2025-09 (after W+3). Adoption = active / eligible per cell.
    rows = []
    active = {
        "A": [10, 10, 10, 18, 18, 18, 18],
        "B": [20, 20, 20, 28, 30, 32, 30],
        "C": [15, 15, 15, 16, 16, 16, 16],
        "D": [5, 5, 5, 5, 5, 5, 5],
    }
    eligible = {"A": 40, "B": 60, "C": 50, "D": 20}
    months = pd.date_range("2025-01-01", periods=7, freq="MS")
    for value, counts in active.items():
        for month, count in zip(months, counts, strict=True):
            rows.append((value, month, count, eligible[value], eligible[value]))
    cells = pd.DataFrame(rows, columns=["value", "month", "numerator", "denominator", "eligible"])
    rollouts = pd.DataFrame(
        {
            "value": ["A", "B", "C", "D"],
            "month": pd.to_datetime(["2025-04-01"] * 2 + ["2025-09-01"] * 2),
        }
    )
    result = releases.difference_in_differences(cells, rollouts, seed=7, draws=500)
    assert result is not None
    # Treated: before Jan..Mar = (30 x 3) / (100 x 3) = 0.30; after May..Jul = (18+18+18 +
    # 30+32+30) / 300 = 146 / 300. Control: before (20 x 3) / 210 = 60/210; after
    # (21 x 3) / 210 = 63/210.
    expected = (146 / 300 - 0.30) - (63 / 210 - 60 / 210)
    assert abs(result.estimate - expected) < 1e-12
    assert result.treated == ("A", "B") and result.control == ("C", "D")
    assert result.ci90 is not None and result.ci90[0] <= result.estimate <= result.ci90[1]
    again = releases.difference_in_differences(cells, rollouts, seed=7, draws=500)
    assert again == result  # seeded


def test_everyone_at_once_has_no_control_group() -> None:
    months = pd.date_range("2025-01-01", periods=7, freq="MS")
    cells = pd.DataFrame(
        [(v, m, 5, 10, 10) for v in ("A", "B") for m in months],
        columns=["value", "month", "numerator", "denominator", "eligible"],
    )
    rollouts = pd.DataFrame({"value": ["A", "B"], "month": pd.to_datetime(["2025-04-01"] * 2)})
    assert releases.difference_in_differences(cells, rollouts) is None


def test_a_release_too_recent_to_judge_says_so_on_the_time_line_and_in_the_text() -> None:
    from valuemodel.present import releases as view

    nothing = releases.Effect(None, None, None, None, None, None, 6, 1, releases.NOT_ENOUGH)
    recent = releases.Release(
        "r", "2026-10-09", "Alert routing", "fix",
        (releases.MetricEffect("task_success", "key", nothing),),
    )  # fmt: skip
    assert view.worst_verdict(recent) == releases.NOT_ENOUGH
    assert view.summary_line(recent).endswith("not enough data yet")
    held = releases.Effect(0.9, 0.9, 0.0, 0.0, (-0.1, 0.1), 0.0, 6, 6, releases.NO_CLEAR)
    judged = releases.Release(
        "s", "2026-01-09", "Something", "fix",
        (releases.MetricEffect("task_success", "key", held),
         releases.MetricEffect("adoption", "key", nothing)),
    )  # fmt: skip
    assert view.worst_verdict(judged) == releases.NO_CLEAR
    assert view.summary_line(judged).endswith("no clear change")
