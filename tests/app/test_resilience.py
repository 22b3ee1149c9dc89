"""A connection lost mid-session is recovered without the viewer seeing an error."""

from __future__ import annotations

import sqlalchemy as sa
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import APP
from valuemodel.data import db


def test_the_app_recovers_when_its_connections_are_killed(engine, pg_admin_url, monkeypatch):
    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    db.reset_engine()
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not at.exception and not at.error
        admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        with admin.connect() as conn:
            killed = conn.execute(
                sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": engine.url.database},
            ).scalar()
        admin.dispose()
        assert killed >= 1  # the app's pooled connection was cut
        st.cache_data.clear()  # make the next run query the database again
        at.run()
        assert not at.exception
        assert not at.error
        assert [t.value for t in at.title] == ["Overview"]
    finally:
        db.reset_engine()
