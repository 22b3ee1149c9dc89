"""The Scenarios page through Streamlit's AppTest.

Expected figures come from `valuemodel.core.scenario` and the formatting functions for the same
baseline, never from the page. Tests that save scenarios use a demo database of their own
(the shared one is read-only for tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from tests.conftest import APP
from valuemodel.core import scenario as sc
from valuemodel.data import db, store
from valuemodel.present import scenario_controls as controls_ui
from valuemodel.present.formats import money

PRODUCT = "ci"


def open_scenarios(params: dict[str, str] | None = None) -> AppTest:
    """The app opened on a link, then switched to the Scenarios page."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    at.switch_page("views/scenarios.py").run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    return at


def baseline_of(at: AppTest, engine) -> sc.Baseline:  # type: ignore[no-untyped-def]
    selection = at.session_state["selection"]
    return store.fetch_scenario_baseline(engine, PRODUCT, selection.period.last)


def slider_key(at: AppTest, short: str) -> str:
    return f"scn_{short}_{PRODUCT}_{at.session_state['selection'].period.last}"


def npv_tile(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label.startswith("NPV over"))


def expected_npv(baseline: sc.Baseline, values: dict[str, float], *, cut: bool = False) -> str:
    drivers = controls_ui.drivers_from_controls(baseline, values, cut=cut)
    return money(sc.project(baseline, drivers).headline.npv, baseline.currency, compact=True)


def defaults(baseline: sc.Baseline) -> dict[str, float]:
    return {c.driver: c.default for c in controls_ui.controls(baseline)}


# ---------------------------------------------------------------- reading


def test_the_portfolio_gets_a_prompt_to_pick_one_product(app_env) -> None:
    at = open_scenarios()
    assert [t.value for t in at.title] == ["Scenarios"]
    assert any("one product at a time" in i.value for i in at.info)
    assert at.selectbox(key="scenario_pick").value is None
    assert not at.error
    assert "Portfolio plan" in [s.value for s in at.subheader]  # the plan leads the page


def test_picking_a_product_on_the_page_selects_it_in_the_frame(app_env) -> None:
    at = open_scenarios()
    at.selectbox(key="scenario_pick").set_value(PRODUCT).run()
    assert not at.exception
    assert at.session_state["product"] == PRODUCT


def test_the_untouched_page_shows_the_baseline_projection(app_env, demo_engine) -> None:
    at = open_scenarios({"product": PRODUCT})
    baseline = baseline_of(at, demo_engine)
    assert npv_tile(at) == expected_npv(baseline, defaults(baseline))
    deltas = [m.delta for m in at.metric]
    assert deltas == ["same as baseline"] * 4
    assert not at.error and not at.warning


def test_moving_the_team_slider_changes_the_npv_tile(app_env, demo_engine) -> None:
    at = open_scenarios({"product": PRODUCT})
    baseline = baseline_of(at, demo_engine)
    before = npv_tile(at)
    team = at.slider(key=slider_key(at, "fte"))
    moved = team.value + 2.0
    team.set_value(moved).run()
    assert not at.exception
    assert npv_tile(at) != before
    assert npv_tile(at) == expected_npv(baseline, {**defaults(baseline), "team_fte": moved})
    npv_delta = next(m.delta for m in at.metric if m.label.startswith("NPV over"))
    assert npv_delta.startswith("-") and npv_delta.endswith("vs baseline")  # more cost only


def test_the_cut_switch_models_cutting_the_product(app_env, demo_engine) -> None:
    at = open_scenarios({"product": PRODUCT})
    baseline = baseline_of(at, demo_engine)
    at.toggle(key=slider_key(at, "cut")).set_value(True).run()
    assert not at.exception
    drivers = controls_ui.drivers_from_controls(baseline, defaults(baseline), cut=True)
    evaluation = sc.evaluate(baseline, drivers)
    change = evaluation.scenario.headline.npv - evaluation.reference.headline.npv
    tile = next(m for m in at.metric if m.label == "NPV change from cutting")
    shown = money(change, baseline.currency, compact=True)
    assert tile.value == (shown if change < 0 else f"+{shown}")
    assert any(m.value == "**After the cut**" for m in at.markdown)
    assert at.slider(key=slider_key(at, "fte")).disabled


def test_the_cut_case_leads_with_what_it_saves_and_loses_and_its_roi_is_no_win(
    app_env, demo_engine
) -> None:
    at = open_scenarios({"product": PRODUCT})
    baseline = baseline_of(at, demo_engine)
    at.toggle(key=slider_key(at, "cut")).set_value(True).run()
    drivers = controls_ui.drivers_from_controls(baseline, defaults(baseline), cut=True)
    evaluation = sc.evaluate(baseline, drivers)
    keep, cut = evaluation.reference.headline, evaluation.scenario.headline
    labels = [m.label for m in at.metric]
    assert labels[:2] == ["Cost avoided over 36 months", "Savings given up over 36 months"]
    avoided = next(m for m in at.metric if m.label.startswith("Cost avoided"))
    assert avoided.value == money(keep.cost - cut.cost, baseline.currency, compact=True)
    lost = next(m for m in at.metric if m.label.startswith("Savings given up"))
    assert lost.value == money(
        keep.risk_adjusted_savings - cut.risk_adjusted_savings, baseline.currency, compact=True
    )
    # the cut's ROI is shown without a green arrow or "pts vs baseline"
    roi = next(m for m in at.metric if "ROI" in m.label)
    assert MetricProto.MetricColor.Name(roi.proto.color) == "GRAY"
    assert MetricProto.MetricDirection.Name(roi.proto.direction) == "NONE"
    assert "pts vs baseline" not in roi.delta
    lead = " ".join(m.value for m in at.markdown)
    assert "avoids" in lead and "gives up" in lead and "funding it as today" in lead
    assert not any("creates value" in str(c.proto.spec) for c in at.get("arrow_vega_lite_chart"))


def test_a_link_reproduces_the_scenario(app_env, demo_engine) -> None:
    at = open_scenarios({"product": PRODUCT, "s_fte": "5", "s_adoption": "95", "s_cut": "0"})
    baseline = baseline_of(at, demo_engine)
    assert at.slider(key=slider_key(at, "fte")).value == 5.0
    assert at.slider(key=slider_key(at, "adoption")).value == 95.0
    expected = expected_npv(
        baseline, {**defaults(baseline), "team_fte": 5.0, "adoption_target": 95.0}
    )
    assert npv_tile(at) == expected


def test_a_link_with_nonsense_values_falls_back_to_the_baseline(app_env, demo_engine) -> None:
    at = open_scenarios({"product": PRODUCT, "s_fte": "<script>", "s_minutes": "1e999"})
    baseline = baseline_of(at, demo_engine)
    assert npv_tile(at) == expected_npv(baseline, defaults(baseline))


# ---------------------------------------------------------------- saving (own database)


@pytest.fixture(scope="module")
def writable_demo_url(make_database: Callable[[], str], demo_csv_dir: Path) -> str:
    from valuemodel.data.importer import import_folder

    url = make_database()
    eng = db.create_engine_for(url)
    import_folder(eng, demo_csv_dir)
    eng.dispose()
    return url


@pytest.fixture
def writable(writable_demo_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """The app on a demo database these tests may write; saved scenarios wiped after."""
    monkeypatch.setenv("DATABASE_URL", writable_demo_url)
    db.reset_engine()
    eng = db.create_engine_for(writable_demo_url)
    yield eng
    for row in store.fetch_scenarios(eng, PRODUCT).itertuples():
        store.delete_scenario(eng, product_id=PRODUCT, scenario_id=row.scenario_id)
    eng.dispose()
    db.reset_engine()


def save(at: AppTest, name: str, *, overwrite: bool = False, author: str = "") -> None:
    at.text_input(key=f"scenario_name_{PRODUCT}").input(name)
    at.text_input(key="scenario_author").input(author)
    if overwrite:
        at.checkbox(key=f"scenario_overwrite_{PRODUCT}").check()
    next(b for b in at.button if b.label == "Save scenario").click().run()
    assert not at.exception, at.exception


def test_saving_then_loading_a_scenario_restores_its_sliders(writable) -> None:
    at = open_scenarios({"product": PRODUCT})
    team, adoption = at.slider(key=slider_key(at, "fte")), at.slider(key=slider_key(at, "adoption"))
    # a slider starts at the exact baseline; a moved one sits on its grid (whole percents)
    saved_team, saved_adoption = team.value + 2.0, float(max(0, round(adoption.value) - 10))
    team.set_value(saved_team).run()
    at.slider(key=slider_key(at, "adoption")).set_value(saved_adoption).run()
    saved_npv = npv_tile(at)
    save(at, "Two more engineers", author="Ana")
    assert any("Saved" in s.value for s in at.success)
    stored = store.fetch_scenarios(writable, PRODUCT)
    assert stored["name"].tolist() == ["Two more engineers"]
    assert stored.iloc[0]["author"] == "Ana"

    at.button(key=f"scenario_reset_{PRODUCT}").click().run()
    assert at.slider(key=slider_key(at, "fte")).value != saved_team
    assert npv_tile(at) != saved_npv

    at.selectbox(key=f"scenario_chosen_{PRODUCT}").set_value(int(stored.iloc[0]["scenario_id"]))
    at.button(key=f"scenario_load_{PRODUCT}").click().run()
    assert not at.exception
    assert at.slider(key=slider_key(at, "fte")).value == saved_team
    assert at.slider(key=slider_key(at, "adoption")).value == saved_adoption
    assert npv_tile(at) == saved_npv
    assert any("Loaded" in s.value for s in at.success)


def test_a_taken_name_is_refused_unless_overwrite_is_ticked(writable) -> None:
    at = open_scenarios({"product": PRODUCT})
    save(at, "Plan")
    at.slider(key=slider_key(at, "fte")).set_value(0.0).run()
    save(at, "Plan")
    assert any("already exists" in w.value for w in at.warning)
    assert store.fetch_scenarios(writable, PRODUCT).iloc[0]["drivers"]["team_fte"] != 0.0
    save(at, "Plan", overwrite=True)
    stored = store.fetch_scenarios(writable, PRODUCT)
    assert len(stored) == 1 and stored.iloc[0]["drivers"]["team_fte"] == 0.0


@pytest.mark.parametrize("name", ["'; DROP TABLE products; --", "<script>alert(1)</script>"])
def test_hostile_names_are_saved_and_listed_as_plain_text(writable, name: str) -> None:
    at = open_scenarios({"product": PRODUCT})
    save(at, name, author=name)
    assert store.fetch_scenarios(writable, PRODUCT)["name"].tolist() == [name]
    chosen = at.selectbox(key=f"scenario_chosen_{PRODUCT}")
    assert chosen.value is not None and chosen.format_func(chosen.value) == name
    assert len(store.fetch_products(writable)) > 0


def test_rename_and_delete_a_saved_scenario(writable) -> None:
    at = open_scenarios({"product": PRODUCT})
    save(at, "Draft")
    at.text_input(key=f"scenario_new_name_{PRODUCT}").input("Final")
    at.button(key=f"scenario_rename_{PRODUCT}").click().run()
    assert not at.exception
    assert store.fetch_scenarios(writable, PRODUCT)["name"].tolist() == ["Final"]
    at.button(key=f"scenario_delete_{PRODUCT}").click().run()
    assert not at.exception
    assert store.fetch_scenarios(writable, PRODUCT).empty
    assert any("No saved scenarios" in i.value for i in at.info)


def test_comparing_saved_scenarios_shows_a_table_and_overlaid_curves(writable) -> None:
    at = open_scenarios({"product": PRODUCT})
    team = at.slider(key=slider_key(at, "fte"))
    start = team.value
    names = ["Lean", "Steady", "Growth", "Moonshot"]
    for i, name in enumerate(names):
        at.slider(key=slider_key(at, "fte")).set_value(start + i).run()
        save(at, name)
    ids = store.fetch_scenarios(writable, PRODUCT).set_index("name")["scenario_id"]
    compare = at.multiselect(key=f"scenario_compare_{PRODUCT}")
    assert compare.max_selections == 3
    compare.set_value([int(ids["Lean"]), int(ids["Growth"]), int(ids["Moonshot"])]).run()
    assert not at.exception
    table = at.table[-1].value
    assert list(table.columns[1:]) == [
        "Baseline (no change)",
        "Current sliders",
        "Lean",
        "Growth",
        "Moonshot",
    ]
    assert "NPV (discounted)" in table.iloc[:, 0].tolist()
    charts = at.get("vega_lite_chart")
    assert len(charts) == 4  # projection, tornado, distribution and the comparison
    series = set()
    for dataset in charts[-1].proto.datasets:
        frame = pa.ipc.open_stream(dataset.data.data).read_pandas()
        series |= set(frame.get("series", []))
    assert series == {"Baseline (no change)", "Current sliders", "Lean", "Growth", "Moonshot"}


# ---------------------------------------------------------------- who may write


def test_without_editor_rights_saving_is_disabled_and_says_why(
    app_env, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard import access

    reason = "Changing data is reserved for the editors."
    monkeypatch.setattr(access, "current", lambda: access.Access(False, reason, True, "v@x.io"))
    at = open_scenarios({"product": PRODUCT})
    assert any(i.value == reason for i in at.info)
    assert next(b for b in at.button if b.label == "Save scenario").disabled
    assert at.text_input(key="scenario_author").value == "v@x.io"


def test_presentation_mode_keeps_the_sliders_and_leaves_out_saving(app_env) -> None:
    at = open_scenarios({"product": PRODUCT, "present": "1"})
    assert at.slider(key=slider_key(at, "fte"))
    assert not [b for b in at.button if b.label == "Save scenario"]
    assert not [t for t in at.text_input if t.key == f"scenario_name_{PRODUCT}"]


# ---------------------------------------------------------------- thin baselines


def test_a_product_without_data_in_the_window_gets_guidance_not_a_projection(app_env) -> None:
    # The demo's feature-flag service launches in the window's fifth month (2024-05).
    at = open_scenarios({"product": "flags", "from": "2024-01", "to": "2024-03"})
    assert any("has no usage and no costs" in i.value for i in at.info)
    assert not at.metric and not at.error


def test_a_product_launched_inside_the_window_says_so(app_env, demo_engine) -> None:
    at = open_scenarios({"product": "flags", "from": "2024-01", "to": "2024-06"})
    baseline = store.fetch_scenario_baseline(demo_engine, "flags", "2024-06")
    assert baseline.usage_months < 3
    assert any(f"only {baseline.usage_months} of the three months" in i.value for i in at.info)
    assert len(at.metric) == 4
