"""Overview through AppTest: buyer beside user, the same figures as `report`."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import APP
from valuemodel.core.months import Period
from valuemodel.data.report import build_report
from valuemodel.present.formats import money, percent, score

PERIOD = Period("2025-01", "2025-12")


def _overview(product: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["from"], at.query_params["to"] = PERIOD.first, PERIOD.last
    if product:
        at.query_params["product"] = product
    return at.run()


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_is_the_default_page_and_shows_both_views_for_a_product(app_env, demo_engine):
    at = _overview("ci")
    assert not at.exception and not at.error
    assert [t.value for t in at.title] == ["Overview"]
    assert [s.value for s in at.subheader][:2] == ["Value to the buyer", "How users experience it"]
    report = build_report(demo_engine, PERIOD, "ci")
    buyer, user = report.products[0].buyer, report.products[0].user
    shown = _metrics(at)
    assert shown["ROI"] == percent(buyer.roi, 0)
    assert shown["HEART index"] == score(user.heart_index)
    assert money(buyer.net_value, "USD") in at.markdown[0].value  # the verdict sentence
    assert len(at.get("vega_lite_chart")) >= 6  # value chart + five dimensions


def test_overview_of_the_portfolio_has_the_value_map_and_the_mean_index(app_env, demo_engine):
    at = _overview()
    assert not at.exception and not at.error
    report = build_report(demo_engine, PERIOD, None)
    indexes = [p.user.heart_index for p in report.products if p.user.heart_index]
    shown = _metrics(at)
    assert shown["HEART index, mean of products"] == score(sum(indexes) / len(indexes))
    assert shown["ROI"] == percent(report.portfolio.buyer.roi, 0)
    assert "Value map" in [s.value for s in at.subheader]


def test_presentation_mode_from_the_link_hides_editing_and_keeps_the_figures(app_env):
    normal = _metrics(_overview("hr"))
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params.update(
        {"product": "hr", "present": "1", "from": PERIOD.first, "to": PERIOD.last}
    )
    at.run()
    assert not at.exception
    assert at.session_state["present"] is True
    assert _metrics(at) == normal
    assert any(b.label == "Exit presentation" for b in at.button)
    assert not [t for t in at.toggle if t.label == "Presentation mode"]
