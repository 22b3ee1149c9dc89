"""The OKR blocks of sql/okr.sql and the monthly series behind each link, on a real
PostgreSQL, from a small hand-made import (LADDER below).

Facts used throughout (UTC months):
  objectives: co-1 (company, FY2025) <- org-1 (org, 2025-H1) <- team-1 (team, 2025-Q2);
              co-2 (company, no children)
  key results: kr-a under team-1, kr-b under co-1, kr-c under org-1 (never measured)
  ci (10 eligible): active users Jan..Jun 2025 = 1, 3, 2, 4, 2, 1 (one 'build' each,
                    true), none in Jul, 1 in Aug -> adoption .1 .3 .2 .4 .2 .1 0 .1
  ci build baseline 60 min x confidence 0.5; hourly cost 100 -> 50 risk-adjusted per
                    build: savings Jan..Aug = 50, 150, 100, 200, 100, 50, 0, 50
  hr (4 eligible): no events at all
  kr-a Feb..Jul = 10 x ci's active users one month earlier: 10, 30, 20, 40, 20, 10
  kr-b Mar, Jun, Aug = 5, 7, 6 (three measurements: never enough for r)
  links: ci adoption -> kr-a correlational; ci savings -> kr-b asserted;
         hr adoption -> kr-c causal
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from tests.sql.csvdata import write_folder
from valuemodel.core import metrics, okr
from valuemodel.data import db, store
from valuemodel.data.importer import import_folder
from valuemodel.data.report import link_strengths

CI_USERS = {"01": 1, "02": 3, "03": 2, "04": 4, "05": 2, "06": 1, "07": 0, "08": 1}


def _events() -> list[str]:
    rows = []
    for month, users in CI_USERS.items():
        for user in range(users):
            rows.append(f"ci,u{user},2025-{month}-1{user}T09:00:00Z,build,true,")
    return rows


LADDER: dict[str, list[str]] = {
    "products.csv": ["ci,CI Platform,Platform,10,", "hr,HR Self-Service,People,4,"],
    "objectives.csv": [
        "team-1,Make CI fast,team,org-1,2025-Q2",
        "org-1,Cut lead time,org,co-1,2025-H1",
        "co-1,Ship faster,company,,FY2025",
        'co-2,"Happier staff, fewer tickets",company,,FY2025',
    ],
    "key_results.csv": [
        "kr-a,team-1,Deploys per week,count,0,50",
        "kr-b,co-1,Lead time,hours,30,12",
        "kr-c,org-1,Never measured,%,1,2",
    ],
    "kr_measurements.csv": [
        "kr-a,2025-02,10",
        "kr-a,2025-03,30",
        "kr-a,2025-04,20",
        "kr-a,2025-05,40",
        "kr-a,2025-06,20",
        "kr-a,2025-07,10",
        "kr-b,2025-08,6",
        "kr-b,2025-03,5",
        "kr-b,2025-06,7",
    ],
    "metric_links.csv": [
        "ci,adoption,kr-a,correlational,Teams migrate first",
        "ci,savings,kr-b,asserted,",
        "hr,adoption,kr-c,causal,Pilot study",
    ],
    "task_baselines.csv": ["ci,build,60,0.5,time study"],
    "usage_events.csv": _events(),
}


@pytest.fixture(scope="module")
def ladder_engine(
    make_database: Callable[[], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A database holding LADDER, imported through import_folder (tests must not write)."""
    folder: Path = write_folder(tmp_path_factory.mktemp("ladder"), LADDER)
    eng = db.create_engine_for(make_database())
    import_folder(eng, folder)
    yield eng
    eng.dispose()


# ---------------------------------------------------------------- the objective tree


def test_objectives_are_listed_with_their_parents_company_level_first(
    ladder_engine: Engine,
) -> None:
    frame = store.fetch_objectives(ladder_engine)
    assert list(frame["objective_id"]) == ["co-1", "co-2", "org-1", "team-1"]
    parents = dict(zip(frame["objective_id"], frame["parent_id"], strict=True))
    assert parents["team-1"] == "org-1" and parents["org-1"] == "co-1"
    assert pd.isna(parents["co-1"])  # no parent: a top objective
    assert frame.set_index("objective_id").loc["co-2", "title"] == "Happier staff, fewer tickets"


def test_key_results_carry_their_latest_measurement_by_month(ladder_engine: Engine) -> None:
    frame = store.fetch_key_results(ladder_engine).set_index("kr_id")
    assert frame.loc["kr-a", "latest_month"] == pd.Timestamp("2025-07-01")
    assert frame.loc["kr-a", "latest_value"] == 10.0
    # kr-b's rows were imported out of order; August is still the latest
    assert frame.loc["kr-b", "latest_month"] == pd.Timestamp("2025-08-01")
    assert frame.loc["kr-b", "latest_value"] == 6.0
    assert pd.isna(frame.loc["kr-c", "latest_month"])
    assert math.isnan(frame.loc["kr-c", "latest_value"])
    assert (frame.loc["kr-b", "baseline"], frame.loc["kr-b", "target"]) == (30.0, 12.0)


def test_every_measurement_is_read_in_month_order(ladder_engine: Engine) -> None:
    frame = store.fetch_kr_measurements(ladder_engine)
    assert len(frame) == 9
    kr_b = frame[frame["kr_id"] == "kr-b"]
    assert list(kr_b["month"].dt.strftime("%Y-%m")) == ["2025-03", "2025-06", "2025-08"]
    assert list(kr_b["value"]) == [5.0, 7.0, 6.0]


def test_an_empty_database_has_no_objectives_key_results_or_measurements(engine: Engine) -> None:
    assert store.fetch_objectives(engine).empty
    assert store.fetch_key_results(engine).empty
    assert store.fetch_kr_measurements(engine).empty
    assert link_strengths(engine, None).empty


# ---------------------------------------------------------------- links and their series


def test_links_of_one_product_come_with_the_key_result_title_and_objective(
    ladder_engine: Engine,
) -> None:
    frame = store.fetch_links(ladder_engine, "ci")
    assert list(zip(frame["metric"], frame["kr_id"], strict=True)) == [
        ("adoption", "kr-a"),
        ("savings", "kr-b"),
    ]
    assert list(frame["kr_title"]) == ["Deploys per week", "Lead time"]
    assert list(frame["objective_id"]) == ["team-1", "co-1"]
    assert len(store.fetch_links(ladder_engine, None)) == 3


def test_link_measurements_cover_only_the_linked_key_results(ladder_engine: Engine) -> None:
    assert set(store.fetch_link_measurements(ladder_engine, "ci")["kr_id"]) == {"kr-a", "kr-b"}
    assert store.fetch_link_measurements(ladder_engine, "hr").empty  # kr-c is never measured


def test_the_active_span_runs_from_the_first_to_the_last_month_with_events(
    ladder_engine: Engine,
) -> None:
    assert store.fetch_active_spans(ladder_engine, None) == {"ci": ("2025-01", "2025-08")}


def test_the_monthly_series_over_the_span_give_adoption_and_savings_per_month(
    ladder_engine: Engine,
) -> None:
    first, last = store.fetch_active_spans(ladder_engine, "ci")["ci"]
    months = store.fetch_product_months(ladder_engine, first, last, "ci")
    values = metrics.monthly_values(
        months, store.fetch_assumptions(ladder_engine).loaded_hourly_cost
    )
    adoption = okr.metric_series(values, "ci", "adoption")
    savings = okr.metric_series(values, "ci", "savings")
    # adoption = users / 10; July has no events, which is adoption 0 (not undefined)
    assert list(adoption.round(4)) == [0.1, 0.3, 0.2, 0.4, 0.2, 0.1, 0.0, 0.1]
    # savings = builds x 60 min / 60 x 100 x 0.5 = 50 per build
    assert list(savings) == [50.0, 150.0, 100.0, 200.0, 100.0, 50.0, 0.0, 50.0]
    assert [m.strftime("%Y-%m") for m in adoption.index] == [f"2025-{m}" for m in CI_USERS]


def test_link_strengths_pair_the_series_by_the_best_lag(ladder_engine: Engine) -> None:
    frame = link_strengths(ladder_engine, None).set_index(["product_id", "metric"])
    # kr-a(m + 1) = 100 x adoption(m) for m = Jan..Jun: lag 1 gives 6 pairs and r = 1;
    # lag 0 pairs Feb..Jul (6 pairs) 0.3/10, 0.2/30, 0.4/20, 0.2/40, 0.1/20, 0/10:
    #   far from 1; lags 2 and 3 pair fewer than 6 months.
    adoption = frame.loc[("ci", "adoption")]
    assert adoption["lag_months"] == 1
    assert adoption["months"] == 6
    assert adoption["r"] == pytest.approx(1.0)
    # kr-b has 3 measurements; hr has no events and kr-c no measurements
    for key in (("ci", "savings"), ("hr", "adoption")):
        assert frame.loc[key, "r"] is None
        assert frame.loc[key, "lag_months"] is None
        assert frame.loc[key, "months"] is None


def test_the_aligned_series_show_the_pairs_behind_r(ladder_engine: Engine) -> None:
    first, last = store.fetch_active_spans(ladder_engine, "ci")["ci"]
    values = metrics.monthly_values(
        store.fetch_product_months(ladder_engine, first, last, "ci"), 100.0
    )
    kr = store.fetch_kr_measurements(ladder_engine)
    kr_a = kr[kr["kr_id"] == "kr-a"]
    frame = okr.aligned_series(
        okr.metric_series(values, "ci", "adoption"),
        pd.Series(kr_a["value"].to_numpy(), index=kr_a["month"]),
        1,
    ).dropna()
    # KR months Feb..Jul, each beside the adoption of the month before
    assert list(frame["month"].dt.strftime("%Y-%m")) == [f"2025-0{m}" for m in range(2, 8)]
    assert list((frame["key_result"] / frame["metric"]).round(6)) == [100.0] * 6
