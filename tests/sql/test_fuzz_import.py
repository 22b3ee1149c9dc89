"""A hostile CSV changes nothing: fuzzed imports are refused before any write."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.test_csv_fuzz import VALID, _corrupt
from valuemodel.data.importer import ImportRefused, import_contents

SNAPSHOT = (
    "SELECT * FROM products",
    "SELECT * FROM usage_events",
    "SELECT * FROM surveys",
    "SELECT * FROM costs",
    "SELECT * FROM rollup_user_month",
    "SELECT count(*) FROM import_log",
)


def _snapshot(engine) -> list[list[tuple]]:
    with engine.connect() as conn:
        return [sorted(map(tuple, conn.exec_driver_sql(q))) for q in SNAPSHOT]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(sorted(VALID)),
    how=st.sampled_from(["truncate", "insert", "replace", "latin1", "utf16", "dangling_reference"]),
    position=st.integers(min_value=0, max_value=10_000),
    payload=st.binary(min_size=1, max_size=40),
)
def test_a_refused_import_writes_nothing(engine, name, how, position, payload):
    before = _snapshot(engine)
    contents = dict(VALID)
    contents[name] = _corrupt(VALID[name], how, position, payload)
    try:
        import_contents(engine, contents, source="fuzz")
    except ImportRefused as refused:
        assert refused.lines
        assert _snapshot(engine) == before


def test_sql_text_in_values_is_stored_as_plain_text(engine):
    hostile = "'; DROP TABLE products; --"
    contents = {
        "products.csv": (
            "product_id,name,owner_team,eligible_users,launched_on\n"
            f'evil,"{hostile}",<script>alert(1)</script>,5,\n'
        ).encode()
    }
    import_contents(engine, contents, source="test")
    with engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT name, owner_team FROM products").one()
    assert row == (hostile, "<script>alert(1)</script>")
