"""The Releases page through Streamlit's AppTest, on the demo: the page shows the
report's release effects (the SQL tier checks those against statsmodels on the raw CSVs)."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.conftest import APP, DEMO_END_MONTH
from valuemodel.core.months import Period
from valuemodel.data.report import build_report
from valuemodel.present import releases as view
from valuemodel.present.text import plain

FIRST = str(pd.Period(DEMO_END_MONTH, freq="M") - 23)
WINDOW = {"from": FIRST, "to": DEMO_END_MONTH}


def open_page(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("views/releases.py").run()
    assert not at.exception
    return at


def test_a_product_shows_each_effect_of_the_newest_release(app_env, demo_engine):
    at = open_page(product="ci", **WINDOW)
    assert [t.value for t in at.title] == ["Releases"]
    report = build_report(demo_engine, Period(FIRST, DEMO_END_MONTH), "ci")
    newest = report.product("ci").releases[-1]
    assert at.selectbox(key="release_pick_ci").value == newest.release_id
    table = at.table[0].value
    assert list(table["Verdict"]) == list(view.effects_table(newest)["Verdict"])
    assert list(table["Level change (90%)"]) == list(
        view.effects_table(newest)["Level change (90%)"]
    )
    assert "Rollout DiD (90%)" not in table.columns  # everyone got it at once
    assert any("no control group" in c.value for c in at.caption)


def test_choosing_another_release_and_metric_redraws_its_story(app_env, demo_engine):
    at = open_page(product="ci", **WINDOW)
    at.selectbox(key="release_pick_ci").set_value("ci-quarantine").run()
    assert not at.exception
    assert at.subheader[-1].value == plain("Flaky-test quarantine")
    report = build_report(demo_engine, Period(FIRST, DEMO_END_MONTH), "ci")
    release = next(r for r in report.product("ci").releases if r.release_id == "ci-quarantine")
    judged = [e for e in release.effects if e.effect.verdict != "not enough data"]
    assert [c.value for c in at.caption if c.value == view.effect_sentence(judged[0], release)]
    # Another metric: its own sentence under the chart.
    at.segmented_control(key="release_metric_ci_ci-quarantine").set_value("task_success").run()
    task = next(e for e in release.effects if e.metric == "task_success")
    assert view.effect_sentence(task, release) in [c.value for c in at.caption]


def test_a_staggered_rollout_explains_why_the_comparison_is_stronger(app_env, demo_engine):
    at = open_page(product="datamart", **WINDOW)
    at.selectbox(key="release_pick_datamart").set_value("dm-self-serve").run()
    assert not at.exception
    table = at.table[0].value
    assert "Rollout DiD (90%)" in table.columns
    report = build_report(demo_engine, Period(FIRST, DEMO_END_MONTH), "datamart")
    release = next(
        r for r in report.product("datamart").releases if r.release_id == "dm-self-serve"
    )
    adoption = next(e for e in release.effects if e.metric == "adoption")
    row = table[table["Metric"] == "Adoption"].iloc[0]
    assert row["Rollout DiD (90%)"] == view.did_text(adoption, release)
    assert row["Rollout DiD (90%)"].startswith(("+", "−"))
    assert any("Staggered rollout by org" in m.value for m in at.markdown)


def test_the_portfolio_lists_every_release_and_points_to_a_product(app_env, demo_engine):
    at = open_page(**WINDOW)
    table = at.table[0].value
    report = build_report(demo_engine, Period(FIRST, DEMO_END_MONTH))
    assert len(table) == sum(len(p.releases) for p in report.products)
    assert any("Choose a product" in i.value for i in at.info)


def test_a_period_without_releases_says_what_to_do(app_env):
    at = open_page(product="ci", **{"from": FIRST, "to": FIRST})
    text = " ".join(m.value for m in at.markdown) + " ".join(i.value for i in at.info)
    assert "No release of CI Platform" in text
    assert "releases.csv" in text
    assert not at.table


def _marked_titles(at: AppTest) -> list[set[str]]:
    """Per chart on the page: the release titles its marker layer holds as data."""
    out = []
    for chart in at.get("vega_lite_chart"):
        # Streamlit ships an Altair chart's data as Arrow tables beside the spec.
        data = b"".join(d.data.data for d in chart.proto.datasets)
        data += chart.proto.spec.encode()
        out.append({t for t in CI_TITLES if t.encode() in data})
    return out


CI_TITLES = ("Flaky-test quarantine", "Runner image refresh")


def test_every_time_chart_of_a_product_marks_its_releases(app_env):
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in {"product": "ci", **WINDOW}.items():
        at.query_params[key] = value
    at.run()
    for page, least in (("views/heart.py", 9), ("views/value.py", 2)):
        at.switch_page(page).run()
        assert not at.exception
        marked = _marked_titles(at)
        assert sum(titles == set(CI_TITLES) for titles in marked) >= least, (page, marked)


def test_the_portfolio_charts_carry_no_product_markers(app_env):
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in WINDOW.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("views/value.py").run()
    assert not any(_marked_titles(at))
