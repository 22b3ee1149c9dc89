"""The Overview in a real browser: a copied link, presentation mode, the value map."""

from __future__ import annotations

from tests.e2e.conftest import screenshot, wait_for_app


def _no_errors(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("This app has encountered an error").count() == 0
    assert page.get_by_text("Something went wrong").count() == 0


def _wait_for_tiles(page, count: int) -> None:
    page.wait_for_function(
        f"document.querySelectorAll('[data-testid=\"stMetricValue\"]').length >= {count}",
        timeout=60_000,
    )
    wait_for_app(page)


def test_a_copied_link_opens_that_product_and_period_first_time(page, app_url):
    # A deep link as the very first request of a browser session.
    page.goto(f"{app_url}/?product=hr&from=2025-04&to=2025-09")
    wait_for_app(page)
    page.get_by_role("heading", name="Overview").wait_for()
    page.get_by_text("How users experience it").wait_for()
    _no_errors(page)
    page.get_by_text("HR Self-Service, 2025-04 to 2025-09").wait_for()
    screenshot(page, "overview-hr")
    # Moving to another page keeps the selection in the URL.
    page.get_by_role("link", name="Value").click()
    wait_for_app(page)
    page.get_by_role("heading", name="Value", exact=True).wait_for()
    assert "product=hr" in page.url and "from=2025-04" in page.url


def test_a_deep_link_to_another_page_works_on_first_load(page, app_url):
    page.goto(f"{app_url}/heart?product=ci")
    wait_for_app(page)
    page.get_by_role("heading", name="HEART").wait_for()
    _no_errors(page)


def test_presentation_mode_hides_the_sidebar_and_keeps_the_figures(page, app_url):
    page.goto(f"{app_url}/?product=ci")
    wait_for_app(page)
    page.get_by_text("How users experience it").wait_for()
    _wait_for_tiles(page, 4)
    figures = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    page.goto(f"{app_url}/?product=ci&present=1")
    wait_for_app(page)
    page.get_by_role("button", name="Exit presentation").wait_for()
    _wait_for_tiles(page, 4)
    _no_errors(page)
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    assert page.locator("[data-testid='stMetricValue']").all_inner_texts() == figures
    screenshot(page, "overview-ci-presentation")
    page.get_by_role("button", name="Exit presentation").click()
    wait_for_app(page)
    page.locator("[data-testid='stSidebar']").wait_for()
    assert "present=1" not in page.url


def test_the_portfolio_overview_shows_the_value_map(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_text("Value map").wait_for()
    value_map = page.locator("[data-testid='stVegaLiteChart']").last
    value_map.wait_for()
    _no_errors(page)
    screenshot(page, "overview-portfolio")
    # A click on a product's point opens that product's overview.
    points = value_map.locator("g.mark-symbol.role-mark path")
    assert points.count() >= 2
    points.first.click(force=True)
    page.wait_for_url("**/?product=*", timeout=60_000)
    wait_for_app(page)
    page.get_by_text("How users experience it").wait_for()
    page.get_by_text("Value map").wait_for(state="detached")  # a product view has no map
    _no_errors(page)
