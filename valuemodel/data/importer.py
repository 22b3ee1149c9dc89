"""Import a folder (or uploaded files) of CSVs: validate everything, then write once.

Validation is complete before the first write; the write is one transaction (COPY into
temporary staging tables, upsert by natural key, rollups rebuilt for the product-months
touched), so a bad file changes nothing and re-importing a folder changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import stat
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pyarrow as pa
import sqlalchemy.exc
from sqlalchemy.engine import Connection, Engine

from valuemodel.core import eventcheck
from valuemodel.core.csvcheck import StoredKeys, Validation, file_problem, validate
from valuemodel.data import eventload, queries
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
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def read_folder(folder: Path) -> dict[str, bytes]:
    """The CSV files of `folder` by name, read. Raises ImportRefused with one line on bad
    input (see folder_files)."""
    return {name: path.read_bytes() for name, path in folder_files(folder).items()}


def folder_files(folder: Path) -> dict[str, Path]:
    """The CSV files of `folder` by name (regular files only, none opened yet). Raises
    ImportRefused with one line on bad input."""
    if not folder.exists():
        raise ImportRefused([f"{folder}: no such folder"])
    if not folder.is_dir():
        raise ImportRefused([f"{folder}: not a folder (give the folder that holds the CSV files)"])
    files: dict[str, Path] = {}
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
        files[path.name] = path
    if problems:
        raise ImportRefused(problems)
    if not files:
        raise ImportRefused([f"{folder}: no CSV files found"])
    return files


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
    contents: Mapping[str, bytes | Path],
    *,
    source: str,
    progress: Progress | None = None,
    max_file_bytes: int | None = None,
    replace_months: bool = False,
    now: dt.datetime | None = None,
) -> ImportResult:
    """Validate and load `contents` (file name -> bytes, or the path of the file).
    Raises ImportRefused on bad input, having written nothing.

    max_file_bytes caps each file (uploads pass MAX_UPLOAD_BYTES; a folder has no cap).
    With `replace_months`, the files are the truth for the product-months they cover:
    the stored events, survey responses and cost rows of those months are deleted first
    (in the same transaction), so a corrected export leaves no ghost rows.
    usage_events.csv is streamed from its path in chunks (memory does not grow with it);
    the other files are small and validated whole.
    """
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    when = now or dt.datetime.now(dt.UTC)
    ensure_schema(engine)
    for name, data in contents.items():
        size = len(data) if isinstance(data, bytes) else data.stat().st_size
        if max_file_bytes is not None and size > max_file_bytes:
            raise ImportRefused(
                [str(file_problem(name, f"larger than {max_file_bytes // 2**20} MB; split it"))]
            )
    events = contents.get(EVENTS_FILE)
    small = {
        name: data if isinstance(data, bytes) else data.read_bytes()
        for name, data in contents.items()
        if name != EVENTS_FILE
    }
    with engine.connect() as conn:
        stored = stored_keys(conn)
    say(f"Validating {len(contents)} file(s)...")
    checked: Validation = validate(small, stored, now=when)
    known = _known_products(checked, small, stored)
    if not checked.ok:
        if events is not None:  # list the events' own problems too, writing nothing
            _merge(checked, _events_only(events, known, stored, when))
        raise ImportRefused(checked.report_lines(), checked.problem_count)

    rows: dict[str, int] = {}
    current = ["the import"]
    try:
        touched, phases = _write(
            engine, checked, rows, current, source, say, replace_months, events, known, when
        )
    except _EventsRefused as refused:
        raise ImportRefused(refused.checked.report_lines(), refused.checked.problem_count) from None
    except (psycopg.Error, sqlalchemy.exc.DBAPIError) as exc:
        if current[0] == EVENTS_FILE and events is not None and _is_duplicate(exc):
            # Two rows with the same key: the primary key of the month found them; the
            # exact validator names the lines (only on this failure path).
            exact = _events_only(events, known, stored, when, exact=True)
            if not exact.ok:
                raise ImportRefused(exact.report_lines(), exact.problem_count) from None
        refusal = database_refusal(current[0], exc)
        if refusal is None:
            raise
        raise ImportRefused([refusal], 1) from exc
    return ImportResult(
        rows=rows,
        touched_months=touched,
        seconds=time.perf_counter() - started,
        phases=phases,
    )


EVENTS_FILE = "usage_events.csv"


class _EventsRefused(Exception):
    """The events file had problems while streaming (the transaction rolls back)."""

    def __init__(self, checked: Validation):
        super().__init__("usage_events.csv refused")
        self.checked = checked


def _known_products(
    checked: Validation, small: Mapping[str, bytes], stored: StoredKeys
) -> frozenset[str] | None:
    """Products rows may name: stored or in products.csv; None when products.csv of the
    import was refused (its problem comes first; the references are not checked)."""
    imported: set[str] = set()
    for parsed in checked.files:
        if parsed.spec.name == "products.csv":
            imported = set(parsed.frame["product_id"].astype(str))
    if "products.csv" in small and not any(p.spec.name == "products.csv" for p in checked.files):
        return None
    return frozenset(stored.products | imported)


def _merge(into: Validation, other: Validation) -> None:
    into.problems.extend(other.problems)
    into.problem_count += other.problem_count


def _events_only(
    events: bytes | Path,
    known: frozenset[str] | None,
    stored: StoredKeys,
    when: dt.datetime,
    *,
    exact: bool = False,
) -> Validation:
    """The events file's problems, writing nothing (streamed unless `exact`)."""
    if not exact:
        try:
            return eventcheck.validate_stream(events, known, when)
        except pa.ArrowException:
            pass
    data = events if isinstance(events, bytes) else events.read_bytes()
    keys = StoredKeys(products=known if known is not None else frozenset())
    result = validate({EVENTS_FILE: data}, keys, now=when)
    if known is None:  # references into a refused products.csv are not problems
        result.problems = [p for p in result.problems if "unknown product" not in p.reason]
        result.problem_count = len(result.problems)
    return result


def _is_duplicate(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", exc)
    return getattr(orig, "sqlstate", None) in ("23505", "21000")


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
    events: bytes | Path | None,
    known: frozenset[str] | None,
    when: dt.datetime,
) -> tuple[int, dict[str, float]]:
    """The write transaction; `current[0]` names the file being written (for errors).
    Returns the product-months rebuilt and seconds per phase."""
    phases: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(phase: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases[phase] = phases.get(phase, 0.0) + now - mark
        mark = now

    with engine.begin() as conn:
        take_import_lock(conn, say)
        conn.exec_driver_sql(queries.sql("create_stage_tables"))
        conn.exec_driver_sql(queries.sql("create_segment_stage_tables"))
        raw = conn.connection.driver_connection
        if raw is None:  # pragma: no cover - SQLAlchemy always has one inside begin()
            raise RuntimeError("no DBAPI connection inside the import transaction")
        lap("prepare")
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
            lap("other_files")
            if events is not None:
                current[0] = EVENTS_FILE
                loaded = _load_events(conn, cursor, events, known, when, replace_months, say)
                rows[EVENTS_FILE] = loaded.rows
                phases.update({f"events_{k}": v for k, v in loaded.phases.items()})
                lap("events")
        current[0] = "the rollup refresh"
        if "surveys.csv" in rows:
            conn.exec_driver_sql(queries.sql("touch_from_surveys"))
        conn.exec_driver_sql(queries.sql("analyze_loaded"))
        lap("analyze")
        say("Refreshing rollups...")
        touched = refresh_touched(conn, phases)
        started = time.perf_counter()
        if set(rows) & SEGMENT_INPUTS:
            conn.exec_driver_sql(queries.sql("segment_products_all"))
        refresh_segments(conn)
        phases["rollup_segments"] = time.perf_counter() - started
        mark = time.perf_counter()
        conn.execute(
            queries.q("record_import"), {"source": source[:500], "files": json.dumps(rows)}
        )
    lap("commit")
    return touched, phases


def _load_events(
    conn: Connection,
    cursor: psycopg.Cursor,
    events: bytes | Path,
    known: frozenset[str] | None,
    when: dt.datetime,
    replace_months: bool,
    say: Progress,
) -> eventload.EventLoad:
    """Stream the events file into usage_events; _EventsRefused with its problems."""
    try:
        loaded, checked = eventload.load_events(
            conn, cursor, events, known, now=when, replace_months=replace_months, say=say
        )
    except pa.ArrowException:
        # Something the streaming reader does not take (a quoted line break, a wrong
        # field count, a bad header or encoding): validate exactly; refuse or load that.
        checked = _events_only(events, known, StoredKeys(), when, exact=True)
        if not checked.ok:
            raise _EventsRefused(checked) from None
        data = events if isinstance(events, bytes) else events.read_bytes()
        loaded, checked = eventload.load_events(
            conn,
            cursor,
            eventcheck.normalised_csv(data),
            known,
            now=when,
            replace_months=replace_months,
            say=say,
        )
    if not checked.ok:
        raise _EventsRefused(checked)
    return loaded


def take_import_lock(conn: Connection, say: Progress) -> None:
    """Hold the import lock for this transaction; when another import holds it, say so
    and wait for it to finish."""
    if not conn.execute(queries.q("import_lock_try")).scalar():
        say("Another import is running; waiting for it to finish...")
        conn.execute(queries.q("import_lock"))


# The per-import rollup refreshes, in order: each rebuilds the product-months listed in
# stage_touched. A new rollup adds its named block here (and to refresh_all's path).
ROLLUP_REFRESHES: tuple[str, ...] = (
    "refresh_rollup_user_day",
    "refresh_rollup_user_month",
    "refresh_rollup_product_month",
    "refresh_rollup_lifecycle",  # lifecycle and cohorts: after user_month
    "refresh_rollup_action_month",
    "refresh_rollup_survey_month",
    "refresh_rollup_user_action_month",
)


def refresh_touched(conn: Connection, phases: dict[str, float] | None = None) -> int:
    """Rebuild the rollups of the product-months in stage_touched; return how many.
    Seconds per refresh go into `phases` (as rollup_NAME) when given."""
    count = conn.execute(queries.q("count_touched")).scalar() or 0
    if count:
        for name in ROLLUP_REFRESHES:
            started = time.perf_counter()
            conn.exec_driver_sql(queries.sql(name))
            if phases is not None:
                key = "rollup_" + name.removeprefix("refresh_rollup_")
                phases[key] = phases.get(key, 0.0) + time.perf_counter() - started
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
        folder_files(folder),
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
