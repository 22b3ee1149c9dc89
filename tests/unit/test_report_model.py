"""The typed report: composed in the core at full precision, rounded only in its JSON."""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

from tests.unit.test_metrics import product_months
from valuemodel.core.contract import Assumptions
from valuemodel.core.months import Period
from valuemodel.core.releases import DiD, Effect, MetricEffect, Release
from valuemodel.core.report import LinkInputs, ReportInputs, SegmentFigures, compose
from valuemodel.present.report_json import (
    dumps,
    is_exact,
    report_exact_json,
    report_from_json,
    report_json,
    rounded,
)

GOAL_COLUMNS = ["product_id", "dimension", "role", "goal", "signal", "metric", "target"]
LINK_COLUMNS = ["product_id", "metric", "kr_id", "evidence", "note", "kr_title", "objective_id"]

# product, month, eligible, active, active_days, prev_active, retained, events,
# succeeded_true, succeeded_known, responses, promoters, detractors, tasks, hours, risk_hours, cost
# ci: 1 of 3 eligible active, 2 of 3 outcomes succeeded, 1 / 3 hour saved, cost 10
CI = ("ci", "2025-01-01", 3, 1, 1, 0, 0, 3, 2, 3, 3, 2, 0, 1, 1 / 3, 1 / 3, 10.0)
HR = ("hr", "2025-01-01", 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.0, 0.0, 5.0)


def inputs(*, links: pd.DataFrame | None = None) -> ReportInputs:
    return ReportInputs(
        period=Period("2025-01", "2025-01"),
        assumptions=Assumptions.from_mapping({"loaded_hourly_cost": "100"}),
        products=pd.DataFrame({"product_id": ["hr", "ci"], "name": ["HR", "CI"]}),
        months=product_months(CI, HR),
        goals=pd.DataFrame([("ci", "adoption", "key", "g", "s", "m", 0.9)], columns=GOAL_COLUMNS),
        link_inputs=LinkInputs(
            links=pd.DataFrame(columns=LINK_COLUMNS) if links is None else links,
            measurements=pd.DataFrame(columns=["kr_id", "month", "value"]),
            history_months=pd.DataFrame(columns=["product_id", "month"]),
            spans={},
        ),
    )


def test_the_report_keeps_full_precision_and_its_json_rounds() -> None:
    report = compose(inputs())
    ci = report.product("ci")
    # 1 active of 3 eligible; 1/3 h x 100 = 33.33...; adoption score 100 x (1/3) / 0.9 = 37.03...
    assert ci.user.adoption == pytest.approx(1 / 3, rel=1e-12)
    assert ci.buyer.risk_adjusted_savings == pytest.approx(100 / 3, rel=1e-12)
    assert ci.user.scores["adoption"] == pytest.approx(100 / 2.7, rel=1e-12)
    shown = report_json(report)["products"][0]
    assert shown["user"]["adoption"] == 0.3333
    assert shown["buyer"]["risk_adjusted_savings"] == 33.33
    assert shown["user"]["scores"]["adoption"] == 37.0
    assert shown["user"]["task_success"] == 0.6667


def test_products_are_sorted_and_the_portfolio_sums_the_monthly_flows() -> None:
    report = compose(inputs())
    assert [p.product_id for p in report.products] == ["ci", "hr"]
    assert report.portfolio.buyer.cost == 15.0  # 10 + 5
    assert report.buyer_of(None) is report.portfolio.buyer
    assert report.buyer_of("hr").cost == 5.0
    with pytest.raises(KeyError):
        report.product("nope")


def test_the_json_has_the_keys_of_design_section_5_in_order() -> None:
    document = report_json(compose(inputs()))
    assert list(document) == ["period", "currency", "products", "portfolio"]
    product = document["products"][0]
    assert list(product) == ["product_id", "name", "buyer", "user", "okr_links", "releases"]
    assert list(product["buyer"]) == [
        "cost", "hours_saved", "gross_savings", "risk_adjusted_savings", "net_value", "roi",
        "payback_months",
    ]  # fmt: skip
    assert list(product["user"]) == [
        "month", "active_users", "adoption", "engagement", "retention", "task_success",
        "happiness", "happiness_responses", "happiness_ci90", "retention_ci90",
        "task_success_ci90", "scores", "heart_index",
    ]  # fmt: skip
    assert list(product["okr_links"]) == []
    assert json.loads(dumps(compose(inputs()))) == document


def test_a_link_without_enough_data_is_null_in_the_json() -> None:
    links = pd.DataFrame(
        [("ci", "adoption", "kr-1", "correlational", "", "KR", "o-1")], columns=LINK_COLUMNS
    )
    report = compose(inputs(links=links))
    [link] = report.product("ci").okr_links
    assert (link.r, link.lag_months, link.months) == (None, None, None)
    assert report_json(report)["products"][0]["okr_links"] == [
        {
            "kr_id": "kr-1",
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
    ]


def test_report_records_are_frozen() -> None:
    report = compose(inputs())
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.currency = "EUR"  # type: ignore[misc]


def test_a_report_read_back_from_its_json_gives_the_same_json() -> None:
    links = pd.DataFrame(
        [("ci", "adoption", "kr-1", "asserted", "", "KR", "o-1")], columns=LINK_COLUMNS
    )
    document = report_json(compose(inputs(links=links)))
    assert report_json(report_from_json(document)) == document


def test_the_full_precision_json_reads_back_to_the_very_same_report() -> None:
    links = pd.DataFrame(
        [("ci", "adoption", "kr-1", "asserted", "", "KR", "o-1")], columns=LINK_COLUMNS
    )
    report = compose(inputs(links=links))
    # A segment with unrounded figures, so segments make the round trip too.
    effect = Effect(1 / 3, 2 / 3, 1 / 3, 0.1 / 3, (-1 / 7, 1 / 9), 1 / 11, 6, 6, "improved")
    release = Release(
        "r-1", "2025-01-15", "Faster <i>", "feature",
        (MetricEffect("adoption", "key", effect, DiD(1 / 13, (0.0, 1 / 6), ("a",), ("b",))),),
        rollout="dept",
    )  # fmt: skip
    ci = dataclasses.replace(
        report.product("ci"),
        segments=(SegmentFigures("dept", "Ops <b>", 3, 1, 1 / 3, 200 / 3),),
        releases=(release,),
    )
    report = dataclasses.replace(report, products=(ci, report.product("hr")))
    exact = json.loads(json.dumps(report_exact_json(report), allow_nan=False))
    assert is_exact(exact) and not is_exact(report_json(report))
    # Nothing rounded: the stored figures are the composed ones, digit for digit.
    stored = exact["products"][0]
    assert stored["user"]["adoption"] == 1 / 3
    assert (
        stored["buyer"]["risk_adjusted_savings"] == report.product("ci").buyer.risk_adjusted_savings
    )
    assert stored["segments"][0]["opportunity"] == 200 / 3
    assert stored["releases"][0]["effects"][0]["did"]["estimate"] == 1 / 13
    assert report_from_json(exact) == report
    # Rounded at output, it is the contract JSON of the report.
    assert rounded(exact) == report_json(report)
    assert rounded(report_json(report)) == report_json(report)
