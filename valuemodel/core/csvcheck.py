"""Validate CSV files against the contract before anything is written.

Pure: takes file contents (bytes) and the keys already stored, returns the parsed files
and every problem found as `FILE:LINE: COLUMN: reason`. Checks are vectorised with
pandas so a million-row file validates in seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from valuemodel.core.contract import (
    ASSUMPTION_KEYS,
    CURRENCIES,
    FILES,
    FILES_BY_NAME,
    MAX_MIN_SURVEY_RESPONSES,
    NOTE_AUTHOR_MAX,
    NOTE_TEXT_MAX,
    SEGMENT_ATTRIBUTES,
    TARGET_RANGES,
    UNKNOWN_SEGMENT,
    Column,
    FileSpec,
)

MAX_PROBLEMS_SHOWN = 50
MAX_ID_LENGTH = 200
MAX_TEXT_LENGTH = 2000
# The tightest numeric columns: costs.amount is numeric(16, 2), eligible_users an integer.
MAX_NUMBER = 1e14
MAX_INT = 2**31 - 1
# What the pages can show and PostgreSQL can store (DESIGN section 3, second round):
# money below a trillion; dates from 2000 to 2100; instants from 2000 to one day after now.
MAX_MONEY = 1e12
FIRST_DATE = dt.date(2000, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)
FIRST_INSTANT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
FUTURE_SLACK = dt.timedelta(days=1)

_INT = re.compile(r"^-?\d{1,12}$")
_NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d{1,3})?$")
# PostgreSQL has no year 0000 (1 BC is followed by AD 1). No look-ahead: without one,
# pandas hands the pattern to Arrow's regex engine instead of calling `re` per value.
_YEAR = r"([1-9]\d{3}|0[1-9]\d{2}|00[1-9]\d|000[1-9])"
_DATE = re.compile(r"^" + _YEAR + r"-\d{2}-\d{2}$")
_MONTH = re.compile(r"^" + _YEAR + r"-(0[1-9]|1[0-2])$")
_TIMESTAMP = re.compile(
    r"^" + _YEAR + r"-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$"
)
# An offset PostgreSQL refuses: hours 16 or more, or minutes 60 or more. The time part
# holds no sign, so the first sign after the date starts the offset.
_BAD_OFFSET = re.compile(r"^.{10}([T ][^+-]*)?[+-](1[6-9]|[2-9]\d|\d{2}:?[6-9]\d)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_CONTROL_ID = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, order=True)
class Problem:
    """One reason a file is refused. `line` is the physical line (the header is line 1)."""

    file: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        if self.line <= 0:
            return f"{self.file}: {self.reason}"
        return f"{self.file}:{self.line}: {self.column}: {self.reason}"


@dataclass
class ParsedFile:
    """A file that passed the structural checks.

    frame: one str column per contract column, one row per record.
    lines: the physical line each record starts on.
    copy_text: CSV text with a header, safe to hand to PostgreSQL's COPY as it is.
    """

    spec: FileSpec
    frame: pd.DataFrame
    lines: np.ndarray
    copy_text: str

    @property
    def rows(self) -> int:
        return len(self.frame)


@dataclass(frozen=True)
class StoredKeys:
    """Keys already in the database that imported rows may reference."""

    products: frozenset[str] = frozenset()
    objectives: frozenset[str] = frozenset()
    key_results: frozenset[str] = frozenset()
    releases: frozenset[tuple[str, str]] = frozenset()  # (product_id, release_id)


@dataclass
class Validation:
    """The outcome: parsed files in load order, and problems (all counted, some kept)."""

    files: list[ParsedFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)
        self.problem_count += 1

    def report_lines(self, limit: int = MAX_PROBLEMS_SHOWN) -> list[str]:
        """The first `limit` problems in file and line order, then how many more."""
        order = {spec.name: i for i, spec in enumerate(FILES)}
        shown = sorted(self.problems, key=lambda p: (order.get(p.file, -1), p.file, p.line))
        lines = [str(p) for p in shown[:limit]]
        if self.problem_count > limit:
            lines.append(f"... and {self.problem_count - limit:,} more problems")
        return lines


def file_problem(name: str, reason: str) -> Problem:
    """A problem with a whole file (no line)."""
    return Problem(name, 0, "", reason)


# ---------------------------------------------------------------- structure


def decode(name: str, data: bytes) -> tuple[str | None, Problem | None]:
    """UTF-8 text without BOM and with LF line ends, or the one-line reason it is not."""
    if not data.strip():
        return None, file_problem(name, "the file is empty (it needs at least the header row)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, file_problem(
            name, f"line {line} is not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        )
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, file_problem(name, f"line {line} contains a NUL byte: this is not a text CSV")
    return text.replace("\r\n", "\n"), None


def parse(spec: FileSpec, text: str, result: Validation) -> ParsedFile | None:
    """Split `text` into records; check header and field counts. None when refused."""
    fast = _parse_fast(spec, text)
    parsed = fast if fast is not None else _parse_exact(spec, text, result)
    if parsed is None:
        return None
    header = list(parsed.frame.columns)
    if tuple(header) != spec.header:
        result.add(Problem(spec.name, 1, "-", _header_reason(spec, header)))
        return None
    return parsed


def _header_reason(spec: FileSpec, header: list[str]) -> str:
    expected = list(spec.header)
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    parts = []
    if missing:
        parts.append("missing " + ", ".join(missing))
    if extra:
        parts.append("unexpected " + ", ".join(repr(c) for c in extra))
    if not parts:
        parts.append("columns are out of order")
    return f"header must be exactly {','.join(expected)} ({'; '.join(parts)})"


def _parse_fast(spec: FileSpec, text: str) -> ParsedFile | None:
    """pandas' C parser, taken only when every record is one plain line.

    Without quotes or stray carriage returns, pandas and COPY split a line identically,
    so the text can go to COPY as it is and record i starts on line i + 2.
    """
    if '"' in text or "\r" in text:
        return None
    physical = text.count("\n") + (0 if text.endswith("\n") else 1)
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            header=None,
            dtype=str,
            keep_default_na=False,
            na_values=[],
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None
    if len(raw) != physical or len(raw) == 0 or raw.isna().to_numpy().any():
        return None
    # The C parser pads a short row with empty fields; without quotes every line holds
    # exactly width - 1 commas, so a short (or blank) line shows in the total.
    if text.count(",") != (raw.shape[1] - 1) * physical:
        return None
    header = [str(h) for h in raw.iloc[0].tolist()]
    frame = raw.iloc[1:].reset_index(drop=True)
    frame.columns = header
    lines = np.arange(2, len(frame) + 2, dtype=np.int64)
    return ParsedFile(spec, frame, lines, text)


def _parse_exact(spec: FileSpec, text: str, result: Validation) -> ParsedFile | None:
    """The csv module: quoted commas and newlines, exact line numbers, blank lines skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    header: list[str] | None = None
    start = 1
    bad = False
    width = len(spec.header)
    try:
        for row in reader:
            line = start
            start = reader.line_num + 1
            if not row or (len(row) == 1 and row[0] == ""):
                continue
            if header is None:
                header = row
                if tuple(header) != spec.header:
                    result.add(Problem(spec.name, line, "-", _header_reason(spec, header)))
                    return None
                continue
            if len(row) != width:
                result.add(
                    Problem(spec.name, line, "-", f"expected {width} fields, found {len(row)}")
                )
                bad = True
                continue
            rows.append(row)
            lines.append(line)
    except csv.Error as exc:
        result.add(Problem(spec.name, start, "-", f"malformed CSV: {exc}"))
        return None
    if header is None:
        result.add(file_problem(spec.name, "the file has no header row"))
        return None
    if bad:
        return None
    frame = (
        pd.DataFrame(rows, columns=header, dtype=object)
        if rows
        else pd.DataFrame({h: pd.Series(dtype=object) for h in header})
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ParsedFile(spec, frame, np.asarray(lines, dtype=np.int64), buffer.getvalue())


# ---------------------------------------------------------------- values


def _kind_checks(
    column: Column, now: dt.datetime
) -> list[tuple[Callable[[pd.Series], pd.Series], str]]:
    """(mask function over non-empty values, reason template) pairs for one column.

    The checks of one field run in order and stop at its first problem; the fields of a
    row are all checked, so a row with three bad fields gets three lines.
    """
    kind = column.kind
    checks: list[tuple[Callable[[pd.Series], pd.Series], str]] = []
    if kind == "id":
        checks += [
            (lambda s: s.str.len() > MAX_ID_LENGTH, f"longer than {MAX_ID_LENGTH} characters"),
            (lambda s: s.str.strip() != s, "{v!r} has leading or trailing spaces"),
            (lambda s: s.str.contains(_CONTROL_ID.pattern), "contains control characters"),
        ]
    elif kind == "text":
        checks += [
            (lambda s: s.str.len() > MAX_TEXT_LENGTH, f"longer than {MAX_TEXT_LENGTH} characters"),
            (lambda s: s.str.contains(_CONTROL.pattern), "contains control characters"),
        ]
    elif kind == "int":
        checks += [
            (lambda s: ~s.str.match(_INT.pattern), "{v!r} is not a whole number"),
            (lambda s: _numbers(s).abs() > MAX_INT, "{v!r} is out of range"),
        ]
    elif kind in ("number", "fraction", "money"):
        checks.append(
            (
                lambda s: ~s.str.match(_NUMBER.pattern),
                "{v!r} is not a number (use a dot for decimals)",
            )
        )
        if kind == "money":
            checks.append(
                (
                    lambda s: ~(_numbers(s).abs().round(2) < MAX_MONEY),
                    "{v!r} is out of range (amounts must be below 1,000,000,000,000)",
                )
            )
        else:
            checks.append(
                (lambda s: ~(_numbers(s).abs().round(2) < MAX_NUMBER), "{v!r} is out of range")
            )
        if kind == "fraction":
            checks.append((lambda s: ~_numbers(s).between(0, 1), "{v!r} must be between 0 and 1"))
    elif kind == "score":
        checks.append(
            (
                lambda s: ~(s.str.match(r"^\d{1,2}$") & _numbers(s).between(0, 10)),
                "{v!r} must be a whole number from 0 to 10",
            )
        )
    elif kind == "date":
        checks += [
            (
                lambda s: (
                    ~s.str.match(_DATE.pattern)
                    | pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").isna()
                ),
                "{v!r} is not a date (YYYY-MM-DD)",
            ),
            (
                lambda s: (s < FIRST_DATE.isoformat()) | (s > LAST_DATE.isoformat()),
                "{v!r} is outside "
                + f"{FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()} (a typo in the year?)",
            ),
        ]
    elif kind == "month":
        checks += [
            (lambda s: ~s.str.match(_MONTH.pattern), "{v!r} is not a month (YYYY-MM)"),
            (
                lambda s: (s < FIRST_DATE.isoformat()[:7]) | (s > LAST_DATE.isoformat()[:7]),
                "{v!r} is outside "
                + f"{FIRST_DATE.isoformat()[:7]} to {LAST_DATE.isoformat()[:7]} "
                "(a typo in the year?)",
            ),
        ]
    elif kind == "timestamp":
        latest = now + FUTURE_SLACK
        parsed: dict[int, tuple[pd.Series, pd.Series]] = {}

        def stamps(s: pd.Series) -> pd.Series:
            # Two checks read the parsed instants of the same values: parse them once.
            hit = parsed.get(id(s))
            if hit is None or hit[0] is not s:
                parsed.clear()
                hit = parsed[id(s)] = (s, _timestamps(s))
            return hit[1]

        checks += [
            (
                lambda s: ~s.str.match(_TIMESTAMP.pattern),
                "{v!r} is not an ISO 8601 timestamp (e.g. 2025-03-04T09:15:00Z)",
            ),
            (
                lambda s: s.str.match(_BAD_OFFSET.pattern),
                "{v!r} has a UTC offset outside -15:59 to +15:59",
            ),
            (
                lambda s: stamps(s).isna(),
                "{v!r} is not an ISO 8601 timestamp (e.g. 2025-03-04T09:15:00Z)",
            ),
            (
                lambda s: _out_of_instants(stamps(s), latest),
                "{v!r} is outside "
                + f"{FIRST_INSTANT:%Y-%m-%d} to one day after now ({latest:%Y-%m-%d %H:%M} UTC)",
            ),
        ]
    elif kind == "bool":
        checks.append(
            (lambda s: ~s.str.lower().isin(["true", "false"]), "{v!r} must be true, false or empty")
        )
    elif kind == "enum":
        allowed = ", ".join(column.choices)
        checks.append((lambda s: ~s.isin(column.choices), "{v!r} must be one of " + allowed))
    if column.minimum is not None:
        minimum = column.minimum
        checks.append(
            (
                lambda s: _numbers(s) < minimum,
                "{v!r} must be " + f"{minimum:g} or more",
            )
        )
    return checks


def _out_of_instants(stamps: pd.Series, latest: dt.datetime) -> pd.Series:
    first = pd.Timestamp(FIRST_INSTANT)
    last = pd.Timestamp(latest)
    return ((stamps < first) | (stamps > last)).fillna(False)


def _numbers(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")


def _timestamps(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, format="ISO8601", utc=True, errors="coerce")


def _report(
    result: Validation,
    parsed: ParsedFile,
    column: str,
    mask: np.ndarray,
    reason: str,
) -> None:
    """Record the rows where `mask` holds; materialize only the first few messages."""
    positions = np.flatnonzero(mask)
    if positions.size == 0:
        return
    values = parsed.frame[column].to_numpy() if column in parsed.frame else None
    for pos in positions[:MAX_PROBLEMS_SHOWN]:
        value = _shorten(values[pos]) if values is not None else ""
        result.problems.append(
            Problem(parsed.spec.name, int(parsed.lines[pos]), column, reason.format(v=value))
        )
    result.problem_count += int(positions.size)


def _shorten(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "..."


def check_values(
    parsed: ParsedFile, result: Validation, now: dt.datetime | None = None
) -> np.ndarray:
    """Check every field of every row; return the mask of rows with any problem.

    Every bad field of a row is reported (one line each); within a field the first
    problem is enough.
    """
    when = now or dt.datetime.now(dt.UTC)
    frame = parsed.frame
    field_bad: dict[str, np.ndarray] = {}
    for column in parsed.spec.columns:
        series = frame[column.name].astype(str)
        empty = (series == "").to_numpy()
        bad = np.zeros(len(frame), dtype=bool)
        if not column.optional:
            _report(result, parsed, column.name, empty, "is empty (a value is required)")
            bad |= empty
        field_bad[column.name] = bad
        present = ~empty
        if not present.any():
            continue
        values = series[present]
        for mask_fn, reason in _kind_checks(column, when):
            mask = np.zeros(len(frame), dtype=bool)
            mask[present] = mask_fn(values).fillna(True).to_numpy(dtype=bool)
            mask &= ~bad  # one problem per field is enough
            _report(result, parsed, column.name, mask, reason)
            bad |= mask
    any_bad = np.zeros(len(frame), dtype=bool)
    for bad in field_bad.values():
        any_bad |= bad
    any_bad |= _check_rows(parsed, result, field_bad)
    return any_bad


def _either(field_bad: Mapping[str, np.ndarray], *columns: str) -> np.ndarray:
    """Rows where any of `columns` already has a problem (a rule over them is skipped)."""
    out = np.zeros(len(next(iter(field_bad.values()))), dtype=bool)
    for column in columns:
        out |= field_bad[column]
    return out


def _check_rows(
    parsed: ParsedFile, result: Validation, field_bad: Mapping[str, np.ndarray]
) -> np.ndarray:
    """Rules that involve two columns of one row (skipped where either field is bad)."""
    frame = parsed.frame
    name = parsed.spec.name
    new_bad = np.zeros(len(frame), dtype=bool)
    if name == "heart_goals.csv":
        bad = _either(field_bad, "dimension", "target")
        target = _numbers(frame["target"])
        for dimension, (low, high, words) in TARGET_RANGES.items():
            in_range = target.between(low, high)
            mask = ((frame["dimension"] == dimension) & ~in_range).to_numpy() & ~bad
            _report(result, parsed, "target", mask, f"{{v!r}} for {dimension} must be {words}")
            new_bad |= mask
    elif name == "key_results.csv":
        bad = _either(field_bad, "baseline", "target")
        mask = (_numbers(frame["baseline"]) == _numbers(frame["target"])).to_numpy() & ~bad
        _report(result, parsed, "target", mask, "equals the baseline, so progress is undefined")
        new_bad |= mask
    elif name == "objectives.csv":
        bad = _either(field_bad, "objective_id", "parent_id")
        mask = (frame["parent_id"] == frame["objective_id"]).to_numpy() & ~bad
        _report(result, parsed, "parent_id", mask, "an objective cannot be its own parent")
        new_bad |= mask
    elif name == "notes.csv":
        for column, limit in (("author", NOTE_AUTHOR_MAX), ("text", NOTE_TEXT_MAX)):
            bad = field_bad[column] | new_bad
            values = frame[column].astype(str)
            blank = (values.str.strip() == "") & (values != "")
            mask = blank.to_numpy() & ~bad & ~new_bad
            _report(result, parsed, column, mask, "holds only spaces (a value is required)")
            new_bad |= mask
            long = (values.str.len() > limit).to_numpy() & ~bad & ~new_bad
            _report(result, parsed, column, long, f"longer than {limit} characters")
            new_bad |= long
        spaced = frame["author"].astype(str).str.strip() != frame["author"].astype(str)
        mask = spaced.to_numpy() & ~field_bad["author"] & ~new_bad
        _report(result, parsed, "author", mask, "{v!r} has leading or trailing spaces")
    elif name == "people.csv":
        for attribute in SEGMENT_ATTRIBUTES:
            mask = (frame[attribute] == UNKNOWN_SEGMENT).to_numpy() & ~field_bad[attribute]
            _report(
                result,
                parsed,
                attribute,
                mask,
                f"{UNKNOWN_SEGMENT!r} is reserved for users outside the directory",
            )
            new_bad |= mask
        started = pd.to_datetime(frame["started_on"], format="%Y-%m-%d", errors="coerce")
        left = pd.to_datetime(frame["left_on"], format="%Y-%m-%d", errors="coerce")
        bad = _either(field_bad, "started_on", "left_on")
        mask = (left < started).to_numpy() & ~bad & ~new_bad
        _report(result, parsed, "left_on", mask, "{v!r} is before started_on")
        new_bad |= mask
    elif name == "assumptions.csv":
        bad = _either(field_bad, "key", "value")
        for i, (key, value) in enumerate(zip(frame["key"], frame["value"], strict=True)):
            if bad[i]:
                continue
            reason = assumption_problem(str(key), str(value))
            if reason:
                result.add(Problem(name, int(parsed.lines[i]), "value", reason))
                new_bad[i] = True
    return new_bad


def assumption_problem(key: str, value: str) -> str | None:
    """Why `value` is not acceptable for global assumption `key`, or None when it is."""
    if key == "currency":
        if value not in CURRENCIES:
            return f"{value!r} is not a known currency code (e.g. USD, EUR, GBP)"
        return None
    if not _NUMBER.match(value):
        return f"{value!r} is not a number"
    number = float(value)
    if key == "loaded_hourly_cost" and not 0 < number < 100_000:
        return f"{value!r} must be a positive hourly cost below 100,000"
    if key == "discount_rate" and not 0 <= number < 1:
        return f"{value!r} must be an annual rate between 0 and 1 (write 0.10 for 10%)"
    if key == "min_survey_responses" and (
        not number.is_integer() or not 1 <= number <= MAX_MIN_SURVEY_RESPONSES
    ):
        return (
            f"{value!r} must be a whole number of survey responses between 1 and "
            f"{MAX_MIN_SURVEY_RESPONSES:,}"
        )
    return None


def check_duplicates(parsed: ParsedFile, result: Validation, bad: np.ndarray) -> None:
    """Two rows with the same natural key in one import are refused."""
    keys = pd.DataFrame(
        {
            c.name: _timestamps(parsed.frame[c.name])
            if c.kind == "timestamp"
            else parsed.frame[c.name]
            for c in parsed.spec.columns
            if c.name in parsed.spec.key
        }
    )
    keys = keys[list(parsed.spec.key)]
    dup = keys.duplicated(keep="first").to_numpy() & ~bad
    if not dup.any():
        return
    first_line = _first_lines(keys, parsed.lines)
    key_names = ", ".join(parsed.spec.key)
    positions = np.flatnonzero(dup)
    for pos in positions[:MAX_PROBLEMS_SHOWN]:
        raw = ", ".join(str(parsed.frame[k].iloc[pos]) for k in parsed.spec.key)
        result.problems.append(
            Problem(
                parsed.spec.name,
                int(parsed.lines[pos]),
                parsed.spec.key[-1],
                f"duplicate key ({key_names}) = ({_shorten(raw, 120)}); "
                f"first on line {first_line[pos]}",
            )
        )
    result.problem_count += int(positions.size)


def _first_lines(keys: pd.DataFrame, lines: np.ndarray) -> np.ndarray:
    group = keys.groupby(list(keys.columns), sort=False, dropna=False).ngroup().to_numpy()
    first: dict[int, int] = {}
    for g, line in zip(group, lines, strict=True):
        first.setdefault(int(g), int(line))
    return np.array([first[int(g)] for g in group])


def check_references(
    files: Iterable[ParsedFile],
    stored: StoredKeys,
    result: Validation,
    refused: frozenset[str] = frozenset(),
) -> None:
    """Every product, objective and key result a row names must exist.

    References into a file of `refused` (in the import, but unreadable) are not checked:
    its own problem is the one to fix, not every row that names one of its keys.
    """
    files = list(files)
    imported: dict[str, set[str]] = {}
    for parsed in files:
        if parsed.spec.name in ("products.csv", "objectives.csv", "key_results.csv"):
            imported[parsed.spec.name] = set(parsed.frame[parsed.spec.key[0]].astype(str))
    known = {
        "products.csv": imported.get("products.csv", set()) | stored.products,
        "objectives.csv": imported.get("objectives.csv", set()) | stored.objectives,
        "key_results.csv": imported.get("key_results.csv", set()) | stored.key_results,
    }
    nouns = {
        "products.csv": "product",
        "objectives.csv": "objective",
        "key_results.csv": "key result",
    }
    for parsed in files:
        for ref in parsed.spec.references:
            if ref.target_file in refused:
                continue
            values = parsed.frame[ref.column].astype(str)
            mask = (values != "") & ~values.isin(known[ref.target_file])
            _report(
                result,
                parsed,
                ref.column,
                mask.to_numpy(),
                f"unknown {nouns[ref.target_file]} {{v!r}} (not in {ref.target_file} "
                "of this import nor in the database)",
            )
    _check_rollout_releases(files, stored, result, refused)


def _check_rollout_releases(
    files: Iterable[ParsedFile],
    stored: StoredKeys,
    result: Validation,
    refused: frozenset[str],
) -> None:
    """A rollout names a release of the same product (in this import or stored)."""
    by_name = {parsed.spec.name: parsed for parsed in files}
    rollouts = by_name.get("rollouts.csv")
    if rollouts is None or "releases.csv" in refused:
        return
    known = set(stored.releases)
    releases = by_name.get("releases.csv")
    if releases is not None:
        known |= set(zip(releases.frame["product_id"], releases.frame["release_id"], strict=True))
    pairs = zip(rollouts.frame["product_id"], rollouts.frame["release_id"], strict=True)
    mask = np.array([pair not in known for pair in pairs], dtype=bool)
    _report(
        result,
        rollouts,
        "release_id",
        mask,
        "unknown release {v!r} of this product (not in releases.csv of this import "
        "nor in the database)",
    )


def validate(
    contents: dict[str, bytes], stored: StoredKeys, *, now: dt.datetime | None = None
) -> Validation:
    """Validate every file completely; `contents` maps contract file names to bytes.

    `now` (UTC) bounds the timestamps: none may lie more than a day after it.
    """
    when = now or dt.datetime.now(dt.UTC)
    result = Validation()
    for name in contents:
        if name not in FILES_BY_NAME:
            result.add(
                file_problem(
                    name,
                    "not a file of the import contract (expected: "
                    + ", ".join(s.name for s in FILES)
                    + ")",
                )
            )
    parsed_files: list[ParsedFile] = []
    for spec in FILES:
        if spec.name not in contents:
            continue
        text, problem = decode(spec.name, contents[spec.name])
        if problem is not None or text is None:
            result.add(problem or file_problem(spec.name, "unreadable"))
            continue
        parsed = parse(spec, text, result)
        if parsed is None:
            continue
        bad = check_values(parsed, result, when)
        check_duplicates(parsed, result, bad)
        parsed_files.append(parsed)
    refused = frozenset(contents) - {p.spec.name for p in parsed_files}
    check_references(parsed_files, stored, result, refused)
    result.files = parsed_files
    return result


def assumption_problems(values: Mapping[str, str]) -> dict[str, str]:
    """Why each value is refused (key -> reason), using the import's own rules; empty when
    every value is acceptable. Unknown keys are refused too."""
    problems: dict[str, str] = {}
    for key, value in values.items():
        if key not in ASSUMPTION_KEYS:
            problems[key] = f"{key!r} is not a global assumption ({', '.join(ASSUMPTION_KEYS)})"
            continue
        reason = assumption_problem(key, value)
        if reason:
            problems[key] = reason
    return problems
