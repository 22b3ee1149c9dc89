"""The OKR ladder-up page in a real browser: the DOT graph is laid out and drawn by
Graphviz (WASM) in Chromium, beside the co-movement charts."""

from __future__ import annotations

import re

from tests.e2e.conftest import screenshot, wait_for_app, wait_for_charts
from valuemodel.data.report import link_strengths

TALL = {"width": 1440, "height": 4400}  # Streamlit scrolls inside the page: grow the window


def open_okr(page, app_url: str, query: str = "") -> None:
    page.goto(f"{app_url}/okr{query}")
    wait_for_app(page)
    page.get_by_role("heading", name="OKR ladder-up").wait_for()
    page.locator("[data-testid='stGraphVizChart'] svg g.node").first.wait_for(timeout=60_000)


def test_the_portfolio_ladder_is_drawn_with_a_box_and_a_line_per_link(page, app_url, demo_engine):
    page.set_viewport_size(TALL)
    open_okr(page, app_url)
    links = link_strengths(demo_engine, None)
    graph = page.locator("[data-testid='stGraphVizChart'] svg")
    # one box per link plus the key results and objectives; one line per link at least
    assert graph.locator("g.node").count() > len(links)
    assert graph.locator("g.edge").count() >= len(links)
    text = graph.text_content() or ""
    assert "changes" in text and "Company objective" in text
    assert "Moves together" in text and "Shared trend only" in text
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Why a high r is not enough").count() == 1
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(timeout=60_000)
    wait_for_charts(page)
    path = screenshot(page, "okr-portfolio")
    assert path.stat().st_size > 50_000


def test_one_product_shows_its_links_and_their_co_movement(page, app_url, demo_engine):
    page.set_viewport_size(TALL)
    open_okr(page, app_url, "?product=ci")
    links = link_strengths(demo_engine, "ci")
    graph = page.locator("[data-testid='stGraphVizChart'] svg")
    link_boxes = graph.locator("g.node").filter(has_text=re.compile(r"\d+ mo\b"))
    assert link_boxes.count() == int(links["r"].notna().sum())
    assert page.locator("[data-testid='stException']").count() == 0
    charts = page.locator("[data-testid='stVegaLiteChart']")
    charts.first.wait_for(timeout=60_000)
    assert charts.count() == len(links)
    wait_for_charts(page)
    path = screenshot(page, "okr-ci")
    assert path.stat().st_size > 50_000
