"""The first start on the terminal: whoever ran `streamlit run` sees the demo load's
progress there, not only in the browser."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from valuemodel.data import settings as config


def _first_start(url: str) -> None:
    from dashboard import bootstrap
    from valuemodel.data import db

    engine = db.create_engine_for(url)
    try:
        bootstrap._load_demo(engine)
    finally:
        engine.dispose()


def test_a_first_start_prints_the_demo_load_progress_on_the_terminal(engine, monkeypatch, capsys):
    monkeypatch.setenv("VALUEDASH_DEMO_EVENTS", "5000")
    config.install(config.resolve())
    url = engine.url.render_as_string(hide_password=False)
    try:
        at = AppTest.from_function(_first_start, args=(url,), default_timeout=180).run()
    finally:
        config.install(config.resolve())
    assert not at.exception, at.exception
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("valuedash:")]
    assert lines[0].startswith("valuedash: First start: generating and loading the demo")
    assert lines[-1].startswith("valuedash: Demo portfolio loaded:") and "rows in" in lines[-1]
    assert len(lines) >= 4, lines  # the steps between, as the browser's status shows them
    [status] = at.status
    assert status.label == lines[-1].removeprefix("valuedash: ")
