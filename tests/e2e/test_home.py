"""The Home page in a real browser."""

from __future__ import annotations

from tests.e2e.conftest import screenshot, wait_for_app


def test_home_renders_the_demo_portfolio_without_an_exception(page, app_url):
    page.goto(f"{app_url}/home")
    wait_for_app(page)
    page.get_by_role("heading", name="Home").wait_for()
    assert page.locator("[data-testid='stException']").count() == 0
    # The products table lists demo products by name.
    page.get_by_text("Products covered").wait_for()
    page.locator("[data-testid='stTable']").first.wait_for()
    assert page.locator("[data-testid='stTable']").count() == 1
    assert page.locator("[data-testid='stMetric']").count() >= 4
    path = screenshot(page, "home")
    assert path.stat().st_size > 10_000
