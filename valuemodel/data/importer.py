"""Import a folder (or uploaded files) of CSVs: validate everything, then write once.

Validation is complete before the first write; the write is one transaction (COPY into
temporary staging tables, upsert by natural key, rollups rebuilt for the product-months
touched), so a bad file changes nothing and re-importing a folder changes nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from valuemodel.core.csvcheck import StoredKeys, Validation, file_problem, validate
from valuemodel.data import queries
from valuemodel.data.schema import ensure_schema

Progress = Callable[[str], None]
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class ImportRefused(Exception):
    """The input was refused; `lines` says why, one problem a line. Nothing was written."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: rows per file, product-months rebuilt, and seconds taken."""

    rows: dict[str, int]
    touched_months: int
    seconds: float

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def read_folder(folder: Path) -> dict[str, bytes]:
    """The CSV files of `folder` by name. Raises ImportRefused with one line on bad input."""
    if not folder.exists():
        raise ImportRefused([f"{folder}: no such folder"])
    if not folder.is_dir():
        raise ImportRefused([f"{folder}: not a folder (give the folder that holds the CSV files)"])
    contents: dict[str, bytes] = {}
    problems: list[str] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir():
            continue
        if path.suffix.lower() != ".csv":
            problems.append(
                str(file_problem(path.name, "not a CSV file (only .csv files are read)"))
            )
            continue
        contents[path.name] = path.read_bytes()
    if problems:
        raise ImportRefused(problems)
    if not contents:
        raise ImportRefused([f"{folder}: no CSV files found"])
    return contents


def stored_keys(conn: Connection) -> StoredKeys:
    """The product, objective and key result ids already in the database."""
    return StoredKeys(
        products=frozenset(conn.execute(queries.q("stored_product_ids")).scalars()),
        objectives=frozenset(conn.execute(queries.q("stored_objective_ids")).scalars()),
        key_results=frozenset(conn.execute(queries.q("stored_kr_ids")).scalars()),
        releases=frozenset(
            (str(pid), str(rid)) for pid, rid in conn.execute(queries.q("stored_release_keys"))
        ),
    )


def import_contents(
    engine: Engine,
    contents: dict[str, bytes],
    *,
    source: str,
    progress: Progress | None = None,
    max_file_bytes: int | None = None,
) -> ImportResult:
    """Validate and load `contents` (file name -> bytes). Raises ImportRefused on bad input.

    max_file_bytes caps each file (uploads pass MAX_UPLOAD_BYTES; a folder has no cap).
    """
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    ensure_schema(engine)
    for name, data in contents.items():
        if max_file_bytes is not None and len(data) > max_file_bytes:
            raise ImportRefused(
                [str(file_problem(name, f"larger than {max_file_bytes // 2**20} MB; split it"))]
            )
    with engine.connect() as conn:
        stored = stored_keys(conn)
    say(f"Validating {len(contents)} file(s)...")
    checked: Validation = validate(contents, stored)
    if not checked.ok:
        raise ImportRefused(checked.report_lines())

    rows: dict[str, int] = {}
    with engine.begin() as conn:
        conn.exec_driver_sql(queries.sql("create_stage_tables"))
        conn.exec_driver_sql(queries.sql("create_segment_stage_tables"))
        raw = conn.connection.driver_connection
        if raw is None:  # pragma: no cover - SQLAlchemy always has one inside begin()
            raise RuntimeError("no DBAPI connection inside the import transaction")
        with raw.cursor() as cursor:
            for parsed in checked.files:
                table = parsed.spec.table
                if f"stage_{table}" in queries.names():
                    # Files added later keep their staging table beside their own queries.
                    conn.exec_driver_sql(queries.sql(f"stage_{table}"))
                say(f"Loading {parsed.spec.name} ({parsed.rows:,} rows)...")
                with cursor.copy(queries.sql(f"copy_{table}")) as copy:
                    data = parsed.copy_text.encode("utf-8")
                    step = 8 * 2**20
                    for offset in range(0, len(data), step):
                        copy.write(data[offset : offset + step])
                conn.exec_driver_sql(queries.sql(f"upsert_{table}"))
                rows[parsed.spec.name] = parsed.rows
        names = set(rows)
        if "usage_events.csv" in names:
            conn.exec_driver_sql(queries.sql("touch_from_events"))
        if "surveys.csv" in names:
            conn.exec_driver_sql(queries.sql("touch_from_surveys"))
        conn.exec_driver_sql(queries.sql("analyze_loaded"))
        say("Refreshing rollups...")
        touched = refresh_touched(conn)
        if names & SEGMENT_INPUTS:
            conn.exec_driver_sql(queries.sql("segment_products_all"))
        refresh_segments(conn)
        conn.execute(
            queries.q("record_import"), {"source": source[:500], "files": json.dumps(rows)}
        )
    return ImportResult(rows=rows, touched_months=touched, seconds=time.perf_counter() - started)


def refresh_touched(conn: Connection) -> int:
    """Rebuild the rollups of the product-months in stage_touched; return how many."""
    count = conn.execute(queries.q("count_touched")).scalar() or 0
    if count:
        for name in (
            "refresh_rollup_user_day",
            "refresh_rollup_user_month",
            "refresh_rollup_product_month",
            "refresh_rollup_lifecycle",  # lifecycle and cohorts: after user_month
            "refresh_rollup_action_month",
            "refresh_rollup_survey_month",
            "refresh_rollup_user_action_month",
        ):
            conn.exec_driver_sql(queries.sql(name))
        conn.exec_driver_sql(queries.sql("create_segment_products_table"))
        conn.exec_driver_sql(queries.sql("segment_products_from_touched"))
    return int(count)


# Files whose rows change every product's segment rollup (who is where, who is eligible,
# which actions count as tasks).
SEGMENT_INPUTS = frozenset({"people.csv", "eligibility.csv", "task_baselines.csv"})


def refresh_segments(conn: Connection) -> None:
    """Rebuild the per segment rollup of the products listed in stage_segment_products."""
    conn.exec_driver_sql(queries.sql("create_segment_products_table"))
    conn.exec_driver_sql(queries.sql("refresh_rollup_segment_month"))


def refresh_all(engine: Engine) -> int:
    """Rebuild every rollup from the raw tables; return the product-months rebuilt."""
    ensure_schema(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql(queries.sql("create_touched_table"))
        conn.exec_driver_sql(queries.sql("touch_everything"))
        touched = refresh_touched(conn)
        conn.exec_driver_sql(queries.sql("create_segment_products_table"))
        conn.exec_driver_sql(queries.sql("segment_products_all"))
        refresh_segments(conn)
        return touched


def import_folder(
    engine: Engine, folder: Path, *, progress: Progress | None = None
) -> ImportResult:
    """Import every CSV file of `folder` (see import_contents)."""
    return import_contents(engine, read_folder(folder), source=str(folder), progress=progress)
