"""Get the database ready before any page runs.

With no DATABASE_URL the embedded server starts under .data/, the schema is created and,
on the very first start, the demo portfolio is generated and loaded with visible
progress. Later starts reuse the data. Failures become a calm message, never a traceback.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path

import streamlit as st
from sqlalchemy.engine import Engine

from valuemodel.core.contract import DEMO_SOURCE
from valuemodel.data import db, store
from valuemodel.data import settings as config
from valuemodel.data.importer import import_folder
from valuemodel.data.schema import ensure_schema

_lock = threading.Lock()
_ready_engines: set[int] = set()


def _secrets() -> dict[str, object]:
    """The top-level Streamlit secrets named like a setting (none without a secrets file)."""
    found: dict[str, object] = {}
    for setting in config.SETTINGS:
        try:
            value = st.secrets.get(setting.name)
        except Exception:  # noqa: BLE001 - no secrets file is the normal case
            return found
        if value and not isinstance(value, Mapping):
            found[setting.name] = value
    return found


def settings() -> db.Settings:
    """Resolve the settings (environment first, then Streamlit secrets), install them for
    the data layer, and return where the data lives."""
    resolved = config.resolve(secrets=_secrets())
    config.install(resolved)
    return db.Settings.from_env(resolved)


def terminal(message: str) -> None:
    """One progress line on the terminal that ran `streamlit run` (stderr, flushed), so
    whoever started the app sees a first start's demo load, not a silent minute."""
    print(f"valuedash: {message}", file=sys.stderr, flush=True)


def _load_demo(engine: Engine) -> None:
    title = "First start: generating and loading the demo portfolio (about a minute)..."
    terminal(title)
    with st.status(title, expanded=True) as status:
        from valuemodel.demo.portfolio import write_demo_csv

        def say(message: str) -> None:
            status.write(message)
            terminal(message)

        with tempfile.TemporaryDirectory(prefix="valuedash-demo-") as scratch:
            events = config.current().integer("VALUEDASH_DEMO_EVENTS")
            write_demo_csv(Path(scratch), events=events, progress=say)
            result = import_folder(engine, Path(scratch), progress=say, source=DEMO_SOURCE)
        done = f"Demo portfolio loaded: {result.total_rows:,} rows in {result.seconds:.0f} s."
        terminal(done)
        status.update(label=done, state="complete", expanded=False)


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
