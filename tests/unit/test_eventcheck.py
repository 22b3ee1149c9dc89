"""The streaming events validator agrees with csvcheck: the Arrow fast path never accepts
what csvcheck refuses, and every problem it reports is csvcheck's, at the same line."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.test_csv_fuzz import VALID, _corrupt
from valuemodel.core import eventcheck
from valuemodel.core.csvcheck import StoredKeys, validate

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
KNOWN = frozenset({"ci", "hr"})
HEADER = b"product_id,user_id,occurred_at,action,succeeded,duration_seconds\n"


def streamed(data: bytes) -> tuple[list[str] | None, int]:
    """Problem lines of the streaming validator (None: it defers to the exact one) and
    the rows it handed on."""
    handed = []
    try:
        result = eventcheck.validate_stream(
            data, KNOWN, NOW, lambda chunk, _raw: handed.append(chunk.num_rows)
        )
    except pa.ArrowException:
        return None, 0
    return result.report_lines(), sum(handed)


def exact(data: bytes) -> list[str]:
    result = validate({"usage_events.csv": data}, StoredKeys(products=KNOWN), now=NOW)
    # Duplicate keys are found by the month's primary key in the streaming import.
    return [line for line in result.report_lines() if "duplicate key" not in line]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    how=st.sampled_from(["truncate", "insert", "replace", "latin1", "utf16", "dangling_reference"]),
    position=st.integers(min_value=0, max_value=10_000),
    payload=st.binary(min_size=1, max_size=40)
    | st.sampled_from(
        [b"\xc2\xa0", b"9999-12-31T23:00:00-05:00", b"+16:00", b"-1", b"1e400", b"nan", b" "]
    ),
)
def test_the_streaming_validator_agrees_with_csvcheck(how, position, payload):
    data = _corrupt(VALID["usage_events.csv"], how, position, payload)
    lines, handed = streamed(data)
    if lines is None:
        return  # structural: the importer validates the file with csvcheck itself
    expected = exact(data)
    assert lines == expected
    if lines:
        assert handed == 0  # nothing of a refused file is handed on for writing


@pytest.mark.parametrize(
    "row",
    [
        "ci,u1,2025-01-03T10:00:00Z,run,true,12.5",
        "ci,u1,2025-01-03 10:00,run,TRUE,.5",
        "ci,u1,2025-01-03,run,,",
        "ci,u1,2025-01-03T10:00:00.123456+0530,run,False,1e3",
        "hr,u1,2025-01-03T10:00:00-15:59,run,,0",
    ],
)
def test_valid_rows_take_the_fast_path(row):
    batch = next(eventcheck.read_batches(HEADER + row.encode() + b"\n"))
    assert eventcheck.fast_typed(batch, pa.array(sorted(KNOWN)), NOW) is not None


@pytest.mark.parametrize(
    "row",
    [
        "ci,u1\u00a0,2025-01-03T10:00:00Z,run,,",  # a no-break space at the end of an id
        "ci,u1,2025-01-03T10:00:00+16:00,run,,",
        "ci,u1,2025-02-30T10:00:00Z,run,,",
        "ci,u1,2027-01-01T10:00:00Z,run,,",
        "ci,u1,2025-01-03T10:00:00Z,run,yes,",
        "ci,u1,2025-01-03T10:00:00Z,run,,-1",
        "ci,u1,2025-01-03T10:00:00Z,run,,inf",
        "zz,u1,2025-01-03T10:00:00Z,run,,",
    ],
)
def test_doubtful_rows_leave_the_fast_path(row):
    batch = next(eventcheck.read_batches(HEADER + row.encode() + b"\n"))
    assert eventcheck.fast_typed(batch, pa.array(sorted(KNOWN)), NOW) is None


def test_problems_name_physical_lines_after_blank_lines():
    data = HEADER + b"ci,u1,2025-01-03T10:00:00Z,run,,\n\n\nci,u2,yesterday,run,,\n"
    lines, _ = streamed(data)
    assert lines == exact(data)
    assert lines == [
        "usage_events.csv:5: occurred_at: 'yesterday' is not an ISO 8601 timestamp "
        "(e.g. 2025-03-04T09:15:00Z)"
    ]


def test_every_chunk_is_checked_after_the_first_problem(monkeypatch):
    monkeypatch.setattr(eventcheck, "BLOCK_BYTES", 200)
    rows = [f"ci,u{i},2025-01-03T10:{i % 60:02d}:00Z,run,,".encode() for i in range(200)]
    rows[3] = b"ci,u3,bad,run,,"
    rows[190] = b"ci,u190,2025-01-03T10:00:00Z,run,maybe,"
    data = HEADER + b"\n".join(rows) + b"\n"
    lines, handed = streamed(data)
    assert lines == exact(data)
    assert [line.split(":")[1] for line in lines] == ["5", "192"]
    assert handed < 200
