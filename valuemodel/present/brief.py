"""The one-page brief: a business case to hand out after a review, as PDF and PNG.

What the product solves, the value it delivers to the buyer, how its users experience it,
what it costs; the two key charts (exported with vl-convert), the top assumptions, the
definitions in footnotes and the data's freshness. The figures are those of `report`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import altair as alt
import pandas as pd

from valuemodel.core.brief_inputs import BriefInputs
from valuemodel.core.contract import HEART_DIMENSIONS
from valuemodel.core.report import ProductReport, User
from valuemodel.present import charts, heart, labels, value
from valuemodel.present.formats import MISSING, money, months, nps, number, percent, score

if TYPE_CHECKING:
    from fpdf import FPDF

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
DIMENSION_NAMES = labels.DIMENSIONS
DEMO_NOTE = "DEMO DATA: a generated portfolio, not real figures"
TITLE_SIZES = (19, 17, 15, 13)  # a long product name shrinks the title, then wraps
MAX_NOTES = 3
FOOTNOTES = (
    "Risk-adjusted savings = tasks done x minutes saved / 60 x loaded hourly cost x confidence, "
    "summed over task baselines; tasks done are events of a baseline's action whose outcome "
    "is not false.",
    "Net value = risk-adjusted savings - cost; ROI = net value / cost; payback = months from "
    "the period's start until cumulative net value turns non-negative (realized months, "
    "undiscounted).",
    "HEART values are the period's last month: adoption = active users / eligible users; "
    "engagement = active days per active user; retention = share of last month's users "
    "active again; task success = succeeded / outcomes; happiness = NPS of the survey "
    "responses of the rolling quarter (the month and the two before), with its n; under "
    "min_survey_responses answers it is shown but not scored. Scores are 0-100 against each "
    "goal; the index is their mean.",
)


@dataclass(frozen=True)
class Brief:
    """Everything the page shows, as text and chart images (PNG bytes)."""

    title: str
    subtitle: str
    solves: str
    buyer: list[tuple[str, str]]
    user: list[tuple[str, str]]
    verdict: str
    assumptions: list[tuple[str, str]]
    value_chart: bytes
    heart_chart: bytes
    freshness: str
    footnotes: tuple[str, ...] = field(default=FOOTNOTES)
    notes: tuple[str, ...] = ()  # the period's latest notes, plain text


def heart_scores_chart(scores: dict[str, float | None], title: str) -> charts.TopChart:
    """The five HEART scores (0-100) as bars; a missing score is labelled, not drawn as 0."""
    rows = [
        {
            "dimension": DIMENSION_NAMES[d],
            "score": scores.get(d),
            "label": number(scores.get(d)) if scores.get(d) is not None else "no goal or data",
        }
        for d in HEART_DIMENSIONS
    ]
    data = pd.DataFrame(rows)
    data["shown"] = data["score"].fillna(0).astype(float)
    order = [DIMENSION_NAMES[d] for d in HEART_DIMENSIONS]
    base = alt.Chart(data).encode(
        y=alt.Y("dimension:N", sort=order, title=None),
        x=alt.X("shown:Q", title="Score against goal (0-100)", scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("dimension:N"), alt.Tooltip("label:N", title="Score")],
    )
    bars = base.mark_bar(color=charts.NEUTRAL, cornerRadiusEnd=3)
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(text=alt.Text("label:N"))
    goal = (
        alt.Chart(pd.DataFrame({"x": [100]}))
        .mark_rule(color=charts.GOAL, strokeDash=[4, 3])
        .encode(x=alt.X("x:Q"))
    )
    return charts.style(alt.layer(bars, labels, goal).properties(title=title), height=170)


def _nps_text(user: User, minimum: int) -> str:
    """'+42 (n=388; 90%: +35 to +49)', or with too few answers '+10 (n=12; ...): under 30
    responses, not scored'; an em dash without a value."""
    if user.happiness is None:
        return MISSING
    n = user.happiness_responses
    interval = user.happiness_ci90
    text = f"{nps(user.happiness)} (n={n:,}"
    if interval is not None:
        text += f"; 90%: {nps(interval[0])} to {nps(interval[1])}"
    text += ")"
    if n < minimum:
        text += f": under {minimum:,} responses, not scored"
    return text


def weakest_dimension(scores: dict[str, float | None]) -> str | None:
    """The name of the weakest dimension (`heart.weakest`, the HEART page's rule), or None
    when every existing score meets its goal."""
    worst = heart.weakest(scores)
    if worst is None or worst[1] >= 100:
        return None
    return DIMENSION_NAMES[worst[0]]


def _png(chart: alt.TopLevelMixin, width: int) -> bytes:
    import vl_convert

    spec = chart.properties(width=width).to_dict()
    return bytes(vl_convert.vegalite_to_png(vl_spec=spec, scale=2))


def compose(inputs: BriefInputs, *, today: dt.date) -> Brief:
    """Everything the brief shows for one product or the portfolio, from fetched inputs."""
    report, period, product_id = inputs.report, inputs.period, inputs.product_id
    currency = report.currency
    assumptions = inputs.assumptions
    products = inputs.products
    months_frame = inputs.months_frame
    flows = value.selection_flows(months_frame, assumptions.loaded_hourly_cost)
    buyer = value.buyer_of(report, product_id)
    ledger = value.baseline_ledger(
        inputs.ledger_rows,
        assumptions.loaded_hourly_cost,
    ).sort_values("risk_adjusted_savings", ascending=False)

    if product_id is None:
        name = "Internal product portfolio"
        entries = report.products
        indexes = [p.user.heart_index for p in entries if p.user.heart_index is not None]
        scores = {d: _mean([p.user.scores[d] for p in entries]) for d in HEART_DIMENSIONS}
        heart_index = sum(indexes) / len(indexes) if indexes else None
        # Products share one workforce: summing their eligible users would count a person
        # once per product, so the portfolio is described by its products, not a population.
        solves = (
            f"A portfolio of {len(products)} internal products. "
            + _top_tasks(ledger, currency, by_product=True)
            + _loss_makers(entries, currency)
        )
        user_rows = [("HEART index (mean of products)", score(heart_index))] + [
            (f"{DIMENSION_NAMES[d]} score (mean)", score(scores[d])) for d in HEART_DIMENSIONS
        ]
        answers = sum(p.user.happiness_responses for p in entries)
        scored = sum(p.user.scores["happiness"] is not None for p in entries)
        user_rows.append(
            (
                "Survey answers behind NPS",
                f"n={answers:,} over the quarter; {scored} of {len(entries)} products have "
                f"at least {assumptions.min_survey_responses:,} and are scored",
            )
        )
    else:
        product = products.iloc[0]
        name = str(product["name"])
        user = report.products[0].user
        scores = dict(user.scores)
        heart_index = user.heart_index
        solves = (
            f"{name}, run by {product['owner_team']}, serves "
            f"{number(float(product['eligible_users']))} eligible employees. "
            + _top_tasks(ledger, currency)
        )
        user_rows = [
            ("HEART index", score(heart_index)),
            ("Adoption", percent(user.adoption)),
            (
                "Engagement",
                f"{number(user.engagement, 1)} days" if user.engagement is not None else MISSING,
            ),
            ("Retention", percent(user.retention)),
            ("Task success", percent(user.task_success)),
            ("Happiness (NPS)", _nps_text(user, assumptions.min_survey_responses)),
        ]

    buyer_rows = [
        ("Net value", money(buyer.net_value, currency)),
        ("ROI", percent(buyer.roi, 0)),
        (
            "Payback",
            months(buyer.payback_months) if buyer.payback_months is not None else "not yet",
        ),
        ("Risk-adjusted savings", money(buyer.risk_adjusted_savings, currency)),
        ("Cost", money(buyer.cost, currency)),
        ("Hours saved", number(buyer.hours_saved)),
    ]
    weakest = weakest_dimension(scores)
    verdict = value.verdict(name, buyer, period.first, period.last, currency)
    if weakest:
        verdict += f" Users: the weakest HEART dimension is {weakest.lower()}."
    elif any(s is not None for s in scores.values()):
        verdict += " Users: every HEART dimension with a goal meets it."

    assumption_rows = [
        ("Loaded hourly cost", money(assumptions.loaded_hourly_cost, currency) + " per hour"),
        ("Discount rate (scenarios)", percent(assumptions.discount_rate, 0)),
    ]
    for row in ledger.head(3).itertuples():
        where = "" if product_id is not None else f"{row.product_name}: "
        assumption_rows.append(
            (
                f"{where}{labels.action(row.action)}",
                f"{number(row.minutes_saved, 1)} min saved, confidence "
                f"{percent(row.confidence, 0)} ({row.source}); "
                f"{money(row.risk_adjusted_savings, currency)}",
            )
        )

    last = inputs.last_import
    span = inputs.data_months
    freshness = (
        f"Data: usage events {span[0]} to {span[1]}" if span else "Data: no usage events yet"
    ) + (f"; last import {pd.Timestamp(last['imported_at']):%d %b %Y}." if last else ".")
    own_notes = inputs.notes if inputs.notes is not None else pd.DataFrame()
    names_of = dict(zip(products["product_id"], products["name"], strict=True))
    events = None
    if product_id is not None:
        from valuemodel.present.releases import release_events

        released = report.product(product_id).releases if report.products else ()
        events = charts.combine_events(release_events(released), charts.note_events(own_notes))
    value_chart = value.cumulative_chart(flows, period.first, buyer, currency, events=events)
    note_lines = (
        tuple(
            f"{row.month} {names_of.get(row.product_id, row.product_id)}"
            + (f", {row.metric.replace('_', ' ')}" if row.metric else "")
            + f" ({row.author}): {row.text}"
            for row in own_notes.tail(MAX_NOTES).itertuples()
        )
        if not own_notes.empty
        else ()
    )
    heart_chart = heart_scores_chart(
        scores,
        f"HEART scores, {pd.Period(period.last, freq='M'):%b %Y}"
        + (f": weakest is {weakest.lower()}" if weakest else ": goals met"),
    )
    return Brief(
        title=f"{name}: value brief",
        subtitle=(
            (DEMO_NOTE + " · " if inputs.demo else "")
            + f"{value.period_label(period.first, period.last)} · {currency} · prepared "
            f"{today:%d %b %Y}"
        ),
        solves=solves,
        buyer=buyer_rows,
        user=user_rows,
        verdict=verdict,
        assumptions=assumption_rows,
        value_chart=_png(value_chart.properties(height=250), 900),
        heart_chart=_png(heart_chart, 420),
        freshness=freshness,
        notes=note_lines,
    )


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _top_tasks(ledger: pd.DataFrame, currency: str, *, by_product: bool = False) -> str:
    top = ledger[ledger["risk_adjusted_savings"] > 0].head(3)
    if top.empty:
        return "No task baseline has recorded savings in this period yet."
    parts = [
        (f"{row.product_name}: " if by_product else "")
        + f"{labels.action(row.action).lower()} ({money(row.risk_adjusted_savings, currency)})"
        for row in top.itertuples()
    ]
    lead = "The largest savings: " if by_product else "It saves employees time on "
    return lead + ", ".join(parts) + " (risk-adjusted, this period)."


def _loss_makers(entries: Sequence[ProductReport], currency: str) -> str:
    """' Net loss this period: A (-$12,000), B (-$3,000).' or ''."""
    losing = sorted((p for p in entries if p.buyer.net_value < 0), key=lambda p: p.buyer.net_value)
    if not losing:
        return ""
    parts = [f"{p.name} ({money(p.buyer.net_value, currency)})" for p in losing]
    return " Net loss this period: " + ", ".join(parts) + "."


# ---------------------------------------------------------------- rendering


def _fonts(pdf: FPDF) -> tuple[str, bool]:
    """A Unicode font when the system has DejaVu, else the core Helvetica (Latin-1 only)."""
    regular, bold = DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        return "DejaVu", True
    return "Helvetica", False


def _latin1(text: str) -> str:
    replacements = {"—": "-", "–": "-", "·": "-", "€": "EUR ", "≥": ">=", "≤": "<=", "’": "'"}
    for old, new in replacements.items():
        text = text.replace(old, new)
    return text.encode("latin-1", "replace").decode("latin-1")


def render_pdf(brief: Brief) -> bytes:
    """The brief as a one-page A4 PDF."""
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(14, 12, 14)
    pdf.add_page()
    family, unicode_ok = _fonts(pdf)

    def t(text: str) -> str:
        return text if unicode_ok else _latin1(text)

    ink, muted, accent = (27, 36, 48), (91, 100, 114), (31, 78, 121)
    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_fill_color(*accent)
    pdf.rect(0, 0, pdf.w, 4, style="F")
    pdf.set_y(10)
    pdf.set_text_color(*ink)
    for size in TITLE_SIZES:
        pdf.set_font(family, "B", size)
        if pdf.get_string_width(t(brief.title)) <= width:
            break
    # multi_cell wraps what still does not fit (also inside a very long word)
    pdf.multi_cell(width, size * 0.47, t(brief.title), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font(family, "", 9.5)
    pdf.set_text_color(*muted)
    pdf.cell(width, 5, t(brief.subtitle), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(2)

    pdf.set_text_color(*ink)
    pdf.set_font(family, "B", 11)
    pdf.cell(width, 6, t("What it solves"), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_font(family, "", 9.5)
    pdf.multi_cell(width, 4.6, t(brief.solves), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(1)
    pdf.set_font(family, "B", 9.5)
    pdf.set_text_color(*accent)
    pdf.multi_cell(width, 4.6, t(brief.verdict), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(2)

    top = pdf.get_y()
    half = (width - 6) / 2
    for column, (heading, rows) in enumerate(
        (("Value to the buyer", brief.buyer), ("How users experience it", brief.user))
    ):
        x = pdf.l_margin + column * (half + 6)
        pdf.set_xy(x, top)
        pdf.set_fill_color(242, 245, 249)
        pdf.rect(x, top, half, 7 + 6 * len(rows) + 2, style="F")
        pdf.set_xy(x + 3, top + 1.5)
        pdf.set_text_color(*ink)
        pdf.set_font(family, "B", 11)
        pdf.cell(half - 6, 6, t(heading))
        for i, (label, figure) in enumerate(rows):
            pdf.set_xy(x + 3, top + 8 + 6 * i)
            pdf.set_font(family, "", 9.5)
            pdf.set_text_color(*muted)
            pdf.cell(half * 0.55, 6, t(label))
            pdf.set_font(family, "B", 11)
            pdf.set_text_color(*ink)
            pdf.cell(half * 0.45 - 6, 6, t(figure), align="R")
    boxes = max(len(brief.buyer), len(brief.user))
    pdf.set_y(top + 7 + 6 * boxes + 6)

    chart_top = pdf.get_y()
    pdf.image(io.BytesIO(brief.value_chart), x=pdf.l_margin, y=chart_top, w=width)
    pdf.set_y(chart_top + width * _aspect(brief.value_chart) + 3)

    lower = pdf.get_y()
    pdf.image(io.BytesIO(brief.heart_chart), x=pdf.l_margin, y=lower, w=half + 4)
    pdf.set_xy(pdf.l_margin + half + 8, lower)
    pdf.set_font(family, "B", 11)
    pdf.set_text_color(*ink)
    pdf.cell(half - 4, 6, t("Top assumptions"), new_x="LEFT", new_y="NEXT", align="L")
    for label, detail in brief.assumptions:
        pdf.set_x(pdf.l_margin + half + 8)
        pdf.set_font(family, "B", 8.5)
        pdf.multi_cell(half - 4, 4, t(label), new_x="LEFT", new_y="NEXT", align="L")
        pdf.set_x(pdf.l_margin + half + 8)
        pdf.set_font(family, "", 8)
        pdf.set_text_color(*muted)
        pdf.multi_cell(half - 4, 3.8, t(detail), new_x="LEFT", new_y="NEXT", align="L")
        pdf.set_text_color(*ink)
        pdf.ln(0.8)

    if brief.notes:
        pdf.ln(1)
        pdf.set_x(pdf.l_margin + half + 8)
        pdf.set_font(family, "B", 11)
        pdf.cell(half - 4, 6, t("Notes"), new_x="LEFT", new_y="NEXT", align="L")
        pdf.set_font(family, "", 8)
        for line in brief.notes:
            pdf.set_x(pdf.l_margin + half + 8)
            pdf.multi_cell(half - 4, 3.8, t(line), new_x="LEFT", new_y="NEXT", align="L")

    pdf.set_y(pdf.h - 12 - 4.2 * (len(brief.footnotes) * 2 + 1))
    pdf.set_draw_color(200, 205, 212)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(1.5)
    pdf.set_font(family, "", 7.2)
    pdf.set_text_color(*muted)
    for i, note in enumerate(brief.footnotes, start=1):
        pdf.multi_cell(width, 3.4, t(f"{i}. {note}"), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.multi_cell(width, 3.4, t(brief.freshness), new_x="LMARGIN", new_y="NEXT", align="L")
    return bytes(pdf.output())


def _aspect(png: bytes) -> float:
    """Height over width of a PNG image."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return image.height / image.width


def render_png(pdf_bytes: bytes, *, scale: float = 2.0) -> bytes:
    """The PDF's page as a PNG image of the same layout."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        image = document[0].render(scale=scale).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()
    finally:
        document.close()
