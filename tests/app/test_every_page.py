"""Every page, on an empty database and on an unreachable one: guidance or a calm
message, never an exception or a traceback."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP
from valuemodel.data import db

PAGES = ["overview", "home", "value", "okr", "heart", "scenarios", "reviews", "data"]


def _run_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    if page != "overview":
        at.switch_page(f"views/{page}.py").run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_an_empty_database_gives_guidance_on_every_page(engine, monkeypatch, page):
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    db.reset_engine()
    try:
        at = _run_page(page)
        assert not at.exception
        assert not at.error, [e.value for e in at.error]
        if page == "data":  # the page where data is imported: its form is the guidance
            assert [t.value for t in at.title] == ["Data"]
        else:
            shown = " ".join(str(i.value) for i in at.info)
            assert "load" in shown.lower() or "import" in shown.lower(), shown
    finally:
        db.reset_engine()


@pytest.mark.parametrize("page", PAGES)
def test_an_unreachable_database_gives_a_calm_message_on_every_page(monkeypatch, page):
    monkeypatch.setenv("DATABASE_URL", "postgresql://viewer:s3cret@127.0.0.1:1/valuedash")
    db.reset_engine()
    try:
        at = _run_page(page)
        assert not at.exception
        messages = [e.value for e in at.error]
        assert messages and "not reachable" in messages[0]
        assert all("Traceback" not in m and "s3cret" not in m for m in messages)
    finally:
        db.reset_engine()
