"""Viewers on a streaming replica, for real: two PostgreSQL 15 servers on loopback.

The primary takes the imports (DATABASE_URL); a hot standby made with
`pg_basebackup -R` serves every read (DATABASE_READ_URL): the pages through AppTest, the
report and the data freshness. With replay paused on the standby (pg_wal_replay_pause)
an import on the primary is invisible to the viewers, and the freshness they see is the
standby's own: the previous import, the previous latest day.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.testing.v1 import AppTest

from tests.conftest import APP, run_cli
from tests.pgcluster import Cluster, make_root, remove_root, require_debian_pg, wait_for_replay
from tests.sql.csvdata import write_folder
from valuemodel.data import db, store
from valuemodel.data.importer import import_folder

PAGES = ["overview", "home", "value", "okr", "heart", "scenarios", "data"]
LATE_PRODUCT = "zz"


class Pair:
    def __init__(self, root: Path):
        self.primary = Cluster(root, "primary")
        self.standby = Cluster(root, "standby")
        self.primary_url = self.primary.url("valuedash")
        self.standby_url = self.standby.url("valuedash")
        self.write: Engine | None = None
        self.read: Engine | None = None


@pytest.fixture(scope="module")
def pair(demo_csv_dir: Path) -> Iterator[Pair]:
    require_debian_pg()
    root = make_root()
    servers = Pair(root)
    try:
        servers.primary.init_primary()
        servers.primary.start()
        admin = servers.primary.admin()
        with admin.connect() as conn:
            conn.exec_driver_sql('CREATE DATABASE "valuedash"')
        admin.dispose()
        servers.write = db.create_engine_for(servers.primary_url)
        import_folder(servers.write, demo_csv_dir)
        servers.standby.init_standby_of(servers.primary)
        servers.standby.start()
        servers.read = db.create_engine_for(servers.standby_url)
        wait_for_replay(servers.write, servers.read)
        yield servers
    finally:
        for engine in (servers.write, servers.read):
            if engine is not None:
                engine.dispose()
        servers.standby.stop()
        servers.primary.stop()
        remove_root(root)


@pytest.fixture
def viewers_on_the_standby(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> Iterator[Pair]:
    monkeypatch.setenv("DATABASE_URL", pair.primary_url)
    monkeypatch.setenv("DATABASE_READ_URL", pair.standby_url)
    db.reset_engine()
    st.cache_data.clear()
    yield pair
    st.cache_data.clear()
    db.reset_engine()


def in_recovery(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.exec_driver_sql("SELECT pg_is_in_recovery()").scalar())


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def product_choices(at: AppTest) -> set[str]:
    return {str(o) for box in at.sidebar.selectbox for o in box.options}


def events_row(at: AppTest) -> pd.Series:
    """The Data page's freshness row of usage_events (a wrapping table)."""
    for frame in [*at.table, *at.dataframe]:
        table = frame.value
        if "Table" in table.columns and "usage_events" in set(table["Table"]):
            return table.set_index("Table").loc["usage_events"]
    raise AssertionError("no freshness table on the Data page")


def report_json(pair: Pair, *, read_url: str | None = None) -> dict:  # type: ignore[type-arg]
    """`report --format json` with viewers on the standby (or on `read_url`: "" for none)."""
    done = run_cli(
        "report", "--from", "2025-01", "--to", "2025-12", "--format", "json",
        database_url=pair.primary_url,
        extra_env={"DATABASE_READ_URL": pair.standby_url if read_url is None else read_url},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_the_two_servers_are_a_primary_and_its_streaming_standby(pair: Pair) -> None:
    assert pair.write is not None and pair.read is not None
    assert not in_recovery(pair.write)
    assert in_recovery(pair.read)
    with pair.write.connect() as conn:
        senders = conn.exec_driver_sql("SELECT state FROM pg_stat_replication").scalars().all()
    assert senders == ["streaming"]
    with pair.read.connect() as conn, pytest.raises(sa.exc.DBAPIError, match="read-only"):
        conn.exec_driver_sql("CREATE TABLE nope (x int)")


def test_every_read_goes_to_the_standby(viewers_on_the_standby: Pair) -> None:
    from dashboard import data

    assert in_recovery(db.get_read_engine())
    assert in_recovery(data.read_engine())
    assert not in_recovery(db.get_engine())
    assert not in_recovery(data.engine())


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_from_the_standby(viewers_on_the_standby: Pair, page: str) -> None:
    open_page(page)


def test_the_report_from_the_standby_equals_the_primarys(viewers_on_the_standby: Pair) -> None:
    pair = viewers_on_the_standby
    from_standby = report_json(pair)
    assert len(from_standby["products"]) == 8
    assert from_standby == report_json(pair, read_url="")


def late_import(folder: Path) -> Path:
    """A product added after the first import, with events in a month after the demo's."""
    return write_folder(
        folder,
        {
            "products.csv": [f"{LATE_PRODUCT},Late Product,Team,10,2026-01-01"],
            "usage_events.csv": [
                f"{LATE_PRODUCT},u1,2026-01-05T10:00:00Z,open,true,",
                f"{LATE_PRODUCT},u2,2026-01-07T10:00:00Z,open,true,",
            ],
        },
    )


def test_a_lagging_standby_shows_the_freshness_it_really_has(
    viewers_on_the_standby: Pair, tmp_path: Path
) -> None:
    pair = viewers_on_the_standby
    assert pair.write is not None and pair.read is not None
    before = store.fetch_last_import(pair.read)
    assert before is not None
    latest_before = events_row(open_page("data"))["Latest"]
    with pair.read.connect() as conn:
        conn.exec_driver_sql("SELECT pg_wal_replay_pause()")
    try:
        import_folder(pair.write, late_import(tmp_path / "late"))
        # the primary has it ...
        latest = store.fetch_last_import(pair.write)
        assert latest is not None and latest != before
        assert "late" in str(latest["source"])
        assert LATE_PRODUCT in set(store.fetch_products(pair.write)["product_id"])
        # ... the viewers do not: the standby's own freshness, products and report
        st.cache_data.clear()
        assert store.fetch_last_import(db.get_read_engine()) == before
        data_page = open_page("data")
        assert events_row(data_page)["Latest"] == latest_before
        assert "Late Product" not in product_choices(open_page("overview"))
        assert LATE_PRODUCT not in {p["product_id"] for p in report_json(pair)["products"]}
    finally:
        with pair.read.connect() as conn:
            conn.exec_driver_sql("SELECT pg_wal_replay_resume()")
    wait_for_replay(pair.write, pair.read)
    st.cache_data.clear()
    assert store.fetch_last_import(db.get_read_engine()) == latest
    assert events_row(open_page("data"))["Latest"] == "2026-01-07"
    assert "Late Product" in product_choices(open_page("overview"))
    assert LATE_PRODUCT in {p["product_id"] for p in report_json(pair)["products"]}


def test_a_reader_role_on_the_standby_reads_every_page(
    viewers_on_the_standby: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The company setup: viewers log in with a role that only has valuedash_reader."""
    pair = viewers_on_the_standby
    assert pair.write is not None and pair.read is not None
    with pair.write.begin() as conn:
        conn.exec_driver_sql(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'viewer') "
            "THEN CREATE ROLE viewer LOGIN; END IF; END $$"
        )
    done = run_cli("roles", database_url=pair.primary_url)
    assert done.returncode == 0, done.stderr
    with pair.write.begin() as conn:
        conn.exec_driver_sql("GRANT valuedash_reader TO viewer")
    wait_for_replay(pair.write, pair.read)
    reader_url = pair.standby_url.replace("postgres@", "viewer@")
    monkeypatch.setenv("DATABASE_READ_URL", reader_url)
    db.reset_engine()
    for page in ("overview", "heart", "data"):
        open_page(page)
    with db.get_read_engine().connect() as conn:
        assert conn.exec_driver_sql("SELECT current_user").scalar() == "viewer"


def test_without_a_read_url_reads_use_the_one_engine(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", pair.primary_url)
    monkeypatch.delenv("DATABASE_READ_URL", raising=False)
    db.reset_engine()
    try:
        assert db.get_read_engine() is db.get_engine()
    finally:
        db.reset_engine()
