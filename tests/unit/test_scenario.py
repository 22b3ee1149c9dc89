"""The scenario model (DESIGN section 6): laws of the projection, TEI figures, bands,
sensitivity, and the page's slider and URL mapping. No database."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from valuemodel.core import finance
from valuemodel.core import scenario as sc
from valuemodel.present import scenario_controls as controls_ui

MONTHS = pd.to_datetime(["2025-10-01", "2025-11-01", "2025-12-01"])
counts = st.integers(min_value=0, max_value=3_000)
money = st.floats(min_value=0, max_value=200_000, allow_nan=False, allow_infinity=False)
fractions = st.floats(min_value=0, max_value=1, allow_nan=False, allow_infinity=False)


@st.composite
def baselines(draw: st.DrawFn, *, with_usage: bool = False) -> sc.Baseline:
    """A baseline built from random (but consistent) outputs of the two baseline queries."""
    low = 1 if with_usage else 0
    active = [draw(st.integers(min_value=low, max_value=3_000)) for _ in range(3)]
    prev = [draw(counts) for _ in range(3)]
    retained = [draw(st.integers(0, min(a, p))) for a, p in zip(active, prev, strict=True)]
    cost_rows = [draw(st.integers(0, 4)) for _ in range(3)]
    costs = {
        c: [draw(money) if rows else 0.0 for rows in cost_rows]
        for c in ("headcount", "infrastructure", "licenses", "other")
    }
    months = pd.DataFrame(
        {
            "month": MONTHS,
            "active_users": active,
            "prev_active_users": prev,
            "retained_users": retained,
            **costs,
            "cost_rows": cost_rows,
        }
    )
    rows = []
    for i in range(draw(st.integers(1 if with_usage else 0, 4))):
        events = draw(st.integers(1 if with_usage else 0, 10_000))
        true = draw(st.integers(0, events))
        false = draw(st.integers(0, events - true))
        rows.append(
            {
                "action": f"a{i}",
                "minutes_saved": draw(st.floats(0.5 if with_usage else 0, 120)),
                "confidence": draw(st.floats(0.05 if with_usage else 0, 1)),
                "events": events,
                "succeeded_true": true,
                "succeeded_false": false,
            }
        )
    actions = pd.DataFrame(
        rows,
        columns=[
            "action", "minutes_saved", "confidence", "events", "succeeded_true", "succeeded_false"
        ],
    )  # fmt: skip
    return sc.build_baseline(
        product_id="p",
        product_name="Product",
        eligible_users=draw(st.integers(0, 5_000)),
        months=months,
        actions=actions,
        loaded_hourly_cost=draw(st.floats(10, 300)),
        discount_rate=draw(st.floats(0, 0.3)),
        currency="USD",
    )


@st.composite
def scenarios(draw: st.DrawFn, *, with_usage: bool = False) -> tuple[sc.Baseline, sc.Drivers]:
    """A baseline and drivers anywhere within the drivers' limits."""
    baseline = draw(baselines(with_usage=with_usage))
    base = sc.baseline_drivers(baseline)
    drivers = dataclasses.replace(
        base,
        team_fte=draw(st.floats(0, 20)),
        infrastructure_spend=draw(money),
        adoption_target=draw(st.floats(0, sc.max_adoption(baseline))),
        ramp_months=draw(st.floats(0, 24)),
        tasks_per_user=draw(st.floats(0, 50)),
        minutes_saved=draw(st.floats(0, 120)),
        success_rate=draw(fractions),
        confidence=draw(fractions),
        cost_risk=draw(st.floats(0, 0.5)),
        horizon_months=draw(st.integers(1, 60)),
        churn=draw(fractions),
        maintenance_share=draw(fractions),
        wind_down_months=draw(st.integers(0, 24)),
        cut=draw(st.booleans()),
    )
    return baseline, drivers


def close(a: float, b: float, scale: float = 1.0) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9 * max(1.0, scale))


# ---------------------------------------------------------------- the baseline


def example_baseline() -> sc.Baseline:
    """Three months worked by hand in the tests below."""
    months = pd.DataFrame(
        {
            "month": MONTHS,
            "active_users": [3, 2, 3],
            "prev_active_users": [3, 3, 2],
            "retained_users": [2, 2, 1],
            "headcount": [30_000.0, 30_000.0, 30_000.0],
            "infrastructure": [4_000.0, 5_000.0, 6_000.0],
            "licenses": [1_000.0, 1_000.0, 1_000.0],
            "other": [0.0, 3_000.0, 0.0],
            "cost_rows": [3, 4, 3],
        }
    )
    actions = pd.DataFrame(
        {
            "action": ["build", "deploy"],
            "minutes_saved": [6.0, 30.0],
            "confidence": [0.5, 0.8],
            "events": [7, 3],
            "succeeded_true": [5, 2],
            "succeeded_false": [1, 1],
        }
    )
    return sc.build_baseline(
        product_id="ci",
        product_name="CI",
        eligible_users=10,
        months=months,
        actions=actions,
        loaded_hourly_cost=100.0,
        discount_rate=0.10,
        currency="USD",
    )


def test_baseline_pools_the_three_months_into_run_rates() -> None:
    b = example_baseline()
    assert b.active_users == pytest.approx(8 / 3)  # (3 + 2 + 3) / 3
    assert b.adoption == pytest.approx(8 / 30)  # of 10 eligible users
    assert b.tasks_per_user == pytest.approx(10 / 8)  # 7 + 3 attempts over 8 user-months
    assert b.outcome_share == pytest.approx(0.9)  # (5 + 1 + 2 + 1) of 10 attempts
    assert b.success_rate == pytest.approx(7 / 9)  # true 5 + 2 of 9 outcomes
    # tasks done: build 7 - 1 = 6, deploy 3 - 1 = 2; minutes 6 x 6 + 2 x 30 = 96 over 8 tasks
    assert b.minutes_saved == pytest.approx(12.0)
    # risk-adjusted hours (36 x 0.5 + 60 x 0.8) / 60 = 1.1 of 1.6 hours
    assert b.confidence == pytest.approx(1.1 / 1.6)
    assert b.hours_saved == pytest.approx(1.6 / 3)
    assert b.risk_adjusted_savings == pytest.approx(1.1 * 100 / 3)
    assert b.churn == pytest.approx(1 - 5 / 8)  # retained 2 + 2 + 1 of 3 + 3 + 2
    assert (b.headcount, b.infrastructure, b.other) == pytest.approx((30_000, 6_000, 1_000))


def test_team_size_is_inferred_from_the_headcount_cost_on_a_tenth_of_an_engineer() -> None:
    drivers = sc.baseline_drivers(example_baseline())
    # 30,000 / 15,000 = 2.0 engineers at exactly 15,000
    assert drivers.team_fte == 2.0
    assert drivers.team_fte * drivers.cost_per_fte == pytest.approx(30_000)


@given(baselines())
def test_no_change_reproduces_the_baseline_run_rate(baseline: sc.Baseline) -> None:
    projection = sc.project(baseline, sc.baseline_drivers(baseline))
    monthly = projection.monthly
    scale = max(1.0, baseline.cost, baseline.risk_adjusted_savings)
    for column, expected in (
        ("users", baseline.active_users),
        ("hours_saved", baseline.hours_saved),
        ("risk_adjusted_savings", baseline.risk_adjusted_savings),
        ("cost", baseline.cost),
        ("net_value", baseline.net_value),
    ):
        assert all(close(v, expected, scale) for v in monthly[column]), column


# ---------------------------------------------------------------- laws of the projection


@given(scenarios(), fractions)
def test_more_adoption_never_lowers_savings(pair: tuple, other: float) -> None:
    baseline, drivers = pair
    target = other * sc.max_adoption(baseline)
    low, high = sorted([drivers.adoption_target, target])
    lower = sc.project(baseline, dataclasses.replace(drivers, adoption_target=low))
    higher = sc.project(baseline, dataclasses.replace(drivers, adoption_target=high))
    a = lower.monthly["risk_adjusted_savings"].to_numpy()
    b = higher.monthly["risk_adjusted_savings"].to_numpy()
    assert np.all(b >= a - 1e-9 * max(1.0, float(np.abs(a).max(initial=0))))


@given(scenarios(), st.floats(0, 2))
def test_more_cost_risk_never_raises_npv(pair: tuple, other: float) -> None:
    baseline, drivers = pair
    low, high = sorted([drivers.cost_risk, other])
    npv_low = sc.project(baseline, dataclasses.replace(drivers, cost_risk=low)).headline.npv
    npv_high = sc.project(baseline, dataclasses.replace(drivers, cost_risk=high)).headline.npv
    assert npv_high <= npv_low + 1e-9 * max(1.0, abs(npv_low))


@given(scenarios())
def test_cutting_lowers_both_cost_and_savings(pair: tuple) -> None:
    # Against any funded scenario whose targets are at or above today's (improvements,
    # not cuts, are what funding buys), month by month.
    baseline, drivers = pair
    funded = dataclasses.replace(
        drivers,
        cut=False,
        adoption_target=max(drivers.adoption_target, baseline.adoption),
        tasks_per_user=max(drivers.tasks_per_user, baseline.tasks_per_user),
        minutes_saved=max(drivers.minutes_saved, baseline.minutes_saved),
        success_rate=max(drivers.success_rate, baseline.success_rate),
    )
    keep = sc.project(baseline, funded).monthly
    cut = sc.project(baseline, dataclasses.replace(funded, cut=True)).monthly
    for column in ("cost", "risk_adjusted_savings"):
        slack = 1e-9 * max(1.0, float(keep[column].abs().max()))
        assert (cut[column] <= keep[column] + slack).all(), column


@given(scenarios(with_usage=True))
def test_a_cut_product_decays_at_churn_and_pays_maintenance_through_the_wind_down(
    pair: tuple,
) -> None:
    baseline, drivers = pair
    drivers = dataclasses.replace(drivers, cut=True)
    monthly = sc.project(baseline, drivers).monthly
    t = monthly["month_index"].to_numpy()
    alive = t <= drivers.wind_down_months
    users = baseline.active_users * (1 - drivers.churn) ** t * alive
    cost = (
        drivers.infrastructure_spend * drivers.maintenance_share * (1 + drivers.cost_risk) * alive
    )
    assert np.allclose(monthly["users"], users, rtol=1e-9, atol=1e-9)
    assert np.allclose(monthly["cost"], cost, rtol=1e-9, atol=1e-6)
    # after the wind-down the product is switched off: no users, no savings, no cost
    assert (monthly.loc[~alive, ["users", "risk_adjusted_savings", "cost"]] == 0).all().all()


def test_targets_land_in_a_straight_line_over_the_ramp_and_then_hold() -> None:
    baseline = example_baseline()
    drivers = dataclasses.replace(
        sc.baseline_drivers(baseline), adoption_target=0.8, ramp_months=4, horizon_months=8
    )
    users = sc.project(baseline, drivers).monthly["users"].to_numpy()
    start = baseline.active_users  # 8/3 of 10 eligible
    expected = [start + (8.0 - start) * min(t / 4, 1) for t in range(1, 9)]
    assert users == pytest.approx(expected)


@given(scenarios())
def test_headline_follows_tei(pair: tuple) -> None:
    baseline, drivers = pair
    projection = sc.project(baseline, drivers)
    rate = finance.monthly_rate(drivers.discount_rate)
    pv_b = finance.present_value(rate, projection.monthly["risk_adjusted_savings"].tolist())
    pv_c = finance.present_value(rate, projection.monthly["cost"].tolist())
    h = projection.headline
    assert close(h.npv, pv_b - pv_c, max(pv_b, pv_c))
    assert h.roi == finance.roi(pv_b, pv_c)
    assert h.payback_months == finance.payback_periods(projection.monthly["net_value"].tolist())


def test_roi_is_none_when_nothing_costs_anything() -> None:
    baseline = example_baseline()
    free = dataclasses.replace(
        sc.baseline_drivers(baseline), team_fte=0.0, infrastructure_spend=0.0, other_spend=0.0
    )
    assert sc.project(baseline, free).headline.roi is None


# ---------------------------------------------------------------- the vectorised core


rates = st.floats(min_value=0, max_value=0.05)
flows = st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=60)


@given(st.lists(flows, min_size=1, max_size=5), st.data())
def test_vectorised_present_value_matches_finance(rows: list, data: st.DataObject) -> None:
    width = min(len(r) for r in rows)
    matrix = np.array([r[:width] for r in rows])
    monthly = np.array([data.draw(rates) for _ in rows])
    got = sc.present_values(matrix, monthly)
    for i, row in enumerate(matrix):
        expected = finance.present_value(float(monthly[i]), row.tolist())
        assert close(float(got[i]), expected, float(np.abs(row).sum()))


@given(st.lists(st.lists(st.floats(-1e4, 1e4), min_size=8, max_size=8), min_size=1, max_size=8))
def test_vectorised_payback_matches_finance(rows: list) -> None:
    got = sc.payback_months(np.array(rows))
    for i, row in enumerate(rows):
        expected = finance.payback_periods(row)
        if expected is None:
            assert math.isnan(got[i])
        else:
            assert got[i] == pytest.approx(expected, rel=1e-9, abs=1e-9)


# ---------------------------------------------------------------- uncertainty and sensitivity


@settings(max_examples=30, deadline=None)
@given(scenarios())
def test_bands_are_ordered(pair: tuple) -> None:
    baseline, drivers = pair
    bands = sc.simulate(baseline, drivers, draws=500, seed=7).bands
    assert (bands["p10"] <= bands["p50"] + 1e-9).all()
    assert (bands["p50"] <= bands["p90"] + 1e-9).all()


@settings(max_examples=10, deadline=None)
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_same_seed_same_result(pair: tuple, seed: int) -> None:
    baseline, drivers = pair
    first = sc.simulate(baseline, drivers, draws=sc.DEFAULT_DRAWS, seed=seed)
    again = sc.simulate(baseline, drivers, draws=sc.DEFAULT_DRAWS, seed=seed)
    pd.testing.assert_frame_equal(first.bands, again.bands)
    assert np.array_equal(first.npv, again.npv)
    assert np.array_equal(first.payback, again.payback, equal_nan=True)


def test_draws_are_at_least_five_thousand_by_default_with_one_npv_and_payback_each() -> None:
    baseline = example_baseline()
    result = sc.simulate(baseline, sc.baseline_drivers(baseline))
    assert result.draws == sc.DEFAULT_DRAWS >= 5_000
    assert result.npv.shape == result.payback.shape == (sc.DEFAULT_DRAWS,)
    assert len(result.bands) == sc.DEFAULT_HORIZON


def test_a_different_seed_gives_different_draws() -> None:
    baseline = example_baseline()
    drivers = sc.baseline_drivers(baseline)
    assert not np.array_equal(
        sc.simulate(baseline, drivers, seed=1).npv, sc.simulate(baseline, drivers, seed=2).npv
    )


@settings(max_examples=40, deadline=None)
@given(scenarios(with_usage=True))
def test_each_tornado_bar_is_the_projection_with_that_one_driver_moved(pair: tuple) -> None:
    baseline, drivers = pair
    tornado = sc.sensitivity(baseline, drivers)
    assert list(tornado["swing"]) == sorted(tornado["swing"], reverse=True)
    effective = sc._effective(baseline, drivers)
    # A cut pins the outcome drivers to today's values, so a projection cannot move them.
    pinned = {"tasks_per_user", "success_rate", "minutes_saved"} if drivers.cut else set()
    for row in tornado.itertuples():
        if row.driver == "minutes_saved" or row.driver in pinned:
            continue  # the range of minutes saved also scales today's estimate
        for value, npv in ((row.low_value, row.npv_low), (row.high_value, row.npv_high)):
            moved = dataclasses.replace(effective, **{row.driver: value})
            expected = sc.project(baseline, moved).headline.npv
            assert close(npv, expected, max(1.0, abs(expected))), row.driver


def test_the_tornado_leaves_out_drivers_without_effect() -> None:
    baseline = example_baseline()
    funded = sc.sensitivity(baseline, sc.baseline_drivers(baseline))
    cut = sc.sensitivity(baseline, dataclasses.replace(sc.baseline_drivers(baseline), cut=True))
    assert "churn" not in set(funded["driver"])  # churn only matters once cut
    assert "churn" in set(cut["driver"])
    assert "adoption_target" not in set(cut["driver"])  # no improvement lands after a cut


def test_evaluation_deltas_are_scenario_minus_the_no_change_baseline() -> None:
    baseline = example_baseline()
    drivers = dataclasses.replace(sc.baseline_drivers(baseline), team_fte=4.0)
    evaluation = sc.evaluate(baseline, drivers, draws=200)
    # two more engineers at 15,000 a month for 36 months, undiscounted
    assert evaluation.deltas["cost"] == pytest.approx(2 * 15_000 * 36)
    assert evaluation.deltas["npv"] == pytest.approx(
        evaluation.scenario.headline.npv - evaluation.reference.headline.npv
    )
    assert evaluation.deltas["hours_saved"] == pytest.approx(0)


# ---------------------------------------------------------------- drivers from text


def test_drivers_from_mapping_reads_text_values() -> None:
    base = sc.baseline_drivers(example_baseline())
    drivers = sc.drivers_from_mapping(
        base, {"team_fte": "4.5", "horizon_months": "24", "cut": "true"}
    )
    assert (drivers.team_fte, drivers.horizon_months, drivers.cut) == (4.5, 24, True)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"team_size": "3"}, "unknown driver"),
        ({"team_fte": "three"}, "must be a number"),
        ({"success_rate": "1.5"}, "success_rate must be 0 to 1"),
        ({"horizon_months": "12.5"}, "whole number"),
        ({"minutes_saved": "nan"}, "finite"),
        ({"cut": "maybe"}, "true or false"),
        ({"adoption_target": "-0.1"}, "adoption_target must be"),
    ],
)
def test_drivers_from_mapping_refuses_bad_values_with_a_reason(values: dict, message: str) -> None:
    base = sc.baseline_drivers(example_baseline())
    with pytest.raises(ValueError, match=message):
        sc.drivers_from_mapping(base, values)


def test_a_saved_scenario_with_an_unknown_driver_still_loads() -> None:
    base = sc.baseline_drivers(example_baseline())
    loaded = sc.drivers_from_mapping(base, {"team_fte": 3, "future_driver": 1}, strict=False)
    assert loaded.team_fte == 3


@pytest.mark.parametrize(
    "name", ["'; DROP TABLE products; --", "<script>alert(1)</script>", "Ünïcode ✓"]
)
def test_scenario_names_are_kept_as_typed(name: str) -> None:
    assert sc.clean_label(f"  {name} ", "scenario name", sc.NAME_MAX) == name


@pytest.mark.parametrize("name", ["", "   ", "a\x00b", "x" * (sc.NAME_MAX + 1)])
def test_empty_long_or_control_character_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError):
        sc.clean_label(name, "scenario name", sc.NAME_MAX)


# ---------------------------------------------------------------- sliders and the URL


@given(baselines())
def test_sliders_at_their_defaults_are_the_baseline_exactly(baseline: sc.Baseline) -> None:
    defaults = {c.driver: c.default for c in controls_ui.controls(baseline)}
    assert controls_ui.drivers_from_controls(baseline, defaults) == sc.baseline_drivers(baseline)


@given(baselines())
def test_every_slider_default_lies_on_its_range(baseline: sc.Baseline) -> None:
    for control in controls_ui.controls(baseline):
        assert control.minimum <= control.default <= control.maximum, control.driver
        assert control.step > 0


@given(baselines(), st.data())
def test_slider_values_survive_the_url_and_a_save(
    baseline: sc.Baseline, data: st.DataObject
) -> None:
    values = {}
    for control in controls_ui.controls(baseline):
        steps = round((control.maximum - control.minimum) / control.step)
        values[control.driver] = controls_ui.snap_control(
            control, control.minimum + data.draw(st.integers(0, steps)) * control.step
        )
    cut = data.draw(st.booleans())
    params = controls_ui.url_params(baseline, values, cut)
    from_url, cut_again, notices = controls_ui.values_from_url(baseline, params)
    assert notices == []
    assert cut_again == cut
    # a value within a thousandth of a step of the baseline counts as the baseline itself
    controls = controls_ui.controls(baseline)
    restored = {**{c.driver: c.default for c in controls}, **from_url}
    for control in controls:
        assert restored[control.driver] == pytest.approx(
            values[control.driver], abs=control.step / 1000
        ), control.driver
    # a save stores drivers; loading them puts every slider back where it was
    drivers = controls_ui.drivers_from_controls(baseline, values, cut=cut)
    loaded = controls_ui.controls_from_drivers(baseline, drivers)
    for control in controls:
        assert loaded[control.driver] == pytest.approx(
            values[control.driver], abs=control.step / 1000
        ), control.driver


def test_the_url_holds_only_what_differs_from_the_baseline() -> None:
    baseline = example_baseline()
    defaults = {c.driver: c.default for c in controls_ui.controls(baseline)}
    assert controls_ui.url_params(baseline, defaults, cut=False) == {}
    params = controls_ui.url_params(baseline, {**defaults, "team_fte": 4.0}, cut=True)
    assert params == {"s_fte": "4", "s_cut": "1"}


def test_unreadable_url_values_are_ignored_and_out_of_range_ones_clamped() -> None:
    baseline = example_baseline()
    values, cut, notices = controls_ui.values_from_url(
        baseline, {"s_fte": "lots", "s_adoption": "250", "s_minutes": "inf", "s_cut": "0"}
    )
    assert values == {"adoption_target": 100.0}
    assert cut is False
    assert len(notices) == 3  # each bad parameter is named, not silently dropped


@pytest.mark.parametrize("raw", ["1e308", "-1e308", "1e400", "9" * 400, "nan", "-inf"])
def test_a_huge_or_non_finite_url_value_is_clamped_or_ignored_never_raised(raw: str) -> None:
    baseline = example_baseline()
    params = {f"s_{name}": raw for name in controls_ui.URL_NAMES.values() if name != "cut"}
    values, _, notices = controls_ui.values_from_url(baseline, params)
    controls = {c.driver: c for c in controls_ui.controls(baseline)}
    for driver, value in values.items():
        assert controls[driver].minimum <= value <= controls[driver].maximum
    assert notices  # the viewer is told the link was adjusted
    controls_ui.drivers_from_controls(baseline, values)  # and the scenario can be built


@given(baselines())
def test_sliders_hold_the_baseline_exactly_not_the_nearest_grid_step(
    baseline: sc.Baseline,
) -> None:
    """9.7 minutes must not show as 9.5, nor $14,941 as $15,000 (issue 14)."""
    base = sc.baseline_drivers(baseline)
    for control in controls_ui.controls(baseline):
        exact = float(getattr(base, control.driver)) * control.scale
        if control.minimum <= exact <= control.maximum:
            assert control.default == exact, control.driver


def test_nice_steps_cut_a_range_into_about_two_hundred_steps() -> None:
    assert controls_ui.nice_step(20_000) == 100
    assert controls_ui.nice_step(1_000) == 5
    assert controls_ui.nice_step(0) == 1


def test_no_slider_move_is_needed_to_reach_the_baseline_after_loading_it() -> None:
    baseline = example_baseline()
    assert controls_ui.controls_from_drivers(baseline, sc.baseline_drivers(baseline)) == {
        c.driver: c.default for c in controls_ui.controls(baseline)
    }


def test_a_slider_move_reuses_the_seeded_draws_and_changes_nothing_else() -> None:
    baseline = example_baseline()
    drivers = sc.baseline_drivers(baseline)
    moved = dataclasses.replace(drivers, adoption_target=min(drivers.adoption_target * 1.05, 1.0))
    sc.triangular_factors.cache_clear()
    first = sc.simulate(baseline, drivers, draws=2_000, seed=11)
    again = sc.simulate(baseline, moved, draws=2_000, seed=11)
    assert sc.triangular_factors.cache_info().hits >= 1  # the second move drew nothing
    factors = sc.triangular_factors(2_000, 11)
    assert all(not f.flags.writeable for f in factors.values())  # nobody can spoil them
    # the cached factors are the seeded stream: the same as drawing afresh
    fresh = sc._triangular_factors(np.random.default_rng(11), None, 2_000)
    assert all(np.array_equal(fresh[k], factors[k]) for k in fresh)
    # and a cached run equals an uncached one
    sc.triangular_factors.cache_clear()
    np.testing.assert_array_equal(sc.simulate(baseline, moved, draws=2_000, seed=11).npv, again.npv)
    assert not np.array_equal(first.npv, again.npv)
