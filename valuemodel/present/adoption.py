"""The Adoption page's charts, tables and sentences: the funnel, adoption by segment over
time and the ranking of segments by opportunity. No streamlit, no database."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from valuemodel.core.segments import ATTRIBUTE_LABELS, FUNNEL_STEPS, Funnel
from valuemodel.present import charts
from valuemodel.present import formats as fmt
from valuemodel.present.heart_charts import styled
from valuemodel.present.text import plain

STEP_LABELS = {
    "eligible": "Eligible",
    "reached": "Reached",
    "tried": "Tried a task",
    "active": "Active this month",
    "habitual": "Habitual (3 months running)",
}
STEP_HELP = {
    "eligible": "people employed this month who match an eligibility rule",
    "reached": "of them, used the product at least once by this month",
    "tried": "of them, did a task with a time baseline (not failed) by this month",
    "active": "of them, active this month",
    "habitual": "of them, active this month and the two months before",
}


def funnel_table(funnel: Funnel) -> pd.DataFrame:
    """Step, People, 'Of the step before' (percent text)."""
    rows = []
    for step, people, share in funnel.conversions():
        rows.append(
            {
                "Step": STEP_LABELS[step],
                "People": fmt.number(people),
                "Of the step before": "" if step == "eligible" else fmt.percent(share, 0),
            }
        )
    return pd.DataFrame(rows)


def funnel_chart(funnel: Funnel, title: str) -> charts.TopChart:
    """Horizontal bars, one per step, labelled with the count and the step's conversion."""
    rows = []
    for order, (step, people, share) in enumerate(funnel.conversions()):
        label = fmt.number(people)
        if step != "eligible" and share is not None:
            label += f"  ({fmt.percent(share, 0)})"
        rows.append(
            {"order": order, "step": STEP_LABELS[step], "people": people or 0, "label": label}
        )
    frame = pd.DataFrame(rows)
    top = max(1, int(frame["people"].max()))
    base = alt.Chart(frame).encode(
        y=alt.Y(
            "step:N",
            sort=[STEP_LABELS[s] for s in FUNNEL_STEPS],
            title=None,
            axis=alt.Axis(labelFontSize=13, labelLimit=240),
        ),
        x=alt.X("people:Q", title="People", scale=alt.Scale(domain=[0, top * 1.35])),
        tooltip=[alt.Tooltip("step:N", title="Step"), alt.Tooltip("label:N", title="People")],
    )
    bars = base.mark_bar(color=charts.NET, cornerRadiusEnd=3)
    text = base.mark_text(align="left", dx=6, fontSize=13, color="#1F2937").encode(
        text=alt.Text("label:N")
    )
    return styled(alt.layer(bars, text).properties(title=title), height=200)


def heatmap_chart(grid: pd.DataFrame, attribute: str, title: str) -> charts.TopChart:
    """Segments (rows) by months (columns), coloured by adoption (fraction)."""
    frame = grid.copy()
    frame["month_label"] = pd.to_datetime(frame["month"]).dt.strftime("%Y-%m")
    frame["adoption_text"] = frame["adoption"].map(lambda v: fmt.percent(v, 0))
    label = ATTRIBUTE_LABELS[attribute]
    order = (
        frame.sort_values("month").groupby("value")["adoption"].last().sort_values().index.tolist()
    )
    chart = (
        alt.Chart(frame)
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("month_label:O", title=None, axis=alt.Axis(labelAngle=-45, labelFontSize=11)),
            y=alt.Y(
                "value:N", title=None, sort=order, axis=alt.Axis(labelFontSize=12, labelLimit=200)
            ),
            color=alt.Color(
                "adoption:Q",
                title="Adoption",
                scale=alt.Scale(domain=[0, 1], range=["#F7F7F7", charts.NET]),
                legend=alt.Legend(format=".0%"),
            ),
            tooltip=[
                alt.Tooltip("value:N", title=label),
                alt.Tooltip("month_label:O", title="Month"),
                alt.Tooltip("adoption_text:N", title="Adoption"),
                alt.Tooltip("active:Q", title="Active users", format=","),
                alt.Tooltip("eligible:Q", title="Eligible people", format=","),
            ],
        )
        .properties(title=title)
    )
    return styled(chart, height=max(120, 30 * len(order)))


def opportunity_sentence(row: pd.Series, currency: str) -> str:
    """'Winning Payments (org; 120 eligible, 18 active) is worth about $14.0K a month at
    today's savings per user.'"""
    label = ATTRIBUTE_LABELS[str(row["attribute"])].lower()
    return (
        f"Winning {plain(row['value'])} ({label}; {fmt.number(row['eligible'])} eligible, "
        f"{fmt.number(row['active_eligible'])} active) is worth about "
        f"{fmt.money(row['opportunity'], currency, compact=True)} a month at today's "
        "savings per user."
    )


def opportunity_table(ranked: pd.DataFrame, attribute: str, currency: str) -> pd.DataFrame:
    """The ranking as text columns: segment, eligible, active, adoption, not yet active,
    opportunity a month."""
    label = ATTRIBUTE_LABELS[attribute]
    return pd.DataFrame(
        {
            label: ranked["value"].astype(str),
            "Eligible": ranked["eligible"].map(fmt.number),
            "Active": ranked["active_eligible"].map(fmt.number),
            "Adoption": ranked["adoption"].map(lambda v: fmt.percent(v, 0)),
            "Eligible, not active": ranked["not_active"].map(fmt.number),
            "Opportunity a month": ranked["opportunity"].map(
                lambda v: fmt.money(None if v is None or math.isnan(v) else v, currency)
            ),
        }
    )


def outside_sentence(name: str, active: int, outside: int, unknown: int, month: str) -> str:
    """'CI Platform: 41 of 1,090 users active in 2025-12 are outside its eligible
    population (6 of them not in the people directory).'"""
    text = (
        f"{plain(name)}: {fmt.number(outside)} of {fmt.number(active)} users active in {month} are "
        "outside its eligible population"
    )
    if unknown:
        text += f" ({fmt.number(unknown)} of them not in the people directory)"
    return text + "."


def funnel_meaning() -> str:
    """One sentence per step: what it counts."""
    return "; ".join(f"{STEP_LABELS[s]}: {STEP_HELP[s]}" for s in FUNNEL_STEPS) + "."


def funnel_notes(unruled: list[str], portfolio: bool) -> str:
    """The caption under the funnel: what each step counts, where to look, how products
    without eligibility rules (their names, escaped) and the portfolio are counted."""
    notes = [funnel_meaning(), "The biggest drop shows where awareness or use breaks down."]
    if unruled:
        notes.append(
            "Without eligibility rules (" + ", ".join(plain(n) for n in unruled) + "), "
            "eligible is products.eligible_users and the other steps count every user."
        )
    if portfolio:
        notes.append("Across products a person counts once per product.")
    return " ".join(notes)


def unknown_users_sentence(unknown: int, month: str) -> str | None:
    """'12 users active in 2025-12 are not in the people directory; ...', or None."""
    if not unknown:
        return None
    return (
        f"{unknown:,} {'user' if unknown == 1 else 'users'} active in {month} "
        f"{'is' if unknown == 1 else 'are'} not in the people directory; they count in the "
        "segment 'unknown'."
    )


def active_users_table(rows: pd.DataFrame, attribute: str, month: str) -> pd.DataFrame:
    """Active users by segment value in `month` ('YYYY-MM'), summed over the products in
    `rows` (the per segment rollup), most active first: the by-segment view of products
    without eligibility rules. Columns: the attribute's label, 'Active users'."""
    at = rows[rows["month"] == pd.Timestamp(f"{month}-01")]
    by_value = at.groupby("value", as_index=False)["active_users"].sum()
    by_value = by_value.sort_values("active_users", ascending=False)
    return by_value.rename(
        columns={"value": ATTRIBUTE_LABELS[attribute], "active_users": "Active users"}
    )
