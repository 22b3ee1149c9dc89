"""The HEART page through Streamlit's AppTest, on the demo portfolio.

Every headline on the page must equal the report's `user` object for the same selection
(DESIGN section 5), so these tests compute the report independently and compare.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP
from tests.sql.csvdata import write_folder
from tests.sql.test_heart_sql import HEART
from valuemodel.core.contract import HEART_DIMENSIONS
from valuemodel.core.report import Report
from valuemodel.data import db, store
from valuemodel.data.importer import import_folder
from valuemodel.data.report import build_report
from valuemodel.present import heart


def heart_page(product: str | None = None, period: tuple[str, str] | None = None) -> AppTest:
    """The HEART page for a selection given as link parameters (AppTest drops sidebar
    widgets from its tree after the first run of an st.navigation app)."""
    at = AppTest.from_file(APP, default_timeout=90)
    if product is not None:
        at.query_params["product"] = product
    if period is not None:
        at.query_params["from"], at.query_params["to"] = period
    at.run()
    at.switch_page("views/heart.py").run()
    assert not at.exception
    assert not at.error
    selection = at.session_state["selection"]
    assert selection.product_id == product
    if period is not None:
        assert (selection.period.first, selection.period.last) == period
    return at


def report_for(at: AppTest, demo_engine, product: str | None) -> Report:
    selection = at.session_state["selection"]
    return build_report(demo_engine, selection.period, product)


def tiles(at: AppTest) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_product_tiles_equal_the_report_user_object(app_env, demo_engine):
    at = heart_page("ci")
    assert [t.value for t in at.title] == ["HEART"]
    user = report_for(at, demo_engine, "ci").products[0].user
    shown = tiles(at)
    assert shown["HEART index"][0] == f"{user.heart_index:.0f} / 100"
    targets = heart.targets_of(store.fetch_heart_goals(demo_engine, "ci"), "ci")
    for dimension in HEART_DIMENSIONS:
        score = user.scores[dimension]
        if dimension not in targets:
            expected = heart.NO_GOAL
        elif dimension == "happiness" and user.happiness is not None and score is None:
            expected = "—"  # under min_survey_responses: shown, not scored (caption says why)
        elif score is None:
            expected = heart.NO_DATA
        else:
            expected = f"{score:.0f}"
        assert shown[heart.DIMENSION_LABELS[dimension]][0] == expected
        if user.value(dimension) is not None:
            value = heart.format_value(dimension, user.value(dimension))
            assert any(c.startswith(value) for c in captions(at)), (dimension, value)


def test_product_page_draws_each_dimension_lifecycle_cohorts_tasks_and_nps(app_env):
    at = heart_page("ci")
    # one tab per section, so a reader finds a dimension without scrolling the whole page
    headers = [t.label for t in at.tabs]
    assert headers == [
        "Each dimension against its goal",
        "Adoption and the user lifecycle",
        "Retention by monthly cohort",
        "Task success and task duration",
        "Happiness",
        "Goals, signals and metrics",
    ]
    # 5 dimensions + index, reach, lifecycle, cohorts, durations, NPS
    assert len(at.get("vega_lite_chart")) == 11
    gsm = at.table[-1].value  # a wrapping table
    assert list(gsm["Dimension"]) == [heart.DIMENSION_LABELS[d] for d in HEART_DIMENSIONS]
    assert set(gsm["Status"]) <= {
        "met", "below goal", "below goal ⚠", "no data", "no goal", heart.TOO_FEW
    }  # fmt: skip


def test_a_product_without_surveys_or_happiness_goal_says_so(app_env):
    at = heart_page("flags")
    shown = tiles(at)
    assert shown["Happiness"][0] == heart.NO_GOAL
    assert not shown["Happiness"][1]  # no trend arrow for a dimension without a goal
    assert any("No survey responses for Feature Flags" in i.value for i in at.info)
    text = " ".join(str(m.value) for m in at.markdown)
    assert "Happiness (no goal)" in text
    assert "nan" not in text and "None" not in text


def test_a_backstop_below_target_is_warned_about(app_env, demo_engine):
    at = heart_page()
    report = report_for(at, demo_engine, None)
    gsm = heart.gsm_table(
        store.fetch_heart_goals(demo_engine),
        {p.product_id: p.user for p in report.products},
    )
    below = int(gsm["backstop_below"].sum())
    assert tiles(at)["Backstops below target"][0] == str(below)
    if below:
        assert any("below target" in w.value for w in at.warning)


def test_portfolio_headline_is_the_mean_of_the_products_indexes(app_env, demo_engine):
    at = heart_page()
    report = report_for(at, demo_engine, None)
    indexes = [p.user.heart_index for p in report.products]
    present = [i for i in indexes if i is not None]
    shown = tiles(at)
    assert shown["HEART index, mean of products"][0] == f"{sum(present) / len(present):.0f}"
    assert shown["Products with a HEART index"][0] == f"{len(present)} of {len(indexes)}"
    assert any("mean of" in str(m.value) for m in at.markdown)


def test_portfolio_shows_every_products_scores_side_by_side(app_env, demo_engine):
    at = heart_page()
    report = report_for(at, demo_engine, None)
    # heatmap, index by product, one small chart per product, adoption, lifecycle, cohorts
    charts = at.get("vega_lite_chart")
    assert len(charts) == 2 + len(report.products) + 3
    gsm = at.table[-1].value  # a wrapping table
    assert len(gsm) == len(report.products) * len(HEART_DIMENSIONS)
    assert set(gsm["Product"]) == {p.name for p in report.products}


def test_choosing_another_dimension_redraws_the_small_multiples(app_env):
    at = heart_page()
    at.segmented_control(key="heart_dimension").set_value("retention").run()
    assert not at.exception
    assert any(
        "Retention by month, each product against its own goal" in str(m.value) for m in at.markdown
    )


def test_a_one_month_period_still_shows_a_trend_against_the_month_before(app_env, demo_engine):
    at = heart_page("ci", period=("2025-06", "2025-06"))
    user = report_for(at, demo_engine, "ci").products[0].user
    assert user.month == "2025-06"
    shown = tiles(at)
    assert shown["HEART index"][0] == f"{user.heart_index:.0f} / 100"
    assert shown["HEART index"][1].endswith("vs 2025-05")


# ---------------------------------------------------------------- hand-made data


@pytest.fixture
def heart_fixture_env(make_database, tmp_path, monkeypatch):
    """The app pointed at the hand-made HEART fixture of the SQL tier."""
    url = make_database()
    eng = db.create_engine_for(url)
    import_folder(eng, write_folder(tmp_path / "heart", HEART))
    eng.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    db.reset_engine()
    yield url
    db.reset_engine()


def test_a_month_without_events_shows_no_data_rather_than_zeros(heart_fixture_env):
    # ci has no event in 2025-03: adoption is 0 by definition (0 of 10 eligible), retention
    # is 0 of February's 3 users; engagement and task success have no value; happiness
    # (the quarter Jan..Mar) rests on January's 3 answers, under the fixture's minimum 5.
    at = heart_page("ci", period=("2025-03", "2025-03"))
    shown = tiles(at)
    assert shown["Adoption"][0] == "0"
    assert shown["Retention"][0] == "0"
    assert shown["Engagement"][0] == heart.NO_DATA
    assert shown["Task success"][0] == heart.NO_DATA
    assert shown["Happiness"][0] == "—"  # too few to score; the caption says why
    assert any("responses: not scored" in c for c in captions(at))
    assert any("has no usage events and no survey responses" in i.value for i in at.info)
    assert any("No user had their first active month" in i.value for i in at.info)


def test_a_product_without_surveys_shows_the_scores_it_has(heart_fixture_env):
    at = heart_page("hr", period=("2024-12", "2025-04"))
    shown = tiles(at)
    # hr in April: 1 of 4 eligible -> 0.25 of a 0.5 goal -> 50; the only goal it has
    assert shown["HEART index"][0] == "50 / 100"
    assert shown["Adoption"][0] == "50"
    for label in ("Happiness", "Engagement", "Retention", "Task success"):
        assert shown[label][0] == heart.NO_GOAL
    assert any("No survey responses for HR Self-Service" in i.value for i in at.info)


def test_an_empty_database_gets_guidance_on_the_heart_page(engine, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    db.reset_engine()
    try:
        at = AppTest.from_file(APP, default_timeout=90).run()
        at.switch_page("views/heart.py").run()
        assert not at.exception
        assert not at.error
        assert any("No products are loaded yet" in i.value for i in at.info)
    finally:
        db.reset_engine()
