"""The OKR ladder-up page's model: tiles, sentences and tables. Pure (no streamlit).

Objective, key-result and product names, notes and goals come from CSV files: every one
that reaches Markdown goes through `text.plain`; in tables they are cell values (text).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from valuemodel.core import okr
from valuemodel.present import labels, ladder
from valuemodel.present.formats import MISSING, percent
from valuemodel.present.text import plain

BACKSTOP_LINES = 6

LEGEND = (
    "Follow a product (left) to the company objective it serves (right). Each box on the "
    "left is one link: :blue[**━━ causal**] (an experiment or a shared measurement), "
    ":orange[**╍╍ correlational**] (the series move together), :gray[**┈┈ asserted**] "
    "(claimed, no data); with r, the lag by which the product leads, and the months of "
    "data behind r."
)
STRENGTH = (
    "**How strong is each link?** **Causal**: an experiment, or the same measurement, shows "
    "the product moves the key result. **Correlational**: the product metric and the key "
    "result move together month by month; r runs from −1 to 1 and says how closely, with "
    "the product leading by the lag. Both may be driven by something else (a reorg, a "
    "season, another team's work), so **r is not proof of impact**: it is a reason to look "
    "closer, not a reason to credit the product with the result. **Asserted**: someone "
    f"claims the link; no data has been checked. With fewer than {okr.MIN_PAIRS} months "
    "measured on both sides we show *not enough data* instead of r."
)
KR_CAPTION = (
    "Progress = (latest measurement − baseline) / (target − baseline). **On track** means "
    "progress is at least the share of the objective's period that has elapsed at the "
    "latest measurement (a period such as FY2025, 2025, 2025-H1 or 2025-Q3; a fiscal year "
    "is read as the calendar year). When the period cannot be read, the last three "
    "measurements decide: on track when their trend moves toward the target. **Achieved** "
    "means the target is reached."
)
CO_MOVEMENT_CAPTION = (
    "Each key result (orange, left axis, its target dashed) beside the linked product "
    "metric (blue, right axis), shifted forward by the lag, so the months that r pairs sit "
    "one above the other."
)


def ladder_heading(product_name: str | None) -> str:
    if product_name is None:
        return "How the products ladder up to company objectives"
    return f"How {plain(product_name)} ladders up to company objectives"


def no_links_notice(product_name: str | None) -> str:
    if product_name is None:
        return (
            "No product metric is linked to a key result yet. Add rows to metric_links.csv "
            "(product_id, metric, kr_id, evidence, note); the objective tree is shown below."
        )
    return (
        f"{plain(product_name)} has no links to key results yet. Add rows to "
        "metric_links.csv (product_id, metric, kr_id, evidence, note) to show how its "
        "metrics serve the objectives."
    )


def kr_notes(kr_table: pd.DataFrame) -> dict[str, str]:
    """Each key result's progress note for the ladder graph (plain text; DOT-escaped there)."""
    return {
        row.kr_id: f"{percent(row.progress, 0)} of the way, {row.status}"
        if pd.notna(row.progress)
        else str(row.status)
        for row in kr_table.itertuples()
    }


def key_result_rows(kr_table: pd.DataFrame) -> tuple[pd.DataFrame, str | None]:
    """The key-result table (text cells) and the newest measurement month."""
    latest_months = kr_table["latest_month"].dropna()
    newest = str(latest_months.max()) if not latest_months.empty else None
    rows = []
    for row in kr_table.itertuples():
        digits = ladder.kr_digits(row.baseline, row.target, row.latest)
        older = row.latest_month not in (None, newest) and isinstance(row.latest_month, str)
        rows.append(
            {
                "Key result": row.title,
                "Objective": row.objective,
                "Baseline → target": ladder.kr_range_text(
                    row.baseline, row.target, row.unit, digits
                ),
                "Latest": ladder.kr_value_text(row.latest, row.unit, digits)
                + (f" ({row.latest_month})" if older else ""),
                "Progress": percent(row.progress, 0),
                "Expected by now": ladder.expected_text(row.rule, row.elapsed, row.period),
                "Status": str(row.status).capitalize(),
                "Trend": row.trend,
            }
        )
    return pd.DataFrame(rows), newest


def progress_tiles(
    kr_table: pd.DataFrame, backstops: pd.DataFrame, month: str
) -> list[tuple[str, str, str]]:
    """The key-result and backstop tiles as (label, value, help): key results on track of
    those judged, backstops below target in `month` of all backstops."""
    judged = kr_table[kr_table["status"] != okr.UNKNOWN]
    on_track = int(judged["status"].isin([okr.ON_TRACK, okr.ACHIEVED]).sum())
    breached = backstops[backstops["below_target"]]
    return [
        (
            "Key results on track",
            f"{on_track} of {len(judged)}" if len(judged) else MISSING,
            "Achieved or on track for their objective's period (the rule is under the "
            "key-result table); key results without enough measurements are not counted.",
        ),
        (
            "Backstops missed",
            f"{len(breached)} of {len(backstops)}" if len(backstops) else MISSING,
            "HEART goals marked 'backstop' that are below their target in "
            f"{month}: a win on a key metric must not hide a loss here.",
        ),
    ]


def link_heading(metric: str, kr_title: object, evidence: object) -> str:
    """'**Adoption → Cut lead time** · causal' with the key result's title escaped."""
    return f"**{labels.metric(metric)} → {plain(kr_title)}** · {plain(evidence)}"


def backstop_alert(breached: pd.DataFrame, names: Mapping[str, str], month: str) -> str | None:
    """Markdown naming each backstop below target (names escaped; an NPS with its n), at
    most BACKSTOP_LINES of them, or None when none is."""
    if breached.empty:
        return None
    lines = [
        f"- **{plain(names.get(row.product_id, row.product_id))}**: "
        f"{ladder.metric_phrase(row.dimension)} is "
        f"{ladder.guardrail_value_text(row.dimension, row.value, row.responses)} "
        "against a target of "
        f"{ladder.heart_value_text(row.dimension, row.target)}"
        for row in breached.itertuples()
    ]
    shown = lines[:BACKSTOP_LINES]
    if len(lines) > BACKSTOP_LINES:
        shown.append(f"- and {len(lines) - BACKSTOP_LINES} more in the table below")
    verb = "s are" if len(breached) != 1 else " is"
    return (
        f"**{len(breached)} backstop{verb} below target in {month}.** Read the key metrics "
        "with these in mind:\n\n" + "\n".join(shown)
    )


def backstop_table(guardrails: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """Key metrics and backstops, one row per goal (text cells): product, role, dimension,
    the current value (an NPS with its n), target, status and the goal's words."""
    return pd.DataFrame(
        {
            "Product": [names.get(p, p) for p in guardrails["product_id"]],
            "Role": ["Key metric" if r == "key" else "Backstop" for r in guardrails["role"]],
            "Dimension": [ladder.metric_label(d) for d in guardrails["dimension"]],
            "Value": [
                ladder.guardrail_value_text(d, v, n)
                for d, v, n in zip(
                    guardrails["dimension"],
                    guardrails["value"],
                    guardrails["responses"],
                    strict=True,
                )
            ],
            "Target": [
                ladder.heart_value_text(d, t)
                for d, t in zip(guardrails["dimension"], guardrails["target"], strict=True)
            ],
            "Status": [str(s).capitalize() for s in guardrails["status"]],
            "Goal": guardrails["goal"],
        }
    )
