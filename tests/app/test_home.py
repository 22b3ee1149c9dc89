"""Home through Streamlit's AppTest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import APP


def test_home_lists_every_demo_product_with_its_coverage(app_env, demo_engine):
    from valuemodel.data import store

    at = AppTest.from_file(APP, default_timeout=60).run().switch_page("views/home.py").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Home"]
    table = at.table[0].value
    products = store.fetch_products(demo_engine)
    assert sorted(table["Product"]) == sorted(products["name"])
    events = table["Events"].str.replace(",", "").astype(int)  # shown with separators
    assert (events > 0).sum() >= len(products) - 1
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Products"] == str(len(products))


def test_product_selector_offers_the_portfolio_and_each_product(app_env, demo_engine):
    from valuemodel.data import store

    at = AppTest.from_file(APP, default_timeout=60).run().switch_page("views/home.py").run()
    options = at.selectbox(key="product").options
    assert options[0] == "Whole portfolio"
    assert len(options) == len(store.fetch_products(demo_engine)) + 1


def test_an_empty_database_shows_guidance_not_an_error(engine, monkeypatch):
    from valuemodel.data import db

    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    db.reset_engine()
    try:
        at = AppTest.from_file(APP, default_timeout=60).run().switch_page("views/home.py").run()
        assert not at.exception
        assert not at.error
        assert any("No products are loaded yet" in i.value for i in at.info)
    finally:
        db.reset_engine()


def test_an_unreachable_database_shows_a_calm_message(monkeypatch):
    from valuemodel.data import db

    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody:secret@127.0.0.1:1/nothing")
    db.reset_engine()
    try:
        at = AppTest.from_file(APP, default_timeout=60).run().switch_page("views/home.py").run()
        assert not at.exception
        assert at.error and "not reachable" in at.error[0].value
        assert "secret" not in at.error[0].value
    finally:
        db.reset_engine()
