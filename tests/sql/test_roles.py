"""Database roles: a viewer role reads everything and writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from valuemodel.data import db, queries, store
from valuemodel.data.importer import import_contents
from valuemodel.data.schema import ensure_schema

ROOT = Path(__file__).resolve().parents[2]
PRODUCTS = b"product_id,name,owner_team,eligible_users,launched_on\nci,CI,Dev,10,\n"


def _as_role(engine: sa.engine.Engine, role: str) -> str:
    url = engine.url.update_query_dict({"options": f"-c role={role}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture
def roles_engine(engine):
    with engine.begin() as conn:
        conn.exec_driver_sql(queries.sql("create_roles"))
    return engine


def test_roles_are_created_idempotently(roles_engine):
    with roles_engine.begin() as conn:
        conn.exec_driver_sql(queries.sql("create_roles"))
        names = set(
            conn.execute(
                sa.text("SELECT rolname FROM pg_roles WHERE rolname LIKE 'valuedash_%'")
            ).scalars()
        )
    assert {"valuedash_reader", "valuedash_writer"} <= names


def test_the_reader_role_can_read_but_not_write(roles_engine):
    reader = db.create_engine_for(_as_role(roles_engine, "valuedash_reader"))
    try:
        assert ensure_schema(reader) == []  # an up-to-date schema needs no write
        assert store.fetch_products(reader).empty
        assert store.fetch_can_write(reader) is False
        with pytest.raises(sa.exc.ProgrammingError):
            import_contents(reader, {"products.csv": PRODUCTS}, source="test")
    finally:
        reader.dispose()
    assert store.fetch_products(roles_engine).empty


def test_the_writer_role_can_import(roles_engine):
    writer = db.create_engine_for(_as_role(roles_engine, "valuedash_writer"))
    try:
        assert store.fetch_can_write(writer) is True
        import_contents(writer, {"products.csv": PRODUCTS}, source="test")
    finally:
        writer.dispose()
    assert list(store.fetch_products(roles_engine)["product_id"]) == ["ci"]


def test_the_writer_role_imports_events_corrects_months_and_deletes_a_product(roles_engine):
    # Events land in month partitions the writer may not create itself: the import's
    # table work runs in the schema owner's functions.
    from valuemodel.data.importer import delete_product

    events = (
        b"product_id,user_id,occurred_at,action,succeeded,duration_seconds\n"
        b"ci,u1,2025-01-05T10:00:00Z,build,true,3\nci,u2,2025-02-05T10:00:00Z,build,,\n"
    )
    moved = events.replace(b"2025-01-05T10", b"2025-01-05T11")
    writer = db.create_engine_for(_as_role(roles_engine, "valuedash_writer"))
    try:
        import_contents(writer, {"products.csv": PRODUCTS, "usage_events.csv": events}, source="t")
        import_contents(writer, {"usage_events.csv": moved}, source="t", replace_months=True)
        with writer.connect() as conn:
            hours = conn.exec_driver_sql(
                "SELECT extract(hour FROM occurred_at AT TIME ZONE 'UTC') FROM usage_events "
                "ORDER BY occurred_at"
            ).scalars()
            assert [int(h) for h in hours] == [11, 10]
        assert delete_product(writer, "ci")["usage_events"] == 2
    finally:
        writer.dispose()
    assert store.fetch_products(roles_engine).empty


def test_the_cli_refuses_an_import_on_a_read_only_role_in_one_line(roles_engine, tmp_path):
    (tmp_path / "products.csv").write_bytes(PRODUCTS)
    env = {**os.environ, "DATABASE_URL": _as_role(roles_engine, "valuedash_reader")}
    done = subprocess.run(
        [sys.executable, "-m", "valuemodel", "import", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "may not write" in errors[0]
    assert "Traceback" not in done.stderr
