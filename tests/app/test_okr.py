"""The OKR ladder-up page through Streamlit's AppTest.

On the demo portfolio every r, lag and month count on the page must equal the report's
`okr_links` for the same selection (DESIGN section 5), so these tests compute the links
independently and compare. A database without objectives gets guidance, not an error.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP
from tests.sql.csvdata import write_folder
from valuemodel.core import okr
from valuemodel.core.months import Period
from valuemodel.data import db, store
from valuemodel.data.importer import import_folder
from valuemodel.data.report import build_report, link_strengths
from valuemodel.present import ladder
from valuemodel.present import releases as release_view


def okr_page(product: str | None = None) -> AppTest:
    """The OKR page for a selection given as a link parameter."""
    at = AppTest.from_file(APP, default_timeout=120)
    if product is not None:
        at.query_params["product"] = product
    at.run()
    at.switch_page("views/okr.py").run()
    assert not at.exception
    assert not at.error
    return at


def graph(at: AppTest) -> str:
    """The DOT text handed to st.graphviz_chart (exactly one graph on the page)."""
    charts = at.get("graphviz_chart")
    assert len(charts) == 1
    return charts[0].proto.spec


def link_boxes(dot: str) -> list[str]:
    """The label of every link box in the graph."""
    return re.findall(r"^\s*l\d+ \[label=(<.*?>), style=", dot, re.MULTILINE)


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page with `column`."""
    return next(d.value for d in [*at.dataframe, *at.table] if column in d.value.columns)


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def chart_titles(at: AppTest) -> list[str]:
    """The title of every Vega-Lite chart on the page."""
    titles = []
    for chart in at.get("vega_lite_chart"):
        title = json.loads(chart.proto.spec).get("title")
        if isinstance(title, dict):
            text = title.get("text")  # a long title is wrapped into lines
            titles.append(" ".join(text) if isinstance(text, list) else str(text))
    return titles


def test_the_portfolio_draws_every_link_with_the_reports_r_lag_and_months(app_env, demo_engine):
    at = okr_page()
    assert [t.value for t in at.title] == ["OKR ladder-up"]
    links = link_strengths(demo_engine, None)
    boxes = link_boxes(graph(at))
    assert len(boxes) == len(links) > 0
    # A causal claim names what backs it: the effects of every release on record.
    first, last = store.fetch_data_months(demo_engine)
    report = build_report(demo_engine, Period(first, last))
    backing = release_view.causal_backing(
        [(p.product_id, p.releases) for p in report.products], links
    )
    expected = sorted(
        ladder.link_html(
            ladder.link_label(
                row.metric, row.evidence, row.r, row.lag_months, row.months, row.verdict,
                row.r_changes, backing.get((row.product_id, row.metric)),
            )
        )
        for row in links.itertuples()
    )  # fmt: skip
    assert sorted(boxes) == expected
    counted = ladder.backing_counts(links, backing)
    assert counted and counted in [c.value for c in at.caption]
    shown = tiles(at)
    verdicts = links["verdict"].value_counts()
    assert shown["Links to key results"] == str(len(links))
    assert shown["Moving together"] == f"{verdicts.get('moves together', 0)} of {len(links)}"
    assert shown["Shared trend only"] == str(verdicts.get("shared trend only", 0))
    assert shown["Claims without data"] == str(verdicts.get("not enough data", 0))
    # every link is counted once: the verdicts add up to the links
    assert int(verdicts.sum()) == len(links)


def test_the_demo_shows_all_three_verdicts_and_no_shared_trend_is_drawn_strong(
    app_env, demo_engine
):
    at = okr_page()
    links = link_strengths(demo_engine, None)
    assert {"moves together", "shared trend only", "no clear link"} <= set(links["verdict"])
    dot = graph(at)
    for node, attrs in re.findall(r"^\s*(l\d+) -> k\d+ \[(.*)\];$", dot, re.MULTILINE):
        box = re.search(rf"^\s*{node} \[label=<<B>([^<]+)</B>", dot, re.MULTILINE)
        assert box is not None
        width = re.search(r'penwidth="([\d.]+)"', attrs)
        assert width is not None
        if box.group(1) != "Moves together":
            assert width.group(1) == ladder.WEAK_PENWIDTH, box.group(1)
    table = next(d.value for d in [*at.dataframe, *at.table] if "Verdict" in d.value.columns)
    assert list(table.columns[:2]) == ["Verdict", "Product"]
    assert set(table["Verdict"]) >= {"Moves together", "Shared trend only", "No clear link"}


def test_every_link_is_styled_by_its_evidence(app_env, demo_engine):
    dot = graph(okr_page())
    links = link_strengths(demo_engine, None)
    styles = re.findall(r'^\s*l\d+ -> k\d+ \[style="(\w+)"', dot, re.MULTILINE)
    expected = sorted(ladder.EVIDENCE_STYLE[e]["style"] for e in links["evidence"])
    assert sorted(styles) == expected


def test_one_product_shows_only_its_links_and_agrees_with_the_report(app_env, demo_engine):
    at = okr_page("ci")
    selection = at.session_state["selection"]
    report = build_report(demo_engine, selection.period, "ci")
    okr_links = report.products[0].okr_links
    boxes = link_boxes(graph(at))
    assert len(boxes) == len(okr_links) > 0
    first, last = store.fetch_data_months(demo_engine)
    on_record = build_report(demo_engine, Period(first, last), "ci").product("ci").releases
    backing = release_view.causal_backing([("ci", on_record)], link_strengths(demo_engine, "ci"))
    assert backing[("ci", "task_success")].startswith("backed by a release effect")
    for link in okr_links:
        lines = ladder.link_label(
            link.metric, link.evidence, link.r, link.lag_months, link.months,
            link.verdict, link.r_changes, backing.get(("ci", link.metric)),
        )  # fmt: skip
        assert ladder.link_html(lines) in boxes
    # the co-movement charts lead with the same verdict and r as the report
    titles = chart_titles(at)
    for link in okr_links:
        if link.r is not None:
            numbers = ladder.numbers_text(link.r, link.r_changes, link.months, link.lag_months)
            label = ladder.VERDICT_LABELS[link.verdict]
            assert any(title.startswith(label) and numbers in title for title in titles)


def test_the_page_explains_why_a_shared_trend_is_not_evidence(app_env):
    at = okr_page()
    caveat = " ".join(i.value for i in at.info)
    assert "Why a high r is not enough" in caveat
    assert "month-over-month changes" in caveat
    assert "correlation, not proof" in caveat


def test_each_key_result_has_a_row_with_progress_and_status(app_env, demo_engine):
    at = okr_page()
    table = table_with(at, "Key result")
    key_results = store.fetch_key_results(demo_engine)
    assert len(table) == len(key_results)
    expected = okr.key_result_table(
        key_results, store.fetch_objectives(demo_engine), store.fetch_kr_measurements(demo_engine)
    )
    assert sorted(table["Status"]) == sorted(s.capitalize() for s in expected["status"])
    for value in table.drop(columns=["Trend"], errors="ignore").to_numpy().ravel():
        assert str(value) not in ("nan", "None", "NaN")


def test_a_backstop_below_target_is_warned_about(app_env, demo_engine):
    at = okr_page()
    selection = at.session_state["selection"]
    report = build_report(demo_engine, selection.period, None)
    values = {p.product_id: p.user.values() for p in report.products}
    goals = okr.guardrails(store.fetch_heart_goals(demo_engine, None), values)
    breached = goals[(goals["role"] == "backstop") & goals["below_target"]]
    warnings = [w.value for w in at.warning]
    if breached.empty:
        assert not warnings
    else:
        assert any(f"{len(breached)} backstop" in w for w in warnings)
    guardrail_table = table_with(at, "Role")
    assert len(guardrail_table) == len(goals)
    assert set(guardrail_table["Role"]) <= {"Key metric", "Backstop"}


# ---------------------------------------------------------------- without objectives


def _app_on(engine, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    db.reset_engine()
    try:
        at = AppTest.from_file(APP, default_timeout=120).run()
        at.switch_page("views/okr.py").run()
    finally:
        db.reset_engine()
    return at


PRODUCTS_ONLY = {
    "products.csv": ["ci,CI Platform,Platform,10,"],
    "usage_events.csv": ["ci,u1,2025-01-10T09:00:00Z,build,true,"],
}


def test_a_database_without_objectives_shows_guidance_not_an_error(
    engine, monkeypatch, tmp_path: Path
):
    import_folder(engine, write_folder(tmp_path / "csv", PRODUCTS_ONLY))
    at = _app_on(engine, monkeypatch)
    assert not at.exception
    assert not at.error
    assert [t.value for t in at.title] == ["OKR ladder-up"]
    assert any("No company objectives are loaded yet" in i.value for i in at.info)
    assert not at.get("graphviz_chart")


def test_objectives_without_links_draw_the_tree_and_say_what_is_missing(
    engine, monkeypatch, tmp_path: Path
):
    files = {
        **PRODUCTS_ONLY,
        "objectives.csv": ["co-1,Ship faster,company,,FY2025"],
        "key_results.csv": ["kr-1,co-1,Deploys,count,0,10"],
        "kr_measurements.csv": ["kr-1,2025-01,4"],
    }
    import_folder(engine, write_folder(tmp_path / "csv", files))
    at = _app_on(engine, monkeypatch)
    assert not at.exception
    assert not at.error
    assert any("No product metric is linked" in i.value for i in at.info)
    assert "Ship faster" in graph(at)
    assert table_with(at, "Key result")["Key result"].tolist() == ["Deploys"]
