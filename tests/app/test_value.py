"""The Value page through Streamlit's AppTest, on the demo database.

The tiles must show the numbers of `python -m valuemodel report` for the same selection:
the expected texts are built here from `build_report` and the formatting functions, not
read back from the page.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP
from valuemodel.core.months import Period
from valuemodel.core.report import Buyer
from valuemodel.data import store
from valuemodel.data.report import build_report
from valuemodel.present.formats import money, months, number, percent


def open_value(product: str | None = None, period: tuple[str, str] | None = None) -> AppTest:
    """The app opened on a link to the selection, then switched to the Value page.

    The selection goes through the link because, with a `pages/` folder beside app.py,
    AppTest runs a switched-to page on its own (Streamlit's folder-based multipage mode):
    the frame's widgets are not rendered again after the switch.
    """
    at = AppTest.from_file(APP, default_timeout=60)
    if product is not None:
        at.query_params["product"] = product
    if period is not None:
        at.query_params["from"], at.query_params["to"] = period
    at.run()
    assert not at.exception, at.exception
    at.switch_page("views/value.py").run()
    assert not at.exception, at.exception
    return at


def shown(text: str) -> str:
    """A tile's value without its markdown colour: ':red[-$5]' -> '-$5'."""
    match = re.fullmatch(r":red\[(.*)\]", text)
    return match[1] if match else text


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: shown(m.value) for m in at.metric}


def selected_period(at: AppTest) -> Period:
    return at.session_state["selection"].period


def expected_tiles(buyer: Buyer, currency: str) -> dict[str, str]:
    return {
        "Risk-adjusted savings": money(buyer.risk_adjusted_savings, currency),
        "Cost": money(buyer.cost, currency),
        "Net value": money(buyer.net_value, currency),
        "ROI": percent(buyer.roi),
        "Payback": "Not yet" if buyer.payback_months is None else months(buyer.payback_months),
        "Hours saved": f"{number(buyer.hours_saved)} h",
    }


def test_portfolio_tiles_show_the_same_figures_as_the_report(app_env, demo_engine) -> None:
    at = open_value()
    assert [t.value for t in at.title] == ["Value"]
    report = build_report(demo_engine, selected_period(at), None)
    expected = expected_tiles(report.portfolio.buyer, report.currency)
    assert {k: v for k, v in tiles(at).items() if k in expected} == expected


@pytest.mark.parametrize("product_id", ["ci", "design"])
def test_one_products_tiles_show_the_same_figures_as_the_report(
    app_env, demo_engine, product_id
) -> None:
    at = open_value(product_id)
    report = build_report(demo_engine, selected_period(at), product_id)
    [product] = report.products
    expected = expected_tiles(product.buyer, report.currency)
    assert {k: v for k, v in tiles(at).items() if k in expected} == expected
    assert (
        product.name
        in next(m for m in at.markdown if "badge" not in m.value and not m.proto.allow_html).value
    )


def test_portfolio_ranks_every_product_by_net_value_with_a_link_to_its_view(
    app_env, demo_engine
) -> None:
    at = open_value()
    period = selected_period(at)
    subheaders = [s.value for s in at.subheader]
    assert "Products ranked by net value" in subheaders
    ranking = at.dataframe[0].value
    report = build_report(demo_engine, period, None)
    by_net = sorted(report.products, key=lambda p: (-p.buyer.net_value, p.name))
    assert list(ranking["name"]) == [p.name for p in by_net]
    assert list(ranking["view"]) == [
        f"?product={p.product_id}&from={period.first}&to={period.last}" for p in by_net
    ]


def test_one_product_shows_its_baselines_and_a_ledger_that_sums_to_the_tile(
    app_env, demo_engine
) -> None:
    at = open_value("ci")
    assert "Savings by task baseline" in [s.value for s in at.subheader]
    assert "Products ranked by net value" not in [s.value for s in at.subheader]
    ledger = at.table[0].value  # a wrapping table of the shown text
    baselines = store.fetch_baseline_ledger(demo_engine, "2000-01", "2100-12", "ci")
    assert sorted(ledger["Action"]) == sorted(baselines["action"])
    report = build_report(demo_engine, selected_period(at), "ci")
    amounts = [
        float(str(v).replace("$", "").replace(",", "")) for v in ledger["Risk-adjusted savings"]
    ]
    # whole units each: the shown amounts sum to the tile within half a unit a row
    total = report.products[0].buyer.risk_adjusted_savings
    assert sum(amounts) == pytest.approx(total, abs=0.5 * len(amounts))


def test_the_assumptions_ledger_shows_the_global_assumptions(app_env, demo_engine) -> None:
    at = open_value()
    assumptions = store.fetch_assumptions(demo_engine)
    shown_tiles = tiles(at)
    assert shown_tiles["Loaded hourly cost"] == (
        f"{money(assumptions.loaded_hourly_cost, assumptions.currency)} / hour"
    )
    assert shown_tiles["Currency"] == assumptions.currency
    assert shown_tiles["Discount rate"] == f"{percent(assumptions.discount_rate)} / year"


def test_cash_flow_by_quarter_covers_the_period_and_is_downloadable(app_env, demo_engine) -> None:
    at = open_value()
    quarters = at.dataframe[-1].value
    period = selected_period(at)
    assert quarters["months"].sum() == len(period.months)
    report = build_report(demo_engine, period, None)
    buyer = report.portfolio.buyer
    assert quarters["cost"].sum() == pytest.approx(buyer.cost, abs=0.01)
    assert quarters["cumulative_net_value"].iloc[-1] == pytest.approx(buyer.net_value, abs=0.01)
    assert len(at.get("download_button")) == 1


def test_changes_compare_with_the_previous_period(app_env) -> None:
    at = open_value()
    deltas = {m.label: m.delta for m in at.metric}
    assert deltas["Risk-adjusted savings"]
    assert any("Changes compare with the previous period" in c.value for c in at.caption)


def test_no_change_is_shown_when_the_previous_period_holds_no_data(app_env, demo_engine) -> None:
    # One month, the first holding data: the month before it holds nothing.
    first = store.fetch_data_months(demo_engine)[0]
    at = open_value(period=(first, first))
    assert selected_period(at) == Period(first, first)
    assert all(not m.delta for m in at.metric if m.label != "Payback")
    assert any("No changes shown" in c.value for c in at.caption)


# ---------------------------------------------------------------- the hand-made fixture


@pytest.fixture
def portfolio_app(engine, portfolio_folder, monkeypatch):
    """The app on a fresh database holding the PORTFOLIO fixture (hr has no baselines and
    no cost; dm has no event and no cost before 2025)."""
    from valuemodel.data import db
    from valuemodel.data.importer import import_folder

    import_folder(engine, portfolio_folder)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    db.reset_engine()
    yield engine
    db.reset_engine()


@pytest.fixture
def portfolio_folder(tmp_path):
    from tests.sql.csvdata import PORTFOLIO, write_folder

    return write_folder(tmp_path / "portfolio", PORTFOLIO)


def test_a_product_without_baselines_or_cost_explains_itself_instead_of_showing_zeros(
    portfolio_app,
) -> None:
    at = open_value("hr")
    assert any("No task baselines are recorded for HR Self-Service" in w.value for w in at.warning)
    shown_tiles = tiles(at)
    assert shown_tiles["ROI"] == "—"
    assert not at.error


def test_a_selection_without_cost_or_usage_says_so_instead_of_showing_zeros(
    portfolio_app,
) -> None:
    at = open_value("dm", period=("2024-09", "2024-12"))
    assert any("No cost and no usage are recorded for Data Mart" in i.value for i in at.info)
    assert not at.metric
    assert not at.error


def test_the_portfolio_fixture_tiles_match_the_report_in_its_currency(portfolio_app) -> None:
    at = open_value(period=("2025-01", "2025-04"))
    report = build_report(portfolio_app, Period("2025-01", "2025-04"), None)
    assert report.currency == "EUR"
    expected = expected_tiles(report.portfolio.buyer, "EUR")
    assert {k: v for k, v in tiles(at).items() if k in expected} == expected
    # Hand-computed in tests/sql/test_value_sql.py: 492 saved for 360 spent.
    assert expected["Risk-adjusted savings"] == "€492"
    assert expected["Net value"] == "€132"


def test_an_empty_database_shows_guidance_not_an_error(engine, monkeypatch) -> None:
    from valuemodel.data import db

    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    db.reset_engine()
    try:
        at = open_value()
        assert not at.error
        assert any("No products are loaded yet" in i.value for i in at.info)
        assert not at.metric
    finally:
        db.reset_engine()
