"""Issue 15 against a real PostgreSQL: values PostgreSQL would refuse are refused first,
corrections (--replace-months), deleting a product, the import lock, and the CLI's
one-line answers for pipes, links and plain input errors."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.conftest import run_cli
from tests.sql.csvdata import PORTFOLIO, snapshot, table_names, write_folder
from valuemodel.core.months import parse_period
from valuemodel.data import importer
from valuemodel.data.importer import ImportRefused, delete_product, import_folder
from valuemodel.data.report import build_report

SMALL = {
    "products.csv": ["ci,CI Platform,Platform,10,2023-05-01", "hr,HR Self-Service,People,4,"],
    "costs.csv": ["ci,2025-01,headcount,100", "ci,2025-01,licenses,7", "hr,2025-01,other,3"],
    "task_baselines.csv": ["ci,build,30,0.5,time study"],
    "surveys.csv": ["ci,u1,2025-01-20T10:00:00Z,9", "ci,u2,2025-02-20T10:00:00+02:00,4"],
    "usage_events.csv": [
        "ci,u1,2025-01-05T10:00:00Z,build,true,12.5",
        "ci,u1,2025-01-06T10:00:00Z,build,false,",
        "ci,u2,2025-02-05T10:00:00Z,build,,",
        "hr,h1,2025-01-06T10:00:00Z,submit,true,",
    ],
}


def url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def rows(engine: Engine, sql: str, **params: object) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql), params)]


def scalar(engine: Engine, sql: str, **params: object) -> object:
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


# ---------------------------------------------------------------- 1, 2: refused before writing


def test_a_far_future_timestamp_is_refused_and_the_report_still_runs(
    engine: Engine, tmp_path: Path
) -> None:
    import_folder(engine, write_folder(tmp_path / "good", SMALL))
    before = snapshot(engine)
    bad = {"usage_events.csv": ["ci,u9,9999-12-31T23:00:00-05:00,build,true,"]}
    with pytest.raises(ImportRefused) as refused:
        import_folder(engine, write_folder(tmp_path / "bad", bad))
    assert refused.value.lines[0].startswith(
        "usage_events.csv:2: occurred_at: '9999-12-31T23:00:00-05:00' is outside 2000-01-01"
    )
    assert snapshot(engine) == before
    assert build_report(engine, parse_period("2025-01", "2025-02"), None).products


def test_an_offset_postgresql_refuses_is_a_line_of_the_file_not_unexpected(
    engine: Engine, tmp_path: Path
) -> None:
    folder = write_folder(
        tmp_path / "in",
        {**SMALL, "usage_events.csv": ["ci,u1,2025-01-05T10:00:00+18:00,build,true,"]},
    )
    done = run_cli("import", str(folder), database_url=url(engine))
    assert done.returncode == 1
    assert (
        "usage_events.csv:2: occurred_at: '2025-01-05T10:00:00+18:00' has a UTC offset "
        "outside -15:59 to +15:59"
    ) in done.stderr.splitlines()
    assert "unexpected" not in done.stderr
    assert scalar(engine, "SELECT count(*) FROM products") == 0


def test_a_database_error_during_the_write_is_one_line_naming_the_file(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A rule only the database knows (a check added by an administrator) refuses a row.
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE costs ADD CONSTRAINT small CHECK (amount < 50)")
    with pytest.raises(ImportRefused) as refused:
        import_folder(engine, write_folder(tmp_path / "in", SMALL))
    [line] = refused.value.lines
    assert line.startswith("costs.csv: the database refused it (")
    assert "Nothing was imported" in line
    assert scalar(engine, "SELECT count(*) FROM products") == 0


# ---------------------------------------------------------------- 10: negative cost


def test_a_negative_cost_is_refused_and_nothing_is_written(engine: Engine, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", {**SMALL, "costs.csv": ["ci,2025-01,other,-5000000"]})
    with pytest.raises(ImportRefused) as refused:
        import_folder(engine, folder)
    assert refused.value.lines == ["costs.csv:2: amount: '-5000000' must be 0 or more"]
    assert scalar(engine, "SELECT count(*) FROM products") == 0


# ---------------------------------------------------------------- 12: corrections


def test_a_corrected_export_with_replace_months_leaves_exactly_the_new_events(
    engine: Engine, tmp_path: Path
) -> None:
    import_folder(engine, write_folder(tmp_path / "first", SMALL))
    # The corrected export of ci, January: one event moved by an hour, one dropped.
    corrected = {
        "usage_events.csv": ["ci,u1,2025-01-05T11:00:00Z,build,true,12.5"],
        "costs.csv": ["ci,2025-01,headcount,90"],
        "surveys.csv": ["ci,u3,2025-01-21T10:00:00Z,10"],
    }
    import_folder(engine, write_folder(tmp_path / "fix", corrected), replace_months=True)
    events = rows(
        engine,
        "SELECT product_id, user_id, occurred_at AT TIME ZONE 'UTC' FROM usage_events "
        "ORDER BY 1, 3",
    )
    assert [(p, u, str(t)) for p, u, t in events] == [
        ("ci", "u1", "2025-01-05 11:00:00"),  # the corrected January of ci
        ("ci", "u2", "2025-02-05 10:00:00"),  # February is not in the file: kept
        ("hr", "h1", "2025-01-06 10:00:00"),  # another product's January: kept
    ]
    assert rows(engine, "SELECT product_id, category, amount::text FROM costs ORDER BY 1, 2") == [
        ("ci", "headcount", "90.00"),
        ("hr", "other", "3.00"),
    ]
    assert rows(engine, "SELECT user_id FROM surveys ORDER BY 1") == [("u2",), ("u3",)]
    # The rollups follow: ci's January has one event on one day.
    assert rows(
        engine,
        "SELECT events, active_days FROM rollup_user_month "
        "WHERE product_id = 'ci' AND month = '2025-01-01'",
    ) == [(1, 1)]


def test_without_replace_months_a_moved_event_leaves_both(engine: Engine, tmp_path: Path) -> None:
    import_folder(engine, write_folder(tmp_path / "first", SMALL))
    moved = {"usage_events.csv": ["ci,u1,2025-01-05T11:00:00Z,build,true,12.5"]}
    import_folder(engine, write_folder(tmp_path / "fix", moved))
    assert scalar(engine, "SELECT count(*) FROM usage_events WHERE product_id = 'ci'") == 4


def test_the_cli_replace_months_flag(engine: Engine, tmp_path: Path) -> None:
    import_folder(engine, write_folder(tmp_path / "first", SMALL))
    fix = write_folder(
        tmp_path / "fix", {"usage_events.csv": ["ci,u1,2025-01-05T11:00:00Z,build,true,"]}
    )
    done = run_cli("import", "--replace-months", str(fix), database_url=url(engine))
    assert done.returncode == 0, done.stderr
    assert scalar(engine, "SELECT count(*) FROM usage_events WHERE product_id = 'ci'") == 2


# ---------------------------------------------------------------- 12: deleting a product


def test_delete_product_removes_it_and_everything_that_names_it(
    engine: Engine, tmp_path: Path
) -> None:
    import_folder(engine, write_folder(tmp_path / "in", PORTFOLIO))
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO scenarios (product_id, name, drivers) VALUES ('ci', 'x', '{}')"
        )
    keep = snapshot(engine)
    deleted = delete_product(engine, "ci")
    assert deleted["products"] == 1 and deleted["usage_events"] > 0
    after = snapshot(engine)
    for table in table_names(engine):
        columns = [
            c
            for (c,) in rows(
                engine,
                "SELECT column_name FROM information_schema.columns WHERE table_name = :t",
                t=table,
            )
        ]
        if "product_id" in columns:
            assert scalar(engine, f"SELECT count(*) FROM \"{table}\" WHERE product_id = 'ci'") == 0
            # Other products' rows are untouched.
            assert [r for r in keep[table] if '"product_id":"ci"' not in r] == after[table]
    assert rows(engine, "SELECT product_id FROM rollup_product_month GROUP BY 1 ORDER BY 1")
    assert ("ci",) not in rows(engine, "SELECT product_id FROM rollup_product_month")


def test_delete_product_of_an_unknown_id_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    import_folder(engine, write_folder(tmp_path / "in", SMALL))
    before = snapshot(engine)
    with pytest.raises(LookupError):
        delete_product(engine, "nope")
    assert snapshot(engine) == before


def test_the_cli_delete_product_needs_yes(engine: Engine, tmp_path: Path) -> None:
    import_folder(engine, write_folder(tmp_path / "in", SMALL))
    done = run_cli("delete-product", "hr", database_url=url(engine))
    assert done.returncode == 1 and "--yes" in done.stderr
    assert scalar(engine, "SELECT count(*) FROM usage_events WHERE product_id = 'hr'") == 1
    done = run_cli("delete-product", "hr", "--yes", database_url=url(engine))
    assert done.returncode == 0, done.stderr
    assert scalar(engine, "SELECT count(*) FROM usage_events WHERE product_id = 'hr'") == 0
    assert scalar(engine, "SELECT count(*) FROM products") == 1


# ---------------------------------------------------------------- 12: one import at a time


def test_a_second_import_waits_for_the_first_and_says_so(engine: Engine, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", SMALL)
    messages: list[str] = []
    holder_ready = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with engine.begin() as conn:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(7265011)"))
            holder_ready.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    holder_ready.wait(10)
    done: list[float] = []
    worker = threading.Thread(
        target=lambda: (import_folder(engine, folder, progress=messages.append), done.append(1))
    )
    worker.start()
    time.sleep(1.5)
    assert not done, "the second import did not wait"
    assert "Another import is running; waiting for it to finish..." in messages
    release.set()
    holder.join(10)
    worker.join(30)
    assert done
    assert scalar(engine, "SELECT count(*) FROM usage_events") == 4


# ---------------------------------------------------------------- 10: the command line


def test_the_cli_refuses_a_fifo_without_hanging(engine: Engine, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", SMALL)
    os.mkfifo(folder / "surveys.csv.tmp")
    (folder / "surveys.csv").unlink()
    os.rename(folder / "surveys.csv.tmp", folder / "surveys.csv")
    done = run_cli("import", str(folder), database_url=url(engine), timeout=30)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0].startswith("surveys.csv: not a regular file")
    assert scalar(engine, "SELECT count(*) FROM products") == 0


def test_the_cli_refuses_a_symlink_without_echoing_its_target(
    engine: Engine, tmp_path: Path
) -> None:
    folder = write_folder(tmp_path / "in", SMALL)
    (folder / "products.csv").unlink()
    (folder / "products.csv").symlink_to("/etc/passwd")
    done = run_cli("import", str(folder), database_url=url(engine), timeout=30)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0].startswith("products.csv: a symbolic link")
    assert "root:" not in done.stderr


def test_demo_with_too_few_events_is_a_plain_input_error(engine: Engine) -> None:
    done = run_cli("demo", "--events", "1000", database_url=url(engine))
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("error: ") and "at least" in line, line
    assert "unexpected" not in line


def test_the_import_log_names_the_folder_not_its_path(engine: Engine, tmp_path: Path) -> None:
    import_folder(engine, write_folder(tmp_path / "nightly", SMALL))
    assert scalar(engine, "SELECT source FROM import_log") == "folder nightly"
    assert str(tmp_path) not in str(rows(engine, "SELECT source FROM import_log"))


def test_uploads_are_capped_but_a_folder_is_not(engine: Engine, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", SMALL)
    with pytest.raises(ImportRefused):
        import_folder(engine, folder, max_file_bytes=10)
    assert importer.import_folder(engine, folder).rows["usage_events.csv"] == 4
