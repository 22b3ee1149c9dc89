"""The HEART page model: the figures, tiles, sentences and layout the page shows, from
hand-made rollups and report entries. No database, no Streamlit."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.unit.test_heart import goals, product, user
from valuemodel.core.contract import HEART_DIMENSIONS
from valuemodel.present import heart
from valuemodel.present.pages import heart as page

MONTH_COLUMNS = [
    "product_id", "month", "eligible_users", "active_users", "active_days",
    "prev_active_users", "retained_users", "events", "succeeded_true", "succeeded_known",
    "responses", "promoters", "detractors", "tasks_done", "hours_saved",
    "risk_adjusted_hours", "cost",
]  # fmt: skip


def rollups(*rows: tuple[str, str, int, int, int]) -> pd.DataFrame:
    """(product, month, eligible, active, responses) rows as product months; every
    response a promoter, every active user back the next month."""
    frame = pd.DataFrame(
        [
            (p, f"{m}-01", e, a, 2 * a, a, a, a, a, a, r, r, 0, 0, 0.0, 0.0, 0.0)
            for p, m, e, a, r in rows
        ],
        columns=MONTH_COLUMNS,
    )
    frame["month"] = pd.to_datetime(frame["month"])
    for column in ("responses", "promoters", "detractors"):
        frame[f"happiness_{column}"] = frame.groupby("product_id")[column].cumsum()
    return frame


ROLLUPS = rollups(
    ("a", "2025-01", 10, 2, 0),  # the lead-in month, before the period
    ("a", "2025-02", 10, 4, 40),
    ("a", "2025-03", 10, 5, 0),
    ("b", "2025-01", 20, 2, 0),
    ("b", "2025-02", 20, 2, 0),
    ("b", "2025-03", 20, 8, 0),
)
GOALS = goals(
    ("a", "adoption", "key", 0.5),
    ("a", "engagement", "backstop", 5.0),
    ("b", "adoption", "key", 0.8),
)


def monthly(minimum: int = 30) -> page.Months:
    return page.monthly(ROLLUPS, GOALS, "2025-02", hourly_cost=100.0, min_responses=minimum)


def test_the_months_keep_the_lead_in_month_only_where_the_first_change_needs_it() -> None:
    months = monthly()
    assert sorted(months.all_values["month"].dt.strftime("%Y-%m").unique()) == [
        "2025-01", "2025-02", "2025-03",
    ]  # fmt: skip
    for frame in (months.values, months.nps):
        assert sorted(frame["month"].dt.strftime("%Y-%m").unique()) == ["2025-02", "2025-03"]
    # the index covers the lead-in month too (the first month's change is against it)
    assert months.index["month"].min() == pd.Timestamp("2025-01-01")
    march = months.index[months.index["month"] == pd.Timestamp("2025-03-01")]
    index = dict(zip(march["product_id"], march["heart_index"], strict=True))
    # A: adoption 5 of 10 against 0.5 -> 100; engagement 2 days against 5 -> 40; mean 70
    assert index["a"] == pytest.approx((100 + 100 * 2 / 5) / 2)
    assert index["b"] == pytest.approx(100 * 0.4 / 0.8)  # 8 of 20 against 0.8


def test_a_thin_survey_month_is_counted_as_low_confidence() -> None:
    assert int(monthly(minimum=30).nps["low_confidence"].sum()) == 0
    assert int(monthly(minimum=50).nps["low_confidence"].sum()) > 0


def test_the_portfolio_counts_backstops_below_target_and_opens_on_the_weakest() -> None:
    names = {"a": "Alpha", "b": "Beta"}
    products = [
        product("a", "Alpha", user(adoption=0.5, engagement=2.0, targets={"adoption": 0.5})),
        product("b", "Beta", user(adoption=0.4, targets={"adoption": 0.8})),
    ]
    view = page.portfolio(products, monthly(), GOALS, names, "2025-02", "2025-03", 30)
    tiles = {label: (shown, delta) for label, shown, delta, _ in view.tiles}
    assert tiles["Backstops below target"][0] == "1"  # Alpha's engagement: 2 of 5 days
    assert tiles["Products with a HEART index"][0] == "2 of 2"
    # Alpha 100, Beta 50: the mean index 75
    assert tiles["HEART index, mean of products"][0] == heart.format_score(75.0)
    assert view.worst is not None and view.worst[0] == "adoption"
    assert view.default_dimension == "adoption"
    assert "Weakest dimension across products: **Adoption**" in view.summary
    assert set(view.gsm["product_id"]) == {"a", "b"}
    assert "Product" in view.gsm.columns


def test_without_any_score_the_dimension_tab_opens_on_adoption() -> None:
    products = [product("a", "Alpha", user())]
    view = page.portfolio(products, monthly(), goals(), {}, "2025-02", "2025-03", 30)
    assert view.worst is None
    assert view.default_dimension == "adoption"
    assert view.summary == ""


def test_one_products_panels_follow_the_products_and_their_own_goals() -> None:
    panels = page.dimension_panels(
        monthly(), "adoption", ["b", "a"], GOALS, {"a": "Alpha", "b": "Beta"}, "2025-02"
    )
    assert [p.target for p in panels] == [0.8, 0.5]
    assert [p.title[0] for p in panels] == ["Beta", "Alpha"]
    for panel in panels:
        assert sorted(panel.series["month"].dt.strftime("%Y-%m")) == ["2025-02", "2025-03"]
        assert set(panel.series["dimension"]) == {"adoption"}


def test_a_product_reads_its_goals_index_and_cards() -> None:
    scored = user(adoption=0.5, engagement=2.0, targets={"adoption": 0.5, "engagement": 5.0})
    one = page.product("a", scored, monthly(), GOALS, "2025-02", "2025-03", 30)
    assert one.target("adoption") == 0.5
    assert isinstance(one.target("engagement"), float)
    assert one.target("happiness") is None  # no goal set
    assert one.index_tile == f"{heart.format_score(scored.heart_index)} / 100"
    assert [c.dimension for c in one.cards] == list(HEART_DIMENSIONS)
    assert set(one.scores["product_id"]) == {"a"}
    assert one.scores["month"].min() == pd.Timestamp("2025-02-01")
    assert one.index["month"].min() == pd.Timestamp("2025-02-01")
    assert "Product" not in one.gsm.columns
    assert one.summary.startswith("HEART index **")


def test_a_product_without_scores_shows_no_data_for_its_index() -> None:
    one = page.product("b", user(), monthly(), goals(), "2025-02", "2025-03", 30)
    assert one.index_tile == heart.NO_DATA
    assert one.index_change is None
    labels = ", ".join(f"{heart.DIMENSION_LABELS[d]} (no goal)" for d in HEART_DIMENSIONS)
    assert one.summary == f"Not scored: {labels}."


def test_the_dimension_charts_go_two_to_a_row_with_the_index_last() -> None:
    rows = page.dimension_rows()
    assert all(1 <= len(r) <= 2 for r in rows)
    flat = [d for r in rows for d in r]
    assert flat == [*HEART_DIMENSIONS, "heart_index"]


def test_usage_is_missing_only_without_active_users_and_without_responses() -> None:
    values = monthly().values
    assert not page.has_no_usage(values)
    quiet = values.assign(active_users=0, responses=0)
    assert page.has_no_usage(quiet)
    assert not page.has_no_usage(quiet.assign(responses=[0, 3, 0, 0]))


def test_wording_names_the_month_and_escapes_product_names() -> None:
    assert page.heatmap_title("2025-03") == "HEART scores by product in 2025-03 (100 = goal met)"
    assert page.adoption_title("2025-03").startswith("Adoption in 2025-03")
    assert page.portfolio_task_caption("2025-03").startswith("Per action in 2025-03. ")
    assert page.portfolio_task_caption("2025-03").endswith(page.TASK_CAPTION.split(". ", 1)[1])
    assert "Task success =" not in page.portfolio_task_caption("2025-03")
    assert page.no_actions_notice("2025-03", portfolio=True) == (
        "No events with an action in 2025-03."
    )
    assert page.no_actions_notice("2025-03", portfolio=False) == "No events in 2025-03."
    assert "**Retention by month" in page.dimension_heading("retention")
    assert "[x](http://y)" not in page.no_survey_notice("[x](http://y)")
    assert page.PRODUCT_TABS[1:] == page.PORTFOLIO_TABS[1:]
    assert len(page.PRODUCT_TABS) == 6


def test_a_card_caption_adds_the_interval_when_there_is_one() -> None:
    rows = heart.goals_by_dimension(goals(("p", "happiness", "key", 50.0)), "p")
    thin = user(happiness=-20.0, happiness_responses=12, happiness_ci90=(-45.0, 5.0))
    cards = {c.dimension: c for c in heart.dimension_cards(thin, rows)}
    assert page.card_caption(cards["happiness"]) == (
        f"{cards['happiness'].detail} · 90% interval: -45 to +5"
    )
    assert page.card_caption(cards["adoption"]) == cards["adoption"].detail


def test_happiness_has_no_data_only_when_no_month_has_a_response() -> None:
    nps = monthly().nps
    assert not page.has_no_survey(nps)  # A answered 40 surveys in February
    assert page.has_no_survey(nps.assign(responses=0))
