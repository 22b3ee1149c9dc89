"""The report of DESIGN section 5 on the hand-made PORTFOLIO fixture (tests/sql/csvdata.py).

Every expected number below is worked out by hand from the fixture rows and the
definitions of DESIGN section 4. Facts used throughout (UTC months):

assumptions: loaded_hourly_cost 60, currency EUR.
baselines:  ci build 120 min x confidence 0.5 -> 2 h saved, 1.0 h risk-adjusted per task
            ci deploy 30 min x 0.8            -> 0.5 h saved, 0.4 h risk-adjusted
            dm query 60 min x 1.0             -> 1 h saved, 1 h risk-adjusted; hr: none

ci events by UTC month (tasks = baseline action and succeeded not false):
  2024-12  u4 build true (written 2025-01-01T00:30+01:00)
  2025-01  u1 build true (written 2024-12-31T23:30-05:00), u1 build false,
           u2 deploy (empty), u2 view true          -> tasks: 1 build, 1 deploy
  2025-02  u3 build true (written 2025-01-31T23:59-02:00), u1 build true,
           u1 deploy true x2 (Feb 4)                -> tasks: 2 builds, 2 deploys
  2025-03  none
  2025-04  u1 build true, u2 deploy false, u2 view (empty) -> tasks: 1 build
ci hours saved:   Jan 2 + 0.5 = 2.5; Feb 4 + 1 = 5; Mar 0; Apr 2           -> 9.5 h
ci risk-adj. h:   Jan 1 + 0.4 = 1.4; Feb 2 + 0.8 = 2.8; Mar 0; Apr 1      -> 5.2 h
ci risk-adj. EUR: Jan 84, Feb 168, Mar 0, Apr 60                           -> 312
ci cost:          Jan 80 + 30 = 110, Feb 40, Mar none, Apr 10             -> 160
ci net:           Jan -26, Feb 128, Mar 0, Apr 50; cumulative -26, 102, 102, 152

dm: events Mar d1; Apr d1, d2 (all query true); cost 50 each month Jan..Apr
dm risk-adj. EUR: Mar 60, Apr 120 -> 180; net -50, -50, +10, +70; cumulative -50,
    -100, -90, -20 (never recovers)
hr: active users Sep..Apr 1, 3, 2, 4, 2, 1, 2, 1 of 4 eligible; no baselines, no cost,
    no surveys, no goals
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from tests.conftest import run_cli as cli
from valuemodel.core.months import Period, ReportError
from valuemodel.data import store
from valuemodel.data.report import build_report
from valuemodel.present.report_json import report_json

JAN_TO_APR = Period("2025-01", "2025-04")


def json_report(engine: Engine, period: Period, product_id: str | None = None) -> dict[str, Any]:
    """The report as `python -m valuemodel report --format json` prints it."""
    return report_json(build_report(engine, period, product_id))


CI_BUYER = {
    "cost": 160.0,
    "hours_saved": 9.5,
    "gross_savings": 570.0,  # 9.5 h x 60
    "risk_adjusted_savings": 312.0,  # 5.2 h x 60
    "net_value": 152.0,  # 312 - 160
    "roi": 0.95,  # 152 / 160
    "payback_months": 1.2,  # crosses in Feb: 1 + 26 / 128 = 1.203
}
CI_USER_APRIL = {
    "month": "2025-04",
    "active_users": 2,  # u1, u2
    "adoption": 0.2,  # 2 / 10
    "engagement": 1.5,  # u1 1 day, u2 2 days -> (1 + 2) / 2
    "retention": None,  # nobody active in March
    "task_success": 0.5,  # build true, deploy false (view has no outcome) -> 1 / 2
    # The rolling quarter Feb..Apr holds scores 10, 9, 8, 6 (the 6 is 23:00Z on Apr 30;
    # January's 2 is outside): 100 x (2 - 1) / 4
    "happiness": 25.0,
    "happiness_responses": 4,
    # P 0.5, D 0.25: 25 +- 1.645 x 100 x sqrt((0.75 - 0.0625) / 4) = 25 +- 68.2
    "happiness_ci90": [-43.2, 93.2],
    "retention_ci90": None,  # nobody active in March
    # Wilson, z 1.6449, n 2, p 0.5: centre (p + z^2/2n) / (1 + z^2/n) = 0.5,
    # half z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n) = 1.6449 x 0.5423 / 2.3528 = 0.3791
    "task_success_ci90": [0.1209, 0.8791],
    "scores": {
        "happiness": None,  # 4 responses, fewer than min_survey_responses (30): no score
        "engagement": 100.0,  # 100 x 1.5 / 1.2 = 125 -> capped
        "adoption": 40.0,  # 100 x 0.2 / 0.5
        "retention": None,  # a goal (0.6), but no value
        "task_success": None,  # a value, but no goal
    },
    "heart_index": 70.0,  # (100 + 40) / 2; the 4-answer NPS does not count
}
DM_BUYER = {
    "cost": 200.0,  # 4 x 50
    "hours_saved": 3.0,  # 3 queries x 1 h
    "gross_savings": 180.0,
    "risk_adjusted_savings": 180.0,  # confidence 1
    "net_value": -20.0,
    "roi": -0.1,  # -20 / 200
    "payback_months": None,  # cumulative ends at -20
}
DM_USER_APRIL = {
    "month": "2025-04",
    "active_users": 2,
    "adoption": 0.4,  # 2 / 5
    "engagement": 1.0,  # one day each
    "retention": 1.0,  # March {d1} -> April {d1, d2}: 1 / 1
    "task_success": 1.0,  # 2 / 2
    "happiness": None,  # no surveys
    "happiness_responses": 0,
    "happiness_ci90": None,
    # Wilson at n 1, p 1: (1 + z^2/2) / (1 + z^2) -+ z sqrt(z^2/4) / (1 + z^2)
    # = (2.3528 -+ 1.3528) / 3.7055 -> [0.2699, 1.0]
    "retention_ci90": [0.2699, 1.0],
    # n 2, p 1: (1 + z^2/4 -+ z sqrt(z^2/16)) / (1 + z^2/2) = (1.6764 -+ 0.6764) / 2.3528
    "task_success_ci90": [0.425, 1.0],
    "scores": {
        "happiness": None,  # goal 0, no value
        "engagement": None,
        "adoption": 50.0,  # 100 x 0.4 / 0.8
        "retention": None,
        "task_success": None,
    },
    "heart_index": 50.0,
}
HR_BUYER = {
    "cost": 0.0,
    "hours_saved": 0.0,
    "gross_savings": 0.0,
    "risk_adjusted_savings": 0.0,
    "net_value": 0.0,
    "roi": None,  # cost 0
    "payback_months": 0.0,  # cumulative never negative
}
HR_USER_APRIL = {
    "month": "2025-04",
    "active_users": 1,  # h1
    "adoption": 0.25,  # 1 / 4
    "engagement": 2.0,  # Apr 2 and Apr 3
    "retention": 0.5,  # March {h1, h3} -> April {h1}: 1 / 2
    "task_success": 0.6667,  # true, true, false -> 2 / 3
    "happiness": None,
    "happiness_responses": 0,
    "happiness_ci90": None,
    "retention_ci90": [0.1209, 0.8791],  # 1 of 2, as ci's task success
    # n 3, p 2/3: centre (0.6667 + 0.4509) / 1.9018 = 0.5876, half 0.3341
    "task_success_ci90": [0.2535, 0.9217],
    "scores": dict.fromkeys(["happiness", "engagement", "adoption", "retention", "task_success"]),
    "heart_index": None,
}
PORTFOLIO_BUYER = {
    "cost": 360.0,  # 160 + 0 + 200
    "hours_saved": 12.5,  # 9.5 + 0 + 3
    "gross_savings": 750.0,  # 570 + 180
    "risk_adjusted_savings": 492.0,  # 312 + 180
    "net_value": 132.0,  # 492 - 360
    "roi": 0.3667,  # 132 / 360 = 0.36667
    # summed monthly net: Jan -26-50 = -76, Feb 128-50 = 78, Mar 0+10, Apr 50+70
    # cumulative -76, 2, ...: 1 + 76 / 78 = 1.974 (not an average of 1.2 and none)
    "payback_months": 1.97,
}

EXPECTED_JAN_TO_APR = {
    "period": {"from": "2025-01", "to": "2025-04"},
    "currency": "EUR",
    "products": [
        {
            "product_id": "ci",
            "name": "CI Platform",
            "releases": [],  # the fixture has no releases.csv
            "buyer": CI_BUYER,
            "user": CI_USER_APRIL,
            # no eligibility rules: eligible is products.eligible_users; u1..u4 reached and
            # did a baseline task (u2's deploy has an empty outcome); u1, u2 active in April;
            # nobody was active in March, so nobody is habitual
            "funnel": {
                "month": "2025-04",
                "eligible": 10,
                "reached": 4,
                "tried": 4,
                "active": 2,
                "habitual": 0,
            },
            # ci has events in 5 months (Dec..Apr): fewer than 6 pairs at any lag
            "okr_links": [
                {
                    "kr_id": "kr-ci",
                    "metric": "adoption",
                    "evidence": "correlational",
                    "r": None,
                    "lag_months": None,
                    "months": None,
                    "ci90": None,
                    "r_changes": None,
                    "months_changes": None,
                    "ci90_changes": None,
                    "verdict": "not enough data",
                }
            ],
        },
        {
            "product_id": "dm",
            "name": "Data Mart",
            "releases": [],  # the fixture has no releases.csv
            "buyer": DM_BUYER,
            "user": DM_USER_APRIL,
            # d1 (Mar, Apr) and d2 (Apr) ran queries; neither was active in February
            "funnel": {
                "month": "2025-04",
                "eligible": 5,
                "reached": 2,
                "tried": 2,
                "active": 2,
                "habitual": 0,
            },
            "okr_links": [],
        },
        {
            "product_id": "hr",
            "name": "HR Self-Service",
            "releases": [],  # the fixture has no releases.csv
            "buyer": HR_BUYER,
            "user": HR_USER_APRIL,
            # h1..h4 used it by April; hr has no task baselines, so nobody "tried" a task
            "funnel": {
                "month": "2025-04",
                "eligible": 4,
                "reached": 4,
                "tried": 0,
                "active": 0,
                "habitual": 0,
            },
            # kr-hr in month m + 1 = 10 x active users in m = 40 x adoption in m, for
            # the 8 product months Sep..Apr: r = 1 at lag 1
            "okr_links": [
                {
                    "kr_id": "kr-hr",
                    "metric": "adoption",
                    "evidence": "causal",
                    "r": 1.0,
                    "lag_months": 1,
                    "months": 8,
                    "ci90": None,  # |r| = 1: Fisher's interval is undefined
                    # the changes are exact multiples too: Oct..Apr against Nov..May
                    "r_changes": 1.0,
                    "months_changes": 7,
                    "ci90_changes": None,
                    "verdict": "moves together",  # a perfect r of changes
                }
            ],
        },
    ],
    "portfolio": {"buyer": PORTFOLIO_BUYER},
}


def assert_same(actual: object, expected: object, path: str = "report") -> None:
    """Equal structure and keys; numbers equal to the rounding the report applies."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        assert sorted(actual) == sorted(expected), path
        for key, value in expected.items():
            assert_same(actual[key], value, f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), path
        assert len(actual) == len(expected), path
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_same(a, e, f"{path}[{i}]")
    elif isinstance(expected, float):
        assert isinstance(actual, float | int) and not isinstance(actual, bool), (path, actual)
        assert actual == pytest.approx(expected, rel=1e-9, abs=1e-9), (path, actual)
    else:
        assert actual == expected, (path, actual)


def product(report: dict[str, object], product_id: str) -> dict[str, object]:
    [found] = [p for p in report["products"] if p["product_id"] == product_id]  # type: ignore[attr-defined, index]
    return found  # type: ignore[no-any-return]


# ---------------------------------------------------------------- figures


def test_report_for_the_whole_portfolio_matches_the_hand_computed_figures(
    portfolio_engine: Engine,
) -> None:
    assert_same(json_report(portfolio_engine, JAN_TO_APR), EXPECTED_JAN_TO_APR)


def test_report_is_plain_json(portfolio_engine: Engine) -> None:
    report = json_report(portfolio_engine, JAN_TO_APR)
    assert json.loads(json.dumps(report, allow_nan=False)) == report


def test_a_local_new_years_eve_already_in_january_utc_counts_in_january(
    portfolio_engine: Engine,
) -> None:
    report = json_report(portfolio_engine, Period("2025-01", "2025-01"))
    ci = product(report, "ci")
    # January tasks: u1's build at 2024-12-31T23:30-05:00 (04:30Z) and u2's deploy;
    # hours 2 + 0.5 = 2.5, risk-adjusted 1.4 h x 60 = 84; cost 110; net -26
    assert_same(
        ci["buyer"],
        {
            "cost": 110.0,
            "hours_saved": 2.5,
            "gross_savings": 150.0,
            "risk_adjusted_savings": 84.0,
            "net_value": -26.0,
            "roi": -0.2364,  # -26 / 110 = -0.23636
            "payback_months": None,
        },
    )
    assert_same(
        ci["user"],
        {
            "month": "2025-01",
            "active_users": 2,  # u1, u2 (u4's event is December in UTC)
            "adoption": 0.2,
            "engagement": 1.5,  # u1: Jan 1 only (two events); u2: Jan 15, 16
            "retention": 0.0,  # December {u4} -> none of them in January: 0 / 1
            "task_success": 0.6667,  # true, false, true (deploy has no outcome): 2 / 3
            # the quarter Nov..Jan holds one response, score 2: 100 x (0 - 1) / 1
            "happiness": -100.0,
            "happiness_responses": 1,
            "happiness_ci90": [-100.0, -100.0],  # P 0, D 1: no spread within the answers
            "retention_ci90": [0.0, 0.7301],  # Wilson 0 of 1: high = z^2 / (1 + z^2)
            "task_success_ci90": [0.2535, 0.9217],  # 2 of 3, as hr's in April
            "scores": {
                "happiness": None,  # one answer, fewer than min_survey_responses (30)
                "engagement": 100.0,  # 1.5 / 1.2 -> capped
                "adoption": 40.0,
                "retention": 0.0,  # 100 x 0 / 0.6
                "task_success": None,
            },
            "heart_index": 46.7,  # (100 + 40 + 0) / 3
        },
    )


def test_an_event_late_on_january_31_west_of_utc_counts_in_february(
    portfolio_engine: Engine,
) -> None:
    ci = product(json_report(portfolio_engine, Period("2025-02", "2025-02")), "ci")
    user = ci["user"]
    assert user["active_users"] == 2  # type: ignore[index]  # u3 (01:59Z Feb 1) and u1
    assert user["engagement"] == pytest.approx(1.5)  # type: ignore[index]  # u3 1 day, u1 2 days
    assert user["retention"] == pytest.approx(0.5)  # type: ignore[index]  # Jan {u1, u2} -> u1 of 2
    assert user["task_success"] == pytest.approx(1.0)  # type: ignore[index]  # 4 true of 4
    # 2 builds + 2 deploys: hours 4 + 1 = 5; risk-adjusted 2 + 0.8 = 2.8 h x 60 = 168
    assert ci["buyer"]["hours_saved"] == pytest.approx(5.0)  # type: ignore[index]
    assert ci["buyer"]["risk_adjusted_savings"] == pytest.approx(168.0)  # type: ignore[index]


def test_a_month_without_events_has_zero_adoption_and_the_next_month_undefined_retention(
    portfolio_engine: Engine,
) -> None:
    march = product(json_report(portfolio_engine, Period("2025-01", "2025-03")), "ci")
    assert_same(
        march["user"],
        {
            "month": "2025-03",
            "active_users": 0,
            "adoption": 0.0,  # 0 / 10
            "engagement": None,
            "retention": 0.0,  # February {u1, u3} -> nobody: 0 / 2
            "task_success": None,
            "happiness": -100.0,  # the quarter Jan..Mar: January's one answer (2)
            "happiness_responses": 1,
            "happiness_ci90": [-100.0, -100.0],
            "retention_ci90": [0.0, 0.575],  # Wilson 0 of 2: high = z^2 / (2 + z^2)
            "task_success_ci90": None,
            "scores": {
                "happiness": None,  # one answer: not scored
                "engagement": None,
                "adoption": 0.0,
                "retention": 0.0,
                "task_success": None,
            },
            "heart_index": 0.0,  # (0 + 0) / 2
        },
    )
    # Jan..Mar: cost 110 + 40 = 150 (no March cost), risk-adjusted 84 + 168 = 252
    assert_same(
        march["buyer"],
        {
            "cost": 150.0,
            "hours_saved": 7.5,  # 2.5 + 5
            "gross_savings": 450.0,
            "risk_adjusted_savings": 252.0,
            "net_value": 102.0,
            "roi": 0.68,  # 102 / 150
            "payback_months": 1.2,  # 1 + 26 / 128
        },
    )
    april = product(json_report(portfolio_engine, JAN_TO_APR), "ci")
    assert april["user"]["retention"] is None  # type: ignore[index]


def test_the_survey_written_on_may_first_east_of_utc_counts_in_april(
    portfolio_engine: Engine,
) -> None:
    # May's own surveys: only u5's 10 (00:30Z May 1); u4's 6 (2025-05-01T01:00+02:00 =
    # Apr 30 23:00Z) is one of April's four
    months = store.fetch_product_months(portfolio_engine, "2025-04", "2025-05", "ci")
    assert list(months["responses"]) == [4, 1]
    assert list(months["detractors"]) == [1, 0]
    # May's rolling quarter (Mar..May) holds both: 10, 9, 8, 6 and 10 -> 100 x (3 - 1) / 5
    may = product(json_report(portfolio_engine, Period("2025-05", "2025-05")), "ci")
    assert may["user"]["happiness"] == pytest.approx(40.0)  # type: ignore[index]
    assert may["user"]["happiness_responses"] == 5  # type: ignore[index]


def test_one_product_report_has_that_product_and_its_figures_as_portfolio(
    portfolio_engine: Engine,
) -> None:
    report = json_report(portfolio_engine, JAN_TO_APR, "ci")
    assert [p["product_id"] for p in report["products"]] == ["ci"]  # type: ignore[attr-defined]
    assert_same(report["portfolio"], {"buyer": CI_BUYER})


def test_link_strength_uses_every_stored_month_not_only_the_period(
    portfolio_engine: Engine,
) -> None:
    hr = product(json_report(portfolio_engine, Period("2025-04", "2025-04"), "hr"), "hr")
    assert_same(
        hr["okr_links"],
        EXPECTED_JAN_TO_APR["products"][2]["okr_links"],  # type: ignore[index]
    )


def test_a_report_for_an_unknown_product_is_refused(portfolio_engine: Engine) -> None:
    with pytest.raises(ReportError):
        json_report(portfolio_engine, JAN_TO_APR, "nope")


def test_a_report_on_an_empty_database_has_no_products_and_zero_money(
    shared_engine: Engine,
) -> None:
    report = json_report(shared_engine, JAN_TO_APR)
    assert_same(
        report,
        {
            "period": {"from": "2025-01", "to": "2025-04"},
            "currency": "USD",
            "products": [],
            "portfolio": {"buyer": {**HR_BUYER}},  # nothing: cost 0, ROI none, payback 0
        },
    )


# ---------------------------------------------------------------- shape


def test_report_keys_are_exactly_those_of_the_contract(portfolio_engine: Engine) -> None:
    report = json_report(portfolio_engine, JAN_TO_APR)
    buyer_keys = {
        "cost",
        "hours_saved",
        "gross_savings",
        "risk_adjusted_savings",
        "net_value",
        "roi",
        "payback_months",
    }
    dimensions = {"happiness", "engagement", "adoption", "retention", "task_success"}
    assert set(report) == {"period", "currency", "products", "portfolio"}
    assert set(report["period"]) == {"from", "to"}  # type: ignore[arg-type]
    assert set(report["portfolio"]) == {"buyer"}  # type: ignore[arg-type]
    assert set(report["portfolio"]["buyer"]) == buyer_keys  # type: ignore[index]
    assert report["products"]
    for entry in report["products"]:  # type: ignore[attr-defined]
        assert set(entry) == {
            "product_id", "name", "buyer", "user", "okr_links", "funnel", "releases"
        }  # fmt: skip
        assert set(entry["funnel"]) == {
            "month", "eligible", "reached", "tried", "active", "habitual",
        }  # fmt: skip
        assert set(entry["buyer"]) == buyer_keys
        assert set(entry["user"]) == {
            "month",
            "active_users",
            *dimensions,
            "happiness_responses",
            "happiness_ci90",
            "retention_ci90",
            "task_success_ci90",
            "scores",
            "heart_index",
        }
        assert set(entry["user"]["scores"]) == dimensions
        for link in entry["okr_links"]:
            assert set(link) == {
                "kr_id", "metric", "evidence", "r", "lag_months", "months", "ci90",
                "r_changes", "months_changes", "ci90_changes", "verdict",
            }  # fmt: skip


# ---------------------------------------------------------------- the command line


def run_cli(engine: Engine, *args: str) -> subprocess.CompletedProcess[str]:
    return cli(*args, database_url=engine.url.render_as_string(hide_password=False))


def test_cli_report_prints_the_same_json_as_build_report(portfolio_engine: Engine) -> None:
    done = run_cli(
        portfolio_engine, "report", "--from", "2025-01", "--to", "2025-04", "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json_report(portfolio_engine, JAN_TO_APR)


def test_cli_report_with_a_bad_month_exits_1_with_one_line(portfolio_engine: Engine) -> None:
    done = run_cli(
        portfolio_engine, "report", "--from", "2025-13", "--to", "2025-04", "--format", "json"
    )
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "2025-13" in lines[0]
