"""The Value and Data pages in a real browser, with screenshots for review."""

from __future__ import annotations

from tests.e2e.conftest import screenshot, wait_for_app, wait_for_charts

# Tall enough for the whole page: Streamlit scrolls inside its own container, so a
# full-page screenshot holds only what the viewport shows.
TALL = {"width": 1440, "height": 3800}


def open_app(page, app_url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size(TALL)
    page.goto(app_url + path)
    wait_for_app(page)


def wait_for_rendering(page, charts: int, tables: int) -> None:  # type: ignore[no-untyped-def]
    """Until the charts have drawn and the tables have painted."""
    page.wait_for_function(
        "([charts, tables]) => "
        "document.querySelectorAll(\"[data-testid='stVegaLiteChart'] .marks\").length >= charts"
        " && document.querySelectorAll(\"[data-testid='stDataFrame'] canvas,"
        " [data-testid='stTable'] table\").length >= tables",
        arg=[charts, tables],
        timeout=30_000,
    )
    wait_for_charts(page)


def assert_calm(page) -> None:  # type: ignore[no-untyped-def]
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlert']").filter(has_text="went wrong").count() == 0
    words = page.locator("[data-testid='stMain']").inner_text().split()
    assert "nan" not in words and "None" not in words and "NaN" not in words


def test_value_page_shows_the_funding_case_for_the_portfolio(page, app_url):
    open_app(page, app_url, "/value")
    page.get_by_role("heading", name="Value", exact=True).wait_for()
    page.get_by_text("Products ranked by net value").wait_for()
    page.get_by_text("Download the cash flow (CSV)").wait_for()
    # Cumulative, monthly and ranking charts; ranking, ledger and cash-flow tables.
    wait_for_rendering(page, charts=3, tables=3)
    assert_calm(page)
    # Six headline tiles and three global assumptions.
    assert page.locator("[data-testid='stMetric']").count() == 9
    path = screenshot(page, "value-portfolio")
    assert path.stat().st_size > 50_000


def test_value_page_for_one_product_shows_its_task_baselines(page, app_url):
    open_app(page, app_url, "/value?product=ci")
    page.get_by_text("Savings by task baseline").wait_for()
    page.get_by_text("Download the cash flow (CSV)").wait_for()
    # Cumulative, monthly and baseline charts; ledger and cash-flow tables.
    wait_for_rendering(page, charts=3, tables=2)
    assert_calm(page)
    assert page.locator("h4").first.inner_text().startswith("CI Platform")
    path = screenshot(page, "value-ci")
    assert path.stat().st_size > 50_000


def test_data_page_shows_assumptions_freshness_import_and_definitions(page, app_url):
    open_app(page, app_url, "/data")
    for heading in ("Global assumptions", "Freshness", "Import CSV files", "Definitions"):
        page.get_by_role("heading", name=heading).wait_for()
    wait_for_rendering(page, charts=0, tables=1)
    assert_calm(page)
    assert page.get_by_role("button", name="Save assumptions").count() == 1
    path = screenshot(page, "data")
    assert path.stat().st_size > 50_000
