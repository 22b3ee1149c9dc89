"""Load usage_events.csv in bounded memory, near the speed of a plain COPY.

One pass over the file: each chunk is validated with Arrow's kernels
(`valuemodel.core.eventcheck`), typed, and sent by COPY into the import's landing
table, one partition per UTC month, while the next chunk is read (psycopg's queued
writer sends in a thread; PostgreSQL parses in its own process). Then each landed month
is settled: swapped in as usage_events' partition when the month holds no stored rows
(its primary key built once), merged by key when it does. A problem anywhere stops the
writing; the transaction is rolled back, so nothing is written, and every problem of the
file is still listed. Timings of each phase are kept for the benchmark.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
from psycopg import Cursor
from psycopg.copy import Copy, QueuedLibpqWriter
from sqlalchemy.engine import Connection

from valuemodel.core import csvcheck, eventcheck
from valuemodel.data import queries

Progress = Callable[[str], None]


@dataclass
class EventLoad:
    """What the load did: rows, product-months, and seconds per phase."""

    rows: int = 0
    product_months: set[tuple[str, dt.date]] = field(default_factory=set)
    months: set[dt.date] = field(default_factory=set)
    swapped: int = 0
    merged: int = 0
    phases: dict[str, float] = field(default_factory=dict)

    def add_time(self, phase: str, seconds: float) -> None:
        self.phases[phase] = self.phases.get(phase, 0.0) + seconds


class _Sink:
    """COPY into the landing table; a chunk with a month not seen yet closes the COPY,
    adds the landing partitions and opens a new one (a statement cannot run mid-COPY)."""

    def __init__(self, conn: Connection, cursor: Cursor, load: EventLoad):
        self.conn = conn
        self.cursor = cursor
        self.load = load
        self.copy: Copy | None = None
        self._context: contextlib.AbstractContextManager[Copy] | None = None

    def _open(self) -> Copy:
        context = self.cursor.copy(
            queries.sql("copy_landing"), writer=QueuedLibpqWriter(self.cursor)
        )
        self.copy = context.__enter__()
        self._context = context
        return self.copy

    def close(self) -> None:
        if self._context is not None:
            started = time.perf_counter()
            self._context.__exit__(None, None, None)
            self.load.add_time("copy_wait", time.perf_counter() - started)
        self._context = None
        self.copy = None

    def abort(self, exc: BaseException) -> None:
        if self._context is not None:
            # The transaction is rolled back anyway: a failing COPY end changes nothing.
            with contextlib.suppress(Exception):
                self._context.__exit__(type(exc), exc, exc.__traceback__)
        self._context = None
        self.copy = None

    def write(self, typed: pa.RecordBatch, original: pa.RecordBatch) -> None:
        started = time.perf_counter()
        months = pc.floor_temporal(typed.column("occurred_at"), unit="month")
        pairs = (
            pa.table({"product_id": typed.column("product_id"), "month": months})
            .group_by(["product_id", "month"])
            .aggregate([])
        )
        found = {
            (p, m.date())
            for p, m in zip(
                pairs.column("product_id").to_pylist(),
                pairs.column("month").to_pylist(),
                strict=True,
            )
        }
        new_months = {m for _, m in found} - self.load.months
        self.load.product_months |= found
        payload = eventcheck.csv_payload(typed, original)
        self.load.add_time("encode", time.perf_counter() - started)
        if new_months:
            self.close()
            for month in sorted(new_months):
                self.conn.execute(queries.q("landing_add_month"), {"month": month})
            self.load.months |= new_months
        copy = self.copy if self.copy is not None else self._open()
        started = time.perf_counter()
        copy.write(payload)
        self.load.add_time("copy_send", time.perf_counter() - started)
        self.load.rows += typed.num_rows


def load_events(
    conn: Connection,
    cursor: Cursor,
    source: eventcheck.Source,
    known_products: frozenset[str] | None,
    *,
    now: dt.datetime,
    replace_months: bool,
    say: Progress,
) -> tuple[EventLoad, csvcheck.Validation]:
    """Validate and land the events file, then settle every month; inside the caller's
    transaction. Returns the load and the validation (not ok: the caller rolls back)."""
    load = EventLoad()
    started = time.perf_counter()
    conn.exec_driver_sql(queries.sql("events_session"))
    conn.exec_driver_sql(queries.sql("landing_create"))
    sink = _Sink(conn, cursor, load)
    say("Loading usage_events.csv (validated chunk by chunk)...")
    try:
        checked = eventcheck.validate_stream(source, known_products, now, sink.write)
    except BaseException as exc:
        sink.abort(exc)
        raise
    if not checked.ok:
        sink.abort(RuntimeError("refused"))
        return load, checked
    sink.close()
    load.add_time("validate_and_copy", time.perf_counter() - started)

    started = time.perf_counter()
    pairs = sorted(load.product_months)
    if pairs:
        conn.execute(
            queries.q("event_months_insert"),
            {"products": [p for p, _ in pairs], "months": [m for _, m in pairs]},
        )
    if replace_months:
        conn.exec_driver_sql(queries.sql("replace_months_usage_events"))
    load.add_time("replace", time.perf_counter() - started)

    started = time.perf_counter()
    say(f"Settling {len(load.months)} month(s) of events ({load.rows:,} rows)...")
    for month in sorted(load.months):
        how = conn.execute(queries.q("landing_settle_month"), {"month": month}).scalar()
        if how == "swapped":
            load.swapped += 1
        else:
            load.merged += 1
    conn.exec_driver_sql(queries.sql("landing_drop"))
    conn.exec_driver_sql(queries.sql("touch_from_events"))
    load.add_time("settle", time.perf_counter() - started)
    return load, checked
