"""Create or upgrade the schema: every entry point calls `ensure_schema` first."""

from __future__ import annotations

import re

from sqlalchemy.engine import Engine

from valuemodel.data import queries

_MIGRATION = re.compile(r"^migration_(\d{3})$")


def migrations() -> list[tuple[int, str]]:
    """(version, block name) of every migration in sql/, in order."""
    found = []
    for name in queries.names():
        match = _MIGRATION.match(name)
        if match:
            found.append((int(match.group(1)), name))
    return sorted(found)


def latest_version() -> int:
    """The schema version this code expects."""
    return migrations()[-1][0]


def ensure_schema(engine: Engine) -> list[int]:
    """Apply the migrations the database lacks, in one transaction; return their versions.

    Idempotent, and safe when several processes start at once (an advisory lock
    serializes them). An up-to-date database is only read, so a read-only role works.
    """
    wanted = {version for version, _ in migrations()}
    with engine.connect() as conn:
        if conn.execute(queries.q("schema_table_exists")).scalar():
            applied = set(conn.execute(queries.q("schema_applied_versions")).scalars())
            if wanted <= applied:
                return []
    with engine.begin() as conn:
        conn.execute(queries.q("schema_lock"))
        conn.exec_driver_sql(queries.sql("schema_bootstrap"))
        applied = set(conn.execute(queries.q("schema_applied_versions")).scalars())
        new = []
        for version, name in migrations():
            if version in applied:
                continue
            conn.exec_driver_sql(queries.sql(name))
            conn.execute(queries.q("schema_record_version"), {"version": version})
            new.append(version)
    return new
