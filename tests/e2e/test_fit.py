"""Every page fits 1024x768, 1440x900 and 1920x1080 (portfolio, one product, presentation
mode): no metric value, tile label or table header overflows its box, and no exception.
Screenshots of each view go outside the repository (conftest.SCREENSHOTS)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot, wait_for_app

SIZES = [(1024, 768), (1440, 900), (1920, 1080)]
PAGES = ["", "value", "okr", "heart", "scenarios", "data"]
# Elements whose text must fit: tile values, labels and changes, static table headers.
OVERFLOW = """() => {
  const boxes = document.querySelectorAll(
    '[data-testid="stMetricValue"], [data-testid="stMetricValue"] *,' +
    '[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,' +
    '[data-testid="stMetricDelta"] *, [data-testid="stTable"] th');
  const out = [];
  for (const el of boxes) {
    if (!el.offsetParent) continue;  // hidden (another tab)
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
      out.push(`${el.getAttribute('data-testid') || el.tagName}: ${el.innerText.slice(0, 40)}`
               + ` (${el.scrollWidth} > ${el.clientWidth})`);
    }
  }
  return out;
}"""


def check(page, url: str, name: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.wait_for_selector("h1", timeout=60_000)
    wait_for_app(page)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # charts and tiles settle after the run
    assert page.locator("[data-testid='stException']").count() == 0, name
    assert page.get_by_text("Something went wrong").count() == 0, name
    screenshot(page, name)
    assert page.evaluate(OVERFLOW) == [], name


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("product", [None, "ci"])
def test_every_page_fits_the_screen(browser, app_url, width, height, product) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        for path in PAGES:
            query = f"?product={product}" if product else ""
            check(
                page,
                f"{app_url}/{path}{query}",
                f"fit-{width}-{product or 'all'}-{path or 'overview'}",
            )
    finally:
        context.close()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_presentation_mode_fits_the_screen(browser, app_url, width, height) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        for path in PAGES:
            check(
                page,
                f"{app_url}/{path}?product=ci&present=1",
                f"present-{width}-{path or 'overview'}",
            )
    finally:
        context.close()
