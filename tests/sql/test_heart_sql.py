"""The HEART dimensions, lifecycle, cohorts and task durations against hand-computed values.

The fixture (HEART below) is small enough to check every figure by hand. Months are UTC:
- u4's "2025-01-01T00:30:00+01:00" is 2024-12-31T23:30Z: December, although it is already
  New Year's Day where it was written;
- u1's "2024-12-31T20:30:00-05:00" is 2025-01-01T01:30Z: a local New Year's Eve that is
  already January in UTC;
- u5's "2025-03-01T00:30:00+01:00" is 2025-02-28T23:30Z: February;
- ci has no event at all in 2025-03 (a month with no events);
- u2 (Dec, Feb) and u3 (Jan, Apr) are active in non-consecutive months;
- hr has no survey response at all (a product without surveys) and only an adoption goal;
- min_survey_responses is 5 (assumptions.csv), so ci's quarters of 5 answers are scored.

Active users of ci per month (UTC): Nov {u1}; Dec {u1, u2, u4}; Jan {u1, u3};
Feb {u1, u2, u5}; Mar {}; Apr {u1, u3}. ci has 10 eligible users, hr 4.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from tests.sql.csvdata import write_folder
from valuemodel.core import metrics
from valuemodel.core.months import Period
from valuemodel.data import db, store
from valuemodel.data.importer import import_folder
from valuemodel.data.report import build_report
from valuemodel.present import heart
from valuemodel.present.report_json import report_json

HEART: dict[str, list[str]] = {
    "assumptions.csv": ["min_survey_responses,5"],
    "products.csv": [
        "ci,CI Platform,Platform,10,2024-01-01",
        "hr,HR Self-Service,People,4,",
    ],
    "heart_goals.csv": [
        "ci,happiness,key,Engineers like it,Pulse survey,NPS,20",
        "ci,engagement,backstop,Part of the daily loop,Active days,Days per active user,2",
        "ci,adoption,key,Every team builds on it,Active engineers,Share of eligible,0.5",
        "ci,retention,backstop,Teams stay,Returning engineers,Retained share,0.8",
        "ci,task_success,key,Builds are trustworthy,Build outcomes,Successful share,0.9",
        "hr,adoption,key,People self-serve,Active employees,Share of eligible,0.5",
    ],
    "surveys.csv": [
        "ci,s1,2024-12-05T10:00:00Z,8",  # December: passive
        "ci,s2,2024-12-06T10:00:00Z,3",  # December: detractor
        "ci,s3,2024-12-31T23:30:00-02:00,10",  # 2025-01-01T01:30Z: January, promoter
        "ci,s4,2025-01-10T10:00:00Z,9",  # January: promoter
        "ci,s5,2025-01-11T10:00:00Z,6",  # January: detractor
    ],
    "usage_events.csv": [
        "ci,u1,2024-11-15T10:00:00Z,build,true,",  # November: before the period
        "ci,u1,2024-12-10T10:00:00Z,build,true,60",
        "ci,u2,2024-12-20T10:00:00Z,build,false,30",
        "ci,u4,2025-01-01T00:30:00+01:00,deploy,true,",  # 2024-12-31T23:30Z: December
        "ci,u1,2024-12-31T20:30:00-05:00,build,true,90",  # 2025-01-01T01:30Z: January
        "ci,u1,2025-01-15T08:00:00Z,build,true,30",
        "ci,u3,2025-01-20T10:00:00Z,deploy,,",  # no outcome, no duration
        "ci,u1,2025-02-03T10:00:00Z,build,true,120",
        "ci,u2,2025-02-04T10:00:00Z,build,true,",
        "ci,u5,2025-03-01T00:30:00+01:00,build,false,10",  # 2025-02-28T23:30Z: February
        # no ci event in March 2025
        "ci,u3,2025-04-02T10:00:00Z,build,true,",
        "ci,u1,2025-04-03T10:00:00Z,build,false,",
        "hr,h1,2025-01-05T10:00:00Z,submit,true,",
        "hr,h1,2025-02-05T10:00:00Z,submit,true,",
        "hr,h2,2025-04-05T10:00:00Z,submit,true,",
    ],
}
FIRST, LAST = "2024-12", "2025-04"


@pytest.fixture(scope="module")
def heart_engine(
    make_database: Callable[[], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A database holding HEART, imported through import_folder (tests must not write)."""
    folder: Path = write_folder(tmp_path_factory.mktemp("heart"), HEART)
    eng = db.create_engine_for(make_database())
    import_folder(eng, folder)
    yield eng
    eng.dispose()


def monthly(engine: Engine, product_id: str, first: str = FIRST, last: str = LAST) -> pd.DataFrame:
    months = store.fetch_product_months(engine, first, last, product_id)
    values = metrics.monthly_values(months, loaded_hourly_cost=100.0, min_survey_responses=5)
    return values.set_index(values["month"].dt.strftime("%Y-%m"))


def column(values: pd.DataFrame, name: str) -> list[float | None]:
    return [None if math.isnan(v) else pytest.approx(v) for v in values[name].astype(float)]


# ---------------------------------------------------------------- the five dimensions


def test_adoption_is_active_users_over_eligible_users_each_utc_month(heart_engine: Engine) -> None:
    values = monthly(heart_engine, "ci")
    # Dec 3/10, Jan 2/10, Feb 3/10, Mar 0/10 (no events: 0, not undefined), Apr 2/10
    assert list(values["active_users"]) == [3, 2, 3, 0, 2]
    assert column(values, "adoption") == [0.3, 0.2, 0.3, 0.0, 0.2]


def test_engagement_counts_distinct_utc_days_per_active_user(heart_engine: Engine) -> None:
    values = monthly(heart_engine, "ci")
    # Dec: 1 day each for u1, u2, u4 -> 3 / 3 = 1.0
    # Jan: u1 on Jan 1 (the local New Year's Eve) and Jan 15, u3 on Jan 20 -> 3 / 2 = 1.5
    # Feb: u1, u2, u5 one day each -> 1.0; Mar: no active user -> undefined; Apr: 2 / 2 = 1.0
    assert column(values, "engagement") == [1.0, 1.5, 1.0, None, 1.0]


def test_retention_is_the_share_of_last_months_users_back(heart_engine: Engine) -> None:
    values = monthly(heart_engine, "ci")
    # Dec: {u1} of Nov {u1} = 1/1; Jan: {u1} of {u1, u2, u4} = 1/3; Feb: {u1} of {u1, u3} = 1/2
    # Mar: nobody of {u1, u2, u5} = 0/3; Apr: March is empty -> undefined
    assert column(values, "retention") == [1.0, 1 / 3, 0.5, 0.0, None]


def test_task_success_ignores_events_without_an_outcome(heart_engine: Engine) -> None:
    values = monthly(heart_engine, "ci")
    # Dec: u1 true, u2 false, u4 true -> 2/3; Jan: u1 true, u1 true, u3 empty -> 2/2
    # Feb: true, true, false -> 2/3; Mar: no event -> undefined; Apr: true, false -> 1/2
    assert column(values, "task_success") == [2 / 3, 1.0, 2 / 3, None, 0.5]


def test_happiness_is_the_nps_of_the_rolling_quarters_responses(heart_engine: Engine) -> None:
    values = monthly(heart_engine, "ci")
    # Month by month: Dec 8, 3; Jan 10 (written 2024-12-31 at -02:00, January in UTC), 9, 6
    assert list(values["responses"]) == [2, 3, 0, 0, 0]
    # Quarters: Oct..Dec: 8, 3 -> 100 x (0 - 1) / 2 = -50
    # Nov..Jan and Dec..Feb: 8, 3, 10, 9, 6 -> 100 x (2 - 2) / 5 = 0
    # Jan..Mar: 10, 9, 6 -> 100 x (2 - 1) / 3 = 33.3; Feb..Apr: none -> undefined, not 0
    assert column(values, "happiness") == [-50.0, 0.0, 0.0, 100 / 3, None]
    assert list(values["happiness_responses"]) == [2, 5, 5, 3, 0]
    # Scored only from 5 responses (the fixture's min_survey_responses)
    assert list(values["happiness_scored"]) == [False, True, True, False, False]
    # Nov..Jan: P = D = 0.4: 0 +- 1.645 x 100 x sqrt(0.8 / 5) = +-65.8
    assert values.loc["2025-01", "happiness_ci90_low"] == pytest.approx(-65.8, abs=0.05)
    assert values.loc["2025-01", "happiness_ci90_high"] == pytest.approx(65.8, abs=0.05)


def test_a_product_without_surveys_has_no_happiness_rather_than_zero(heart_engine: Engine) -> None:
    values = monthly(heart_engine, "hr")
    assert values["happiness"].isna().all()
    nps = heart.nps_months(values.reset_index(drop=True))
    assert set(nps["confidence"]) == {"no responses"}
    assert not nps["low_confidence"].any()


def test_a_local_new_years_eve_already_january_in_utc_counts_in_january(
    heart_engine: Engine,
) -> None:
    values = monthly(heart_engine, "ci")
    # u1's events in January (UTC): 2025-01-01T01:30Z and 2025-01-15 -> 2 active days,
    # so January holds 3 active days in all (u1: 2, u3: 1); December holds u4's
    # 2025-01-01T00:30+01:00 (= 2024-12-31T23:30Z) as its third active user.
    assert values.loc["2025-01", "active_days"] == 3
    assert values.loc["2024-12", "active_users"] == 3


# ---------------------------------------------------------------- scores and the report


def test_report_user_scores_follow_the_goals_for_the_last_month(heart_engine: Engine) -> None:
    report = report_json(build_report(heart_engine, Period("2024-12", "2025-01"), "ci"))
    user = report["products"][0]["user"]
    # January: happiness (Nov..Jan, 5 answers) 0 -> 100 x (0 + 100) / (20 + 100) = 83.3
    # engagement 1.5 -> 100 x 1.5 / 2 = 75; adoption 0.2 -> 100 x 0.2 / 0.5 = 40
    # retention 1/3 -> 100 x 0.333 / 0.8 = 41.7; task success 1.0 -> 111 -> 100
    assert user["happiness_responses"] == 5
    assert user["scores"] == {
        "happiness": 83.3,
        "engagement": 75.0,
        "adoption": 40.0,
        "retention": 41.7,
        "task_success": 100.0,
    }
    # (83.33 + 75 + 40 + 41.67 + 100) / 5 = 68.0
    assert user["heart_index"] == pytest.approx(68.0)


def test_happiness_under_min_survey_responses_has_no_score_and_no_weight(
    heart_engine: Engine,
) -> None:
    # March: the quarter Jan..Mar holds 3 answers (NPS 33.3), fewer than 5
    report = report_json(build_report(heart_engine, Period("2025-03", "2025-03"), "ci"))
    user = report["products"][0]["user"]
    assert user["happiness"] == pytest.approx(33.3)
    assert user["happiness_responses"] == 3
    assert user["happiness_ci90"] is not None
    assert user["scores"]["happiness"] is None


def test_the_index_leaves_out_dimensions_without_data_or_goal(heart_engine: Engine) -> None:
    report = report_json(build_report(heart_engine, Period(FIRST, LAST), None))
    users = {p["product_id"]: p["user"] for p in report["products"]}
    # ci in April: adoption 0.2 -> 40; engagement 1.0 -> 50; retention undefined (March is
    # empty); task success 0.5 -> 100 x 0.5 / 0.9 = 55.6; happiness: no response
    assert users["ci"]["scores"] == {
        "happiness": None,
        "engagement": 50.0,
        "adoption": 40.0,
        "retention": None,
        "task_success": 55.6,
    }
    assert users["ci"]["heart_index"] == pytest.approx((40 + 50 + 55.56) / 3, abs=0.05)
    # hr: only an adoption goal; 1 of 4 eligible -> 0.25 -> 50; the index is that one score
    assert users["hr"]["scores"]["adoption"] == 50.0
    assert users["hr"]["heart_index"] == 50.0


def test_monthly_scores_of_the_last_month_equal_the_report(heart_engine: Engine) -> None:
    report = report_json(build_report(heart_engine, Period(FIRST, LAST), None))
    months = store.fetch_product_months(heart_engine, FIRST, LAST)
    scores = heart.monthly_scores(
        metrics.monthly_values(months, 100.0, min_survey_responses=5),
        store.fetch_heart_goals(heart_engine),
    )
    index = heart.monthly_index(scores)
    for product in report["products"]:
        last = index[(index["product_id"] == product["product_id"])].iloc[-1]
        assert round(last["heart_index"], 1) == product["user"]["heart_index"]


def test_goal_status_reads_met_below_no_data_and_no_goal(heart_engine: Engine) -> None:
    report = build_report(heart_engine, Period(FIRST, LAST), None)
    users = {p.product_id: p.user for p in report.products}
    gsm = heart.gsm_table(store.fetch_heart_goals(heart_engine), users, {"ci": "CI", "hr": "HR"})
    status = {(r.product_id, r.dimension): r.Status for r in gsm.itertuples()}
    assert status[("ci", "adoption")] == "below goal"  # key: no warning sign
    assert status[("ci", "engagement")] == "below goal ⚠"  # backstop 1.0 < 2
    assert status[("ci", "retention")] == "no data"
    assert status[("hr", "happiness")] == "no goal"
    assert gsm["backstop_below"].sum() == 1


# ---------------------------------------------------------------- lifecycle


def test_lifecycle_splits_active_users_into_new_returning_and_resurrected(
    heart_engine: Engine,
) -> None:
    frame = store.fetch_heart_lifecycle(heart_engine, FIRST, LAST, "ci")
    rows = {
        m.strftime("%Y-%m"): (a, n, r, s, d)
        for m, a, n, r, s, d in zip(
            frame["month"],
            frame["active_users"],
            frame["new_users"],
            frame["returning_users"],
            frame["resurrected_users"],
            frame["dormant_users"],
            strict=True,
        )
    }
    # (active, new, returning, resurrected, dormant)
    assert rows == {
        "2024-12": (3, 2, 1, 0, 0),  # u2, u4 new; u1 back from November
        "2025-01": (2, 1, 1, 0, 2),  # u3 new; u1 returning; u2, u4 dormant
        "2025-02": (3, 1, 1, 1, 1),  # u5 new; u1 returning; u2 resurrected; u3 dormant
        "2025-03": (0, 0, 0, 0, 3),  # no events: u1, u2, u5 dormant
        "2025-04": (2, 0, 0, 2, 0),  # u1 and u3 resurrected after an empty month
    }


def test_lifecycle_adds_up_to_active_users_and_last_months_users(heart_engine: Engine) -> None:
    frame = store.fetch_heart_lifecycle(heart_engine, FIRST, LAST, None)
    arrived = frame["new_users"] + frame["returning_users"] + frame["resurrected_users"]
    assert (arrived == frame["active_users"]).all()
    # last month's users either return or go dormant
    previous = frame.groupby("product_id")["active_users"].shift(1)
    stayed_or_left = frame["returning_users"] + frame["dormant_users"]
    known = previous.notna()
    assert (stayed_or_left[known] == previous[known]).all()


def test_lifecycle_of_the_portfolio_sums_the_products(heart_engine: Engine) -> None:
    totals = heart.lifecycle_totals(store.fetch_heart_lifecycle(heart_engine, FIRST, LAST, None))
    # hr: Jan h1 new; Feb h1 returning; Mar h1 dormant; Apr h2 new
    assert list(totals["new_users"]) == [2, 1 + 1, 1, 0, 0 + 1]
    assert list(totals["dormant_users"]) == [0, 2, 1, 3 + 1, 0]


# ---------------------------------------------------------------- cohorts


def test_cohorts_group_users_by_first_ever_active_month(heart_engine: Engine) -> None:
    cohorts = store.fetch_heart_cohorts(heart_engine, FIRST, LAST, "ci")
    rows = [
        (c.strftime("%Y-%m"), k, size, active)
        for c, k, size, active in zip(
            cohorts["cohort_month"],
            cohorts["months_since"],
            cohorts["cohort_users"],
            cohorts["active_users"],
            strict=True,
        )
    ]
    # u1 started in November (before the period): no cohort. Dec {u2, u4}: u2 back in Feb.
    # Jan {u3}: back in April (k = 3). Feb {u5}: never back.
    assert rows == [
        ("2024-12", 0, 2, 2),
        ("2024-12", 2, 2, 1),
        ("2025-01", 0, 1, 1),
        ("2025-01", 3, 1, 1),
        ("2025-02", 0, 1, 1),
    ]


def test_cohort_grid_shows_zero_where_nobody_came_back_and_nothing_not_yet_observable(
    heart_engine: Engine,
) -> None:
    grid = heart.cohort_grid(store.fetch_heart_cohorts(heart_engine, FIRST, LAST, "ci"), LAST)
    cells = {(r.cohort, r.months_since): r.share for r in grid.itertuples()}
    assert cells[("2024-12", 1)] == 0.0  # observable, nobody active
    assert cells[("2024-12", 2)] == 0.5  # u2 of {u2, u4}
    assert cells[("2025-01", 3)] == 1.0
    assert ("2025-02", 3) not in cells  # 2025-05 is after the period: not observable
    # pooled: after 2 months (1 + 0 + 0) / (2 + 1 + 1) = 0.25; after 3 (0 + 1) / (2 + 1)
    assert heart.retention_after(grid, 2) == 0.25
    assert heart.retention_after(grid, 3) == pytest.approx(1 / 3)


# ---------------------------------------------------------------- task durations


def test_action_months_carry_each_actions_own_median_duration(heart_engine: Engine) -> None:
    actions = store.fetch_heart_action_months(heart_engine, FIRST, LAST, "ci")
    medians = {
        (m.strftime("%Y-%m"), a): (None if math.isnan(d) else d, n)
        for m, a, d, n in zip(
            actions["month"],
            actions["action"],
            actions["duration_median"],
            actions["duration_count"],
            strict=True,
        )
    }
    # Dec build: 60, 30 -> 45; Jan build: 90, 30 -> 60; Feb build: 120, 10 (u2 none) -> 65
    assert medians[("2024-12", "build")] == (45.0, 2)
    assert medians[("2025-01", "build")] == (60.0, 2)
    assert medians[("2025-02", "build")] == (65.0, 2)
    # deploys never recorded a duration: no median, not 0
    assert medians[("2024-12", "deploy")] == (None, 0)
    table = heart.action_table(actions, "2025-01")
    assert table.set_index("Action").loc["deploy", "Median duration"] == "—"
    assert table.set_index("Action").loc["build", "Median duration"] == "1.0 min"


def test_heart_queries_filter_by_product(heart_engine: Engine) -> None:
    for fetch in (
        store.fetch_heart_lifecycle,
        store.fetch_heart_cohorts,
        store.fetch_heart_action_months,
    ):
        assert set(fetch(heart_engine, FIRST, LAST, "hr")["product_id"]) == {"hr"}
        assert set(fetch(heart_engine, FIRST, LAST, None)["product_id"]) == {"ci", "hr"}
