"""The README's scaling claim about HyperLogLog, proved on Debian's PostgreSQL 15 with the
`postgresql-15-hll` package: a per product-month rollup of hll sketches (a fixed 1.2 KB
per product-month, however many users) answers "distinct users over any span of months"
by a union of the sketches, within hll's error bound of the exact count, and with no
per-user rows read.

hll's relative standard error is 1.04 / sqrt(2^log2m); with the default log2m = 11 that
is 2.3 %; a test allows three standard errors.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.pgcluster import Cluster, make_root, remove_root, require_debian_pg
from valuemodel.data import db
from valuemodel.data.importer import import_folder

LOG2M = 11
BOUND = 3 * 1.04 / math.sqrt(2**LOG2M)

# The rollup a company at a billion events would keep instead of rollup_user_month.
CREATE_HLL_ROLLUP = """
CREATE EXTENSION IF NOT EXISTS hll;
CREATE TABLE rollup_users_hll_month (
    product_id text NOT NULL,
    month      date NOT NULL,
    users      hll NOT NULL,
    PRIMARY KEY (product_id, month)
);
INSERT INTO rollup_users_hll_month (product_id, month, users)
SELECT product_id, month, hll_add_agg(hll_hash_text(user_id))
FROM rollup_user_month GROUP BY 1, 2;
"""

APPROXIMATE = """
SELECT product_id, hll_cardinality(hll_union_agg(users)) AS users
FROM rollup_users_hll_month
WHERE month BETWEEN :month_from AND :month_to
GROUP BY product_id ORDER BY product_id
"""

EXACT = """
SELECT product_id, count(DISTINCT user_id) AS users
FROM usage_events
WHERE occurred_at >= CAST(:month_from AS date)::timestamp AT TIME ZONE 'UTC'
  AND occurred_at < (CAST(:month_to AS date) + interval '1 month')::timestamp AT TIME ZONE 'UTC'
GROUP BY product_id ORDER BY product_id
"""


@pytest.fixture(scope="module")
def hll_engine(demo_csv_dir: Path) -> Iterator[Engine]:
    require_debian_pg(extension="hll")
    root = make_root()
    server = Cluster(root, "hll")
    engine = None
    try:
        server.init_primary()
        server.start()
        admin = server.admin()
        with admin.connect() as conn:
            conn.exec_driver_sql('CREATE DATABASE "valuedash"')
        admin.dispose()
        engine = db.create_engine_for(server.url("valuedash"))
        import_folder(engine, demo_csv_dir)
        with engine.begin() as conn:
            conn.exec_driver_sql(CREATE_HLL_ROLLUP)
        yield engine
    finally:
        if engine is not None:
            engine.dispose()
        server.stop()
        remove_root(root)


def rows(engine: Engine, query: str, **binds: object) -> dict[str, float]:
    with engine.connect() as conn:
        return {r[0]: float(r[1]) for r in conn.execute(sa.text(query), binds)}


def test_the_extension_is_debians_on_postgresql_15(hll_engine: Engine) -> None:
    with hll_engine.connect() as conn:
        version = conn.exec_driver_sql("SHOW server_version_num").scalar()
        hll = conn.exec_driver_sql(
            "SELECT extversion FROM pg_extension WHERE extname = 'hll'"
        ).scalar()
    assert str(version).startswith("15")
    assert hll is not None


@pytest.mark.parametrize(
    ("month_from", "month_to"), [("2024-01-01", "2025-12-01"), ("2025-01-01", "2025-12-01")]
)
def test_distinct_users_over_a_span_from_the_sketches_are_within_the_error_bound(
    hll_engine: Engine, month_from: str, month_to: str
) -> None:
    approximate = rows(hll_engine, APPROXIMATE, month_from=month_from, month_to=month_to)
    exact = rows(hll_engine, EXACT, month_from=month_from, month_to=month_to)
    assert set(approximate) == set(exact) and len(exact) == 8
    for product, count in exact.items():
        assert abs(approximate[product] - count) <= BOUND * count, product


def test_monthly_sketches_match_the_exact_monthly_active_users(hll_engine: Engine) -> None:
    with hll_engine.connect() as conn:
        pairs = conn.exec_driver_sql(
            "SELECT r.active_users, hll_cardinality(h.users) FROM rollup_product_month r "
            "JOIN rollup_users_hll_month h USING (product_id, month)"
        ).all()
    assert len(pairs) > 100
    for exact, approximate in pairs:
        assert abs(approximate - exact) <= BOUND * exact


def test_the_bound_holds_where_hll_really_approximates(hll_engine: Engine) -> None:
    """The demo's small sets fit hll's exact (explicit) representation; at 200,000
    distinct users a sketch is an estimate, and it is still within the bound."""
    with hll_engine.connect() as conn:
        estimate, size = conn.exec_driver_sql(
            "SELECT hll_cardinality(hll_add_agg(hll_hash_text('u' || g))), "
            "pg_column_size(hll_add_agg(hll_hash_text('u' || g))) "
            "FROM generate_series(1, 200000) AS g"
        ).one()
    assert estimate != 200_000  # an estimate, not a count
    assert abs(estimate - 200_000) <= BOUND * 200_000
    assert size <= 1_300  # 2^11 registers of 5 bits: the sketch does not grow with users
