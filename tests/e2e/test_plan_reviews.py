"""The portfolio plan, notes and reviews in a real browser: pick 'Cut it' for a product and
watch the link and the NPV; freeze a review, reopen it and see nothing changed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import sqlalchemy as sa

from tests.e2e.conftest import canvas_of, choose, screenshot, wait_for_app, wait_for_redraw
from valuemodel.data import db, reviews, store
from valuemodel.data import notes as notes_data

NPV_TILE = "[data-testid='stMetricValue']"


def open_app(page, app_url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(app_url)
    page.locator("h1").first.wait_for(timeout=60_000)
    page.goto(app_url + path)
    wait_for_app(page)


def test_cutting_a_product_in_the_plan_moves_the_npv_and_the_link(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 2400})
    open_app(page, app_url, "/scenarios")
    page.get_by_text("Portfolio plan").first.wait_for()
    tile = page.locator(NPV_TILE).first
    before = tile.inner_text()
    choose(page, page.locator(".st-key-plan_pick_hr [data-testid='stSelectbox'] input"), "Cut it")
    page.wait_for_function(
        "before => document.querySelector(\"[data-testid='stMetricValue']\").innerText !== before",
        arg=before,
        timeout=30_000,
    )
    wait_for_app(page)
    assert parse_qs(urlparse(page.url).query).get("plan_hr") == ["cut"]
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Each product's contribution to the change").count() >= 1
    screenshot(page, "plan-cut-hr")


def test_a_review_is_frozen_and_reopened_in_the_browser(page, app_url, demo_url):
    page.set_viewport_size({"width": 1440, "height": 1800})
    open_app(page, app_url, "/reviews")
    try:
        page.locator(".st-key-review_name input").fill("Browser review")
        page.get_by_role("button", name="Freeze").click()
        page.get_by_text("Froze the review").wait_for(timeout=120_000)
        wait_for_app(page)
        assert parse_qs(urlparse(page.url).query).get("review") == ["Browser review"]
        page.get_by_role("tab", name="What changed since").click()
        page.get_by_text("Nothing changed since the review").wait_for(timeout=60_000)
        assert page.locator("[data-testid='stException']").count() == 0
        screenshot(page, "reviews-frozen")
    finally:
        engine = db.create_engine_for(demo_url)
        reviews.delete_review(engine, "Browser review")
        with engine.begin() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM reviews")).scalar() == 0
        engine.dispose()


HOSTILE = "<script>window.__noted = 1</script> **x** <b>bold</b> outage on the 12th"


def test_an_editor_adds_a_note_on_the_value_page_and_sees_it_listed_and_marked(
    page, app_url, demo_url
):
    """Local single-user mode makes the viewer an editor: the note is saved, listed in the
    notes table as the very text typed, and drawn as a marker on the cumulative chart;
    nothing of it runs or renders as markup."""
    page.set_viewport_size({"width": 1440, "height": 2000})
    engine = db.create_engine_for(demo_url)
    try:
        product = str(store.fetch_products(engine).sort_values("product_id").iloc[0]["product_id"])
        open_app(page, app_url, f"/value?product={product}")
        chart = page.locator("[data-testid='stVegaLiteChart']").first
        before = canvas_of(chart)
        notes = page.locator("[data-testid='stExpander']").filter(has_text="Notes (")
        count = int(notes.locator("summary").inner_text().split("(")[1].split(")")[0])
        if not notes.locator("[data-testid='stForm']").is_visible():
            notes.locator("summary").click()
        form = notes.locator("[data-testid='stForm']")
        form.locator(".st-key-note_author_value input").fill("Ana <i>PM</i>")
        form.locator(".st-key-note_text_value textarea").fill(HOSTILE)
        form.get_by_role("button", name="Add note").click()
        page.get_by_text("Note added").wait_for(timeout=60_000)
        wait_for_app(page)
        # Listed: the count went up and the table holds the text exactly as typed.
        assert notes.locator("summary").inner_text().strip().endswith(f"({count + 1})")
        grid = notes.locator("[data-testid='stDataFrame']")
        grid.wait_for()
        page.wait_for_function(
            "([grid, text]) => grid.innerText.includes(text) || [...grid.querySelectorAll("
            "'td, [role=gridcell]')].some(c => c.textContent.includes(text))",
            arg=[grid.element_handle(), HOSTILE],
            timeout=30_000,
        )
        # Marked: the cumulative chart drew again with the note's marker.
        wait_for_redraw(chart, before)
        # Shown as text: no script ran and no markup was made of the note or its author.
        assert page.evaluate("() => window.__noted") is None
        assert page.locator("b", has_text="bold").count() == 0
        assert page.locator("strong", has_text="x").count() == 0
        assert page.locator("i", has_text="PM").count() == 0
        assert page.locator("[data-testid='stException']").count() == 0
        stored = notes_data.fetch_notes(engine, "2000-01", "2100-12", product)
        assert HOSTILE in set(stored["text"]) and "Ana <i>PM</i>" in set(stored["author"])
        screenshot(page, "value-note-added")
    finally:
        stored = notes_data.fetch_notes(engine, "2000-01", "2100-12")
        for note_id in stored.loc[stored["text"] == HOSTILE, "note_id"]:
            notes_data.delete_note(engine, int(note_id))
        engine.dispose()
