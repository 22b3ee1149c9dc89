"""The Releases page in a real browser (the markers on time charts: tests/app)."""

from __future__ import annotations

import pandas as pd

from tests.conftest import DEMO_END_MONTH
from tests.e2e.conftest import CHARTS_DRAWN, choose, screenshot, wait_for_app
from tests.e2e.test_heart import assert_clean

FIRST = str(pd.Period(DEMO_END_MONTH, freq="M") - 23)


def test_releases_page_draws_the_time_line_the_effects_and_the_fitted_chart(page, app_url):
    page.set_viewport_size({"width": 1440, "height": 2400})
    page.goto(f"{app_url}/releases?product=datamart&from={FIRST}&to={DEMO_END_MONTH}")
    wait_for_app(page)
    page.get_by_role("heading", name="Releases").first.wait_for(timeout=60_000)
    picker = page.get_by_test_id("stSelectbox").filter(has_text="Release").locator("input")
    choose(page, picker, f"{_date(page)} · Self-serve datasets")
    wait_for_app(page)
    page.get_by_text("Staggered rollout by org.", exact=False).first.wait_for(timeout=30_000)
    page.wait_for_function(
        "() => document.querySelectorAll(\"[data-testid='stVegaLiteChart']\").length == 2",
        timeout=30_000,
    )  # the time line and the series with its two fitted segments
    page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
    assert_clean(page)
    assert page.locator("[data-testid='stTable']").count() == 1
    assert screenshot(page, "releases-datamart").stat().st_size > 30_000


def _date(page) -> str:  # type: ignore[no-untyped-def]
    """The self-serve release's date, read from the demo's rollout (its first wave)."""
    from valuemodel.demo import directory, releases

    first = min(m for m, _ in directory.ROLLOUT_WAVES)
    day = next(d for _, rid, _, d, _, _ in releases.RELEASES if rid == releases.ROLLOUT_RELEASE)
    month = pd.Period(DEMO_END_MONTH, freq="M") - 23 + first
    return f"{month}-{day:02d}"
