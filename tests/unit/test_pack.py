"""The review pack opens with python-pptx and has one slide per view, with its chart
image and definitions in the speaker notes. No database."""

from __future__ import annotations

import io

from pptx import Presentation

from tests.unit.test_review_diff import REVIEW
from valuemodel.present import charts, pack

SERIES = [
    {"product_id": "ci", "month": m, "risk_adjusted_savings": 10_000.0 + i, "cost": 8_000.0}
    for i, m in enumerate(["2025-10", "2025-11", "2025-12"])
]
PLAN = {
    "name": "FY26",
    "currency": "USD",
    "npv": 100.0,
    "npv_today": 50.0,
    "roi": 0.2,
    "payback_months": 3.0,
    "bands": {"npv": {"p10": 1.0, "p50": 2.0, "p90": 3.0}},
    "products": [{"name": "CI Platform", "choice": "cut", "npv_change": -20.0}],
}


def _deck(plan):  # type: ignore[no-untyped-def]
    data = pack.build_pack(
        title="Q4 review",
        subtitle="Portfolio, 2025-01 to 2025-12",
        report=REVIEW["report"],
        series=SERIES,
        key_results=REVIEW["key_results"],
        notes=REVIEW["notes"] + [{**REVIEW["notes"][0], "text": "<b>not markup</b>"}],
        plan=plan,
    )
    return Presentation(io.BytesIO(data))


def test_the_pack_has_a_title_and_one_slide_per_view_with_definitions() -> None:
    deck = _deck(PLAN)
    slides = list(deck.slides)
    assert len(slides) == 1 + len(pack.VIEWS)
    assert [s.shapes.title.text for s in slides[1:]] == list(pack.VIEWS)
    for slide, view in zip(slides[1:], pack.VIEWS, strict=True):
        assert slide.notes_slide.notes_text_frame.text == pack.DEFINITIONS[view]
    pictures = {
        s.shapes.title.text: sum(1 for shape in s.shapes if shape.shape_type == 13) for s in slides
    }
    # Every view with data has its chart as an image (the fixture has all but none missing).
    assert all(pictures[view] == 1 for view in pack.VIEWS)
    value_text = " ".join(
        shape.text_frame.text for shape in slides[2].shapes if shape.has_text_frame
    )
    assert "<b>not markup</b>" in value_text


def test_a_pack_without_a_plan_says_so_on_the_plan_slide() -> None:
    slide = list(_deck(None).slides)[-1]
    texts = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    assert "No plan was kept with this review." in texts


def test_event_markers_share_one_layer_for_notes_and_releases() -> None:
    import pandas as pd

    notes = pd.DataFrame(REVIEW["notes"])
    events = pd.concat(
        [
            charts.note_events(notes),
            pd.DataFrame(
                [{"month": pd.Timestamp("2025-03-01"), "kind": "release", "label": "v1",
                  "detail": "launch"}]
            ),
        ]
    )  # fmt: skip
    layer = charts.event_markers(events)
    assert layer is not None
    spec = layer.to_dict()
    assert len(spec["layer"]) == 4  # a rule and a symbol per kind
    kinds = {v["kind"] for values in spec["datasets"].values() for v in values}
    assert kinds == {"note", "release"}
    colours = {part["mark"]["color"] for part in spec["layer"]}
    assert colours == {charts.EVENT_COLORS["note"], charts.EVENT_COLORS["release"]}
    assert charts.event_markers(events.iloc[0:0]) is None


def test_the_releases_slide_charts_the_releases_and_lists_their_verdicts_hurt_first() -> None:
    import copy

    from valuemodel.core.releases import Effect, MetricEffect, Release
    from valuemodel.present.report_json import release_json

    def effect(metric: str, role: str, verdict: str, change: float) -> MetricEffect:
        e = Effect(0.5, 0.5 + change, change, change, (change - 0.01, change + 0.01), 0.0,
                   6, 6, verdict)  # fmt: skip
        return MetricEffect(metric, role, e)

    report = copy.deepcopy(REVIEW["report"])
    ci, hr = report["products"]
    ci["releases"] = [
        release_json(Release("r1", "2025-03-04", "Cache <b>v1</b>", "feature",
                             (effect("adoption", "key", "improved", 0.05),))),
        release_json(Release("r2", "2025-09-10", "Token sync", "change",
                             (effect("task_success", "backstop", "hurt", -0.04),))),
    ]  # fmt: skip
    hr["releases"] = []
    lines = pack.release_lines(report)
    assert lines == [
        'Hurt: CI Platform: "Token sync" (2025-09-10) hurt Task success.',
        "CI Platform: 2025-09-10  Token sync (Change): Task success hurt",
        "CI Platform: 2025-03-04  Cache <b>v1</b> (Feature): Adoption improved",
    ]
    data = pack.build_pack(
        title="Q4", subtitle="", report=report, series=SERIES, key_results=[], notes=[], plan=None
    )
    slide = next(
        s for s in Presentation(io.BytesIO(data)).slides if s.shapes.title.text == "Releases"
    )
    assert sum(1 for shape in slide.shapes if shape.shape_type == 13) == 1  # the time line
    text = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
    assert "\n".join(lines) in text  # the titles as text, markup and all
    # Each release is one point of the time line, coloured by its headline verdict.
    spec = pack.releases_chart(report).to_dict()  # type: ignore[union-attr]
    points = [row for rows in spec["datasets"].values() for row in rows]
    assert sorted((p["Release"], p["Headline"]) for p in points) == [
        ("Cache <b>v1</b>", "Improved"),
        ("Token sync", "Hurt"),
    ]


def test_a_report_without_releases_says_so_on_the_releases_slide() -> None:
    import copy

    report = copy.deepcopy(REVIEW["report"])
    for product in report["products"]:
        product.pop("releases", None)
    assert pack.releases_chart(report) is None
    assert pack.release_lines(report) == [
        "No release in the period (or releases are not imported)."
    ]
