"""User text is shown as text on every page (issue 15), and the demo portfolio says so.

A portfolio whose every text column (product names, owner teams, objective and key-result
titles, link notes, HEART goals and signals, task-baseline sources, ...) holds Markdown,
HTML, links, images, backslashes and quotes is rendered page by page, for the portfolio
and for one product. Every piece of Markdown the pages send (titles, captions, alerts,
tab and metric labels) is rendered with a CommonMark parser: no heading, link, image or
HTML element may come from the data, and no Vega expression may hold data text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from dashboard.frame import DEMO_LABEL
from tests.conftest import APP
from valuemodel.core.contract import FILES
from valuemodel.data import db
from valuemodel.data.importer import import_folder

HOSTILE = (
    "# H",
    "![x](http://example.invalid/x.png)",
    "[a](http://example.invalid)",
    "<b>bold</b>",
    "back\\slash\\",
    'say "hi" it\'s',
    "**loud** _em_ `code`",
)
PAGES = sorted(p.stem for p in (Path(APP).parent / "views").glob("*.py"))
RENDER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
EXPRESSION_KEYS = {"expr", "test", "signal", "calculate", "filter", "labelExpr"}


def hostile_folder(source: Path, target: Path) -> Path:
    """`source`'s CSV files with every free-text column replaced by hostile text."""
    target.mkdir(parents=True, exist_ok=True)
    for spec in FILES:
        path = source / spec.name
        if not path.exists():
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in spec.columns:
            if column.kind == "text" and column.name in frame.columns:
                frame[column.name] = [f"{HOSTILE[i % len(HOSTILE)]} {i}" for i in range(len(frame))]
        frame.to_csv(target / spec.name, index=False)
    return target


@pytest.fixture(scope="module")
def hostile_url(
    make_database: Callable[[], str], demo_csv_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> str:
    url = make_database()
    engine = db.create_engine_for(url)
    import_folder(engine, hostile_folder(demo_csv_dir, tmp_path_factory.mktemp("hostile")))
    engine.dispose()
    return url


@pytest.fixture
def hostile_env(hostile_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", hostile_url)
    db.reset_engine()
    yield hostile_url
    db.reset_engine()


def run(page: str, params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "overview":
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


def markdown_sources(at: AppTest) -> list[str]:
    """Every Markdown string the run sent: text elements, alerts, tab and widget labels."""
    out: list[str] = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning",
                 "error", "success"):  # fmt: skip
        for element in at.get(kind):
            if getattr(element.proto, "allow_html", False):
                continue  # our own CSS, never data
            out.append(str(element.value))
    out += [t.label for t in at.tabs]
    out += [e.label for e in at.expander]
    out += [m.label for m in at.metric] + [m.value for m in at.metric]
    return out


def expressions(spec: object) -> Iterator[str]:
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key in EXPRESSION_KEYS and isinstance(value, str):
                yield value
            else:
                yield from expressions(value)
    elif isinstance(spec, list):
        for value in spec:
            yield from expressions(value)


def assert_shown_as_text(at: AppTest) -> None:
    for source in markdown_sources(at):
        html = RENDER.render(source)
        assert "<a " not in html and "<img" not in html, (source, html)
        assert "<b>" not in html and "<h1>" not in html, (source, html)
        assert "<code>code</code>" not in html and "<strong>loud" not in html, (source, html)
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        for expression in expressions(spec):
            assert "example.invalid" not in expression and "slash" not in expression, expression


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("product", [None, "ci"])
def test_hostile_text_in_every_text_column_renders_as_text(hostile_env, page, product) -> None:
    at = run(page, {"product": product} if product else {})
    assert not at.error, [e.value for e in at.error]
    assert_shown_as_text(at)


def test_a_hostile_product_in_the_link_is_named_as_text(hostile_env) -> None:
    at = run("overview", {"product": "[Sign in again](http://example.invalid) ![p](x.png)"})
    notices = [i.value for i in at.info]
    assert any("unknown product" in n for n in notices), notices
    assert_shown_as_text(at)


@pytest.mark.parametrize("page", PAGES)
def test_the_demo_portfolio_is_marked_on_every_page(app_env, page) -> None:
    at = run(page, {})
    assert any(DEMO_LABEL in str(m.value) for m in at.markdown), page


@pytest.mark.parametrize("page", ["overview", "data"])
def test_imported_data_carries_no_demo_marker(hostile_env, page) -> None:
    at = run(page, {})
    assert not any(DEMO_LABEL in str(m.value) for m in at.markdown)
