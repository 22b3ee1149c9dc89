"""The Adoption page and the segment filter in a real browser."""

from __future__ import annotations

from tests.e2e.conftest import CHARTS_DRAWN, choose, screenshot, wait_for_app
from tests.e2e.test_heart import assert_clean


def test_adoption_page_draws_funnel_heatmap_and_the_opportunity_ranking(page, app_url):
    page.goto(f"{app_url}/adoption?product=ci")
    wait_for_app(page)
    page.get_by_role("heading", name="Adoption").first.wait_for(timeout=60_000)
    page.get_by_role("heading", name="Which group should we win next?").wait_for()
    page.get_by_text("Winning Payments", exact=False).first.wait_for()
    page.set_viewport_size({"width": 1440, "height": 2400})
    page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
    assert_clean(page)
    assert page.locator("[data-testid='stVegaLiteChart']").count() == 2
    assert screenshot(page, "adoption-ci").stat().st_size > 30_000


def test_a_segment_link_filters_heart_and_says_money_stays_whole(page, app_url):
    page.goto(f"{app_url}/heart?product=ci&segment_by=org&segment=Payments")
    wait_for_app(page)
    page.get_by_text("Segment Org: Payments.", exact=False).first.wait_for(timeout=60_000)
    page.get_by_text("stays the whole product's", exact=False).first.wait_for()
    assert "segment=Payments" in page.url and "segment_by=org" in page.url
    assert_clean(page)
    # Choosing everyone again drops the segment from the link.
    picker = page.get_by_test_id("stSelectbox").filter(has_text="Segment").locator("input")
    choose(page, picker, "Everyone")
    wait_for_app(page)
    page.wait_for_function("() => !location.search.includes('segment=')", timeout=30_000)
    page.get_by_text("Segment Org: Payments.", exact=False).first.wait_for(
        state="detached", timeout=30_000
    )
    assert_clean(page)
