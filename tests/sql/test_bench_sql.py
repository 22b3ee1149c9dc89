"""The benchmark's own SQL blocks: the COPY ceiling table loads a CSV as COPY does."""

from __future__ import annotations

import psycopg

from valuemodel.data import queries

CSV = (
    b"product_id,user_id,occurred_at,action,succeeded,duration_seconds\n"
    b"ci,u1,2025-01-03T10:00:00Z,run,true,12.5\n"
    b"ci,u2,2025-01-03T11:00:00+01:00,run,,\n"
)


def test_the_copy_ceiling_blocks_load_and_count_the_rows(engine):
    dsn = engine.url.render_as_string(hide_password=False).replace("+psycopg", "")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(queries.sql("bench_copy_drop"))
        conn.execute(queries.sql("bench_copy_create"))
        conn.execute(queries.sql("bench_checkpoint"))
        with (
            conn.transaction(),
            conn.cursor() as cursor,
            cursor.copy(queries.sql("bench_copy")) as copy,
        ):
            copy.write(CSV)
        assert conn.execute(queries.sql("bench_copy_count")).fetchone() == (2,)
        conn.execute(queries.sql("bench_copy_drop"))
