"""'What changed since the last review' lists exactly the differences of two hand-made
snapshots, and reads them out in plain sentences. No database."""

from __future__ import annotations

import copy
import dataclasses

import pytest

from valuemodel.core import review as rv
from valuemodel.present import review as words


def buyer(net: float, roi: float | None, payback: float | None, cost: float = 100_000.0) -> dict:
    return {
        "cost": cost,
        "hours_saved": 1_000.0,
        "gross_savings": 200_000.0,
        "risk_adjusted_savings": net + cost,
        "net_value": net,
        "roi": roi,
        "payback_months": payback,
    }


def user(index: float | None, adoption: float) -> dict:
    return {
        "month": "2025-12",
        "active_users": 100,
        "adoption": adoption,
        "engagement": 6.5,
        "retention": 0.8,
        "task_success": 0.9,
        "happiness": 20.0,
        "scores": {},
        "heart_index": index,
    }


REVIEW = {
    "report": {
        "period": {"from": "2025-01", "to": "2025-12"},
        "currency": "USD",
        "products": [
            {
                "product_id": "ci",
                "name": "CI Platform",
                "buyer": buyer(50_000.0, 0.5, 4.0),
                "user": user(70.0, 0.6),
                "okr_links": [
                    {"kr_id": "kr-1", "metric": "adoption", "evidence": "correlational",
                     "verdict": "supported"},
                ],
                "releases": [{"release_id": "r1", "released_on": "2025-03-01", "title": "v1"}],
            },
            {
                "product_id": "hr",
                "name": "HR Self-Service",
                "buyer": buyer(-10_000.0, -0.1, None),
                "user": user(None, 0.3),
                "okr_links": [],
            },
        ],
        "portfolio": {"buyer": buyer(40_000.0, 0.2, 6.0, cost=200_000.0)},
    },
    "key_results": [{"kr_id": "kr-1", "title": "Deploys per week", "progress": 0.4}],
    "notes": [
        {"product_id": "ci", "month": "2025-11", "metric": "happiness", "author": "Ana",
         "text": "Outage on the 12th"},
    ],
}  # fmt: skip


def today() -> dict:
    snap = copy.deepcopy(REVIEW)
    ci, hr = snap["report"]["products"]
    ci["buyer"]["net_value"] = 80_000.0  # changed
    ci["buyer"]["risk_adjusted_savings"] = 180_000.0  # changed (net + cost)
    ci["user"]["adoption"] = 0.65  # changed
    ci["okr_links"][0]["verdict"] = "not supported"  # changed
    ci["releases"].append(
        {"release_id": "r2", "released_on": "2025-12-01", "title": "Faster builds <b>"}
    )
    hr["buyer"]["payback_months"] = 11.5  # was None
    snap["report"]["portfolio"]["buyer"]["roi"] = 0.25  # changed
    snap["key_results"][0]["progress"] = 0.55  # changed
    snap["notes"].append(
        {"product_id": "hr", "month": "2025-12", "metric": "", "author": "Ben",
         "text": "New policy *live*"}
    )  # fmt: skip
    return snap


def test_identical_snapshots_have_no_changes() -> None:
    assert rv.what_changed(REVIEW, copy.deepcopy(REVIEW)) == []
    assert words.sentences([], "USD") == [
        "Nothing changed since the review: every figure is as it was."
    ]


def test_what_changed_lists_exactly_the_differences() -> None:
    found = {(c.scope, c.figure, c.before, str(c.after)) for c in rv.what_changed(REVIEW, today())}
    assert found == {
        ("portfolio", "roi", 0.2, "0.25"),
        ("ci", "net_value", 50_000.0, "80000.0"),
        ("ci", "risk_adjusted_savings", 150_000.0, "180000.0"),
        ("ci", "adoption", 0.6, "0.65"),
        ("ci", "link", "supported", "not supported"),
        ("ci", "release", None, "2025-12-01 Faster builds <b>"),
        ("hr", "payback_months", None, "11.5"),
        (
            "hr",
            "note",
            None,
            str(
                {
                    "product_id": "hr",
                    "month": "2025-12",
                    "metric": "",
                    "author": "Ben",
                    "text": "New policy *live*",
                }
            ),
        ),
        ("kr-1", "kr_progress", 0.4, "0.55"),
    }


def test_a_report_without_releases_or_verdicts_is_compared_without_them() -> None:
    old = copy.deepcopy(REVIEW)
    new = copy.deepcopy(REVIEW)
    for snap in (old, new):
        for product in snap["report"]["products"]:
            product.pop("releases", None)
            for link in product["okr_links"]:
                link.pop("verdict")
    new["report"]["products"][0]["okr_links"][0]["evidence"] = "causal"
    found = [(c.figure, c.before, c.after) for c in rv.what_changed(old, new)]
    assert found == [("link", "correlational", "causal")]


def test_a_product_added_since_the_review_is_listed_once_with_its_figures() -> None:
    new = copy.deepcopy(REVIEW)
    extra = copy.deepcopy(new["report"]["products"][1])
    extra.update(product_id="dm", name="Data Mart")
    new["report"]["products"].append(extra)
    changes = [c for c in rv.what_changed(REVIEW, new) if c.scope == "dm"]
    assert changes[0].figure == "product" and changes[0].before is None
    assert {c.figure for c in changes[1:]} >= {"net_value", "roi"}


def test_sentences_read_the_changes_with_formats_and_as_plain_text() -> None:
    changes = rv.what_changed(REVIEW, today())
    said = words.sentences(changes, "USD", limit=20)
    assert said[0] == "The portfolio's ROI rose from 20% to 25% (+5 pts)."
    assert "CI Platform's net value rose from $50.0K to $80.0K (+$30.0K)." in said
    assert "HR Self-Service's payback went from — to 11.5 months." in said
    assert "CI Platform shipped a release: 2025-12-01 Faster builds <b>." in said
    assert "New note on HR Self-Service: 2025-12, Ben: New policy *live*." in said
    assert "Key result 'Deploys per week' moved from 40% to 55% of its target." in said
    short = words.sentences(changes, "USD", limit=3)
    assert len(short) == 4 and short[-1] == f"{len(changes) - 3} more changes in the table."


def test_the_table_has_one_row_per_change() -> None:
    changes = rv.what_changed(REVIEW, today())
    table = words.changes_table(changes, "USD")
    assert list(table.columns) == ["Where", "Figure", "Review", "Today", "Change"]
    assert len(table) == len(changes)
    row = table[(table["Where"] == "CI Platform") & (table["Figure"] == "Adoption")].iloc[0]
    assert (row["Review"], row["Today"], row["Change"]) == ("60%", "65%", "+5 pts")


@pytest.mark.parametrize("value", [float("nan"), None])
def test_undefined_values_on_both_sides_are_not_a_change(value) -> None:
    old, new = copy.deepcopy(REVIEW), copy.deepcopy(REVIEW)
    old["report"]["portfolio"]["buyer"]["roi"] = value
    new["report"]["portfolio"]["buyer"]["roi"] = None
    assert rv.what_changed(old, new) == []


def test_full_precision_reviews_compare_unrounded_and_older_ones_compare_rounded() -> None:
    from tests.unit.test_report_model import inputs
    from valuemodel.cli.review import compare
    from valuemodel.core.report import Report, compose
    from valuemodel.data.reviews import Snapshot
    from valuemodel.present.report_json import report_exact_json, report_json

    report = compose(inputs())
    ci = report.product("ci")

    def with_cost(delta: float) -> Report:
        buyer = dataclasses.replace(ci.buyer, cost=ci.buyer.cost + delta)
        return dataclasses.replace(
            report, products=(dataclasses.replace(ci, buyer=buyer), report.product("hr"))
        )

    def snap(document: dict) -> Snapshot:
        return Snapshot(report=document, series=[], key_results=[], notes=[])

    exact = report_exact_json(report)
    # Two cents more: the change is the unrounded difference of the unrounded figures.
    found = compare(snap(exact), snap(report_exact_json(with_cost(0.02))))
    assert [(c.scope, c.figure) for c in found] == [("ci", "cost")]
    assert found[0].before == ci.buyer.cost and found[0].after == ci.buyer.cost + 0.02
    # A tenth of a cent no report could ever show is no change.
    assert compare(snap(exact), snap(report_exact_json(with_cost(1e-3)))) == []
    # A review frozen before reviews kept full precision holds the rounded JSON: compared
    # with today's full-precision report, both are rounded, so rounding is no change.
    assert compare(snap(report_json(report)), snap(exact)) == []
    assert len(compare(snap(report_json(report)), snap(report_exact_json(with_cost(0.02))))) == 1


def test_a_difference_under_half_the_shown_last_digit_is_no_change() -> None:
    before = copy.deepcopy(REVIEW)
    after = copy.deepcopy(REVIEW)
    after["report"]["portfolio"]["buyer"]["roi"] = 0.2 + 0.00004  # shown as 0.2000 either way
    after["report"]["products"][0]["user"]["heart_index"] = 70.04  # shown as 70.0
    assert rv.what_changed(before, after) == []
    after["report"]["portfolio"]["buyer"]["roi"] = 0.2 + 0.00007
    found = rv.what_changed(before, after)
    assert [(c.figure, c.delta) for c in found] == [("roi", pytest.approx(0.00007))]


def test_a_new_release_reads_out_its_verdicts_worth_telling() -> None:
    after = copy.deepcopy(REVIEW)
    after["report"]["products"][0]["releases"].append(
        {
            "release_id": "r3",
            "released_on": "2025-11-02",
            "title": "Token sync",
            "effects": [
                {"metric": "adoption", "verdict": "improved"},
                {"metric": "happiness", "verdict": "no clear change"},
                {"metric": "task_success", "verdict": "hurt"},
            ],
        }
    )
    found = [c.after for c in rv.what_changed(REVIEW, after) if c.figure == "release"]
    assert found == ["2025-11-02 Token sync (adoption improved; task success hurt)"]


def test_a_small_change_is_read_out_with_enough_detail_to_see_it() -> None:
    after = copy.deepcopy(REVIEW)
    after["report"]["portfolio"]["buyer"]["roi"] = 0.2004  # was 0.2
    after["report"]["products"][0]["buyer"]["net_value"] = 50_012.0  # was 50,000
    after["report"]["products"][0]["user"]["adoption"] = 0.65  # was 0.6: a plain 5 pts
    found = rv.what_changed(REVIEW, after)
    said = words.sentences(found, "USD")
    assert "The portfolio's ROI rose from 20.00% to 20.04% (+0.04 pts)." in said
    assert "CI Platform's net value rose from $50,000 to $50,012 (+$12)." in said
    assert "CI Platform's adoption rose from 60% to 65% (+5 pts)." in said
    table = words.changes_table(found, "USD")
    roi = table[table["Figure"] == "ROI"].iloc[0]
    assert (roi["Review"], roi["Today"], roi["Change"]) == ("20.00%", "20.04%", "+0.04 pts")
