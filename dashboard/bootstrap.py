"""Get the database ready before any page runs.

With no DATABASE_URL the embedded server starts under .data/, the schema is created and,
on the very first start, the demo portfolio is generated and loaded with visible
progress. Later starts reuse the data. Failures become a calm message, never a traceback.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

import streamlit as st
from sqlalchemy.engine import Engine

from valuemodel.data import db, store
from valuemodel.data.importer import import_folder
from valuemodel.data.schema import ensure_schema

DEMO_EVENTS = int(os.environ.get("VALUEDASH_DEMO_EVENTS", "1000000"))

_lock = threading.Lock()
_ready_engines: set[int] = set()


def _secret_database_url(name: str = "DATABASE_URL") -> str | None:
    try:
        value = st.secrets.get(name)
    except Exception:  # noqa: BLE001 - no secrets file is the normal case
        return None
    return str(value) if value else None


def settings() -> db.Settings:
    """Environment first, then Streamlit secrets (DATABASE_URL and DATABASE_READ_URL)."""
    base = db.Settings.from_env()
    changed = False
    for name, current in (
        ("DATABASE_URL", base.database_url),
        ("DATABASE_READ_URL", base.database_read_url),
    ):
        if current is None:
            secret = _secret_database_url(name)
            if secret:
                os.environ[name] = secret
                changed = True
    return db.Settings.from_env() if changed else base


def _load_demo(engine: Engine) -> None:
    with st.status(
        "First start: generating and loading the demo portfolio (about a minute)...",
        expanded=True,
    ) as status:
        from valuemodel.demo.portfolio import write_demo_csv

        with tempfile.TemporaryDirectory(prefix="valuedash-demo-") as scratch:
            write_demo_csv(Path(scratch), events=DEMO_EVENTS, progress=status.write)
            result = import_folder(engine, Path(scratch), progress=status.write)
        status.update(
            label=f"Demo portfolio loaded: {result.total_rows:,} rows in {result.seconds:.0f} s.",
            state="complete",
            expanded=False,
        )


def ensure_ready() -> Engine:
    """The engine, with the schema applied (and demo data on an embedded first start).

    Raises DatabaseUnavailable or SQLAlchemy errors; the frame turns them into messages.
    """
    config = settings()
    engine = db.get_engine(config)
    if id(engine) in _ready_engines:
        return engine
    with _lock:
        if id(engine) in _ready_engines:
            return engine
        ensure_schema(engine)
        if config.embedded and store.fetch_products(engine).empty:
            _load_demo(engine)
            st.cache_data.clear()
        _ready_engines.add(id(engine))
    return engine
