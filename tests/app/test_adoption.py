"""The Adoption page and the segment filter through Streamlit's AppTest, on the demo.

Numbers on the page are compared with the report for the same selection (computed here
with build_report, which the SQL tier checks against pandas from the raw CSVs).
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import APP
from valuemodel.core.segments import Segment
from valuemodel.data import report as reports
from valuemodel.present import heart
from valuemodel.present.report_json import report_json
from valuemodel.present.text import plain


def build_report(*args, **kwargs) -> dict:  # type: ignore[no-untyped-def]
    """The report as the JSON object of DESIGN section 5 (what the CLI prints)."""
    return report_json(reports.build_report(*args, **kwargs))


def open_page(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    assert not at.error
    return at


def test_adoption_page_shows_the_funnel_of_the_report(app_env, demo_engine):
    at = open_page("views/adoption.py", product="ci")
    assert [t.value for t in at.title] == ["Adoption"]
    selection = at.session_state["selection"]
    funnel = build_report(demo_engine, selection.period, "ci")["products"][0]["funnel"]
    table = at.dataframe[0].value
    assert table["Step"].iloc[0] == "Eligible"
    people = [int(v.replace(",", "")) for v in table["People"]]
    assert people == [funnel[k] for k in ("eligible", "reached", "tried", "active", "habitual")]
    headers = [h.value for h in at.subheader]
    assert f"The funnel in {selection.period.last}" in headers
    assert "Which group should we win next?" in headers
    text = " ".join(m.value for m in at.markdown)
    assert "Winning " in text and "a month at today's savings per user" in text
    assert len(at.get("vega_lite_chart")) == 2  # funnel and heatmap


def test_the_lagging_org_has_the_largest_opportunity_share(app_env, demo_engine):
    at = open_page("views/adoption.py", product="ci")
    selection = at.session_state["selection"]
    segments = build_report(demo_engine, selection.period, "ci", segment_attribute="org")[
        "products"
    ][0]["segments"]
    ruled = [s for s in segments if s["adoption"] is not None]
    lowest = min(ruled, key=lambda s: s["adoption"])
    assert lowest["value"] == "Payments"
    ranking = at.table[0].value  # a wrapping table
    assert ranking.iloc[0]["Org"] == "Payments"


def test_a_product_without_rules_shows_active_users_by_segment_only(app_env):
    at = open_page("views/adoption.py", product="flags")
    assert any("has no eligibility rules" in i.value for i in at.info)
    assert "Which group should we win next?" not in [h.value for h in at.subheader]


def test_segment_in_the_url_filters_heart_but_keeps_money_whole(app_env, demo_engine):
    at = open_page("views/heart.py", product="ci", segment_by="org", segment="Payments")
    selection = at.session_state["selection"]
    assert selection.segment == Segment("org", "Payments")
    assert any(f"Segment {plain('Org: Payments')}" in i.value for i in at.info)
    assert any("stays the whole product's" in i.value for i in at.info)
    seg = build_report(demo_engine, selection.period, "ci", segment=selection.segment)
    whole = build_report(demo_engine, selection.period, "ci")
    user = seg["products"][0]["user"]
    assert user["adoption"] != whole["products"][0]["user"]["adoption"]
    shown = {m.label: m.value for m in at.metric}
    assert shown["HEART index"] == f"{user['heart_index']:.0f} / 100"
    captions = " ".join(c.value for c in at.caption)
    assert heart.format_value("adoption", user["adoption"]) in captions
    assert seg["products"][0]["buyer"] == whole["products"][0]["buyer"]


def test_an_unknown_segment_in_the_url_falls_back_to_everyone(app_env):
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update({"product": "ci", "segment_by": "org", "segment": "<b>Nope</b>"})
    at.run()
    assert not at.exception
    assert at.session_state["selection"].segment is None
    notices = [i.value for i in at.info]
    assert any("Showing everyone" in n and "<b>Nope</b>" in n for n in notices)
