"""Import a folder (or uploaded files) of CSVs: validate everything, then write once.

Validation is complete before the first write; the write is one transaction (COPY into
temporary staging tables, upsert by natural key, rollups rebuilt for the product-months
touched), so a bad file changes nothing and re-importing a folder changes nothing.
"""

from __future__ import annotations

import json
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg
import sqlalchemy.exc
from sqlalchemy.engine import Connection, Engine

from valuemodel.core.csvcheck import StoredKeys, Validation, file_problem, validate
from valuemodel.data import queries
from valuemodel.data.schema import ensure_schema

Progress = Callable[[str], None]
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
# Tables whose stored rows of a product-month an import with replace_months deletes first.
REPLACEABLE = ("usage_events", "surveys", "costs")


class ImportRefused(Exception):
    """The input was refused; `lines` says why, one problem a line. Nothing was written.

    `count` is how many problems were found: `lines` lists at most the first fifty and
    then a line saying how many more, which is not itself a problem.
    """

    def __init__(self, lines: list[str], count: int | None = None):
        super().__init__("\n".join(lines))
        self.lines = lines
        self.count = len(lines) if count is None else count


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
        kind = _entry_kind(path)
        if kind == "folder":
            continue
        if path.suffix.lower() != ".csv":
            problems.append(
                str(file_problem(path.name, "not a CSV file (only .csv files are read)"))
            )
            continue
        if kind != "file":
            problems.append(str(file_problem(path.name, kind)))
            continue
        contents[path.name] = path.read_bytes()
    if problems:
        raise ImportRefused(problems)
    if not contents:
        raise ImportRefused([f"{folder}: no CSV files found"])
    return contents


def _entry_kind(path: Path) -> str:
    """'file', 'folder', or why the entry is not read (without following or opening it).

    A symbolic link could point at any file of the server (and its first line would be
    quoted back in the header problem); a FIFO or device would block the read forever.
    """
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        return "a symbolic link, which is not followed; copy the file itself into the folder"
    if stat.S_ISDIR(mode):
        return "folder"
    if not stat.S_ISREG(mode):
        return "not a regular file (a pipe, socket or device); copy the data into a file"
    return "file"


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
    replace_months: bool = False,
) -> ImportResult:
    """Validate and load `contents` (file name -> bytes). Raises ImportRefused on bad input.

    max_file_bytes caps each file (uploads pass MAX_UPLOAD_BYTES; a folder has no cap).
    With `replace_months`, the files are the truth for the product-months they cover:
    the stored events, survey responses and cost rows of those months are deleted first
    (in the same transaction), so a corrected export leaves no ghost rows.
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
        raise ImportRefused(checked.report_lines(), checked.problem_count)

    rows: dict[str, int] = {}
    current = ["the import"]
    try:
        touched = _write(engine, checked, rows, current, source, say, replace_months)
    except (psycopg.Error, sqlalchemy.exc.DBAPIError) as exc:
        refusal = database_refusal(current[0], exc)
        if refusal is None:
            raise
        raise ImportRefused([refusal], 1) from exc
    return ImportResult(rows=rows, touched_months=touched, seconds=time.perf_counter() - started)


def database_refusal(name: str, exc: BaseException) -> str | None:
    """One line naming the file and what to do, for a database error during an import.

    None for errors that are not about the data: a lost connection (the caller says the
    database is unreachable) and a role without write rights (the caller names the role).
    """
    orig = getattr(exc, "orig", exc)
    sqlstate = getattr(orig, "sqlstate", None) or ""
    if isinstance(orig, psycopg.OperationalError) and not sqlstate.startswith("22"):
        return None
    if sqlstate == "42501" or sqlstate.startswith("08"):
        return None
    detail = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    return (
        f"{name}: the database refused it ({detail}). Nothing was imported; fix the file "
        "(or report the line above to whoever maintains the dashboard) and import again."
    )


def _write(
    engine: Engine,
    checked: Validation,
    rows: dict[str, int],
    current: list[str],
    source: str,
    say: Progress,
    replace_months: bool,
) -> int:
    """The write transaction; `current[0]` names the file being written (for errors)."""
    with engine.begin() as conn:
        take_import_lock(conn, say)
        conn.exec_driver_sql(queries.sql("create_stage_tables"))
        conn.exec_driver_sql(queries.sql("create_segment_stage_tables"))
        raw = conn.connection.driver_connection
        if raw is None:  # pragma: no cover - SQLAlchemy always has one inside begin()
            raise RuntimeError("no DBAPI connection inside the import transaction")
        with raw.cursor() as cursor:
            for parsed in checked.files:
                current[0] = parsed.spec.name
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
                if replace_months and table in REPLACEABLE:
                    conn.exec_driver_sql(queries.sql(f"replace_months_{table}"))
                conn.exec_driver_sql(queries.sql(f"upsert_{table}"))
                rows[parsed.spec.name] = parsed.rows
        current[0] = "the rollup refresh"
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
    return touched


def take_import_lock(conn: Connection, say: Progress) -> None:
    """Hold the import lock for this transaction; when another import holds it, say so
    and wait for it to finish."""
    if not conn.execute(queries.q("import_lock_try")).scalar():
        say("Another import is running; waiting for it to finish...")
        conn.execute(queries.q("import_lock"))


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
    engine: Engine,
    folder: Path,
    *,
    progress: Progress | None = None,
    source: str | None = None,
    replace_months: bool = False,
    max_file_bytes: int | None = None,
) -> ImportResult:
    """Import every CSV file of `folder` (see import_contents)."""
    # The log names the folder, not its path: the Data page shows it to every viewer.
    return import_contents(
        engine,
        read_folder(folder),
        source=source or f"folder {folder.name}",
        progress=progress,
        replace_months=replace_months,
        max_file_bytes=max_file_bytes,
    )


def delete_product(
    engine: Engine, product_id: str, *, progress: Progress | None = None
) -> dict[str, int]:
    """Remove a product and every row that names it (raw data, rollups, scenarios), in one
    transaction under the import lock; return rows deleted per table.

    LookupError for an unknown product (nothing is written).
    """
    say = progress or (lambda _message: None)
    ensure_schema(engine)
    with engine.begin() as conn:
        take_import_lock(conn, say)
        if not conn.execute(queries.q("product_exists"), {"product_id": product_id}).scalar():
            raise LookupError(f"unknown product {product_id!r}: nothing was deleted")
        counts = conn.execute(queries.q("delete_product"), {"product_id": product_id}).scalar()
        deleted = {str(k): int(v) for k, v in dict(counts or {}).items()}
        conn.execute(
            queries.q("record_import"),
            {
                "source": f"delete-product {product_id}"[:500],
                "files": json.dumps({"deleted": sum(deleted.values())}),
            },
        )
    return deleted
