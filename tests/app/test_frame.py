"""The shared frame: selection from the link, kept across pages, bad links fall back."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP
from valuemodel.data import store


def _app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def test_a_link_with_product_and_period_opens_that_selection(app_env):
    at = _app(product="ci", **{"from": "2025-03", "to": "2025-08"}).run()
    assert not at.exception
    assert at.selectbox(key="product").value == "ci"
    assert at.select_slider(key="period").value == ("2025-03", "2025-08")
    selection = at.session_state["selection"]
    assert (selection.product_id, selection.period.first, selection.period.last) == (
        "ci",
        "2025-03",
        "2025-08",
    )
    assert not at.info  # no fallback notice for a good link


@pytest.mark.parametrize(
    "params",
    [
        {"product": "'; DROP TABLE products; --"},
        {"product": "<script>alert(1)</script>"},
        {"from": "2025-13", "to": "2025-14"},
        {"from": "2025-08", "to": "2025-03"},
        {"from": "'; DELETE FROM costs; --"},
    ],
)
def test_a_bad_link_falls_back_to_the_default_with_a_notice(app_env, demo_engine, params):
    products_before = store.fetch_products(demo_engine)
    at = _app(**params).run()
    assert not at.exception
    assert not at.error
    assert any("Showing the default view" in info.value for info in at.info)
    if "product" in params:
        assert at.selectbox(key="product").value == "all"
    assert store.fetch_products(demo_engine).equals(products_before)


def test_the_selection_is_kept_when_switching_pages(app_env):
    at = _app(product="hr").run()
    at.switch_page("views/data.py").run()
    assert not at.exception
    # AppTest drops sidebar widgets from its element tree after the first run of an
    # st.navigation app, so the frame's outcome is read from the session state.
    assert at.session_state["selection"].product_id == "hr"
