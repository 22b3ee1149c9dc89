"""The scenario baseline queries and the saved-scenario table, against a real PostgreSQL.

The fixture below is small enough to work out by hand; each expected value says how.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.sql.csvdata import write_folder
from valuemodel.core import scenario as sc
from valuemodel.core.months import Period
from valuemodel.data import db, store
from valuemodel.data.importer import import_folder
from valuemodel.data.report import build_report
from valuemodel.present.report_json import report_json

# Window: 2025-10..2025-12 (month_to 2025-12). September and January lie outside it.
FOLDER: dict[str, list[str]] = {
    "products.csv": ["ci,CI Platform,Platform,10,2024-01-01", "hr,HR Self-Service,People,4,"],
    "task_baselines.csv": [
        "ci,build,6,0.5,survey",
        "ci,deploy,30,0.8,timing study",
        "hr,request,10,1,estimate",
    ],
    "costs.csv": [
        "ci,2025-09,headcount,99999",  # before the window
        "ci,2025-10,headcount,30000",
        "ci,2025-10,infrastructure,4000",
        "ci,2025-10,licenses,1000",
        "ci,2025-11,headcount,30000",
        "ci,2025-11,infrastructure,5000",
        "ci,2025-11,licenses,1000",
        "ci,2025-11,other,3000",
        "ci,2025-12,headcount,30000",
        "ci,2025-12,infrastructure,6000",
        "ci,2025-12,licenses,1000",
        "hr,2025-11,headcount,777",  # another product
    ],
    "usage_events.csv": [
        # September: u1, u2, u3 (the users October's retention refers to)
        "ci,u1,2025-09-03T10:00:00Z,view,,",
        "ci,u2,2025-09-04T10:00:00Z,view,,",
        "ci,u3,2025-09-05T10:00:00Z,view,,",
        # October: u1, u2, u4 active; u1 and u2 retained from September
        "ci,u1,2025-10-01T09:00:00Z,build,true,",
        "ci,u1,2025-10-02T09:00:00Z,build,false,",
        "ci,u4,2025-10-03T09:00:00Z,build,,",
        "ci,u2,2025-10-04T09:00:00Z,deploy,true,",
        "ci,u2,2025-10-05T09:00:00Z,view,,",
        # November: u1, u2 active, both retained
        "ci,u1,2025-11-10T09:00:00Z,build,true,",
        "ci,u2,2025-11-11T09:00:00Z,build,true,",
        "ci,u2,2025-11-12T09:00:00Z,deploy,false,",
        # December: u1, u3, u5 active; only u1 retained from November
        "ci,u1,2025-12-01T09:00:00Z,deploy,true,",
        "ci,u3,2025-12-02T09:00:00Z,build,true,",
        "ci,u5,2025-12-31T23:30:00Z,build,true,",
        # January: after the window
        "ci,u1,2026-01-05T09:00:00Z,build,true,",
        # another product in the window
        "hr,h1,2025-11-05T09:00:00Z,request,true,",
    ],
}


@pytest.fixture(scope="module")
def scenario_engine(
    make_database: Callable[[], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """FOLDER imported into a fresh database (tests here only read it)."""
    eng = db.create_engine_for(make_database())
    import_folder(eng, write_folder(tmp_path_factory.mktemp("scenario_csv"), FOLDER))
    yield eng
    eng.dispose()


def test_baseline_months_count_users_retention_and_costs_by_category(scenario_engine) -> None:
    months, _ = store.fetch_scenario_baseline_frames(scenario_engine, "ci", "2025-12")
    assert [pd.Timestamp(m).strftime("%Y-%m") for m in months["month"]] == [
        "2025-10",
        "2025-11",
        "2025-12",
    ]
    assert months["active_users"].tolist() == [3, 2, 3]  # {u1,u2,u4}, {u1,u2}, {u1,u3,u5}
    assert months["prev_active_users"].tolist() == [3, 3, 2]  # Sep {u1,u2,u3}, Oct, Nov
    assert months["retained_users"].tolist() == [2, 2, 1]  # {u1,u2}, {u1,u2}, {u1}
    assert months["headcount"].tolist() == [30000, 30000, 30000]
    assert months["infrastructure"].tolist() == [4000, 5000, 6000]
    assert months["licenses"].tolist() == [1000, 1000, 1000]
    assert months["other"].tolist() == [0, 3000, 0]
    assert months["cost_rows"].tolist() == [3, 4, 3]


def test_baseline_actions_sum_attempts_and_outcomes_over_the_window(scenario_engine) -> None:
    _, actions = store.fetch_scenario_baseline_frames(scenario_engine, "ci", "2025-12")
    rows = {r.action: r for r in actions.itertuples()}
    assert sorted(rows) == ["build", "deploy"]  # 'view' has no task baseline; hr is apart
    # build: Oct true, false, empty; Nov true, true; Dec true, true (January left out)
    assert (rows["build"].events, rows["build"].succeeded_true, rows["build"].succeeded_false) == (
        7,
        5,
        1,
    )
    # deploy: Oct true; Nov false; Dec true
    assert (
        rows["deploy"].events,
        rows["deploy"].succeeded_true,
        rows["deploy"].succeeded_false,
    ) == (3, 2, 1)
    assert (rows["deploy"].minutes_saved, rows["deploy"].confidence) == (30, 0.8)


def test_a_baseline_without_activity_keeps_its_task_baselines_with_zero_attempts(
    scenario_engine,
) -> None:
    _, actions = store.fetch_scenario_baseline_frames(scenario_engine, "ci", "2025-06")
    assert actions["events"].tolist() == [0, 0]


def test_baseline_matches_the_hand_worked_run_rates(scenario_engine) -> None:
    b = store.fetch_scenario_baseline(scenario_engine, "ci", "2025-12")
    assert b.months == ("2025-10", "2025-11", "2025-12")
    assert b.eligible_users == 10
    assert b.active_users == pytest.approx(8 / 3)
    assert b.tasks_per_user == pytest.approx(10 / 8)  # 10 attempts over 8 user-months
    assert b.success_rate == pytest.approx(7 / 9)
    assert b.minutes_saved == pytest.approx(12.0)  # (6 x 6 + 2 x 30) / 8 tasks done
    assert b.confidence == pytest.approx(1.1 / 1.6)
    assert b.churn == pytest.approx(3 / 8)  # 1 - (2 + 2 + 1) / (3 + 3 + 2)
    assert (b.headcount, b.infrastructure, b.other) == pytest.approx((30000, 6000, 1000))
    assert (b.loaded_hourly_cost, b.discount_rate, b.currency) == (100.0, 0.10, "USD")


def test_baseline_run_rate_is_the_report_of_the_same_three_months(scenario_engine) -> None:
    b = store.fetch_scenario_baseline(scenario_engine, "ci", "2025-12")
    report = report_json(build_report(scenario_engine, Period("2025-10", "2025-12"), "ci"))
    buyer = report["products"][0]["buyer"]
    # 1.1 risk-adjusted hours x 100 = 110; cost 90,000 + 18,000 + 3,000 = 111,000
    assert b.risk_adjusted_savings * 3 == pytest.approx(buyer["risk_adjusted_savings"]) == 110
    assert b.cost * 3 == pytest.approx(buyer["cost"]) == 111_000
    assert b.hours_saved * 3 == pytest.approx(buyer["hours_saved"])


def test_no_change_projection_continues_the_actuals(scenario_engine) -> None:
    b = store.fetch_scenario_baseline(scenario_engine, "ci", "2025-12")
    monthly = sc.project(b, sc.baseline_drivers(b)).monthly
    assert monthly["month"].iloc[0] == "2026-01"  # the month after the window
    assert monthly["risk_adjusted_savings"].to_numpy() == pytest.approx(110 / 3)
    assert monthly["cost"].to_numpy() == pytest.approx(37_000)


def test_an_unknown_product_has_no_baseline(scenario_engine) -> None:
    with pytest.raises(LookupError):
        store.fetch_scenario_baseline(scenario_engine, "nope", "2025-12")


def test_a_hostile_product_id_is_only_ever_a_bound_value(scenario_engine) -> None:
    with pytest.raises(LookupError):
        store.fetch_scenario_baseline(scenario_engine, "ci' OR '1'='1", "2025-12")
    assert len(store.fetch_products(scenario_engine)) == 2


# ---------------------------------------------------------------- saved scenarios


@pytest.fixture
def products_engine(engine: Engine, tmp_path: Path) -> Engine:
    """A fresh database holding the two products only (tests here write)."""
    import_folder(engine, write_folder(tmp_path / "csv", {"products.csv": FOLDER["products.csv"]}))
    return engine


DRIVERS = {"team_fte": 4.0, "adoption_target": 0.8, "cut": False}


def test_the_scenarios_table_is_migration_two(products_engine) -> None:
    with products_engine.connect() as conn:
        versions = conn.execute(sa.text("SELECT version FROM schema_migrations")).scalars().all()
    assert 2 in versions


def test_a_saved_scenario_comes_back_with_its_drivers_author_and_times(products_engine) -> None:
    scenario_id = store.save_scenario(
        products_engine, product_id="ci", name="Two more engineers", author="Ana", drivers=DRIVERS
    )
    saved = store.fetch_scenarios(products_engine, "ci")
    assert saved["scenario_id"].tolist() == [scenario_id]
    row = saved.iloc[0]
    assert (row["name"], row["author"], row["drivers"]) == ("Two more engineers", "Ana", DRIVERS)
    assert row["created_at"] == row["updated_at"]
    assert store.fetch_scenarios(products_engine, "hr").empty


def test_a_taken_name_is_refused_unless_overwrite(products_engine) -> None:
    store.save_scenario(products_engine, product_id="ci", name="Plan", author="", drivers=DRIVERS)
    with pytest.raises(store.ScenarioConflict, match="already exists"):
        store.save_scenario(
            products_engine, product_id="ci", name="Plan", author="", drivers={"team_fte": 9}
        )
    assert store.fetch_scenarios(products_engine, "ci").iloc[0]["drivers"] == DRIVERS
    store.save_scenario(
        products_engine,
        product_id="ci",
        name="Plan",
        author="Bo",
        drivers={"team_fte": 9},
        overwrite=True,
    )
    saved = store.fetch_scenarios(products_engine, "ci")
    assert len(saved) == 1
    assert (saved.iloc[0]["drivers"], saved.iloc[0]["author"]) == ({"team_fte": 9}, "Bo")
    assert saved.iloc[0]["updated_at"] > saved.iloc[0]["created_at"]


def test_names_are_unique_per_product_not_across_products(products_engine) -> None:
    store.save_scenario(products_engine, product_id="ci", name="Plan", author="", drivers=DRIVERS)
    store.save_scenario(products_engine, product_id="hr", name="Plan", author="", drivers=DRIVERS)
    assert len(store.fetch_scenarios(products_engine, "hr")) == 1


@pytest.mark.parametrize(
    "name", ["'; DROP TABLE products; --", "<script>alert(1)</script>", 'Robert"); --']
)
def test_hostile_names_and_authors_are_stored_as_plain_values(products_engine, name: str) -> None:
    store.save_scenario(products_engine, product_id="ci", name=name, author=name, drivers=DRIVERS)
    saved = store.fetch_scenarios(products_engine, "ci")
    assert (saved.iloc[0]["name"], saved.iloc[0]["author"]) == (name, name)
    assert len(store.fetch_products(products_engine)) == 2  # products is still there


def test_rename_refuses_a_name_the_product_already_uses(products_engine) -> None:
    first = store.save_scenario(products_engine, product_id="ci", name="A", author="", drivers={})
    store.save_scenario(products_engine, product_id="ci", name="B", author="", drivers={})
    with pytest.raises(store.ScenarioConflict):
        store.rename_scenario(products_engine, product_id="ci", scenario_id=first, new_name="B")
    store.rename_scenario(products_engine, product_id="ci", scenario_id=first, new_name="C")
    assert store.fetch_scenarios(products_engine, "ci")["name"].tolist() == ["B", "C"]


def test_rename_and_delete_only_touch_the_named_products_scenario(products_engine) -> None:
    ci_id = store.save_scenario(products_engine, product_id="ci", name="A", author="", drivers={})
    with pytest.raises(store.ScenarioConflict):  # the id belongs to ci, not hr
        store.rename_scenario(products_engine, product_id="hr", scenario_id=ci_id, new_name="Z")
    assert store.delete_scenario(products_engine, product_id="hr", scenario_id=ci_id) is False
    assert store.delete_scenario(products_engine, product_id="ci", scenario_id=ci_id) is True
    assert store.fetch_scenarios(products_engine, "ci").empty


def test_empty_names_never_reach_the_table(products_engine) -> None:
    with pytest.raises(ValueError, match="empty"):
        store.save_scenario(products_engine, product_id="ci", name="   ", author="", drivers={})
    with products_engine.connect() as conn, pytest.raises(sa.exc.IntegrityError):
        conn.execute(
            sa.text(
                "INSERT INTO scenarios (product_id, name, drivers) VALUES ('ci', ' ', '{}'::jsonb)"
            )
        )


# ---------------------------------------------------------------- the command line


@pytest.fixture
def cli_on(scenario_engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", scenario_engine.url.render_as_string(hide_password=False))
    db.reset_engine()
    yield
    db.reset_engine()


def test_the_cli_prints_the_headline_figures_and_bands_as_json(cli_on, scenario_engine, capsys):
    import json

    from valuemodel.cli.main import main

    argv = ["scenario", "--product", "ci", "--to", "2025-12", "--set", "team_fte=3"]
    assert main([*argv, "--set", "adoption_target=0.5", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    baseline = store.fetch_scenario_baseline(scenario_engine, "ci", "2025-12")
    drivers = sc.drivers_from_mapping(
        sc.baseline_drivers(baseline), {"team_fte": 3, "adoption_target": 0.5}
    )
    expected = sc.project(baseline, drivers).headline
    assert result["scenario"]["npv"] == pytest.approx(expected.npv, abs=0.01)
    assert result["scenario"]["roi"] == pytest.approx(expected.roi, abs=1e-4)
    assert result["baseline"]["months"] == ["2025-10", "2025-11", "2025-12"]
    assert result["drivers"]["team_fte"] == 3
    assert result["draws"] >= 5_000
    bands = result["bands"]
    assert len(bands["months"]) == len(bands["p10"]) == 36
    assert all(
        a <= b <= c for a, b, c in zip(bands["p10"], bands["p50"], bands["p90"], strict=True)
    )
    assert set(result["npv_distribution"]) >= {"p10", "p50", "p90", "probability_negative"}
    assert result["delta"]["npv"] == pytest.approx(
        result["scenario"]["npv"] - result["baseline_projection"]["npv"], abs=0.02
    )


def test_the_cli_models_a_cut(cli_on, capsys):
    import json

    from valuemodel.cli.main import main

    assert (
        main(["scenario", "--product", "ci", "--to", "2025-12", "--cut", "--format", "json"]) == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["cut"] is True
    assert result["scenario"]["cost"] < result["baseline_projection"]["cost"]
    assert result["scenario"]["hours_saved"] < result["baseline_projection"]["hours_saved"]


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["--product", "nope"], "unknown product"),
        (["--product", "ci", "--set", "team_size=3"], "unknown driver"),
        (["--product", "ci", "--set", "success_rate=2"], "success_rate must be 0 to 1"),
        (["--product", "ci", "--set", "team_fte"], "not DRIVER=VALUE"),
        (["--product", "ci", "--to", "2025-13"], "not a month"),
        (["--product", "ci", "--draws", "0"], "--draws"),
    ],
)
def test_the_cli_refuses_bad_input_with_one_line(cli_on, capsys, argv, reason):
    from valuemodel.cli.main import main

    assert main(["scenario", *argv]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert reason in err
