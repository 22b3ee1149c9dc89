"""The HEART page in a real browser: the portfolio and one product, screenshotted whole."""

from __future__ import annotations

from tests.e2e.conftest import screenshot, wait_for_app, wait_for_charts

PANEL_CHARTS_DRAWN = """() => {
    const panel = [...document.querySelectorAll("[role='tabpanel']")]
        .find(p => !p.hidden && p.offsetParent !== null);
    const scope = panel || document;
    const charts = [...scope.querySelectorAll("[data-testid='stVegaLiteChart']")];
    return charts.every(c => c.querySelector('canvas.marks, svg.marks'));
}"""


def open_heart(page, app_url: str, query: str = "") -> None:
    page.goto(f"{app_url}/heart{query}")
    wait_for_app(page)
    page.get_by_role("heading", name="HEART").first.wait_for(timeout=60_000)


def show_everything(page) -> int:
    """Open every tab of the page in turn (a tall viewport, so lazily drawn charts render)
    and wait until that tab's charts are drawn; return how many charts were drawn."""
    height = page.evaluate("() => document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    page.set_viewport_size({"width": 1440, "height": min(int(height) + 600, 12_000)})
    wait_for_charts(page)  # count the page's own charts once they have drawn, not before
    page.wait_for_function(
        "() => [...document.querySelectorAll(\"[data-testid='stVegaLiteChart']\")]"
        ".some(c => c.offsetParent !== null && c.querySelector('canvas.marks, svg.marks'))",
        timeout=30_000,
    )
    drawn = page.evaluate(
        "() => [...document.querySelectorAll(\"[data-testid='stVegaLiteChart']\")]"
        ".filter(c => c.offsetParent !== null && c.querySelector('canvas.marks, svg.marks')).length"
    )
    tabs = page.get_by_role("tab")
    for i in range(tabs.count()):
        tabs.nth(i).click()
        page.wait_for_function(PANEL_CHARTS_DRAWN, timeout=30_000)
        if i > 0:
            drawn += page.evaluate(
                """() => {
                const panel = [...document.querySelectorAll("[role='tabpanel']")]
                    .find(p => !p.hidden && p.offsetParent !== null);
                return panel ? panel.querySelectorAll("[data-testid='stVegaLiteChart']").length : 0;
            }"""
            )
    return drawn


def assert_clean(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    text = page.locator("[data-testid='stMain']").inner_text()
    for leak in ("nan", "None", "Traceback", "NaN"):
        assert f" {leak} " not in f" {text} ".replace("\n", " "), leak


def test_portfolio_heart_shows_every_products_scores_side_by_side(page, app_url):
    open_heart(page, app_url)
    page.get_by_text("HEART index, mean of products").wait_for()
    page.get_by_role("tab", name="Goals, signals and metrics").wait_for()
    drawn = show_everything(page)
    assert_clean(page)
    # heatmap + index by product + small multiples + adoption + lifecycle + cohorts
    assert drawn >= 6
    path = screenshot(page, "heart-portfolio")
    assert path.stat().st_size > 50_000


def test_product_heart_shows_tiles_charts_and_the_goals_table(page, app_url):
    open_heart(page, app_url, "?product=ci")
    page.get_by_text("CI Platform, ", exact=False).first.wait_for()
    for label in ("HEART index", "Happiness", "Engagement", "Adoption", "Retention"):
        page.get_by_test_id("stMetricLabel").filter(has_text=label).first.wait_for()
    drawn = show_everything(page)
    assert_clean(page)
    assert page.locator("[data-testid='stMetric']").count() == 6
    assert drawn >= 10
    tables = "[data-testid='stDataFrame'], [data-testid='stTable']"
    assert page.locator(tables).count() >= 2  # goals table + per action
    path = screenshot(page, "heart-ci")
    assert path.stat().st_size > 50_000
