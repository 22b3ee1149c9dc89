"""The portfolio plan: the portfolio is the sum of its products, its bands come from the
products' seeded draws summed per draw, and a budget move shifts team cost. No database."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from valuemodel.core import finance
from valuemodel.core import plan as pl
from valuemodel.core import scenario as sc


def make_baseline(product_id: str, *, users: int, headcount: float, minutes: float) -> sc.Baseline:
    months = pd.DataFrame(
        {
            "month": pd.to_datetime(["2025-10-01", "2025-11-01", "2025-12-01"]),
            "active_users": [users, users + 10, users + 20],
            "prev_active_users": [users - 5, users, users + 10],
            "retained_users": [users - 40, users - 30, users - 20],
            "headcount": [headcount] * 3,
            "infrastructure": [4_000.0] * 3,
            "licenses": [1_000.0] * 3,
            "other": [500.0] * 3,
            "cost_rows": [4, 4, 4],
        }
    )
    actions = pd.DataFrame(
        {
            "action": ["build"],
            "minutes_saved": [minutes],
            "confidence": [0.7],
            "events": [users * 30],
            "succeeded_true": [users * 25],
            "succeeded_false": [users * 2],
        }
    )
    return sc.build_baseline(
        product_id=product_id,
        product_name=product_id.upper(),
        eligible_users=users * 2,
        months=months,
        actions=actions,
        loaded_hourly_cost=100.0,
        discount_rate=0.1,
        currency="USD",
    )


BASELINES = {
    "ci": make_baseline("ci", users=400, headcount=60_000.0, minutes=12.0),
    "hr": make_baseline("hr", users=900, headcount=30_000.0, minutes=3.0),
    "mart": make_baseline("mart", users=150, headcount=45_000.0, minutes=20.0),
}
SAVED = {"ci": {"grow": {"team_fte": 6, "adoption_target": 0.9, "horizon_months": 24}}}


def test_products_not_named_stay_as_today() -> None:
    choices = pl.resolve_choices(BASELINES, {"hr": "cut"}, SAVED)
    assert choices["ci"].choice == pl.AS_TODAY
    assert choices["ci"].drivers == sc.baseline_drivers(BASELINES["ci"])
    assert choices["hr"].drivers.cut
    assert choices["mart"].choice == pl.AS_TODAY


def test_a_saved_scenario_is_measured_over_the_plan_horizon() -> None:
    choices = pl.resolve_choices(BASELINES, {"ci": "grow"}, SAVED, horizon=36)
    assert choices["ci"].drivers.team_fte == 6
    assert choices["ci"].drivers.adoption_target == 0.9
    assert choices["ci"].drivers.horizon_months == 36


def test_unknown_product_or_scenario_is_refused_with_the_choices() -> None:
    with pytest.raises(pl.PlanError, match="unknown product 'nope'"):
        pl.resolve_choices(BASELINES, {"nope": "cut"}, SAVED)
    with pytest.raises(pl.PlanError, match=r"no saved scenario named .shrink.*grow"):
        pl.resolve_choices(BASELINES, {"ci": "shrink"}, SAVED)


def test_portfolio_npv_is_the_sum_of_the_products_scenario_npvs() -> None:
    choices = pl.resolve_choices(BASELINES, {"ci": "grow", "hr": "cut"}, SAVED)
    result = pl.evaluate_plan(BASELINES, choices, draws=200)
    expected = 0.0
    for pid, baseline in BASELINES.items():
        drivers = choices[pid].drivers
        evaluation = sc.evaluate(baseline, drivers, draws=10)
        expected += evaluation.scenario.headline.npv
        row = result.products.set_index("product_id").loc[pid]
        assert row["npv"] == pytest.approx(evaluation.scenario.headline.npv, rel=1e-12)
    assert result.npv == pytest.approx(expected, rel=1e-12)


def test_portfolio_roi_and_payback_come_from_the_summed_flows() -> None:
    choices = pl.resolve_choices(BASELINES, {"mart": "cut"}, SAVED)
    result = pl.evaluate_plan(BASELINES, choices, draws=50)
    benefits = costs = 0.0
    net = np.zeros(result.horizon)
    for pid, baseline in BASELINES.items():
        monthly = sc.project(baseline, choices[pid].drivers).monthly
        rate = finance.monthly_rate(baseline.discount_rate)
        benefits += finance.present_value(rate, monthly["risk_adjusted_savings"].tolist())
        costs += finance.present_value(rate, monthly["cost"].tolist())
        net += monthly["net_value"].to_numpy()
    assert result.roi == pytest.approx((benefits - costs) / costs, rel=1e-12)
    expected_payback = finance.payback_periods(net.tolist())
    if expected_payback is None:
        assert result.payback_months is None
    else:
        assert result.payback_months == pytest.approx(expected_payback)
    np.testing.assert_allclose(result.monthly["net_value"], net, rtol=1e-12)


def test_bands_are_percentiles_of_the_products_draws_summed_per_draw() -> None:
    draws, seed = 500, 7
    choices = pl.resolve_choices(BASELINES, {"ci": "grow"}, SAVED)
    result = pl.evaluate_plan(BASELINES, choices, draws=draws, seed=seed)
    # Each product's own seeded simulation, as the Scenarios page runs it.
    summed_npv = np.zeros(draws)
    for pid, baseline in BASELINES.items():
        own = sc.simulate(
            baseline, choices[pid].drivers, draws=draws, seed=pl.product_seed(seed, pid)
        )
        summed_npv += own.npv
    np.testing.assert_allclose(result.npv_draws, summed_npv, rtol=1e-10)
    npv = result.npv_percentiles()
    p10, p50, p90 = np.percentile(summed_npv, [10, 50, 90])
    assert (npv["p10"], npv["p50"], npv["p90"]) == pytest.approx((p10, p50, p90))
    cumulative = np.cumsum(result.net_draws, axis=1)
    for column, q in (("p10", 10), ("p50", 50), ("p90", 90)):
        np.testing.assert_allclose(result.bands[column], np.percentile(cumulative, q, axis=0))
    # The summed draws' spread is narrower than the sum of the spreads (independent seeds).
    spread = sum(
        np.subtract(
            *np.percentile(
                sc.simulate(b, choices[p].drivers, draws=draws, seed=pl.product_seed(seed, p)).npv,
                [90, 10],
            )
        )
        for p, b in BASELINES.items()
    )
    assert npv["p90"] - npv["p10"] < spread


def test_one_product_plan_reproduces_that_products_bands() -> None:
    one = {"ci": BASELINES["ci"]}
    choices = pl.resolve_choices(one, {}, {})
    result = pl.evaluate_plan(one, choices, draws=300, seed=11)
    own = sc.simulate(one["ci"], choices["ci"].drivers, draws=300, seed=pl.product_seed(11, "ci"))
    np.testing.assert_allclose(result.bands["p50"], own.bands["p50"])


def test_everything_as_today_changes_nothing() -> None:
    result = pl.evaluate_plan(BASELINES, pl.resolve_choices(BASELINES, {}, {}), draws=20)
    assert result.npv == pytest.approx(result.npv_today)
    np.testing.assert_allclose(result.monthly["cost"], result.monthly["cost_today"])
    assert (result.products["npv_change"].abs() < 1e-6).all()


def test_moving_part_of_a_budget_keeps_the_portfolio_cost() -> None:
    choices = pl.resolve_choices(BASELINES, {}, {})
    move = pl.move_budget(BASELINES, choices, giver="ci", receiver="hr", amount=15_000, draws=50)
    assert not move.giver_cut
    before, after = move.before.monthly, move.after.monthly
    np.testing.assert_allclose(after["cost"], before["cost"], rtol=1e-12)
    changes = move.changes.set_index("product_id")
    assert changes.loc["ci", "monthly_cost_after"] == pytest.approx(
        changes.loc["ci", "monthly_cost_before"] - 15_000
    )
    assert changes.loc["hr", "monthly_cost_after"] == pytest.approx(
        changes.loc["hr", "monthly_cost_before"] + 15_000
    )
    # No outcome is assumed for the extra engineers: the receiver only costs more.
    assert changes.loc["hr", "npv_change"] < 0 < changes.loc["ci", "npv_change"]


def test_moving_a_whole_team_cuts_the_giver() -> None:
    choices = pl.resolve_choices(BASELINES, {}, {})
    whole = pl.team_budget(choices["mart"])
    move = pl.move_budget(BASELINES, choices, giver="mart", receiver="ci", amount=whole, draws=20)
    assert move.giver_cut
    assert move.after.choices["mart"].drivers.cut
    with pytest.raises(pl.PlanError, match="move at most"):
        pl.moved_choices(choices, giver="mart", receiver="ci", amount=whole * 2)
    cut = dict(choices)
    cut["mart"] = dataclasses.replace(
        choices["mart"], drivers=dataclasses.replace(choices["mart"].drivers, cut=True)
    )
    with pytest.raises(pl.PlanError, match="no team budget"):
        pl.moved_choices(cut, giver="mart", receiver="ci", amount=1)


def test_plan_json_holds_the_contract_keys() -> None:
    choices = pl.resolve_choices(BASELINES, {"hr": "cut"}, SAVED)
    out = pl.plan_json(pl.evaluate_plan(BASELINES, choices, draws=30), name="FY26")
    assert {"npv", "roi", "payback_months", "bands", "products"} <= set(out)
    assert [p["product_id"] for p in out["products"]] == ["ci", "hr", "mart"]  # type: ignore[index]
    assert {p["choice"] for p in out["products"]} == {"as-today", "cut"}  # type: ignore[union-attr]
    assert out["npv"] == pytest.approx(sum(p["npv"] for p in out["products"]), abs=0.05)  # type: ignore[union-attr]


def test_plan_names_are_checked() -> None:
    assert pl.check_plan_name("  FY26 budget ") == "FY26 budget"
    for bad in ("", "x" * 81, "a\x00b"):
        with pytest.raises(pl.PlanError):
            pl.check_plan_name(bad)
