"""The Scenarios page model's wording and shaping around one evaluation: the saved
scenarios it compares, the slider groups and the notices. No database, no Streamlit."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from tests.unit.test_scenario import example_baseline
from valuemodel.core import scenario as sc
from valuemodel.present import scenario_controls as controls_ui
from valuemodel.present.pages import scenarios as model


def saved(*rows: tuple[int, str, dict[str, object]]) -> pd.DataFrame:
    """(scenario_id, name, drivers) rows as the saved-scenarios frame."""
    return pd.DataFrame(rows, columns=["scenario_id", "name", "drivers"])


def test_saved_scenarios_are_projected_over_the_current_horizon_beside_the_baseline() -> None:
    baseline = example_baseline()
    evaluation = sc.evaluate(baseline, sc.baseline_drivers(baseline), draws=200)
    stored = saved(
        (1, "Two more", {"team_fte": 5.0, "horizon_months": 12}),
        (2, model.CURRENT_SERIES, {"adoption_target": 0.5}),
        (3, "Bad *one*", {"team_fte": -4.0}),
    )
    columns, problems = model.comparison_columns(evaluation, stored, [1, 2, 3, 99], 24)
    labels = [label for label, _ in columns]
    assert labels == [
        model.BASELINE_SERIES, model.CURRENT_SERIES, "Two more", f"{model.CURRENT_SERIES} (saved)",
    ]  # fmt: skip
    assert columns[0][1] is evaluation.reference
    assert columns[1][1] is evaluation.scenario
    two_more = columns[2][1]
    assert two_more.drivers.horizon_months == 24  # the saved 12 months give way
    assert two_more.drivers.team_fte == 5.0
    assert len(two_more.monthly) == 24
    expected = sc.project(
        baseline,
        dataclasses.replace(sc.baseline_drivers(baseline), team_fte=5.0, horizon_months=24),
    )
    assert two_more.headline.npv == pytest.approx(expected.headline.npv)
    [problem] = problems
    assert problem.startswith("“Bad \\*one\\*”: ")  # the name is escaped, not emphasised
    assert model.left_out_warning(problems) == (
        f"Left out, as they do not fit this baseline: {problem}."
    )


def test_nothing_picked_compares_the_baseline_with_the_sliders_only() -> None:
    baseline = example_baseline()
    evaluation = sc.evaluate(baseline, sc.baseline_drivers(baseline), draws=200)
    columns, problems = model.comparison_columns(evaluation, saved(), [], 36)
    assert [label for label, _ in columns] == [model.BASELINE_SERIES, model.CURRENT_SERIES]
    assert problems == []


def test_saved_names_are_keyed_by_plain_integers_in_the_stored_order() -> None:
    names = model.saved_names(saved((7, "b", {}), (3, "a", {})))
    assert names == {7: "b", 3: "a"}
    assert list(names) == [7, 3]
    assert all(type(i) is int for i in names)


def test_the_sliders_fall_into_their_groups_in_their_own_order() -> None:
    specs = controls_ui.controls(example_baseline())
    groups = model.control_groups(specs)
    assert {"cut", "funding", "outcomes", "more"} <= set(groups)
    assert sum(len(g) for g in groups.values()) == len(specs)
    for name, members in groups.items():
        assert members == [c for c in specs if c.group == name]
    assert [g for g, _ in model.SLIDER_GROUPS] == ["funding", "outcomes"]


def test_a_baseline_without_usage_and_cost_has_nothing_to_project() -> None:
    baseline = example_baseline()
    assert model.has_baseline(baseline)
    unused = dataclasses.replace(baseline, usage_months=0, active_users=0.0)
    assert model.has_baseline(unused)  # it still costs something
    empty = dataclasses.replace(
        unused, headcount=0.0, infrastructure=0.0, other=0.0, product_name="A *b*"
    )
    assert not model.has_baseline(empty)
    assert model.has_baseline(dataclasses.replace(empty, other=10.0))
    notice = model.no_baseline_notice(empty)
    assert notice.startswith("**A \\*b\\* has no usage and no costs from ")
    assert model.window(baseline) in notice
    assert model.window(baseline) == f"{baseline.months[0]} to {baseline.months[-1]}"


def test_the_baseline_notice_joins_its_notes_or_is_none() -> None:
    baseline = example_baseline()
    assert model.baseline_notes(baseline) == []
    assert model.baseline_notice(baseline) is None
    unused = dataclasses.replace(baseline, usage_months=0, active_users=0.0)
    notice = model.baseline_notice(unused)
    assert notice is not None and "nobody used it in these months" in notice
    assert notice == "About this baseline: " + "; ".join(model.baseline_notes(unused)) + "."


def test_products_are_offered_by_name_regardless_of_case() -> None:
    assert model.product_options({"x": "beta", "y": "Alpha", "z": "gamma"}) == ["y", "x", "z"]


def test_the_wording_of_timing_saving_and_deleting() -> None:
    assert model.timing_note(0.0123, 5000).startswith("Computed in 12 ms (5,000 draws). ")
    assert model.no_saved_notice(False) == "No saved scenarios for this product yet."
    assert model.no_saved_notice(True).endswith(" Save the current sliders to compare them later.")
    created = pd.Timestamp("2025-03-04 05:06:07")
    updated = pd.Timestamp("2025-04-05 06:07:08")
    assert model.saved_caption("Ana *", created, updated) == (
        "Saved by Ana \\*, created 2025-03-04 05:06 UTC, updated 2025-04-05 06:07 UTC."
    )
    assert model.saved_caption("", created, updated).startswith("Saved, created ")
    assert model.saved_flash("  [x](y) ") == "Saved “\\[x\\]\\(y\\)”."
    assert model.not_saved(ValueError("the name is taken")) == "Not saved: the name is taken."
    assert model.delete_question("#1") == "Delete “\\#1” for everyone?"
