"""Every named SQL block runs against a real PostgreSQL, and bound values stay values."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.sql.csvdata import PORTFOLIO, write_folder
from valuemodel.core.months import Period, ReportError
from valuemodel.data import db, queries, store
from valuemodel.data.importer import delete_product, import_folder, refresh_all
from valuemodel.data.report import build_report
from valuemodel.data.schema import ensure_schema

INJECTION = "'; DROP TABLE products; --"
EXPLAINABLE = re.compile(r"^\s*(SELECT|WITH|INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# COPY FROM STDIN, CHECKPOINT and reads of the bench table cannot run here;
# tests/sql/test_bench_sql.py runs them.
COVERED_BY_BENCH_TEST = {"bench_copy", "bench_checkpoint", "bench_copy_count"}
SELECT_START = re.compile(r"^\s*(SELECT|WITH)\b", re.IGNORECASE)


def body(name: str) -> str:
    """The block without its leading comment lines."""
    lines = queries.sql(name).splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("--")).strip()


def single_statement(name: str) -> bool:
    return body(name).rstrip(";").count(";") == 0


def is_select(name: str) -> bool:
    return bool(SELECT_START.match(body(name))) and single_statement(name)


def binds(name: str) -> list[str]:
    return list(queries.q(name).compile().params)


@pytest.fixture(scope="module")
def exercised(
    make_database: Callable[[], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[set[str]]:
    """Names of the blocks run by a schema build, an import, a refresh and a report."""
    used: set[str] = set()
    original = queries.sql

    def spy(name: str) -> str:
        used.add(name)
        return original(name)

    folder = write_folder(tmp_path_factory.mktemp("queries"), PORTFOLIO)
    # The people directory, eligibility rules, releases and rollouts, imported on top.
    directory = write_folder(
        tmp_path_factory.mktemp("queries_directory"),
        {
            "people.csv": ["u1,Engineering,Platform,Software engineer,Berlin,2024-01-01,"],
            "eligibility.csv": ["ci,org,Engineering"],
            "releases.csv": ["ci,r1,2025-02-10,Faster builds,feature"],
            "rollouts.csv": ["ci,r1,org,Engineering,2025-02-10"],
        },
    )
    engine = db.create_engine_for(make_database())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(queries, "sql", spy)
        ensure_schema(engine)
        import_folder(engine, folder)
        import_folder(engine, directory)
        refresh_all(engine)
        build_report(engine, Period("2025-01", "2025-04"))
        store.fetch_data_months(engine)
        store.fetch_coverage(engine)
        store.fetch_last_import(engine)
        import_folder(engine, folder, replace_months=True)
        delete_product(engine, "ci")
    engine.dispose()
    yield used


# ---------------------------------------------------------------- every block


@pytest.mark.parametrize("name", queries.names())
def test_every_named_block_is_run_by_the_main_flows_or_parses(
    name: str, exercised: set[str], shared_engine: Engine
) -> None:
    """Run by schema/import/refresh/report; else EXPLAINed (one SELECT or DML statement,
    binds NULL); else, without binds, run in a transaction that is rolled back."""
    if name in exercised or name in COVERED_BY_BENCH_TEST:
        return
    with shared_engine.connect() as conn:
        if EXPLAINABLE.match(body(name)) and single_statement(name):
            params = dict.fromkeys(binds(name))
            plan = conn.execute(sa.text("EXPLAIN " + queries.sql(name)), params).fetchall()
            assert plan
        else:
            assert binds(name) == [], f"{name}: not run by the main flows and cannot be EXPLAINed"
            with conn.begin() as transaction:
                conn.exec_driver_sql(queries.sql(name))
                transaction.rollback()


def test_the_main_flows_run_every_import_rollup_and_migration_block(exercised: set[str]) -> None:
    prefixes = ("copy_", "upsert_", "refresh_rollup_", "touch_", "migration_", "schema_")
    needed = [name for name in queries.names() if name.startswith(prefixes)]
    assert len(needed) > 30  # 11 copies, 11 upserts, 4 rollups, 3 touches, migrations
    assert sorted(set(needed) - exercised) == []


@pytest.mark.parametrize("name", queries.names())
def test_every_block_starts_with_a_one_line_comment(name: str) -> None:
    first = queries.sql(name).splitlines()[0]
    assert first.startswith("-- ") and len(first) > 5


@pytest.mark.parametrize("name", queries.names())
def test_no_block_holds_a_percent_sign(name: str) -> None:
    """Blocks run through the driver directly, where a % starts a placeholder: pass
    patterns as bound values instead."""
    assert "%" not in queries.sql(name)


def test_a_migration_block_name_is_numbered_and_every_number_is_applied(engine: Engine) -> None:
    migrations = [n for n in queries.names() if n.startswith("migration_")]
    assert migrations == sorted(migrations)
    with engine.connect() as conn:
        applied = list(conn.execute(queries.q("schema_applied_versions")).scalars())
    assert applied == [int(n.removeprefix("migration_")) for n in migrations]


def test_ensure_schema_twice_applies_nothing_the_second_time(engine: Engine) -> None:
    assert ensure_schema(engine) == []


# ---------------------------------------------------------------- reads on the portfolio


def test_key_results_all_gives_the_latest_measurement(portfolio_engine: Engine) -> None:
    with portfolio_engine.connect() as conn:
        found = [
            (r.kr_id, r.latest_month.isoformat(), r.latest_value)
            for r in conn.execute(queries.q("key_results_all"))
        ]
    # both measured last in May 2025: kr-ci 6, kr-hr 10
    assert found == [("kr-ci", "2025-05-01", 6.0), ("kr-hr", "2025-05-01", 10.0)]


def test_objectives_all_lists_the_objective_tree(portfolio_engine: Engine) -> None:
    with portfolio_engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(queries.q("objectives_all"))]
    assert rows == [("obj-1", "Ship faster", "company", None, "2025")]


def test_product_active_span_is_the_first_and_last_month_with_events(
    portfolio_engine: Engine,
) -> None:
    spans = store.fetch_active_spans(portfolio_engine)
    assert spans == {
        "ci": ("2024-12", "2025-04"),  # u4's event is Dec 31 23:30 UTC
        "dm": ("2025-03", "2025-04"),
        "hr": ("2024-09", "2025-04"),
    }


def test_data_months_span_every_product(portfolio_engine: Engine) -> None:
    assert store.fetch_data_months(portfolio_engine) == ("2024-09", "2025-04")


def test_data_months_are_none_on_an_empty_database(shared_engine: Engine) -> None:
    assert store.fetch_data_months(shared_engine) is None


def test_product_coverage_counts_events_users_and_cost_months(portfolio_engine: Engine) -> None:
    coverage = store.fetch_coverage(portfolio_engine).set_index("product_id")
    # ci: 12 events by u1..u4; cost months 2024-12, 2025-01, 2025-02, 2025-04
    assert coverage.loc["ci", "events"] == 12
    assert coverage.loc["ci", "users"] == 4
    assert coverage.loc["ci", "cost_months"] == 4
    assert coverage.loc["ci", "survey_responses"] == 6
    assert coverage.loc["hr", "active_months"] == 8
    assert coverage.loc["hr", "cost_months"] == 0
    assert pd.Timestamp(coverage.loc["dm", "last_day"]) == pd.Timestamp("2025-04-06")


def test_assumptions_all_reads_the_imported_values(portfolio_engine: Engine) -> None:
    assumptions = store.fetch_assumptions(portfolio_engine)
    assert (assumptions.loaded_hourly_cost, assumptions.currency, assumptions.discount_rate) == (
        60.0,
        "EUR",
        0.08,
    )


def test_last_import_names_the_folder_and_its_row_counts(
    portfolio_engine: Engine, portfolio_folder: Path
) -> None:
    last = store.fetch_last_import(portfolio_engine)
    assert last is not None
    assert last["source"] == f"folder {portfolio_folder.name}"
    assert last["files"]["usage_events.csv"] == len(PORTFOLIO["usage_events.csv"])  # type: ignore[index]


# ---------------------------------------------------------------- bound values stay values


@pytest.fixture
def small_engine(engine: Engine, tmp_path: Path) -> Engine:
    import_folder(engine, write_folder(tmp_path / "in", PORTFOLIO))
    return engine


def test_a_product_id_holding_sql_is_a_plain_value(small_engine: Engine) -> None:
    with small_engine.connect() as conn:
        found = conn.execute(queries.q("product_list"), {"product_id": INJECTION}).fetchall()
    assert found == []
    with small_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM products")).scalar() == 3


def test_every_product_filter_treats_sql_in_a_product_id_as_a_value(small_engine: Engine) -> None:
    assert store.fetch_products(small_engine, INJECTION).empty
    assert store.fetch_heart_goals(small_engine, INJECTION).empty
    assert store.fetch_links(small_engine, INJECTION).empty
    assert store.fetch_link_measurements(small_engine, INJECTION).empty
    assert store.fetch_active_spans(small_engine, INJECTION) == {}
    assert store.fetch_product_months(small_engine, "2025-01", "2025-04", INJECTION).empty
    with pytest.raises(ReportError):
        build_report(small_engine, Period("2025-01", "2025-04"), INJECTION)
    assert len(store.fetch_products(small_engine)) == 3


def test_an_imported_value_holding_sql_is_stored_as_text(engine: Engine, tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path / "in",
        {"products.csv": ['evil,"x\'); DROP TABLE products; --",Team,5,']},
    )
    import_folder(engine, folder)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT name FROM products")).scalar() == (
            "x'); DROP TABLE products; --"
        )
