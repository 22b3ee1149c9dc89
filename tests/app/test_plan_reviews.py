"""The portfolio plan (Scenarios page, whole portfolio), notes and the Reviews page through
Streamlit's AppTest. Expected figures come from `valuemodel.core.plan` and the frozen
snapshot, never from the page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP
from valuemodel.core import plan as core_plan
from valuemodel.data import db, notes, plans, reviews
from valuemodel.present.formats import money


@pytest.fixture(scope="module")
def writable_demo_url(make_database: Callable[[], str], demo_csv_dir: Path) -> str:
    from valuemodel.data.importer import import_folder

    url = make_database()
    eng = db.create_engine_for(url)
    import_folder(eng, demo_csv_dir)
    eng.dispose()
    return url


@pytest.fixture
def writable(writable_demo_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    monkeypatch.setenv("DATABASE_URL", writable_demo_url)
    db.reset_engine()
    eng = db.create_engine_for(writable_demo_url)
    yield eng
    with eng.begin() as conn:
        conn.exec_driver_sql("DELETE FROM plans; DELETE FROM reviews; DELETE FROM notes;")
    eng.dispose()
    db.reset_engine()


def open_page(page: str, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def tile(at: AppTest, prefix: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(prefix))


def expected_plan(at: AppTest, engine, picks: dict[str, str]) -> core_plan.PlanResult:  # type: ignore[no-untyped-def]
    month_to = at.session_state["selection"].period.last
    baselines = plans.fetch_baselines(engine, month_to)
    resolved = core_plan.resolve_choices(baselines, picks, plans.fetch_saved_drivers(engine))
    return core_plan.evaluate_plan(baselines, resolved, draws=2_000)


def test_the_portfolio_plan_shows_the_npv_of_its_picks_and_keeps_them_in_the_url(writable):
    at = open_page("views/scenarios.py")
    assert "Portfolio plan" in [s.value for s in at.subheader]
    everything = expected_plan(at, writable, {})
    assert tile(at, "NPV over") == money(everything.npv, everything.currency, compact=True)
    at.selectbox(key="plan_pick_hr").set_value("cut").run()
    assert not at.exception
    cut = expected_plan(at, writable, {"hr": "cut"})
    assert tile(at, "NPV over") == money(cut.npv, cut.currency, compact=True)
    assert at.query_params["plan_hr"] == "cut"
    # A copied link reproduces the plan.
    again = open_page("views/scenarios.py", {"plan_hr": "cut"})
    assert tile(again, "NPV over") == money(cut.npv, cut.currency, compact=True)


def test_an_editor_saves_a_plan_and_compares_it(writable):
    at = open_page("views/scenarios.py", {"plan_ci": "cut"})
    at.text_input(key="plan_save_name").set_value("Cut CI")
    next(b for b in at.button if b.label == "Save plan").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    stored = plans.fetch_plan(writable, "Cut CI")
    assert stored is not None and stored["choices"]["ci"] == "cut"  # type: ignore[index]
    at.multiselect(key="plan_compare").set_value(["Cut CI"]).run()
    assert not at.exception
    figures = [df.value for df in at.dataframe]
    assert any("Cut" in list(frame.get("Figure", [])) for frame in figures)


def test_a_budget_move_reports_the_npv_change(writable):
    at = open_page("views/scenarios.py")
    shown = " ".join(m.value for m in at.markdown)
    assert "Moving" in shown and "the portfolio" in shown


def test_an_editor_adds_a_note_shown_as_text_on_the_reviews_page(writable):
    at = open_page("views/reviews.py", {"product": "ci"})
    text = "**Outage** on the 12th <script>x</script>"
    at.text_area(key="note_text_reviews").set_value(text)
    at.text_input(key="note_author_reviews").set_value("Ana")
    next(b for b in at.button if b.label == "Add note").click().run()
    assert not at.exception
    stored = notes.fetch_notes(writable, "2000-01", "2100-12", "ci")
    assert stored["text"].tolist() == [text]
    table = at.dataframe[-1].value
    assert table["Note"].tolist() == [text]  # a dataframe cell: text, never markup


def test_a_frozen_review_reopens_as_it_was_and_lists_what_changed(writable):
    at = open_page("views/reviews.py")
    at.text_input(key="review_name").set_value("Board Q4")
    next(b for b in at.button if b.label == "Freeze").click().run()
    assert not at.exception
    frozen = reviews.fetch_review(writable, "Board Q4")
    assert frozen is not None
    assert at.query_params["review"] == "Board Q4"
    buyer = frozen.snapshot.report["portfolio"]["buyer"]
    currency = frozen.snapshot.report["currency"]
    assert tile(at, "Net value") == money(buyer["net_value"], currency, compact=True)
    said = " ".join(m.value for m in at.markdown)
    assert "Nothing changed since the review" in said


def test_viewers_see_reviews_but_cannot_freeze(writable, monkeypatch):
    monkeypatch.setenv("VALUEDASH_EDITORS", "nobody@example.com")
    at = open_page("views/reviews.py")
    assert not at.exception
    assert any(t.value == "Reviews" for t in at.title)
