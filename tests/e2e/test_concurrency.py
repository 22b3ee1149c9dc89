"""Twenty simultaneous viewers on one server: every page renders, nobody sees an error."""

from __future__ import annotations

from tests.e2e.conftest import wait_for_app

PAGES = ["", "value", "heart", "okr", "scenarios", "data"]
PRODUCTS = ["ci", "hr", "datamart", "design", "expense"]


def test_twenty_concurrent_sessions_render_without_errors(browser, app_url):
    contexts = [browser.new_context(viewport={"width": 1280, "height": 800}) for _ in range(20)]
    try:
        tabs = []
        for i, context in enumerate(contexts):
            tab = context.new_page()
            url = f"{app_url}/{PAGES[i % len(PAGES)]}?product={PRODUCTS[i % len(PRODUCTS)]}"
            tab.goto(url, wait_until="commit")  # all twenty sessions start together
            tabs.append(tab)
        for tab in tabs:
            wait_for_app(tab, timeout=120_000)
            tab.locator("h1").first.wait_for(timeout=120_000)
        for i, tab in enumerate(tabs):
            assert tab.locator("[data-testid='stException']").count() == 0, tab.url
            assert tab.get_by_text("Something went wrong").count() == 0, tab.url
            assert f"product={PRODUCTS[i % len(PRODUCTS)]}" in tab.url
    finally:
        for context in contexts:
            context.close()
