"""The Scenarios page in a real browser: drag a slider, watch the URL, tiles and chart."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from tests.e2e.conftest import (
    canvas_of,
    choose,
    screenshot,
    wait_for_app,
    wait_for_charts,
    wait_for_redraw,
)

TALL = {"width": 1440, "height": 2600}
TEAM = "[class*='st-key-scn_fte_ci_']"
NPV_TILE = "[data-testid='stMetricValue']"


def open_app(page, app_url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    # The default page first: on a server's very first session, a deep link into a page of
    # the `pages/` folder would run that page without app.py's frame (Streamlit's
    # folder-based multipage mode stays on until some session has called st.navigation).
    page.goto(app_url)
    page.locator("h1").first.wait_for(timeout=60_000)
    page.goto(app_url + path)
    wait_for_app(page)


def url_params(page) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return parse_qs(urlparse(page.url).query)


def test_dragging_a_slider_updates_the_url_tiles_and_chart(page, app_url):
    open_app(page, app_url, "/scenarios?product=ci")
    tile = page.locator(NPV_TILE).first
    tile.wait_for()
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.wait_for()
    wait_for_charts(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert "s_fte" not in url_params(page)  # an untouched page has a clean link
    npv_before, chart_before, pixels_before = (
        tile.inner_text(),
        chart.screenshot(),
        canvas_of(chart),
    )
    screenshot(page, "scenarios-ci")

    thumb = page.locator(f"{TEAM} [data-testid='stSliderThumbValue']")
    box = thumb.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] + 8
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 90, y, steps=8)
    page.mouse.up()

    page.wait_for_function("() => window.location.search.includes('s_fte=')", timeout=30_000)
    page.wait_for_function(
        "(old) => document.querySelector(\"[data-testid='stMetricValue']\").innerText !== old",
        arg=npv_before,
        timeout=30_000,
    )
    wait_for_app(page)
    wait_for_redraw(chart, pixels_before)
    slider_value = float(page.locator(f"{TEAM} input[type='range']").input_value())
    assert float(url_params(page)["s_fte"][0]) == slider_value
    assert tile.inner_text() != npv_before
    assert chart.screenshot() != chart_before
    assert page.locator("[data-testid='stException']").count() == 0

    # The link reproduces the scenario in a new tab.
    link = page.url
    other = page.context.new_page()
    other.goto(link)
    wait_for_app(other)
    other.locator(NPV_TILE).first.wait_for()
    assert other.locator(NPV_TILE).first.inner_text() == tile.inner_text()
    assert float(other.locator(f"{TEAM} input[type='range']").input_value()) == slider_value
    other.close()

    page.get_by_text("What if we cut it?").click()
    page.wait_for_function("() => window.location.search.includes('s_cut=1')", timeout=30_000)
    wait_for_app(page)
    page.get_by_text("After the cut").wait_for()
    page.set_viewport_size(TALL)
    wait_for_charts(page)
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "nan" not in body.split() and "None" not in body.split()
    path = screenshot(page, "scenarios-ci-cut")
    assert path.stat().st_size > 50_000


def test_the_portfolio_offers_a_product_to_model(page, app_url):
    open_app(page, app_url, "/scenarios")
    page.get_by_text("Scenarios model one product at a time").wait_for()
    picker = page.locator(".st-key-scenario_pick [data-testid='stSelectbox'] input")
    picker.wait_for()
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "scenarios-portfolio")
    choose(page, picker, "CI Platform")
    page.wait_for_function("() => window.location.search.includes('product=ci')", timeout=30_000)
    wait_for_app(page)
    page.locator(NPV_TILE).first.wait_for()
    assert page.locator("[data-testid='stMetric']").count() >= 4
    assert page.locator("[data-testid='stException']").count() == 0
