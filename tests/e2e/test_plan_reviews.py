"""The portfolio plan, notes and reviews in a real browser: pick 'Cut it' for a product and
watch the link and the NPV; freeze a review, reopen it and see nothing changed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import sqlalchemy as sa

from tests.e2e.conftest import choose, screenshot, wait_for_app
from valuemodel.data import db, reviews

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
