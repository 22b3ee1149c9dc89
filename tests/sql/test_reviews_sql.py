"""Frozen reviews against a real PostgreSQL: a review reproduces its figures after a later
import changes the data, and 'what changed' finds exactly that change."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.sql.csvdata import write_folder
from tests.sql.test_scenarios_sql import FOLDER
from valuemodel.cli import review as review_cli
from valuemodel.core.months import Period
from valuemodel.data import db, plans, reviews
from valuemodel.data.importer import import_folder
from valuemodel.data.report import build_report
from valuemodel.present.report_json import report_exact_json, report_from_json, report_json

PERIOD = Period("2025-10", "2025-12")


@pytest.fixture
def review_engine(
    make_database: Callable[[], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    eng = db.create_engine_for(make_database())
    folder = dict(FOLDER)
    folder["notes.csv"] = ["ci,2025-11,happiness,Ana,Outage on the 12th <b>bold</b>"]
    import_folder(eng, write_folder(tmp_path_factory.mktemp("review_csv"), folder))
    yield eng
    eng.dispose()


@pytest.fixture
def cli_on(review_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    monkeypatch.setenv("DATABASE_URL", review_engine.url.render_as_string(hide_password=False))
    db.reset_engine()
    yield review_engine
    db.reset_engine()


def test_a_frozen_review_reproduces_its_figures_after_a_later_import(
    review_engine: Engine, tmp_path: Path
) -> None:
    plans.save_plan(review_engine, name="Cut HR", author="vp", choices={"hr": "cut"})
    review_cli.freeze(
        review_engine,
        name="Q4 review",
        period=PERIOD,
        product_id=None,
        author="ana",
        plan_name="Cut HR",
    )
    typed_before = build_report(review_engine, PERIOD)
    before = report_json(typed_before)
    # A correction arrives: more December cost for ci, and a new note.
    later = {
        "costs.csv": ["ci,2025-12,other,12345"],
        "notes.csv": ["ci,2025-12,cost,Ben,Extra licences"],
    }
    import_folder(review_engine, write_folder(tmp_path / "later", later))
    after = report_json(build_report(review_engine, PERIOD))
    assert after != before  # the data did change

    frozen = reviews.fetch_review(review_engine, "Q4 review")
    assert frozen is not None
    # The review keeps the full-precision report: read back, it is the report composed at
    # freeze time, digit for digit (not the rounded contract JSON)...
    assert frozen.snapshot.report == json.loads(json.dumps(report_exact_json(typed_before)))
    assert report_from_json(frozen.snapshot.report) == typed_before
    assert frozen.snapshot.report != json.loads(json.dumps(before))  # some figure has digits
    # ...and shown, it is the report JSON printed at freeze time.
    assert review_cli.report_document(frozen) == json.loads(json.dumps(before))
    assert frozen.author == "ana" and frozen.period == PERIOD
    assert frozen.brief_pdf.startswith(b"%PDF")
    assert frozen.plan is not None and frozen.plan["name"] == "Cut HR"
    assert [n["text"] for n in frozen.snapshot.notes] == ["Outage on the 12th <b>bold</b>"]
    assert {row["product_id"] for row in frozen.snapshot.series} == {"ci", "hr"}

    changes = review_cli.changes_since(review_engine, frozen)
    found = {(c.scope, c.figure) for c in changes}
    # December's extra cost moves ci's and the portfolio's cost and net value, nothing
    # else of hr; the new note is listed.
    assert ("ci", "cost") in found and ("portfolio", "cost") in found
    assert ("ci", "net_value") in found and ("portfolio", "net_value") in found
    assert ("ci", "note") in found
    assert not any(scope == "hr" for scope, _ in found)
    cost = next(c for c in changes if (c.scope, c.figure) == ("ci", "cost"))
    assert cost.delta == pytest.approx(12_345.0)
    # The changes compare full-precision figures: before is the frozen, unrounded value.
    net = next(c for c in changes if (c.scope, c.figure) == ("portfolio", "net_value"))
    assert net.before == typed_before.portfolio.buyer.net_value
    assert net.after == build_report(review_engine, PERIOD).portfolio.buyer.net_value


def test_a_review_name_is_never_overwritten(review_engine: Engine) -> None:
    review_cli.freeze(review_engine, name="Once", period=PERIOD, product_id="ci", author="")
    with pytest.raises(reviews.ReviewConflict):
        review_cli.freeze(review_engine, name="Once", period=PERIOD, product_id="ci", author="")
    assert list(reviews.fetch_reviews(review_engine)["name"]) == ["Once"]
    # The brief kept with it lists the period's notes as plain text.
    import io

    from pypdf import PdfReader

    frozen = reviews.fetch_review(review_engine, "Once")
    assert frozen is not None
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(frozen.brief_pdf)).pages)
    assert "Outage on the 12th <b>bold</b>" in " ".join(text.split())


def test_the_review_commands_freeze_list_show_and_diff(cli_on: Engine, capsys) -> None:
    from valuemodel.cli.main import main

    assert main(["review", "freeze", "Dec", "--from", "2025-10", "--to", "2025-12",
                 "--product", "ci", "--author", "pm"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["review", "list", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["product_id"], r["author"]) for r in listed] == [("Dec", "ci", "pm")]
    assert main(["review", "show", "Dec", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown == json.loads(json.dumps(report_json(build_report(cli_on, PERIOD, "ci"))))
    assert main(["review", "diff", "Dec", "--format", "json"]) == 0
    diff = json.loads(capsys.readouterr().out)
    assert diff["changes"] == [] and diff["sentences"][0].startswith("Nothing changed")
    assert main(["review", "diff", "Dec", "--format", "text"]) == 0
    assert "What changed since the review 'Dec'" in capsys.readouterr().out
    assert main(["review", "show", "nope"]) == 1
    assert "no frozen review named 'nope'" in capsys.readouterr().err


def test_a_release_imported_after_the_review_is_new_in_what_changed(
    review_engine: Engine, tmp_path: Path
) -> None:
    from valuemodel.present import review as words

    first = {"releases.csv": ["ci,r-old,2025-10-06,Cache v1,feature"]}
    import_folder(review_engine, write_folder(tmp_path / "first", first))
    review_cli.freeze(review_engine, name="Before", period=PERIOD, product_id=None, author="")
    frozen = reviews.fetch_review(review_engine, "Before")
    assert frozen is not None
    kept = {
        r["release_id"] for p in frozen.snapshot.report["products"] for r in p.get("releases", [])
    }
    assert kept == {"r-old"}
    later = {
        "releases.csv": [
            "ci,r-new,2025-11-20,Faster builds <b>now</b>,feature",
            "hr,r-out,2026-02-01,After the period,fix",  # outside the review's period
        ]
    }
    import_folder(review_engine, write_folder(tmp_path / "later", later))
    changes = review_cli.changes_since(review_engine, frozen)
    new = [(c.scope, c.after) for c in changes if c.figure == "release"]
    # Exactly the release in today's report that the review did not have.
    assert new == [("ci", "2025-11-20 Faster builds <b>now</b>")]
    assert "CI Platform shipped a release: 2025-11-20 Faster builds <b>now</b>." in words.sentences(
        changes, "USD", limit=50
    )
