"""CSV import against a real PostgreSQL (DESIGN section 3): validate all, write once, upsert."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.conftest import run_cli
from tests.sql.csvdata import PORTFOLIO, snapshot, write_folder
from valuemodel.data.importer import ImportRefused, import_folder

SMALL = {
    "products.csv": ["ci,CI Platform,Platform,10,2023-05-01", "hr,HR Self-Service,People,4,"],
    "costs.csv": ["ci,2025-01,headcount,100", "ci,2025-02,headcount,100.50"],
    "task_baselines.csv": ["ci,build,30,0.5,time study"],
    "surveys.csv": ["ci,u1,2025-01-20T10:00:00Z,9", "ci,u2,2025-02-20T10:00:00+02:00,4"],
    "usage_events.csv": [
        "ci,u1,2025-01-05T10:00:00Z,build,true,12.5",
        "ci,u1,2024-12-31T23:30:00-05:00,build,false,",
        "ci,u2,2025-02-05T10:00:00,build,,",
        "hr,h1,2025-02-06T10:00:00Z,submit,true,",
    ],
}


def scalar(engine: Engine, sql: str, **params: object) -> object:
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def rows(engine: Engine, sql: str, **params: object) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql), params)]


def refused_lines(engine: Engine, folder: Path) -> list[str]:
    with pytest.raises(ImportRefused) as refused:
        import_folder(engine, folder)
    return refused.value.lines


# ---------------------------------------------------------------- loading


def test_importing_a_folder_loads_every_row(engine: Engine, tmp_path: Path) -> None:
    result = import_folder(engine, write_folder(tmp_path / "in", SMALL))
    assert result.rows == {name: len(lines) for name, lines in SMALL.items()}
    assert scalar(engine, "SELECT count(*) FROM products") == 2
    assert scalar(engine, "SELECT count(*) FROM costs") == 2
    assert scalar(engine, "SELECT count(*) FROM task_baselines") == 1
    assert scalar(engine, "SELECT count(*) FROM surveys") == 2
    assert scalar(engine, "SELECT count(*) FROM usage_events") == 4
    assert scalar(engine, "SELECT count(*) FROM import_log") == 1


def test_imported_values_keep_their_types_and_instants(engine: Engine, tmp_path: Path) -> None:
    import_folder(engine, write_folder(tmp_path / "in", SMALL))
    assert rows(
        engine, "SELECT product_id, eligible_users, launched_on::text FROM products ORDER BY 1"
    ) == [
        ("ci", 10, "2023-05-01"),
        ("hr", 4, None),
    ]
    assert scalar(engine, "SELECT amount::text FROM costs WHERE month = '2025-02-01'") == "100.50"
    # -05:00 23:30 on Dec 31 is 04:30 UTC on Jan 1; no offset means UTC
    events = rows(
        engine,
        "SELECT user_id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), "
        "succeeded, duration_seconds FROM usage_events ORDER BY occurred_at",
    )
    assert events == [
        ("u1", "2025-01-01 04:30", False, None),
        ("u1", "2025-01-05 10:00", True, 12.5),
        ("u2", "2025-02-05 10:00", None, None),
        ("h1", "2025-02-06 10:00", True, None),
    ]
    # 2025-02-20T10:00+02:00 is 08:00 UTC
    utc_time = "SELECT to_char(responded_at AT TIME ZONE 'UTC', 'HH24:MI') FROM surveys"
    assert scalar(engine, utc_time + " WHERE user_id = 'u2'") == "08:00"


def test_an_import_without_assumptions_keeps_the_defaults(engine: Engine, tmp_path: Path) -> None:
    import_folder(engine, write_folder(tmp_path / "in", SMALL))
    assert dict(rows(engine, "SELECT key, value FROM assumptions")) == {
        "loaded_hourly_cost": "100",
        "currency": "USD",
        "discount_rate": "0.10",
    }


def test_an_import_with_assumptions_replaces_them(engine: Engine, tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path / "in", {"assumptions.csv": ["currency,EUR", "discount_rate,0.05"]}
    )
    import_folder(engine, folder)
    assert dict(rows(engine, "SELECT key, value FROM assumptions")) == {
        "loaded_hourly_cost": "100",
        "currency": "EUR",
        "discount_rate": "0.05",
    }


def test_reimporting_the_same_folder_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", PORTFOLIO)
    import_folder(engine, folder)
    before = snapshot(engine, exclude=("import_log",))
    import_folder(engine, folder)
    assert snapshot(engine, exclude=("import_log",)) == before
    # only the log records that a second import ran
    assert scalar(engine, "SELECT count(*) FROM import_log") == 2


def test_a_folder_with_only_a_newer_month_appends_it(engine: Engine, tmp_path: Path) -> None:
    import_folder(engine, write_folder(tmp_path / "jan_feb", SMALL))
    march = {
        "costs.csv": ["ci,2025-03,headcount,90"],
        "usage_events.csv": [
            "ci,u1,2025-03-02T10:00:00Z,build,true,",
            "ci,u3,2025-03-03T10:00:00Z,build,true,",
        ],
    }
    result = import_folder(engine, write_folder(tmp_path / "mar", march))
    assert result.rows == {"costs.csv": 1, "usage_events.csv": 2}
    assert rows(engine, "SELECT month::text, amount::float FROM costs ORDER BY month") == [
        ("2025-01-01", 100.0),
        ("2025-02-01", 100.5),
        ("2025-03-01", 90.0),
    ]
    assert scalar(engine, "SELECT count(*) FROM usage_events") == 6  # 4 + 2
    assert scalar(engine, "SELECT count(*) FROM products") == 2  # untouched


def test_a_row_whose_key_exists_replaces_the_stored_row(engine: Engine, tmp_path: Path) -> None:
    import_folder(engine, write_folder(tmp_path / "first", SMALL))
    again = {
        "products.csv": ["ci,CI Platform v2,Platform,25,2023-05-01"],
        "costs.csv": ["ci,2025-02,headcount,75"],
        # the same instant as 2024-12-31T23:30:00-05:00, written in UTC
        "usage_events.csv": ["ci,u1,2025-01-01T04:30:00Z,build,true,8"],
        "surveys.csv": ["ci,u2,2025-02-20T08:00:00Z,10"],
    }
    import_folder(engine, write_folder(tmp_path / "second", again))
    assert rows(engine, "SELECT name, eligible_users FROM products WHERE product_id = 'ci'") == [
        ("CI Platform v2", 25)
    ]
    assert scalar(engine, "SELECT amount::float FROM costs WHERE month = '2025-02-01'") == 75.0
    assert scalar(engine, "SELECT count(*) FROM usage_events") == 4
    assert rows(
        engine,
        "SELECT succeeded, duration_seconds FROM usage_events "
        "WHERE occurred_at = '2025-01-01T04:30:00Z' AND user_id = 'u1'",
    ) == [(True, 8.0)]
    assert scalar(engine, "SELECT count(*) FROM surveys") == 2
    assert scalar(engine, "SELECT score FROM surveys WHERE user_id = 'u2'") == 10


def test_references_to_products_stored_by_an_earlier_import_are_accepted(
    engine: Engine, tmp_path: Path
) -> None:
    import_folder(
        engine, write_folder(tmp_path / "products", {"products.csv": SMALL["products.csv"]})
    )
    later = {
        "costs.csv": ["hr,2025-01,other,5"],
        "usage_events.csv": ["hr,h9,2025-01-09T09:00:00Z,submit,true,"],
        "objectives.csv": ["obj-1,Ship faster,company,,2025"],
        "key_results.csv": ["kr-1,obj-1,Deploys,count,0,10"],
    }
    import_folder(engine, write_folder(tmp_path / "later", later))
    links = {
        "metric_links.csv": ["hr,adoption,kr-1,asserted,"],
        "kr_measurements.csv": ["kr-1,2025-01,3"],
    }
    import_folder(engine, write_folder(tmp_path / "links", links))
    assert scalar(engine, "SELECT count(*) FROM metric_links") == 1
    assert scalar(engine, "SELECT value FROM kr_measurements") == 3.0


# ---------------------------------------------------------------- refusals


def test_a_bad_line_in_one_file_refuses_the_whole_folder_and_changes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    import_folder(engine, write_folder(tmp_path / "first", PORTFOLIO))
    before = snapshot(engine)  # every table, rollups and import log included
    bad = {name: list(lines) for name, lines in PORTFOLIO.items()}
    bad["costs.csv"].append("ci,2025-05,headcount,7")  # a new, valid row in another file
    bad["surveys.csv"] = [
        *bad["surveys.csv"][:2],
        "ci,u9,2025-04-09T10:00:00Z,11",
        *bad["surveys.csv"][2:],
    ]
    lines = refused_lines(engine, write_folder(tmp_path / "bad", bad))
    # header is line 1, so the third data row is line 4
    assert lines == ["surveys.csv:4: score: '11' must be a whole number from 0 to 10"]
    assert snapshot(engine) == before


def test_a_refused_first_import_leaves_the_database_empty(engine: Engine, tmp_path: Path) -> None:
    before = snapshot(engine)
    bad = dict(SMALL)
    bad["usage_events.csv"] = [*SMALL["usage_events.csv"], "ci,u1,2025-02-31T10:00:00Z,build,true,"]
    lines = refused_lines(engine, write_folder(tmp_path / "bad", bad))
    assert len(lines) == 1
    assert lines[0].startswith("usage_events.csv:6: occurred_at: '2025-02-31T10:00:00Z'")
    assert snapshot(engine) == before
    assert scalar(engine, "SELECT count(*) FROM products") == 0


def test_a_missing_folder_is_refused_in_one_line(shared_engine: Engine, tmp_path: Path) -> None:
    [line] = refused_lines(shared_engine, tmp_path / "nowhere")
    assert "nowhere" in line
    assert "\n" not in line


def test_a_file_given_instead_of_a_folder_is_refused_in_one_line(
    shared_engine: Engine, tmp_path: Path
) -> None:
    path = write_folder(tmp_path / "in", SMALL) / "products.csv"
    [line] = refused_lines(shared_engine, path)
    assert "not a folder" in line


def test_a_non_csv_file_in_the_folder_is_refused_in_one_line(
    shared_engine: Engine, tmp_path: Path
) -> None:
    folder = write_folder(tmp_path / "in", SMALL)
    (folder / "notes.txt").write_text("remember to import\n")
    [line] = refused_lines(shared_engine, folder)
    assert line.startswith("notes.txt: ")
    assert scalar(shared_engine, "SELECT count(*) FROM products") == 0


def test_an_empty_file_is_refused_in_one_line(shared_engine: Engine, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", SMALL)
    (folder / "surveys.csv").write_bytes(b"")
    [line] = refused_lines(shared_engine, folder)
    assert line.startswith("surveys.csv: ")
    assert "empty" in line
    assert scalar(shared_engine, "SELECT count(*) FROM products") == 0


def test_a_non_utf8_file_is_refused_in_one_line(shared_engine: Engine, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", SMALL)
    (folder / "products.csv").write_bytes(
        b"product_id,name,owner_team,eligible_users,launched_on\nci,Caf\xe9,Platform,10,\n"
    )
    [line] = refused_lines(shared_engine, folder)
    assert line.startswith("products.csv: ")
    assert "UTF-8" in line
    assert scalar(shared_engine, "SELECT count(*) FROM products") == 0


def test_an_empty_folder_is_refused_in_one_line(shared_engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    [line] = refused_lines(shared_engine, tmp_path / "empty")
    assert "no CSV files" in line


def test_an_unknown_csv_file_name_is_refused(shared_engine: Engine, tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", SMALL)
    (folder / "events.csv").write_text("a,b\n1,2\n")
    [line] = refused_lines(shared_engine, folder)
    assert line.startswith("events.csv: ")


# ---------------------------------------------------------------- the command line


def engine_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_cli_import_of_a_bad_folder_exits_1_with_the_problems_on_stderr(
    engine: Engine, tmp_path: Path
) -> None:
    bad = dict(SMALL)
    bad["costs.csv"] = ["ci,2025-13,headcount,100", "ci,2025-02,snacks,100"]
    done = run_cli(
        "import", str(write_folder(tmp_path / "bad", bad)), database_url=engine_url(engine)
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert "costs.csv:2: month: '2025-13' is not a month (YYYY-MM)" in done.stderr.splitlines()
    assert any(
        line.startswith("costs.csv:3: category: 'snacks'") for line in done.stderr.splitlines()
    )
    assert "Traceback" not in done.stderr
    assert scalar(engine, "SELECT count(*) FROM products") == 0


def test_cli_import_of_a_good_folder_exits_0_and_loads_it(engine: Engine, tmp_path: Path) -> None:
    done = run_cli(
        "import", str(write_folder(tmp_path / "in", SMALL)), database_url=engine_url(engine)
    )
    assert done.returncode == 0, done.stderr
    assert scalar(engine, "SELECT count(*) FROM usage_events") == 4


def test_cli_exits_2_with_one_line_when_the_database_is_unreachable(tmp_path: Path) -> None:
    done = run_cli(
        "import",
        str(write_folder(tmp_path / "in", SMALL)),
        database_url="postgresql://u:p@127.0.0.1:1/x",
    )
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert ":p@" not in done.stderr  # the password is never printed
