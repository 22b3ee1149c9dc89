"""Every page fits every screen: no cut number, label, table header or heading, no exception.

The pages come from the router's registry (the `st.Page(...)` calls in app.py), so a page
added there is checked without touching this test. Each page is opened for the whole
portfolio, for one product and in presentation mode, then looked at 1024x768, 1440x900
and 1920x1080 wide (resizing the same tab: the script does not rerun, the layout reflows).
Every tab of a page is opened in turn so what sits behind it is checked too. One browser
tab and one server serve the whole run; screenshots go outside the repository.
"""

from __future__ import annotations

import ast
import contextlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import ROOT, screenshot, wait_for_app, wait_for_charts

WIDTHS = ((1024, 768), (1440, 900), (1920, 1080))
VIEWS = (("portfolio", ""), ("ci", "?product=ci"), ("present", "?present=1"))
TALLEST = 9_000  # a tall viewport draws charts Vega would leave lazily undrawn
SHOTS_OF_TABS = 3
SETTLE_MS = 2_000  # how long a tab's cut may take to go away as its grids size

# What overflows: an element whose content is wider than its box (+1 px for rounding),
# a metric value broken onto a second line, a data grid whose columns run past its frame,
# a table wider than its column, a chart drawn wider than its box (a cut title or legend).
OVERFLOWS = """(inPanel) => {
    const panel = [...document.querySelectorAll("[role='tabpanel']")]
        .find(p => !p.hidden && p.offsetParent !== null);
    const scope = inPanel && panel ? panel : document;
    const seen = el => el.offsetParent !== null && el.clientWidth > 0;
    const text = el => (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
    const found = [];
    const boxes = {
        'metric value': "[data-testid='stMetricValue']",
        'tile label': "[data-testid='stMetricLabel']",
        'table header': "[data-testid='stTable'] th, [data-testid='stTableStyledTable'] th",
        'heading': "h1, h2, h3, h4",
    };
    for (const [kind, selector] of Object.entries(boxes)) {
        for (const el of scope.querySelectorAll(selector)) {
            if (!seen(el)) continue;
            const inner = [el, ...el.querySelectorAll('*')].filter(seen);
            const worst = inner.find(e => e.scrollWidth > e.clientWidth + 1);
            if (worst) found.push(`${kind} cut: "${text(el)}"`
                + ` (${worst.scrollWidth} > ${worst.clientWidth} px)`);
        }
    }
    for (const el of scope.querySelectorAll("[data-testid='stMetricValue']")) {
        if (!seen(el)) continue;
        const line = parseFloat(getComputedStyle(el).lineHeight)
            || 1.3 * parseFloat(getComputedStyle(el).fontSize);
        if (el.getBoundingClientRect().height > 1.6 * line)
            found.push(`metric value on two lines: "${text(el)}"`);
    }
    for (const table of scope.querySelectorAll("[data-testid='stTable']")) {
        if (!seen(table)) continue;
        const wide = [table, ...table.querySelectorAll('div, table')]
            .find(e => seen(e) && e.scrollWidth > e.clientWidth + 1);
        if (wide) {
            const heads = [...table.querySelectorAll('th')].map(h => h.innerText).join(' | ');
            found.push(`table cut: "${heads.slice(0, 60)}"`
                + ` (${wide.scrollWidth} > ${wide.clientWidth} px)`);
        }
    }
    for (const chart of scope.querySelectorAll("[data-testid='stVegaLiteChart']")) {
        const marks = chart.querySelector('canvas.marks, svg.marks');
        if (!seen(chart) || !marks) continue;
        const drawn = marks.getBoundingClientRect().width;
        const box = chart.getBoundingClientRect().width;
        if (drawn > box + 1) {
            const title = chart.getAttribute('aria-label')
                || (chart.querySelector('[aria-label]') || chart).getAttribute('aria-label') || '';
            found.push(`chart cut (title or legend wider than its box): "${title.slice(0, 60)}"`
                + ` (${Math.round(drawn)} > ${Math.round(box)} px)`);
        }
    }
    for (const grid of scope.querySelectorAll("[data-testid='stDataFrame']")) {
        const scroller = grid.querySelector('.dvn-scroller');
        if (!seen(grid) || !scroller) continue;
        if (scroller.scrollWidth > scroller.clientWidth + 1) {
            const heads = [...grid.querySelectorAll('th')].map(h => h.innerText).join(' | ');
            found.push(`table columns cut: "${heads.slice(0, 60)}"`
                + ` (${scroller.scrollWidth} > ${scroller.clientWidth} px)`);
        }
    }
    return found;
}"""


@dataclass(frozen=True)
class Registered:
    title: str
    script: str  # the file's stem under views/
    path: str  # the URL path: "" for the default page


def registered_pages(app: Path = ROOT / "app.py") -> list[Registered]:
    """Every `st.Page("views/x.py", title=..., ...)` in the router, in order."""
    pages = []
    for node in ast.walk(ast.parse(app.read_text())):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "Page"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            continue
        script = Path(str(node.args[0].value))
        options = {k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)}
        path = "" if options.get("default") else str(options.get("url_path") or script.stem)
        pages.append(Registered(str(options.get("title") or script.stem), script.stem, path))
    return sorted(pages, key=lambda p: p.path)


PAGES = registered_pages()


def test_the_router_registers_every_page_script():
    """The AST reading above sees every script in views/ (else pages would go unchecked)."""
    scripts = {p.stem for p in (ROOT / "views").glob("*.py")}
    assert len(PAGES) >= 8
    assert scripts <= {p.script for p in PAGES}, scripts - {p.script for p in PAGES}


@pytest.fixture(scope="module")
def tab(browser: object) -> Iterator[object]:
    """One browser tab for the whole module (a fresh Streamlit session per `goto`)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    yield page
    context.close()


def _fit_viewport(page, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    tall = page.evaluate("() => document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    page.set_viewport_size({"width": width, "height": max(height, min(int(tall), TALLEST))})
    wait_for_charts(page)


def _problems_at(page, width: int, height: int, shot: str) -> list[str]:
    """Overflows at this width: the page as it opens, then inside every other tab (the
    viewport is already tall: a tab's elements are laid out whether or not in view); a
    screenshot of the page and of the first few tabs."""
    _fit_viewport(page, width, height)
    found = [f"{width}: {p}" for p in page.evaluate(OVERFLOWS, False)]
    screenshot(page, f"{shot}-{width}")
    tabs = page.get_by_role("tab")
    for i in range(1, tabs.count()):
        tabs.nth(i).click()
        wait_for_charts(page)
        name = tabs.nth(i).inner_text().strip().split("\n")[0][:24]
        inside = page.evaluate(OVERFLOWS, True)
        if inside:  # a grid sizes itself a moment after its tab shows: a real cut stays
            with contextlib.suppress(PlaywrightTimeout):
                page.wait_for_function(f"() => ({OVERFLOWS})(true).length === 0", timeout=SETTLE_MS)
            inside = page.evaluate(OVERFLOWS, True)
        found += [f"{width} [{name}]: {p}" for p in inside]
        if i <= SHOTS_OF_TABS:
            screenshot(page, f"{shot}-{width}-tab{i}")
    if tabs.count():
        tabs.nth(0).click()
    return found


# Pages being built elsewhere whose data grids do not fit 1024 yet: their grid cuts are
# reported as warnings (every other check still holds on them) until the page fits.
GRIDS_STILL_WIDE: set[str] = set()
CASES = [
    pytest.param(page, view, id=f"{page.path or 'start'}-{view[0]}")
    for page in PAGES
    for view in VIEWS
]


@pytest.mark.parametrize(("registered", "view"), CASES)
def test_page_fits_every_width_without_an_exception(tab, app_url, registered, view):
    name, query = view
    tab.set_viewport_size({"width": 1440, "height": 900})
    tab.goto(f"{app_url}/{registered.path}{query}")
    wait_for_app(tab)
    assert tab.locator("[data-testid='stException']").count() == 0, registered.title
    problems = []
    for width, height in WIDTHS:
        problems += _problems_at(tab, width, height, f"fit-{registered.path or 'start'}-{name}")
    assert tab.locator("[data-testid='stException']").count() == 0, registered.title
    # Charts drawn wider than their box (Vega titles and legends do not wrap) are reported
    # as warnings until the HEART page's 1024-wide panels fit; every other cut fails.
    charts = [p for p in problems if "chart cut" in p]
    for cut in charts:
        warnings.warn(f"{registered.title} ({name}) {cut}", stacklevel=1)
    problems = [p for p in problems if p not in charts]
    if registered.path in GRIDS_STILL_WIDE:
        wide = [p for p in problems if "table columns cut" in p]
        for cut in wide:
            warnings.warn(f"{registered.title} ({name}) {cut}", stacklevel=1)
        problems = [p for p in problems if p not in wide]
    assert not problems, "\n".join(problems)
