"""Saved plans, the plan command, and notes (form and notes.csv) against a real PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.sql.csvdata import write_folder
from tests.sql.test_scenarios_sql import FOLDER
from valuemodel.core import notes as core_notes
from valuemodel.core import plan as pl
from valuemodel.core import scenario as sc
from valuemodel.data import db, notes, plans, store
from valuemodel.data.importer import ImportRefused, import_folder


@pytest.fixture
def plan_engine(
    make_database: Callable[[], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """The scenario fixture (ci and hr, window 2025-10..12) in a fresh database."""
    eng = db.create_engine_for(make_database())
    import_folder(eng, write_folder(tmp_path_factory.mktemp("plan_csv"), FOLDER))
    yield eng
    eng.dispose()


@pytest.fixture
def cli_on(plan_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("DATABASE_URL", plan_engine.url.render_as_string(hide_password=False))
    db.reset_engine()
    yield plan_engine
    db.reset_engine()


def test_plan_npv_is_the_sum_of_the_saved_scenarios_npvs(plan_engine: Engine) -> None:
    store.save_scenario(
        plan_engine,
        product_id="ci",
        name="Grow",
        author="pm",
        drivers={"team_fte": 4, "adoption_target": 0.9},
    )
    result = plans.evaluate(
        plan_engine, month_to="2025-12", choices={"ci": "Grow", "hr": "cut"}, draws=100
    )
    ci = store.fetch_scenario_baseline(plan_engine, "ci", "2025-12")
    hr = store.fetch_scenario_baseline(plan_engine, "hr", "2025-12")
    grow = sc.drivers_from_mapping(sc.baseline_drivers(ci), {"team_fte": 4, "adoption_target": 0.9})
    cut = sc.drivers_from_mapping(sc.baseline_drivers(hr), {"cut": True})
    expected = sc.project(ci, grow).headline.npv + sc.project(hr, cut).headline.npv
    assert result.npv == pytest.approx(expected, rel=1e-12)
    assert result.products.set_index("product_id")["choice"].to_dict() == {
        "ci": "Grow",
        "hr": "cut",
    }


def test_a_plan_is_saved_by_name_and_a_taken_name_is_refused(plan_engine: Engine) -> None:
    plans.save_plan(plan_engine, name="FY26", author="vp", choices={"hr": "cut"})
    with pytest.raises(plans.PlanConflict):
        plans.save_plan(plan_engine, name="FY26", author="vp", choices={"ci": "cut"})
    plans.save_plan(
        plan_engine, name="FY26", author="cfo", choices={"ci": "cut"}, horizon=24, overwrite=True
    )
    stored = plans.fetch_plan(plan_engine, "FY26")
    assert stored is not None
    assert stored["choices"] == {"ci": "cut"}
    assert stored["horizon"] == 24
    assert stored["author"] == "cfo"
    hostile = "x'); DROP TABLE plans; --"
    plans.save_plan(plan_engine, name=hostile, author="<b>me</b>", choices={})
    assert set(plans.fetch_plans(plan_engine)["name"]) == {"FY26", hostile}
    with pytest.raises(pl.PlanError):
        plans.save_plan(plan_engine, name="   ", author="", choices={})


def test_the_plan_command_prints_the_contract_and_saves(cli_on: Engine, capsys) -> None:
    from valuemodel.cli.main import main

    argv = ["plan", "--to", "2025-12", "--set", "hr=cut", "--draws", "200"]
    assert main([*argv, "--save", "Cut HR", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"npv", "roi", "payback_months", "bands", "products"} <= set(out)
    products = {p["product_id"]: p for p in out["products"]}
    assert products["hr"]["choice"] == "cut" and products["ci"]["choice"] == "as-today"
    assert out["npv"] == pytest.approx(sum(p["npv"] for p in products.values()), abs=0.02)
    assert len(out["bands"]["p50"]) == 36
    assert plans.fetch_plan(cli_on, "Cut HR")["choices"] == {"ci": "as-today", "hr": "cut"}  # type: ignore[index]
    # Reloading the saved plan gives the same figures.
    reload = ["plan", "--to", "2025-12", "--plan", "Cut HR", "--draws", "200"]
    assert main([*reload, "--format", "json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["npv"] == out["npv"] and again["bands"] == out["bands"]


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["--set", "nope=cut"], "unknown product 'nope'"),
        (["--set", "ci=Unknown"], "no saved scenario named 'Unknown'"),
        (["--set", "ci"], "not PRODUCT=CHOICE"),
        (["--plan", "missing"], "no saved plan"),
    ],
)
def test_the_plan_command_refuses_bad_picks_in_one_line(cli_on, capsys, argv, reason) -> None:
    from valuemodel.cli.main import main

    assert main(["plan", "--to", "2025-12", "--draws", "10", *argv]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and reason in err


# ---------------------------------------------------------------- notes


def test_a_note_is_stored_with_author_and_time_and_listed_by_month(plan_engine: Engine) -> None:
    text = "NPS dipped: outage on the 12th <script>alert(1)</script>"
    note = core_notes.check_note(
        product_id="ci", month="2025-11", metric="happiness", author="Ana", text=text
    )
    first = notes.add_note(plan_engine, note)
    assert notes.add_note(plan_engine, note) == first  # the same note twice is one note
    notes.add_note(
        plan_engine,
        core_notes.check_note(product_id="hr", month="2025-12", metric="", author="B", text="x"),
    )
    found = notes.fetch_notes(plan_engine, "2025-10", "2025-12", "ci")
    assert found[["month", "metric", "author", "text"]].values.tolist() == [
        ["2025-11", "happiness", "Ana", text]
    ]
    assert pd.notna(found.iloc[0]["created_at"])
    assert len(notes.fetch_notes(plan_engine, "2025-10", "2025-12")) == 2
    assert notes.fetch_notes(plan_engine, "2025-12", "2025-12", "ci").empty
    assert notes.delete_note(plan_engine, first)
    assert not notes.delete_note(plan_engine, first)


def test_a_note_on_an_unknown_product_is_refused(plan_engine: Engine) -> None:
    bad = core_notes.check_note(product_id="zz", month="2025-11", metric="", author="a", text="t")
    with pytest.raises(ValueError, match="unknown product"):
        notes.add_note(plan_engine, bad)


def test_notes_csv_imports_and_reimports_without_duplicates(
    plan_engine: Engine, tmp_path: Path
) -> None:
    rows = [
        'ci,2025-11,happiness,Ana,"NPS dipped: outage on the 12th, fixed on the 13th"',
        "ci,2025-12,,Ben,Holiday freeze",
        "hr,2025-10,cost,Ana,New licence",
    ]
    folder = write_folder(tmp_path / "notes", {"notes.csv": rows})
    import_folder(plan_engine, folder)
    import_folder(plan_engine, folder)
    stored = notes.fetch_notes(plan_engine, "2025-01", "2025-12")
    assert len(stored) == 3
    assert stored.set_index("author").loc["Ben", "metric"] == ""
    ci_note = stored[(stored["product_id"] == "ci") & (stored["author"] == "Ana")]
    assert ci_note["text"].tolist() == ["NPS dipped: outage on the 12th, fixed on the 13th"]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("ci,2025-11,mood,Ana,text", "must be one of"),
        ("ci,2025-13,,Ana,text", "not a month"),
        ("zz,2025-11,,Ana,text", "zz"),
        ("ci,2025-11,,,text", "is empty"),
        ("ci,2025-11,,Ana," + "x" * 501, "longer than 500"),
        ("ci,2025-11,,   ,text", "only spaces"),
    ],
)
def test_a_bad_notes_csv_names_the_line_and_changes_nothing(
    plan_engine: Engine, tmp_path: Path, row: str, reason: str
) -> None:
    folder = write_folder(tmp_path / "bad", {"notes.csv": ["ci,2025-10,,Ana,fine", row]})
    with pytest.raises(ImportRefused) as refused:
        import_folder(plan_engine, folder)
    assert any(line.startswith("notes.csv:3:") and reason in line for line in refused.value.lines)
    with plan_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM notes")).scalar() == 0
