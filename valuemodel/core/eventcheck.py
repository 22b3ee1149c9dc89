"""Validate usage_events.csv in bounded memory: Arrow's streaming CSV reader, Arrow's
compute kernels for the rules, and the exact pandas checks of `csvcheck` only for a chunk
that holds a problem.

Pure: reads a file or bytes, never a database. The fast path decides "every row of this
chunk is certainly valid" with vectorised kernels (no per-value Python); it is stricter
than `csvcheck` (anything unusual, such as a date-only timestamp with an offset, sends
the chunk to the exact checks), so it never accepts what `csvcheck` refuses, and the
reasons a user reads always come from `csvcheck`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from valuemodel.core import csvcheck
from valuemodel.core.contract import FILES_BY_NAME

EVENTS = FILES_BY_NAME["usage_events.csv"]
BLOCK_BYTES = 16 * 2**20  # one chunk of the file: a few hundred thousand events

# The schema of a validated chunk, as it goes to PostgreSQL's COPY.
TYPED = pa.schema(
    [
        ("product_id", pa.string()),
        ("user_id", pa.string()),
        ("occurred_at", pa.timestamp("us", tz="UTC")),
        ("action", pa.string()),
        ("succeeded", pa.bool_()),
        ("duration_seconds", pa.float64()),
    ]
)

# A validated chunk as the fast path hands it on: the instants typed (for the months),
# the rest the validated text (for COPY).
TEXT = pa.schema(
    [
        ("product_id", pa.string()),
        ("user_id", pa.string()),
        ("occurred_at", pa.timestamp("us", tz="UTC")),
        ("action", pa.string()),
        ("succeeded", pa.string()),
        ("duration_seconds", pa.string()),
    ]
)

# An id the fast path accepts: 1 to MAX_ID_LENGTH characters, no control character, no
# space (ASCII or Unicode) at either end. Anything else goes to the exact checks.
_ID_BAD = r"^[\s\pZ\x{85}]|[\s\pZ\x{85}]$|[\x00-\x1f\x7f]"
# A timestamp the fast path accepts: a zone only after a time, the offset within 15:59.
_FAST_TIMESTAMP = (
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-](0\d|1[0-5])(:?[0-5]\d)?)?)?$"
)
_ZONED = r"(Z|[+-]\d\d(:?\d\d)?)$"
_NUMBER = csvcheck._NUMBER.pattern


@dataclass(frozen=True)
class MultilineText:
    """CSV text (UTF-8, LF line ends) whose quoted fields may hold line breaks: read with
    Arrow's slower multi-line parser. Only for a file the exact validator accepted."""

    data: bytes


Source = Path | bytes | MultilineText


def open_source(source: Source) -> pa.NativeFile:
    """A readable Arrow stream over a file path or bytes."""
    if isinstance(source, MultilineText):
        return pa.BufferReader(source.data)
    if isinstance(source, bytes):
        return pa.BufferReader(source)
    return pa.OSFile(str(source), "rb")


def normalised_csv(data: bytes) -> MultilineText:
    """The bytes of a file the exact validator accepted, as Arrow's multi-line parser
    reads them (no byte order mark, LF line ends)."""
    text, problem = csvcheck.decode(EVENTS.name, data)
    if problem is not None or text is None:  # pragma: no cover - validated before
        raise ValueError(str(problem))
    return MultilineText(text.encode("utf-8"))


def read_batches(source: Source) -> Iterator[pa.RecordBatch]:
    """The file's records as all-string Arrow batches, about BLOCK_BYTES of text at a time.

    The file is cut at line ends into pieces and each piece parsed on its own, so memory
    holds one piece whatever the size of the file (Arrow's own streaming reader kept
    growing with it). Cutting at line ends is exact because this reader refuses quoted
    line breaks anyway. Raises pyarrow.ArrowException on anything structural (a wrong
    field count, invalid UTF-8, a quoted newline, a header that differs): the caller
    then validates the file exactly.
    """
    if isinstance(source, MultilineText):
        yield from _read_multiline(source)
        return
    with io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb") as handle:
        header = handle.readline()
        try:
            names = next(csv.reader([header.decode("utf-8-sig")]), [])
        except (UnicodeDecodeError, csv.Error) as exc:
            raise pa.ArrowInvalid(str(exc)) from exc
        if tuple(names) != EVENTS.header:
            raise pa.ArrowInvalid("header differs from the contract")
        while True:
            piece = handle.read(BLOCK_BYTES)
            if not piece:
                return
            if not piece.endswith(b"\n"):
                piece += handle.readline()
            if not piece.strip():
                continue
            if b"\x00" in piece:
                raise pa.ArrowInvalid("a NUL byte: not a text CSV")
            try:
                table = pcsv.read_csv(
                    pa.py_buffer(piece),
                    read_options=pcsv.ReadOptions(column_names=list(EVENTS.header)),
                    parse_options=pcsv.ParseOptions(newlines_in_values=False),
                    convert_options=_CONVERT,
                )
            except (UnicodeDecodeError, ValueError) as exc:
                raise pa.ArrowInvalid(str(exc)) from exc
            del piece
            yield from table.combine_chunks().to_batches()


_CONVERT = pcsv.ConvertOptions(
    column_types={name: pa.string() for name in EVENTS.header},
    strings_can_be_null=False,
    quoted_strings_can_be_null=False,
)


def _read_multiline(source: MultilineText) -> Iterator[pa.RecordBatch]:
    try:
        reader = pcsv.open_csv(
            open_source(source),
            read_options=pcsv.ReadOptions(block_size=BLOCK_BYTES),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=_CONVERT,
        )
        names = tuple(reader.schema.names)
    except (UnicodeDecodeError, ValueError) as exc:
        raise pa.ArrowInvalid(str(exc)) from exc
    if names != EVENTS.header:
        raise pa.ArrowInvalid("header differs from the contract")
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except (UnicodeDecodeError, ValueError) as exc:
            raise pa.ArrowInvalid(str(exc)) from exc
        yield batch


@dataclass
class ChunkOutcome:
    """A validated chunk (typed, ready for COPY) or the problems found in it."""

    typed: pa.RecordBatch | None
    months: set[tuple[str, dt.date]] = field(default_factory=set)


def _any(mask: pa.Array) -> bool:
    return bool(pc.any(mask, skip_nulls=False).as_py() or False)


def _id_ok(column: pa.Array) -> bool:
    lengths = pc.utf8_length(column)
    if pc.min(lengths).as_py() == 0 or pc.max(lengths).as_py() > csvcheck.MAX_ID_LENGTH:
        return False
    return not _any(pc.match_substring_regex(column, _ID_BAD))


def fast_typed(
    batch: pa.RecordBatch, products: pa.Array | None, now: dt.datetime
) -> pa.RecordBatch | None:
    """The chunk as typed columns when every row is certainly valid, else None."""
    if batch.num_rows == 0:
        return pa.RecordBatch.from_pylist([], schema=TYPED)
    product, user, stamp, action, succeeded, duration = (
        batch.column(name) for name in EVENTS.header
    )
    if not (_id_ok(product) and _id_ok(user) and _id_ok(action)):
        return None
    if products is not None and not pc.all(pc.is_in(product, value_set=products)).as_py():
        return None
    if not pc.all(pc.match_substring_regex(stamp, _FAST_TIMESTAMP)).as_py():
        return None
    date_only = pc.equal(pc.utf8_length(stamp), 10)
    zoned = pc.and_(pc.match_substring_regex(stamp, _ZONED), pc.invert(date_only))
    text = pc.if_else(
        zoned,
        stamp,
        pc.if_else(
            date_only,
            pc.binary_join_element_wise(stamp, pa.scalar("T00:00Z"), pa.scalar("")),
            pc.binary_join_element_wise(stamp, pa.scalar("Z"), pa.scalar("")),
        ),
    )
    try:
        instants = pc.cast(text, pa.timestamp("us", tz="UTC"))
    except pa.ArrowException:
        return None  # an impossible date or time: the exact checks say which
    first = pa.scalar(csvcheck.FIRST_INSTANT, pa.timestamp("us", tz="UTC"))
    last = pa.scalar(now + csvcheck.FUTURE_SLACK, pa.timestamp("us", tz="UTC"))
    if pc.less(pc.min(instants), first).as_py() or pc.greater(pc.max(instants), last).as_py():
        return None
    lowered = pc.utf8_lower(succeeded)
    if not pc.all(pc.is_in(lowered, value_set=pa.array(["", "true", "false"]))).as_py():
        return None
    empty = pc.equal(duration, "")
    if not pc.all(pc.or_(empty, pc.match_substring_regex(duration, _NUMBER))).as_py():
        return None
    try:
        seconds = pc.cast(pc.if_else(empty, pa.scalar(None, pa.string()), duration), pa.float64())
    except pa.ArrowException:
        return None
    if seconds.null_count < len(seconds):
        low, high = pc.min(seconds).as_py(), pc.max(seconds).as_py()
        # Well inside MAX_NUMBER (the exact check rounds to cents first).
        if low is None or low < 0 or high >= csvcheck.MAX_NUMBER * 0.9:
            return None
    # What COPY receives is the validated text itself (PostgreSQL parses every form the
    # rules accept, in UTC for a timestamp without offset): formatting typed values again
    # would cost more than the whole COPY. Empty optional fields become NULL.
    none = pa.scalar(None, pa.string())
    return pa.RecordBatch.from_arrays(
        [
            product,
            user,
            instants,
            action,
            pc.if_else(pc.equal(lowered, ""), none, succeeded),
            pc.if_else(empty, none, duration),
        ],
        schema=TEXT,
    )


def chunk_frame(batch: pa.RecordBatch) -> pd.DataFrame:
    """The chunk as the all-text pandas frame `csvcheck` checks."""
    return batch.to_pandas()


def exact_problems(
    batch: pa.RecordBatch,
    first_record: int,
    known_products: frozenset[str] | None,
    result: csvcheck.Validation,
    now: dt.datetime,
) -> None:
    """Run csvcheck's checks on one chunk; problems carry record numbers (0-based, over
    the whole file) as their line until `number_lines` turns them into lines."""
    frame = chunk_frame(batch)
    records = np.arange(first_record, first_record + batch.num_rows, dtype=np.int64)
    parsed = csvcheck.ParsedFile(EVENTS, frame, records, "")
    csvcheck.check_values(parsed, result, now)
    if known_products is None:
        return  # products.csv of the import was refused: its own problem comes first
    values = frame["product_id"].astype(str)
    unknown = ((values != "") & ~values.isin(known_products)).to_numpy()
    csvcheck._report(
        result,
        parsed,
        "product_id",
        unknown,
        "unknown product {v!r} (not in products.csv of this import nor in the database)",
    )


def number_lines(source: Source, result: csvcheck.Validation) -> None:
    """Turn the record numbers of `result`'s problems into physical lines (the header is
    line 1), reading the file once more with the csv module (only when there are
    problems, so a valid import never pays for it)."""
    wanted = sorted({p.line for p in result.problems if p.line >= 0})
    if not wanted:
        return
    lines: dict[int, int] = {}
    raw = source.data if isinstance(source, MultilineText) else source
    handle = (
        io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline="")
        if isinstance(raw, bytes)
        else open(raw, encoding="utf-8-sig", newline="")  # noqa: SIM115
    )
    with handle:
        reader = csv.reader(handle)
        start = 1
        record = -1  # the header is record -1
        target = iter(wanted)
        goal = next(target)
        for row in reader:
            line = start
            start = reader.line_num + 1
            if not row or (len(row) == 1 and row[0] == ""):
                continue
            if record == goal:
                lines[goal] = line
                goal = next(target, -2)
                if goal == -2:
                    break
            record += 1
    result.problems = [
        csvcheck.Problem(p.file, lines.get(p.line, p.line + 2), p.column, p.reason)
        for p in result.problems
    ]


def validate_stream(
    source: Source,
    known_products: frozenset[str] | None,
    now: dt.datetime,
    on_chunk: Callable[[pa.RecordBatch, pa.RecordBatch], None] = lambda _chunk, _raw: None,
) -> csvcheck.Validation:
    """Validate the events file chunk by chunk, handing each valid chunk (typed) to
    `on_chunk` until the first problem; every later chunk is still checked, so all the
    file's problems are counted. Raises pyarrow.ArrowException on a structural problem
    (the caller validates the whole file exactly instead)."""
    result = csvcheck.Validation()
    products = None if known_products is None else pa.array(sorted(known_products), pa.string())
    record = 0
    for batch in read_batches(source):
        typed = fast_typed(batch, products, now) if result.ok else None
        if typed is None:
            exact_problems(batch, record, known_products, result, now)
            if result.ok:  # the fast path was only cautious: the chunk is valid
                typed = fast_typed_exact(batch)
        if typed is not None and result.ok:
            on_chunk(typed, batch)
        record += batch.num_rows
    if not result.ok:
        number_lines(source, result)
    return result


def fast_typed_exact(batch: pa.RecordBatch) -> pa.RecordBatch:
    """A chunk the exact checks accepted, typed with pandas' parser (the cautious path:
    date-only timestamps with an offset and similar)."""
    import pandas as pd

    frame = chunk_frame(batch)
    instants = csvcheck._timestamps(frame["occurred_at"])
    lowered = frame["succeeded"].astype(str).str.lower()
    flags = pd.array([None if v == "" else v == "true" for v in lowered], dtype="boolean")
    seconds = pd.to_numeric(frame["duration_seconds"].replace("", None), errors="coerce")
    return pa.RecordBatch.from_arrays(
        [
            batch.column("product_id"),
            batch.column("user_id"),
            pa.array(instants.dt.tz_convert("UTC"), pa.timestamp("us", tz="UTC")),
            batch.column("action"),
            pa.array(flags, pa.bool_()),
            pa.array(seconds.astype(float), pa.float64()),
        ],
        schema=TYPED,
    )


def csv_payload(chunk: pa.RecordBatch, original: pa.RecordBatch | None = None) -> bytes:
    """A validated chunk as CSV text for COPY (no header; NULL is an unquoted empty
    field). With `original` (the chunk as read), the timestamps are sent as written."""
    if original is not None and chunk.schema == TEXT:
        columns = [
            original.column("occurred_at") if name == "occurred_at" else chunk.column(name)
            for name in EVENTS.header
        ]
        chunk = pa.RecordBatch.from_arrays(columns, names=list(EVENTS.header))
    out = pa.BufferOutputStream()
    pcsv.write_csv(chunk, out, pcsv.WriteOptions(include_header=False, quoting_style="needed"))
    payload: bytes = out.getvalue().to_pybytes()
    return payload
