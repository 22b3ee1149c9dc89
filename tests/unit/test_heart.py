"""The HEART page's shaping: scores and gaps, status against goals, lifecycle, cohorts,
NPS confidence and the portfolio grid. No database."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuemodel.core import metrics, stats
from valuemodel.core.contract import HEART_DIMENSIONS
from valuemodel.core.report import Buyer, ProductReport, User
from valuemodel.present import heart

GOAL_COLUMNS = ["product_id", "dimension", "role", "goal", "signal", "metric", "target"]


def goals(*rows: tuple[str, str, str, float]) -> pd.DataFrame:
    """(product_id, dimension, role, target) rows as a heart_goals_for frame."""
    return pd.DataFrame(
        [(p, d, r, f"{d} goal", f"{d} signal", f"{d} metric", t) for p, d, r, t in rows],
        columns=GOAL_COLUMNS,
    )


def user(
    targets: dict[str, float] | None = None,
    happiness_responses: int = 400,
    happiness_ci90: tuple[float, float] | None = None,
    **values: float,
) -> User:
    """A report's `User` figures; scores computed from `targets` when given; happiness
    from 400 responses unless `happiness_responses` says otherwise."""
    base: dict[str, float | None] = dict.fromkeys(HEART_DIMENSIONS)
    base.update(values)
    scores = {d: metrics.heart_score(d, base[d], (targets or {}).get(d)) for d in HEART_DIMENSIONS}
    return User(
        month="2025-01",
        active_users=0,
        scores=scores,
        heart_index=metrics.heart_index(scores),
        happiness_responses=happiness_responses,
        happiness_ci90=happiness_ci90,
        **base,
    )


def product(product_id: str, name: str, figures: User) -> ProductReport:
    """A report entry with `figures` as its user side (buyer figures all zero)."""
    zero = Buyer(0.0, 0.0, 0.0, 0.0, 0.0, None, 0.0)
    return ProductReport(product_id=product_id, name=name, buyer=zero, user=figures)


# ---------------------------------------------------------------- scoring


def test_a_score_is_the_share_of_the_way_from_the_floor_to_the_target() -> None:
    # adoption: 100 x (0.3 - 0) / (0.6 - 0) = 50; happiness: 100 x (20 + 100) / (50 + 100) = 80
    cards = heart.dimension_cards(
        user(adoption=0.3, happiness=20.0, targets={"adoption": 0.6, "happiness": 50.0}),
        heart.goals_by_dimension(
            goals(("p", "adoption", "key", 0.6), ("p", "happiness", "backstop", 50.0)), "p"
        ),
    )
    by_dimension = {c.dimension: c for c in cards}
    assert by_dimension["adoption"].headline == "50"
    assert by_dimension["happiness"].headline == "80"


def test_a_value_beyond_the_target_is_clamped_to_one_hundred_and_below_the_floor_to_zero() -> None:
    # retention 0.9 of 0.6 -> 150 -> 100; happiness -100 at the floor -> 0
    cards = heart.dimension_cards(
        user(retention=0.9, happiness=-100.0, targets={"retention": 0.6, "happiness": 30.0}),
        heart.goals_by_dimension(
            goals(("p", "retention", "key", 0.6), ("p", "happiness", "key", 30.0)), "p"
        ),
    )
    by_dimension = {c.dimension: c for c in cards}
    assert by_dimension["retention"].headline == "100"
    assert by_dimension["happiness"].headline == "0"


def test_a_dimension_without_a_goal_says_no_goal_instead_of_zero() -> None:
    cards = heart.dimension_cards(user(engagement=3.0), {})
    engagement = next(c for c in cards if c.dimension == "engagement")
    assert engagement.headline == "no goal"
    assert engagement.detail == "3.0 days · no goal set"
    assert engagement.status == heart.NO_GOAL


def test_a_dimension_without_data_says_no_data_instead_of_zero() -> None:
    rows = heart.goals_by_dimension(goals(("p", "happiness", "key", 20.0)), "p")
    cards = heart.dimension_cards(user(targets={"happiness": 20.0}), rows)
    happiness = next(c for c in cards if c.dimension == "happiness")
    assert happiness.headline == "no data"
    assert happiness.detail == "no data · goal +20 (key)"
    assert happiness.status == heart.NO_DATA


def test_the_index_is_the_mean_of_the_scores_that_exist() -> None:
    # adoption 0.3/0.6 -> 50, task success 0.9/0.9 -> 100, retention without goal -> none,
    # engagement without data -> none: (50 + 100) / 2 = 75
    figures = user(
        adoption=0.3,
        task_success=0.9,
        retention=0.5,
        targets={"adoption": 0.6, "task_success": 0.9, "engagement": 4.0},
    )
    assert figures.heart_index == pytest.approx(75.0)
    assert heart.weakest(figures.scores) == ("adoption", 50.0)


def test_the_weakest_dimension_is_none_without_scores_and_the_first_on_a_tie() -> None:
    assert heart.weakest(dict.fromkeys(HEART_DIMENSIONS)) is None
    assert heart.weakest({"retention": 40.0, "engagement": 40.0}) == ("engagement", 40.0)


def test_monthly_scores_and_index_match_the_report_definition() -> None:
    months = pd.DataFrame(
        [
            # product, month, eligible, active, active_days, prev_active, retained, events,
            # true, known, responses, promoters, detractors, tasks, hours, risk hours, cost
            ("p", "2025-01-01", 10, 4, 8, 5, 3, 6, 3, 4, 0, 0, 0, 0, 0.0, 0.0, 0.0),
            ("p", "2025-02-01", 10, 0, 0, 4, 0, 0, 0, 0, 2, 2, 0, 0, 0.0, 0.0, 0.0),
        ],
        columns=[
            "product_id", "month", "eligible_users", "active_users", "active_days",
            "prev_active_users", "retained_users", "events", "succeeded_true",
            "succeeded_known", "responses", "promoters", "detractors", "tasks_done",
            "hours_saved", "risk_adjusted_hours", "cost",
        ],
    )  # fmt: skip
    months["month"] = pd.to_datetime(months["month"])
    for column in ("responses", "promoters", "detractors"):  # no surveys before January
        months[f"happiness_{column}"] = months[column].cumsum()
    values = metrics.monthly_values(months, 100.0, min_survey_responses=2)
    goal_rows = goals(("p", "adoption", "key", 0.8), ("p", "happiness", "key", 0.0))
    scores = heart.monthly_scores(values, goal_rows)
    index = heart.monthly_index(scores)
    for (_, row), (_, idx) in zip(values.iterrows(), index.iterrows(), strict=True):
        expected = metrics.user_figures(row, {"adoption": 0.8, "happiness": 0.0}).heart_index
        assert idx["heart_index"] == pytest.approx(expected)
    # January: adoption 0.4 / 0.8 -> 50, no survey -> index 50
    # February: adoption 0 -> 0; NPS 100 -> 100 x 200 / 100 -> clamp 100; (0 + 100) / 2 = 50
    assert list(index["heart_index"]) == [50.0, 50.0]
    assert list(index["scored_dimensions"]) == [1, 2]
    february = scores[scores["month"] == pd.Timestamp("2025-02-01")].set_index("dimension")
    assert february.loc["engagement", "value_text"] == "—"  # undefined, never 0 days
    assert february.loc["engagement", "target_text"] == "no goal"


# ---------------------------------------------------------------- formatting and status


@pytest.mark.parametrize(
    ("dimension", "value", "text"),
    [
        ("happiness", 23.4, "+23"),
        ("happiness", -5.0, "-5"),
        ("engagement", 4.25, "4.2 days"),
        ("adoption", 0.612, "61.2%"),
        ("retention", None, "—"),
        ("task_success", float("nan"), "—"),
    ],
)
def test_each_dimension_reads_in_its_own_unit(dimension: str, value: float, text: str) -> None:
    assert heart.format_value(dimension, value) == text


def test_a_change_that_rounds_to_zero_has_no_sign() -> None:
    assert heart.format_change("engagement", -0.01) == "0.0 days"
    assert heart.format_change("adoption", 0.021) == "+2.1 pts"
    assert heart.format_change("happiness", -4.6) == "-5 NPS"
    assert heart.format_change("retention", None) is None


def test_status_is_met_at_the_target_below_under_it_and_says_why_when_missing() -> None:
    assert heart.goal_status(0.8, 0.8) == "met"
    assert heart.goal_status(0.79, 0.8) == "below goal"
    assert heart.goal_status(None, 0.8) == "no data"
    assert heart.goal_status(0.5, None) == "no goal"


def test_a_backstop_below_target_gets_a_warning_and_a_key_metric_does_not() -> None:
    goal_rows = goals(("p", "engagement", "backstop", 5.0), ("p", "adoption", "key", 0.8))
    gsm = heart.gsm_table(goal_rows, {"p": user(engagement=3.0, adoption=0.5)})
    status = dict(zip(gsm["dimension"], gsm["Status"], strict=True))
    assert status["engagement"] == "below goal ⚠"
    assert status["adoption"] == "below goal"
    assert status["happiness"] == "no goal"
    assert heart.backstop_warnings(gsm) == [
        "Engagement is 3.0 days, below its backstop of 5.0 days."
    ]
    assert "Product" not in gsm.columns


# ---------------------------------------------------------------- lifecycle and cohorts


def test_dormant_users_hang_below_the_axis_in_the_lifecycle_chart_data() -> None:
    lifecycle = pd.DataFrame(
        {
            "product_id": ["a", "b"],
            "month": pd.to_datetime(["2025-01-01", "2025-01-01"]),
            "active_users": [5, 2],
            "new_users": [1, 2],
            "returning_users": [3, 0],
            "resurrected_users": [1, 0],
            "dormant_users": [4, 1],
        }
    )
    totals = heart.lifecycle_totals(lifecycle)
    assert totals.iloc[0][["new_users", "dormant_users"]].tolist() == [3, 5]
    long = heart.lifecycle_long(totals).set_index("state")
    assert long.loc["Dormant (gone this month)", "bar"] == -5
    assert long.loc["Dormant (gone this month)", "users"] == 5
    title, subtitle = heart.lifecycle_title(totals.iloc[0])
    assert title == "2025-01: 4 users arrived or came back, 5 went dormant"
    assert subtitle == "3 new, 1 resurrected, 3 returning"


def test_cohorts_pool_products_and_keep_a_cohort_whose_users_never_returned() -> None:
    cohorts = pd.DataFrame(
        {
            "product_id": ["a", "a", "b"],
            "cohort_month": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-01"]),
            "months_since": [0, 1, 0],
            "cohort_users": [4, 4, 2],
            "active_users": [4, 3, 2],
        }
    )
    grid = heart.cohort_grid(cohorts, "2025-02")
    # pooled cohort 2025-01: 4 + 2 = 6 users; one month later 3 + 0 = 3 -> 0.5
    cells = grid[["cohort", "months_since", "cohort_users", "active_users", "share"]]
    assert cells.values.tolist() == [["2025-01", 0, 6, 6, 1.0], ["2025-01", 1, 6, 3, 0.5]]
    assert heart.retention_after(grid, 1) == 0.5
    assert heart.retention_after(grid, 2) is None  # no cohort is old enough
    assert heart.cohort_title(grid) == "Of new users, 50% after 1 month were still active"


def test_an_empty_cohort_frame_gives_an_empty_grid() -> None:
    empty = pd.DataFrame(
        columns=["product_id", "cohort_month", "months_since", "cohort_users", "active_users"]
    )
    grid = heart.cohort_grid(empty, "2025-03")
    assert grid.empty
    assert heart.cohort_title(grid) == "No new users started in this period"


# ---------------------------------------------------------------- happiness and portfolio


def nps_values(happiness: list[float], responses: list[int], promoters: list[int],
               detractors: list[int]) -> pd.DataFrame:  # fmt: skip
    """A `monthly_values` frame of one product's happiness columns (rolling quarters)."""
    frame = pd.DataFrame(
        {
            "product_id": ["p"] * len(happiness),
            "month": pd.date_range("2025-01-01", periods=len(happiness), freq="MS"),
            "happiness": happiness,
            "happiness_responses": responses,
            "happiness_promoters": promoters,
            "happiness_detractors": detractors,
        }
    )
    low, high = stats.nps_intervals(
        frame["happiness_promoters"], frame["happiness_detractors"], frame["happiness_responses"]
    )
    return frame.assign(happiness_ci90_low=low, happiness_ci90_high=high)


def test_months_under_thirty_responses_are_flagged_not_hidden() -> None:
    values = nps_values([10.0, math.nan, 40.0], [29, 0, 30], [10, 0, 15], [7, 0, 3])
    nps = heart.nps_months(values)
    assert list(nps["low_confidence"]) == [True, False, False]
    assert list(nps["confidence"]) == [
        "too few to score (under 30)",
        "no responses",
        "scored",
    ]
    assert nps["happiness"].iloc[0] == 10.0  # still shown
    assert nps["low"].iloc[0] < 10.0 < nps["high"].iloc[0]  # with its interval


def test_the_minimum_responses_come_from_the_assumption() -> None:
    values = nps_values([10.0, 40.0], [29, 30], [10, 15], [7, 3])
    assert list(heart.nps_months(values, min_responses=20)["low_confidence"]) == [False, False]
    assert list(heart.nps_months(values, min_responses=31)["low_confidence"]) == [True, True]


def test_a_thin_nps_is_shown_with_its_n_but_neither_scored_nor_judged() -> None:
    rows = heart.goals_by_dimension(goals(("p", "happiness", "backstop", 50.0)), "p")
    thin = user(happiness=-20.0, happiness_responses=12, happiness_ci90=(-45.0, 5.0))
    [card] = [c for c in heart.dimension_cards(thin, rows) if c.dimension == "happiness"]
    assert card.headline == heart.TOO_FEW
    assert card.tile_value == "—"  # the tile stays one short figure; the detail says why
    assert card.status == heart.TOO_FEW
    assert card.detail == "-20 (n=12), under 30 responses: not scored"
    assert card.interval_text == "90% interval: -45 to +5"
    gsm = heart.gsm_table(goals(("p", "happiness", "backstop", 50.0)), {"p": thin})
    assert gsm["Status"].tolist()[0] == heart.TOO_FEW
    assert not gsm["backstop_below"].any()
    assert heart.backstop_warnings(gsm) == []
    assert gsm["Current value"].tolist()[0] == "-20 (n=12)"


def test_the_portfolio_grid_says_too_few_for_a_thin_nps() -> None:
    goal_rows = goals(("a", "happiness", "key", 0.0))
    products = [product("a", "A", user(happiness=10.0, happiness_responses=4))]
    grid = heart.portfolio_grid(products, goal_rows)
    cell = grid[grid["dimension"] == "happiness"].iloc[0]
    assert cell["text"] == "too few (n=4)"
    assert math.isnan(cell["score"])


def test_the_portfolio_grid_names_gaps_and_marks_thin_surveys() -> None:
    goal_rows = goals(
        ("a", "adoption", "key", 0.5),
        ("a", "happiness", "key", 0.0),
        ("b", "retention", "key", 0.8),
    )
    a_user = user(adoption=0.25, happiness=0.0, targets={"adoption": 0.5, "happiness": 0.0})
    products = [product("a", "A", a_user), product("b", "B", user(targets={"retention": 0.8}))]
    grid = heart.portfolio_grid(products, goal_rows, responses={"a": 40, "b": 0})
    text = {(r.product_id, r.dimension): r.text for r in grid.itertuples()}
    assert text[("a", "adoption")] == "50"  # 0.25 / 0.5
    assert text[("a", "happiness")] == "100 (n=40)"  # NPS 0 of goal 0; 40 responses
    assert text[("a", "engagement")] == "no goal"
    assert text[("b", "retention")] == "no data"
    assert text[("b", "heart_index")] == "no data"
    assert math.isnan(grid.set_index(["product_id", "dimension"]).loc[("b", "retention"), "score"])
    # A's index (50 + 100) / 2 = 75; B has none: the portfolio mean is 75 over 1 product
    assert heart.portfolio_index(products) == (75.0, 1)
    assert heart.weakest_across(grid) == ("adoption", 50.0, 1)


@given(
    st.lists(
        st.one_of(st.none(), st.floats(min_value=0, max_value=100, allow_nan=False)),
        min_size=1,
        max_size=8,
    )
)
def test_the_portfolio_index_is_the_mean_of_the_indexes_that_exist(
    indexes: list[float | None],
) -> None:
    products = [
        product(str(i), str(i), replace(user(), heart_index=x)) for i, x in enumerate(indexes)
    ]
    mean, count = heart.portfolio_index(products)
    present = [x for x in indexes if x is not None]
    assert count == len(present)
    if present:
        assert mean == pytest.approx(sum(present) / len(present))
    else:
        assert mean is None


def test_a_series_title_states_the_latest_value_against_the_goal() -> None:
    series = pd.DataFrame(
        {
            "month": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"]),
            "value": [0.9, 0.7, math.nan],
        }
    )
    assert heart.series_title("adoption", series, 0.8) == (
        "Adoption 70.0% in 2025-02, below the 80.0% goal"
    )
    assert heart.series_subtitle(series, 0.8) == (
        "Dashed line: the goal; met in 1 of 2 months with data"
    )
    assert heart.series_subtitle(series, 0.8, low_confidence_months=1).endswith(
        "; 1 under 30 responses"
    )
    no_data = series.iloc[2:]
    assert heart.series_title("adoption", no_data, 0.8) == "Adoption: no data in this period"
    assert heart.panel_title("P", "adoption", series, 0.8) == ("P", "no data · goal 80.0%")


def test_the_low_confidence_note_names_the_thin_months_or_says_all_are_thin() -> None:
    values = nps_values([10.0, math.nan, 40.0], [5, 0, 40], [2, 0, 20], [1, 0, 4])
    note = heart.low_confidence_note(heart.nps_months(values))
    assert note is not None and "2025-01." in note and "2025-03" not in note
    every = heart.low_confidence_note(heart.nps_months(values.iloc[:2]))
    assert every is not None and every.startswith("Every month's quarter")
    assert heart.low_confidence_note(heart.nps_months(values.iloc[2:])) is None


def test_durations_read_in_seconds_minutes_or_hours() -> None:
    assert heart.format_duration(42.0) == "42 s"
    assert heart.format_duration(282.0) == "4.7 min"
    assert heart.format_duration(4680.0) == "1.3 h"
    assert heart.format_duration(None) == "—"
