"""Property-based fuzz of the CSV validator: corrupted files never crash it.

Each example starts from a valid folder and corrupts one file (truncation, random bytes,
wrong encodings, huge fields, swapped values, duplicated lines, dangling references);
validation must return problems (or accept the file) and never raise.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from valuemodel.core.csvcheck import StoredKeys, validate

VALID = {
    "products.csv": (
        b"product_id,name,owner_team,eligible_users,launched_on\n"
        b'ci,CI Platform,Dev,120,2024-01-01\nhr,"HR, self-service",People,400,\n'
    ),
    "usage_events.csv": (
        b"product_id,user_id,occurred_at,action,succeeded,duration_seconds\n"
        b"ci,u1,2025-01-03T10:00:00Z,run,true,12.5\n"
        b"ci,u2,2025-01-03T11:00:00+01:00,run,false,\n"
        b"hr,u3,2025-01-04T09:00:00,leave,,\n"
    ),
    "surveys.csv": b"product_id,user_id,responded_at,score\nci,u1,2025-01-05T10:00:00Z,9\n",
    "costs.csv": b"product_id,month,category,amount\nci,2025-01,headcount,15000.50\n",
}


def _corrupt(data: bytes, how: str, position: int, payload: bytes) -> bytes:
    cut = position % (len(data) + 1)
    if how == "truncate":
        return data[:cut]
    if how == "insert":
        return data[:cut] + payload + data[cut:]
    if how == "replace":
        return data[:cut] + payload + data[cut + len(payload) :]
    if how == "latin1":
        return data.decode("utf-8").replace("HR", "Ré").encode("latin-1") + payload
    if how == "utf16":
        return data.decode("utf-8").encode("utf-16")
    if how == "huge_field":
        return data[:cut] + b"x" * 140_000 + data[cut:]
    if how == "duplicate_line":
        lines = data.splitlines(keepends=True)
        return b"".join(lines + lines[1:2])
    if how == "dangling_reference":
        return data.replace(b"ci,", b"nope,")
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(VALID)),
    how=st.sampled_from(
        [
            "truncate",
            "insert",
            "replace",
            "latin1",
            "utf16",
            "huge_field",
            "duplicate_line",
            "dangling_reference",
        ]
    ),
    position=st.integers(min_value=0, max_value=10_000),
    payload=st.binary(min_size=1, max_size=40),
)
def test_a_corrupted_file_never_crashes_the_validator(name, how, position, payload):
    contents = dict(VALID)
    contents[name] = _corrupt(VALID[name], how, position, payload)
    result = validate(contents, StoredKeys())
    if not result.ok:
        lines = result.report_lines()
        assert lines and all(isinstance(line, str) and line for line in lines)
        assert all(line.count("\n") == 0 for line in lines)
    else:
        # Accepted only when every file parsed into rows of the contract's width.
        assert all(f.frame.shape[1] == len(f.spec.header) for f in result.files)


@given(text=st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_any_text_as_a_file_is_refused_or_accepted_never_raised(text):
    result = validate({"usage_events.csv": text.encode("utf-8")}, StoredKeys(frozenset({"ci"})))
    assert result.ok or result.report_lines()


def test_the_valid_fixture_itself_is_accepted():
    assert validate(VALID, StoredKeys()).ok
