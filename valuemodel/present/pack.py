"""The review pack: a PowerPoint file for the PM's own deck (python-pptx).

One slide per view (overview, value, HEART, OKR, releases, the plan), each with its chart
exported as an image by vl-convert, a few lines of figures, and the definitions in the
speaker notes. Built only from a frozen review's snapshot, so the pack of a review is
the same whenever it is made. Text goes into text frames as text, never markup.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from valuemodel.core.contract import HEART_DIMENSIONS
from valuemodel.core.releases import Release
from valuemodel.present import charts
from valuemodel.present import releases as release_words
from valuemodel.present.formats import money, months, nps, number, percent, score

VIEWS = ("Overview", "Value", "HEART", "OKR ladder-up", "Releases", "The plan")
DIMENSION_NAMES = {
    "happiness": "Happiness",
    "engagement": "Engagement",
    "adoption": "Adoption",
    "retention": "Retention",
    "task_success": "Task success",
}
DEFINITIONS = {
    "Overview": (
        "Net value = risk-adjusted savings - cost over the period (undiscounted). "
        "Risk-adjusted savings = hours saved x loaded hourly cost x confidence. "
        "ROI = (risk-adjusted savings - cost) / cost. Payback = months until cumulative "
        "net value turns from negative to positive. HEART index = mean of the five "
        "dimension scores (0-100, each against its goal)."
    ),
    "Value": (
        "Hours saved = tasks done x minutes saved per task (task baselines) / 60. Tasks done "
        "exclude recorded failures. Savings are valued at the loaded hourly cost and "
        "multiplied by the baseline's confidence (Forrester TEI risk adjustment). Costs are "
        "headcount, infrastructure, licences and other, as imported."
    ),
    "HEART": (
        "Happiness: NPS of the rolling quarter's survey responses (-100..100). Engagement: "
        "active days per active user in the month. Adoption: active users / eligible users. "
        "Retention: share of last month's users active again. Task success: succeeded / "
        "recorded outcomes. Each score is 0-100 between a floor and the goal's target."
    ),
    "OKR ladder-up": (
        "Key-result progress = (latest - baseline) / (target - baseline). Links from product "
        "metrics to key results are marked causal, correlational or asserted; r is the "
        "Pearson correlation of the monthly series at the best lag. Correlation is not proof."
    ),
    "Releases": (
        "Each release in the period, coloured by its headline verdict. Per metric: the mean "
        "of the six months after minus the six before; the level change at the release from "
        "a segmented regression (y = a + b t + c post + d t post, the release month left out) "
        "with its 90% interval; key metrics improved or worse, backstops held or hurt, or "
        "not enough data with fewer than three months a side. A staggered rollout adds a "
        "difference-in-differences against the segments that did not have it yet."
    ),
    "The plan": (
        "A plan picks, per product, as today, a saved scenario or cut. Portfolio NPV = sum of "
        "the products' NPVs (risk-adjusted savings minus cost, discounted monthly). Bands: "
        "P10/P50/P90 of each product's seeded draws summed per draw. The model never assumes "
        "what an engineer produces: outcome promises are explicit in each scenario."
    ),
}
WIDTH_PX = 900


def chart_png(chart: alt.TopLevelMixin, width: int = WIDTH_PX) -> bytes:
    """The chart as a PNG (vl-convert, twice the pixels for a projector)."""
    import vl_convert

    spec = chart.properties(width=width).to_dict()
    return bytes(vl_convert.vegalite_to_png(vl_spec=spec, scale=2))


def _products(report: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(report.get("products") or [])


def _buyer(report: Mapping[str, Any]) -> Mapping[str, Any]:
    products = _products(report)
    if len(products) == 1:
        return products[0]["buyer"]
    return (report.get("portfolio") or {}).get("buyer") or {}


def _bars(rows: pd.DataFrame, x: str, y: str, title: str, fmt: str) -> charts.TopChart:
    base = alt.Chart(rows).encode(
        y=alt.Y(f"{y}:N", sort="-x", title=None),
        x=alt.X(f"{x}:Q", title=title, axis=alt.Axis(format=fmt)),
    )
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        color=alt.condition(f"datum.{x} < 0", alt.value(charts.COST), alt.value(charts.NET))
    )
    return charts.style(bars, height=max(120, 34 * len(rows)))


def overview_chart(report: Mapping[str, Any]) -> charts.TopChart | None:
    rows = pd.DataFrame(
        [
            {"product": p["name"], "net_value": p["buyer"].get("net_value") or 0.0}
            for p in _products(report)
        ]
    )
    if rows.empty:
        return None
    currency = str(report.get("currency", "USD"))
    return _bars(rows, "net_value", "product", "Net value", charts.money_axis_format(currency))


def value_chart(
    series: Sequence[Mapping[str, Any]], notes: pd.DataFrame, currency: str
) -> charts.TopChart | None:
    frame = pd.DataFrame(list(series))
    if frame.empty:
        return None
    flows = frame.groupby("month", sort=True)[["risk_adjusted_savings", "cost"]].sum()
    long = flows.reset_index().melt("month", var_name="series", value_name="amount")
    long["month"] = pd.to_datetime(long["month"] + "-01")
    long["series"] = long["series"].map(
        {"risk_adjusted_savings": "Risk-adjusted savings", "cost": "Cost"}
    )
    lines = (
        alt.Chart(long)
        .mark_line(point=True, strokeWidth=3)
        .encode(
            x=alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y")),
            y=alt.Y(
                "amount:Q", title=currency, axis=alt.Axis(format=charts.money_axis_format(currency))
            ),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(
                    domain=["Risk-adjusted savings", "Cost"], range=[charts.SAVINGS, charts.COST]
                ),
                legend=alt.Legend(title=None),
            ),
        )
    )
    markers = charts.event_markers(charts.note_events(notes))
    layered = lines if markers is None else alt.layer(lines, markers)
    return charts.style(layered, height=300)


def heart_chart(report: Mapping[str, Any]) -> charts.TopChart | None:
    products = _products(report)
    if len(products) == 1:
        scores = (products[0].get("user") or {}).get("scores") or {}
        rows = pd.DataFrame(
            [{"label": DIMENSION_NAMES[d], "score": scores.get(d)} for d in HEART_DIMENSIONS]
        )
    else:
        rows = pd.DataFrame(
            [
                {"label": p["name"], "score": (p.get("user") or {}).get("heart_index")}
                for p in products
            ]
        )
    rows = rows.dropna()
    if rows.empty:
        return None
    chart = (
        alt.Chart(rows)
        .mark_bar(color=charts.NEUTRAL, cornerRadiusEnd=3)
        .encode(
            y=alt.Y("label:N", sort="-x", title=None),
            x=alt.X(
                "score:Q", title="Score against goal (0-100)", scale=alt.Scale(domain=[0, 100])
            ),
        )
    )
    return charts.style(chart, height=max(120, 34 * len(rows)))


def okr_chart(key_results: Sequence[Mapping[str, Any]]) -> charts.TopChart | None:
    rows = pd.DataFrame(
        [
            {"key_result": str(k.get("title"))[:60], "progress": k.get("progress")}
            for k in key_results
            if k.get("progress") is not None
        ]
    )
    if rows.empty:
        return None
    chart = (
        alt.Chart(rows)
        .mark_bar(color=charts.NET, cornerRadiusEnd=3)
        .encode(
            y=alt.Y("key_result:N", sort="-x", title=None),
            x=alt.X("progress:Q", title="Progress to target", axis=alt.Axis(format="%")),
        )
    )
    return charts.style(chart, height=max(120, 30 * len(rows)))


def release_products(report: Mapping[str, Any]) -> list[tuple[str, str, tuple[Release, ...]]]:
    """(product_id, name, releases) of every product with a release in the report JSON,
    read back as typed releases (their effects and verdicts)."""
    from valuemodel.present.report_json import report_from_json

    typed = report_from_json(report)
    return [(p.product_id, p.name, p.releases) for p in typed.products if p.releases]


def releases_chart(report: Mapping[str, Any]) -> charts.TopChart | None:
    """The Releases page's time line: one row per product, each release coloured by its
    headline verdict, over the report's period."""
    products = release_products(report)
    if not products:
        return None
    period = report.get("period") or {}
    domain = None
    if period.get("from") and period.get("to"):
        last = pd.Timestamp(f"{period['to']}-01") + pd.offsets.MonthEnd(0)
        domain = (f"{period['from']}-01", f"{last:%Y-%m-%d}")
    chart = release_words.timeline_chart(products, domain)
    return charts.style(chart, height=60 + 38 * len(products))


def release_lines(report: Mapping[str, Any], limit: int = 6) -> list[str]:
    """The Releases slide's lines: every hurt backstop first, then the newest releases
    with their verdicts (titles are data: the slide holds them as text)."""
    products = release_products(report)
    if not products:
        return ["No release in the period (or releases are not imported)."]
    hurt = release_words.hurt_backstops([(name, own) for _, name, own in products])
    newest = sorted(
        ((r, name) for _, name, own in products for r in own),
        key=lambda item: item[0].released_on,
        reverse=True,
    )
    lines = [f"Hurt: {line}" for line in hurt]
    lines += [f"{name}: {release_words.summary_line(r)}" for r, name in newest]
    shown = lines[:limit]
    if len(lines) > limit:
        shown.append(f"{len(lines) - limit} more on the Releases page.")
    return shown


def plan_chart(plan: Mapping[str, Any]) -> charts.TopChart | None:
    rows = pd.DataFrame(
        [{"product": p["name"], "npv_change": p.get("npv_change") or 0.0} for p in plan["products"]]
    )
    if rows.empty:
        return None
    currency = str(plan.get("currency", "USD"))
    return _bars(
        rows,
        "npv_change",
        "product",
        "NPV change against today",
        charts.money_axis_format(currency),
    )


def slide_lines(
    view: str,
    report: Mapping[str, Any],
    *,
    key_results: Sequence[Mapping[str, Any]],
    notes: pd.DataFrame,
    plan: Mapping[str, Any] | None,
) -> list[str]:
    """The few lines of figures printed beside each chart (plain text)."""
    currency = str(report.get("currency", "USD"))
    buyer = _buyer(report)
    products = _products(report)
    if view == "Overview":
        lines = [
            f"Net value {money(buyer.get('net_value'), currency, compact=True)}",
            f"ROI {percent(buyer.get('roi'), 0)}; payback {months(buyer.get('payback_months'))}",
            f"Cost {money(buyer.get('cost'), currency, compact=True)}; risk-adjusted savings "
            f"{money(buyer.get('risk_adjusted_savings'), currency, compact=True)}",
        ]
        return lines
    if view == "Value":
        lines = [f"Hours saved {number(buyer.get('hours_saved'))}"]
        for row in notes.head(4).itertuples():
            lines.append(f"Note {row.month} ({row.author}): {row.text}")
        return lines
    if view == "HEART":
        out = []
        for p in products[:6]:
            u = p.get("user") or {}
            out.append(
                f"{p['name']}: HEART {score(u.get('heart_index'))}, adoption "
                f"{percent(u.get('adoption'), 0)}, NPS {nps(u.get('happiness'))}"
            )
        return out
    if view == "OKR ladder-up":
        return [
            f"{str(k.get('title'))[:70]}: {percent(k.get('progress'), 0)} ({k.get('status')})"
            for k in list(key_results)[:6]
        ] or ["No key results are linked to this selection."]
    if view == "Releases":
        return release_lines(report)
    if plan is None:
        return ["No plan was kept with this review."]
    bands = (plan.get("bands") or {}).get("npv") or {}
    return [
        f"Plan '{plan.get('name')}': NPV {money(plan.get('npv'), currency, compact=True)} "
        f"(as today {money(plan.get('npv_today'), currency, compact=True)})",
        f"ROI {percent(plan.get('roi'), 0)}; payback {months(plan.get('payback_months'))}",
        f"NPV P10 {money(bands.get('p10'), currency, compact=True)}, P90 "
        f"{money(bands.get('p90'), currency, compact=True)}",
        *[f"{p['name']}: {p['choice']}" for p in plan["products"][:5]],
    ]


def build_pack(
    *,
    title: str,
    subtitle: str,
    report: Mapping[str, Any],
    series: Sequence[Mapping[str, Any]],
    key_results: Sequence[Mapping[str, Any]],
    notes: Sequence[Mapping[str, Any]],
    plan: Mapping[str, Any] | None,
) -> bytes:
    """The pack as .pptx bytes: a title slide, then one slide per view in VIEWS."""
    from pptx import Presentation
    from pptx.util import Inches, Pt

    currency = str(report.get("currency", "USD"))
    notes_frame = pd.DataFrame(
        list(notes), columns=["product_id", "month", "metric", "author", "text"]
    )
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    cover = deck.slides.add_slide(deck.slide_layouts[0])
    cover.shapes.title.text = title
    cover.placeholders[1].text = subtitle
    builders = {
        "Overview": lambda: overview_chart(report),
        "Value": lambda: value_chart(series, notes_frame, currency),
        "HEART": lambda: heart_chart(report),
        "OKR ladder-up": lambda: okr_chart(key_results),
        "Releases": lambda: releases_chart(report),
        "The plan": lambda: plan_chart(plan) if plan else None,
    }
    for view in VIEWS:
        slide = deck.slides.add_slide(deck.slide_layouts[5])
        slide.shapes.title.text = view
        slide.shapes.title.text_frame.paragraphs[0].font.size = Pt(32)
        chart = builders[view]()
        if chart is not None:
            slide.shapes.add_picture(
                io.BytesIO(chart_png(chart)), Inches(0.4), Inches(1.5), width=Inches(8.4)
            )
        box = slide.shapes.add_textbox(Inches(9.0), Inches(1.5), Inches(4.0), Inches(5.5))
        frame = box.text_frame
        frame.word_wrap = True
        lines = slide_lines(view, report, key_results=key_results, notes=notes_frame, plan=plan)
        for i, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.text = line
            paragraph.font.size = Pt(16)
        slide.notes_slide.notes_text_frame.text = DEFINITIONS[view]
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
