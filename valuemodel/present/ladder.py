"""The OKR ladder-up drawn as a graph: DOT text for `st.graphviz_chart`. Pure.

Product metrics (left) link to key results, which belong to team, org and company
objectives (right), so a reader follows any product to the company objective it serves.
Each product-to-key-result link is styled by its evidence (causal solid, correlational
dashed, asserted dotted) and labelled with r, the lag and the months behind r.

Every title comes from a user's CSV, so every label and tooltip goes through `dot_text`:
quotes, backslashes (DOT's own escapes such as \\l or \\N) and control characters can
never change the graph's structure.
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from collections.abc import Iterable, Mapping
from typing import SupportsFloat, TypeGuard

import altair as alt
import pandas as pd

from valuemodel.core import okr
from valuemodel.core.contract import OBJECTIVE_LEVELS
from valuemodel.core.numbers import finite
from valuemodel.present import charts, labels
from valuemodel.present.formats import MISSING, money, nps, number, percent

METRIC_LABELS = labels.METRICS

# Shorter names inside the graph's boxes (the tooltip and the charts use the full ones).
METRIC_SHORT = {"happiness": "NPS", "savings": "Savings"}

# Okabe-Ito colours; line style carries the meaning too, so colour is never the only cue.
EVIDENCE_STYLE = {
    "causal": {"style": "solid", "color": "#0072B2", "penwidth": "2.4"},
    "correlational": {"style": "dashed", "color": "#C97F00", "penwidth": "2"},
    "asserted": {"style": "dotted", "color": "#6B6B6B", "penwidth": "2"},
}
EVIDENCE_ORDER = ("causal", "correlational", "asserted")
VERDICT_LABELS = {
    okr.MOVES_TOGETHER: "Moves together",
    okr.SHARED_TREND: "Shared trend only",
    okr.NO_CLEAR_LINK: "No clear link",
    okr.NOT_ENOUGH_DATA: "Not enough data",
}
VERDICT_ORDER = (okr.MOVES_TOGETHER, okr.SHARED_TREND, okr.NO_CLEAR_LINK, okr.NOT_ENOUGH_DATA)
# Only a link whose changes move together is drawn at full strength; a shared trend, no
# clear link or no data is drawn thin and faded (hex alpha), whatever its claim.
STRONG_PENWIDTH = "2.6"
WEAK_PENWIDTH = "1.0"
WEAK_ALPHA = "66"
STRUCTURE_COLOR = "#AAB2BD"
LEVEL_TAGS = {"company": "Company objective", "org": "Org objective", "team": "Team objective"}
LEVEL_FILL = {"company": "#D6E4F2", "org": "#E4EDF6", "team": "#F0F5FA"}
FONT = "Helvetica,Arial,sans-serif"
WRAP_WIDTH = 24
MAX_LINES = 3

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def dot_text(value: object) -> str:
    """`value` as the inside of a DOT double-quoted string, on one line.

    Control characters (newlines included) become spaces; backslashes and double quotes
    are escaped, so user text cannot close the string or use DOT's label escapes.
    """
    text = "" if value is None else str(value)
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text.replace("\\", "\\\\").replace('"', '\\"')


def wrap(value: object, width: int = WRAP_WIDTH, max_lines: int = MAX_LINES) -> list[str]:
    """`value` wrapped into at most `max_lines` lines of about `width` characters.

    A text that needs more lines is cut with an ellipsis (the tooltip keeps it whole).
    """
    text = " ".join(_CONTROL.sub(" ", "" if value is None else str(value)).split())
    lines = textwrap.wrap(text, width=width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        lines[-1] = (last[: width - 1].rstrip() if len(last) >= width else last) + "…"
    return lines


def label(*parts: Iterable[str] | str) -> str:
    """Lines joined into a DOT label (each line escaped, joined by DOT's \\n)."""
    lines: list[str] = []
    for part in parts:
        lines.extend([part] if isinstance(part, str) else list(part))
    return "\\n".join(dot_text(line) for line in lines)


def _missing(value: object) -> bool:
    return finite(value) is None


def _count(value: object) -> int:
    """A whole count (months, a lag) from a cell; 0 when missing."""
    return int(finite(value) or 0)


def _finite(value: object) -> TypeGuard[SupportsFloat]:
    """True for a finite number (the opposite of _missing); float(value) is then safe."""
    return not _missing(value)


def r_text(r: object) -> str:
    """'r = 0.81' or 'r = −0.42' (a true minus sign)."""
    value = finite(r)
    if value is None:
        return "r = —"
    return f"r = {value:.2f}".replace("-", "−")


VERDICT_MEANING = {
    okr.MOVES_TOGETHER: "Month by month, when one rises the other does too: its changes "
    "correlate (90% interval clear of 0). Still not proof of impact.",
    okr.SHARED_TREND: "Both drift the same way over time, but their monthly changes do not "
    "follow each other: the high r comes from the shared trend, not from a link.",
    okr.NO_CLEAR_LINK: "Neither the levels nor the changes move together clearly.",
    okr.NOT_ENOUGH_DATA: "Fewer than 6 months measured on both sides.",
}


def verdict_of(value: object) -> str:
    """A link's verdict, 'not enough data' when it has none."""
    return str(value) if isinstance(value, str) and value in VERDICT_LABELS else okr.NOT_ENOUGH_DATA


def numbers_text(r: object, r_changes: object, months: object, lag_months: object) -> str:
    """'r 0.81 · changes 0.61 · 14 mo · lag 2' (true minus signs); '' without r."""
    if not _finite(r):
        return ""
    parts = [f"r {float(r):.2f}"]
    parts.append("changes —" if not _finite(r_changes) else f"changes {float(r_changes):.2f}")
    parts.append(f"{_count(months)} mo")
    if _count(lag_months):
        parts.append(f"lag {_count(lag_months)}")
    return " · ".join(parts).replace("-", "−")


def claim_text(evidence: str, verdict: str, backing: str | None = None) -> str:
    """What was claimed, beside what the data says, short enough for a box:
    'asserted; data: shared trend only', 'causal; no experiment on record'."""
    if evidence == okr.CAUSAL:
        said = backing or okr.NO_EXPERIMENT
        if said.startswith("backed by a release"):
            return "causal; backed by a release effect"
        if said.startswith("backed by a difference"):
            return "causal; backed by a staggered rollout"
        return "causal; " + said.removeprefix("claimed, ")
    if evidence == okr.ASSERTED:
        return f"asserted; data: {VERDICT_LABELS[verdict].lower()}"
    return evidence


def link_label(
    metric: str,
    evidence: str,
    r: object,
    lag_months: object,
    months: object,
    verdict: object = None,
    r_changes: object = None,
    backing: str | None = None,
) -> list[str]:
    """The lines of a link's box: the verdict first, then the metric and what was
    claimed (and, for a causal claim, what backs it), then r, r of changes and the months
    behind r (empty without r)."""
    judged = (
        verdict_of(verdict)
        if verdict is not None
        else (okr.NOT_ENOUGH_DATA if _missing(r) else okr.NO_CLEAR_LINK)
    )
    first = VERDICT_LABELS[judged]
    claim = claim_text(evidence, judged, backing)
    second = f"{METRIC_SHORT.get(metric, metric_label(metric))}: {claim}"
    numbers = numbers_text(r, r_changes, months, lag_months)
    return [first, second, numbers] if numbers else [first, second]


def link_html(lines: list[str]) -> str:
    """An HTML-like DOT label: the first line bold, the numbers (third line) smaller.
    Every line is escaped, so no text can change the graph."""
    parts = [f"<B>{html.escape(lines[0])}</B>"]
    if len(lines) > 1:
        parts.append(html.escape(lines[1]))
    if len(lines) > 2:
        parts.append(f'<FONT POINT-SIZE="11" COLOR="#4B5563">{html.escape(lines[2])}</FONT>')
    return "<" + "<BR/>".join(parts) + ">"


def edge_style(evidence: str, verdict: str) -> dict[str, str]:
    """The line of a link: its style and colour say the claim, its weight the data."""
    style = dict(EVIDENCE_STYLE.get(evidence, EVIDENCE_STYLE["asserted"]))
    if verdict != okr.MOVES_TOGETHER:
        style["penwidth"] = WEAK_PENWIDTH
        style["color"] = style["color"] + WEAK_ALPHA
    else:
        style["penwidth"] = STRONG_PENWIDTH
    return style


def metric_label(metric: str) -> str:
    """A link metric's name as a label: 'Task success', 'Happiness (NPS)'."""
    return METRIC_LABELS.get(metric, metric.replace("_", " ").capitalize())


def metric_phrase(metric: str) -> str:
    """A link metric's name inside a sentence: 'task success', 'NPS'."""
    phrases = {"happiness": "NPS", "savings": "risk-adjusted savings"}
    return phrases.get(metric, metric.replace("_", " "))


def ladder_scope(
    objectives: pd.DataFrame, key_results: pd.DataFrame, links: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The key results the links reach and their objectives with every ancestor.

    Returns (objectives, key_results) restricted to that tree, in their input order. A
    cycle in parent_id stops the walk instead of looping.
    """
    kr_ids = set(links["kr_id"]) if not links.empty else set()
    krs = key_results[key_results["kr_id"].isin(kr_ids)]
    parents = dict(zip(objectives["objective_id"], objectives["parent_id"], strict=True))
    keep: set[str] = set()
    for objective_id in krs["objective_id"]:
        current: object = objective_id
        while isinstance(current, str) and current and current not in keep:
            keep.add(current)
            current = parents.get(current)
    return objectives[objectives["objective_id"].isin(keep)], krs


def _attrs(values: Mapping[str, str]) -> str:
    return ", ".join(f'{key}="{value}"' for key, value in values.items())


def _link_order(links: pd.DataFrame, product_names: Mapping[str, str]) -> pd.DataFrame:
    """Links grouped by product (by name), then by metric and key result."""
    if links.empty:
        return links
    keyed = links.assign(
        _product=[str(product_names.get(p, p)).lower() for p in links["product_id"]],
    )
    ordered = keyed.sort_values(["_product", "product_id", "metric", "kr_id"], kind="stable")
    return ordered.drop(columns="_product")


def _objective_order(
    objectives: pd.DataFrame, key_results: pd.DataFrame, kr_rank: Mapping[str, int]
) -> dict[str, float]:
    """A position for each objective: the smallest position among its key results and
    child objectives, so each column starts in the order of the one to its left (fewer
    crossing lines). Objectives with nothing below them keep their input order, last."""
    position: dict[str, float] = {}
    for kr in key_results.itertuples():
        rank = kr_rank.get(kr.kr_id)
        if rank is not None:
            current = position.get(kr.objective_id, math.inf)
            position[kr.objective_id] = min(current, rank)
    parents = dict(zip(objectives["objective_id"], objectives["parent_id"], strict=True))
    for level in OBJECTIVE_LEVELS[::-1]:  # team, then org, then company
        own = objectives[objectives["level"] == level]
        for objective_id in own["objective_id"]:
            parent = parents.get(objective_id)
            if isinstance(parent, str) and objective_id in position:
                position[parent] = min(position.get(parent, math.inf), position[objective_id])
    fallback = 10_000.0
    return {
        oid: position.get(oid, fallback + i) for i, oid in enumerate(objectives["objective_id"])
    }


def ladder_dot(
    *,
    objectives: pd.DataFrame,
    key_results: pd.DataFrame,
    links: pd.DataFrame,
    product_names: Mapping[str, str],
    kr_notes: Mapping[str, str] | None = None,
    backing: Mapping[tuple[str, str], str] | None = None,
) -> str:
    """DOT text of the ladder: product links -> key results -> team -> org -> company
    objectives, one column each, left to right.

    objectives: objective_id, title, level, parent_id, period. key_results: kr_id,
    objective_id, title. links: product_id, metric, kr_id, evidence, note, r,
    lag_months, months (r NaN/None when there is not enough data). kr_notes: an extra
    line under a key result's title (e.g. its progress and status).

    Each link is a box in its product's cluster, labelled with the metric, the evidence,
    r, the lag and the months behind r; the box's border and its line to the key result
    share the evidence's style, so a label can never drift away from its line. Each
    objective says its level and period. Node ids are generated, never taken from the
    data.
    """
    notes = kr_notes or {}
    out = [
        "digraph ladder {",
        "  graph [" + _attrs({
            "rankdir": "LR", "newrank": "true", "nodesep": "0.14", "ranksep": "0.45",
            "fontname": FONT, "fontsize": "13", "labeljust": "l", "bgcolor": "transparent",
            "pad": "0.1", "outputorder": "edgesfirst",
        }) + "];",
        "  node [" + _attrs({
            "shape": "box", "style": "rounded,filled", "fontname": FONT, "fontsize": "14",
            "margin": "0.10,0.05", "color": "#8A94A3", "fillcolor": "white", "penwidth": "1",
        }) + "];",
        "  edge [" + _attrs({"arrowsize": "0.6"}) + "];",
    ]  # fmt: skip
    cluster = 'style="rounded"; color="#D5DAE1"; fontcolor="#3A4350"; fontsize="15";'

    kr_known = set(key_results["kr_id"])
    visible = links[links["kr_id"].isin(kr_known)] if not links.empty else links
    visible = _link_order(visible, product_names)

    # Key results follow the order of the links that reach them, unlinked ones last.
    first_seen = list(dict.fromkeys(visible["kr_id"])) if not visible.empty else []
    kr_rank = {kid: i for i, kid in enumerate(first_seen)}
    key_results = key_results.assign(
        _order=[kr_rank.get(k, len(kr_rank) + i) for i, k in enumerate(key_results["kr_id"])]
    ).sort_values("_order", kind="stable")
    kr_nodes = {kid: f"k{i}" for i, kid in enumerate(key_results["kr_id"])}
    order = _objective_order(objectives, key_results, kr_rank)
    objectives = objectives.assign(
        _order=[order[o] for o in objectives["objective_id"]]
    ).sort_values("_order", kind="stable")
    objective_nodes = {oid: f"o{i}" for i, oid in enumerate(objectives["objective_id"])}
    columns: dict[str, list[str]] = {"links": [], "krs": [], **{lv: [] for lv in OBJECTIVE_LEVELS}}
    link_edges: list[str] = []

    # Column 1: one box per link, grouped by product.
    if not visible.empty:
        out.append(f'  subgraph cluster_links {{ label="Product metrics"; {cluster}')
        for p_index, product_id in enumerate(dict.fromkeys(visible["product_id"])):
            name = product_names.get(product_id, product_id)
            out.append(
                f'    subgraph cluster_p{p_index} {{ label="{label(wrap(name, 30, 2))}"; '
                'style="rounded,filled"; fillcolor="#F4F6F9"; color="#D5DAE1"; '
                'fontsize="14"; fontcolor="#1F2933";'
            )
            own = visible[visible["product_id"] == product_id]
            for link in own.itertuples():
                node = f"l{len(columns['links'])}"
                columns["links"].append(node)
                judged = verdict_of(getattr(link, "verdict", None))
                style = edge_style(link.evidence, judged)
                box = EVIDENCE_STYLE.get(link.evidence, EVIDENCE_STYLE["asserted"])
                cause = (backing or {}).get((str(product_id), str(link.metric)))
                lines = link_label(
                    link.metric, link.evidence, link.r, link.lag_months, link.months,
                    judged, getattr(link, "r_changes", None), cause,
                )  # fmt: skip
                tooltip = (
                    f"{name}, {metric_label(link.metric)}: "
                    f"{okr.evidence_text(link.evidence, judged, cause)}"
                )
                note = getattr(link, "note", "")
                if isinstance(note, str) and note.strip():
                    tooltip += f". {note}"
                out.append(
                    f"      {node} [label={link_html(lines)}, "
                    f'style="rounded,filled,{box["style"]}", color="{style["color"]}", '
                    f'penwidth="{"1.8" if judged == okr.MOVES_TOGETHER else "1"}", '
                    f'tooltip="{dot_text(tooltip)}"];'
                )
                link_edges.append(
                    f"  {node} -> {kr_nodes[link.kr_id]} [{_attrs(style)}, "
                    f'tooltip="{dot_text(tooltip)}"];'
                )
            out.append("    }")
        out.append("  }")

    # Column 2: key results. (No clusters from here on: clusters around the columns
    # stop dot from untangling the lines, and the fill colours already tell them apart.)
    if kr_nodes:
        for kr in key_results.itertuples():
            node = kr_nodes[kr.kr_id]
            columns["krs"].append(node)
            note = notes.get(kr.kr_id)
            text = label(wrap(kr.title), [note]) if note else label(wrap(kr.title))
            out.append(
                f'  {node} [label="{text}", fillcolor="#FFF7E3", color="#C9A64B", '
                f'tooltip="{dot_text(kr.title)}"];'
            )

    # Columns 3-5: team, org, company objectives.
    for level in OBJECTIVE_LEVELS[::-1]:
        own = objectives[objectives["level"] == level]
        if own.empty:
            continue
        for objective in own.itertuples():
            node = objective_nodes[objective.objective_id]
            columns[level].append(node)
            lines = wrap(objective.title)
            tag = LEVEL_TAGS[level]
            if not _missing_text(objective.period):
                tag = f"{tag} · {' '.join(str(objective.period).split())[:20]}"
            lines = [*lines, tag]
            bold = ', fontname="Helvetica-Bold,Arial Bold,sans-serif"' if level == "company" else ""
            out.append(
                f'  {node} [label="{label(lines)}", fillcolor="{LEVEL_FILL[level]}", '
                f'color="#5B7DA6", tooltip="{dot_text(objective.title)}"{bold}];'
            )

    # One rank per column, whatever the edges say, so the columns read as levels.
    for nodes in columns.values():
        if nodes:
            out.append(f"  {{ rank=same; {'; '.join(nodes)}; }}")

    out.extend(link_edges)
    structure = f'color="{STRUCTURE_COLOR}", penwidth="1.2", arrowhead="vee"'
    for kr in key_results.itertuples():
        if kr.objective_id in objective_nodes:
            out.append(
                f"  {kr_nodes[kr.kr_id]} -> {objective_nodes[kr.objective_id]} [{structure}];"
            )
    for objective in objectives.itertuples():
        parent = objective.parent_id
        if isinstance(parent, str) and parent in objective_nodes:
            out.append(
                f"  {objective_nodes[objective.objective_id]} -> {objective_nodes[parent]} "
                f"[{structure}];"
            )
    out.append("}")
    return "\n".join(out)


def _missing_text(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) == ""


# ---------------------------------------------------------------- words and numbers


def strength_words(r: object) -> str:
    """How closely two series move, in words, from |r|: 'Strong' (0.7 and above),
    'Moderate' (0.4 to 0.7), 'Weak' (0.2 to 0.4) or 'Little or no' (below 0.2), and
    'inverse' when r is negative (one rises as the other falls). 'Not enough data'
    without r."""
    if not _finite(r):
        return "Not enough data"
    value = float(r)
    size = abs(value)
    if size >= 0.7:
        word = "Strong"
    elif size >= 0.4:
        word = "Moderate"
    elif size >= 0.2:
        word = "Weak"
    else:
        return "Little or no co-movement"
    return f"{word} co-movement" if value > 0 else f"{word} inverse co-movement"


def kr_value_text(value: object, unit: str, digits: int = 1) -> str:
    """A key-result value with its unit: '35.0%', '20.0 deploys per day'; '—' if missing."""
    if not _finite(value):
        return MISSING
    text = number(float(value), digits)
    unit = " ".join(str(unit or "").split())
    if unit in ("%", "percent"):
        return f"{text}%"
    return f"{text} {unit}".strip()


def kr_range_text(baseline: object, target: object, unit: str, digits: int = 1) -> str:
    """'20.0 → 50.0 deploys per day' (the unit once, after the target)."""
    start = number(float(baseline), digits) if _finite(baseline) else MISSING
    return f"{start} → {kr_value_text(target, unit, digits)}"


def expected_text(rule: str, elapsed: object, period: object) -> str:
    """What progress a key result should show by now: '83% of FY2026' under the period
    rule, 'trend' when the last measurements decide, '—' otherwise."""
    if rule == "period" and _finite(elapsed):
        return f"{percent(float(elapsed), 0)} of {' '.join(str(period).split())[:16]}"
    if rule == "trend":
        return "by trend"
    return MISSING


STATUS_COLORS = {
    "achieved": "#007A5A",
    "on track": "#007A5A",
    "meets target": "#007A5A",
    "behind": "#B34700",
    "below target": "#B34700",
}


def status_css(status: object) -> str:
    """CSS for a status cell: green when fine, dark orange when behind or below target
    (the words say it too, so colour is never the only cue)."""
    color = STATUS_COLORS.get(str(status).lower())
    return f"color: {color}; font-weight: 600" if color else ""


def kr_digits(*values: object) -> int:
    """0 decimals when every given value is whole, else 1 (one precision per key result)."""
    present = [float(v) for v in values if _finite(v)]
    return 0 if all(v == round(v) for v in present) else 1


def heart_value_text(dimension: str, value: object, currency: str = "USD") -> str:
    """A HEART (or savings) value in its unit: NPS '+23', engagement '4.2 days',
    fractions as '61.0%', savings as money; '—' when undefined."""
    if not _finite(value):
        return MISSING
    number_value = float(value)
    if dimension == "happiness":
        return nps(number_value)
    if dimension == "engagement":
        return f"{number(number_value, 1)} days"
    if dimension == "savings":
        return money(number_value, currency)
    return percent(number_value)


# Streamlit fits a stretched chart, title and axes included, into this many pixels.
CO_MOVEMENT_HEIGHT = 330
KR_AXIS_COLOR = "#A86A00"  # the key result's orange, darkened for text contrast


def _axis_format(metric: str, currency: str) -> str:
    if metric in ("adoption", "retention", "task_success"):
        return ".0%"
    if metric == "savings":
        return charts.money_axis_format(currency)
    return ",.0f" if metric == "happiness" else ",.1f"


def _axis_title(metric: str, currency: str) -> str:
    titles = {
        "happiness": "NPS",
        "engagement": "Engagement (days)",
        "savings": f"Savings ({currency})",
    }
    return titles.get(metric, metric_label(metric))


def _subtitle(*sentences: str, width: int = 78) -> list[str]:
    lines: list[str] = []
    for sentence in sentences:
        lines.extend(textwrap.wrap(sentence, width=width))
    return lines


def co_movement_chart(
    aligned: pd.DataFrame,
    *,
    kr_title: str,
    kr_unit: str,
    kr_target: float,
    product_name: str,
    metric: str,
    r: object,
    lag_months: object,
    months: object,
    currency: str = "USD",
    verdict: object = None,
    r_changes: object = None,
) -> charts.TopChart:
    """The key result (orange, left axis, target dashed) and the product metric shifted
    forward by the lag (blue, right axis) on one month axis, from `okr.aligned_series`,
    so the months that r pairs sit one above the other. The title states the takeaway.
    Without any key-result measurement only the product metric is drawn.
    """
    lag = _count(lag_months)
    what = f"{product_name} {metric_phrase(metric)}"
    kr_points = aligned.dropna(subset=["key_result"]).assign(
        value_text=lambda f: [kr_value_text(v, kr_unit) for v in f["key_result"]],
        month_text=lambda f: f["month"].dt.strftime("%Y-%m"),
        kr_title=str(kr_title),
    )
    metric_points = aligned.dropna(subset=["metric"]).assign(
        value_text=lambda f: [heart_value_text(metric, v, currency) for v in f["metric"]],
        product_month_text=lambda f: f["product_month"].dt.strftime("%Y-%m"),
    )
    shift = f"{lag} month{'s' if lag != 1 else ''} earlier" if lag else "the same month"
    if kr_points.empty:
        title = "No measurements of this key result yet, so no r"
        subtitle = _subtitle(f"Blue: {what} by month. {kr_title} has no monthly data.")
    elif _missing(r):
        title = "Not enough data for r: fewer than 6 months measured on both sides"
        subtitle = _subtitle(f"Orange: {kr_title}. Blue: {what}.")
    elif verdict is not None:
        judged = verdict_of(verdict)
        title = f"{VERDICT_LABELS[judged]}: {numbers_text(r, r_changes, months, lag_months)}"
        subtitle = _subtitle(
            f"Orange: {kr_title}. Blue: {what} from {shift}.",
            VERDICT_MEANING[judged],
        )
    else:
        title = f"{strength_words(r)} ({r_text(r)})"
        subtitle = _subtitle(
            f"Orange: {kr_title}. Blue: {what} from {shift}.",
            f"{_count(months)} months of overlap. Correlation, not proof of impact.",
        )
    x = alt.X(
        "month:T",
        title=f"Key-result month (product metric from {shift})" if lag else "Month",
        axis=alt.Axis(format="%b %Y"),
    )
    metric_line = (
        alt.Chart(metric_points)
        .mark_line(color=charts.PALETTE["blue"], strokeWidth=2.2, point=True)
        .encode(
            x=x,
            y=alt.Y(
                "metric:Q",
                title=_axis_title(metric, currency),
                scale=alt.Scale(zero=False),
                axis=alt.Axis(
                    format=_axis_format(metric, currency),
                    orient="right",
                    titleColor=charts.PALETTE["blue"],
                    grid=False,
                ),
            ),
            tooltip=[
                alt.Tooltip("product_month_text:N", title="Product month"),
                alt.Tooltip("value_text:N", title=metric_label(metric)),
            ],
        )
    )
    if kr_points.empty:
        chart = metric_line
    else:
        kr_y = alt.Y(
            "key_result:Q",
            title=kr_value_text_unit(kr_unit),
            scale=alt.Scale(zero=False),
            axis=alt.Axis(titleColor=KR_AXIS_COLOR),
        )
        base_kr = alt.Chart(kr_points).encode(
            x=x,
            y=kr_y,
            tooltip=[
                alt.Tooltip("month_text:N", title="Month"),
                # A fixed title: Vega puts tooltip titles inside an expression, so user
                # text (a backslash, a quote) there would break the chart. The key
                # result's name travels as data.
                alt.Tooltip("kr_title:N", title="Key result"),
                alt.Tooltip("value_text:N", title="Value"),
            ],
        )
        kr_layers = [
            base_kr.mark_line(color=charts.PALETTE["orange"], strokeWidth=2.2),
            base_kr.mark_circle(color=charts.PALETTE["orange"], size=30, opacity=1),
        ]
        if not _missing(kr_target):
            target = pd.DataFrame(
                {"key_result": [float(kr_target)], "label": [kr_value_text(kr_target, kr_unit)]}
            )
            kr_layers.append(
                alt.Chart(target)
                .mark_rule(color=charts.GOAL, strokeDash=[4, 3])
                .encode(y=kr_y, tooltip=[alt.Tooltip("label:N", title="Target")])
            )
        chart = alt.layer(alt.layer(*kr_layers), metric_line).resolve_scale(y="independent")
    markers = charts.current_markers(shift_months=lag)  # on the product metric's months
    if markers:
        chart = alt.layer(chart, *markers)
    chart = chart.properties(title=alt.TitleParams(text=title, subtitle=subtitle))
    return charts.style(chart, height=CO_MOVEMENT_HEIGHT)


def kr_value_text_unit(unit: str) -> str:
    """An axis title for a key result's unit ('%' reads as 'percent')."""
    unit = " ".join(str(unit or "").split())
    if unit == "%":
        return "percent"
    return unit if len(unit) <= 24 else unit[:23] + "…"


# ---------------------------------------------------------------- the OKR page's words


TREND_EXPLANATION = (
    "**Why a high r is not enough.** Any two series that both grow (or both shrink) over "
    "the same months correlate strongly, whatever the link between them: head count, "
    'cloud spend and coffee consumption all "correlate" with deploy frequency. So each '
    "link is also checked on its **month-over-month changes**: when the product metric "
    "moves more than usual in a month, does the key result move too, by the lag? "
    "**Moves together** means the changes correlate (their 90% interval excludes 0). "
    "**Shared trend only** means the levels correlate (|r| ≥ 0.5) but the changes do not: "
    "the two share a trend and nothing more, so those lines are drawn thin and faded. "
    "**No clear link**: neither does. Even *moves together* is correlation, not proof: a "
    "reorg or a season can move both. Only an experiment or a release effect backs a "
    "**causal** claim; **asserted** links show what the data says beside the claim."
)

LEGEND = (
    "Each box on the left is one link, led by what the data says (**moves together**, "
    "**shared trend only**, **no clear link**, **not enough data**), then the claim: "
    ":blue[**━━ causal**] (an experiment or the same measurement), "
    ":orange[**╍╍ correlational**], :gray[**┈┈ asserted**] (claimed). Small type: r of the "
    "levels, r of the month-over-month changes and the months behind r. Thick lines move "
    "together; thin faded lines do not."
)


def verdict_counts(links: pd.DataFrame) -> dict[str, int]:
    """How many links have each verdict (every verdict present, 0 when none)."""
    counts = dict.fromkeys(VERDICT_ORDER, 0)
    if links.empty or "verdict" not in links.columns:
        return counts
    for value in links["verdict"]:
        counts[verdict_of(value)] += 1
    return counts


def backing_counts(links: pd.DataFrame, backing: Mapping[tuple[str, str], str]) -> str:
    """One sentence counting the causal links by what backs them: 'Causal claims: 1 backed
    by a release effect, 1 by a difference-in-differences, 1 claimed with no experiment
    on record.' (empty without causal links)."""
    causal = links[links["evidence"] == okr.CAUSAL] if not links.empty else links
    if causal.empty:
        return ""
    said = [
        str(backing.get((str(r.product_id), str(r.metric)), okr.NO_EXPERIMENT))
        for r in causal.itertuples()
    ]
    release = sum(s.startswith("backed by a release") for s in said)
    did = sum(s.startswith("backed by a difference") for s in said)
    none = len(said) - release - did
    return (
        f"Causal claims ({len(said)}): {release} backed by a release effect, {did} by a "
        f"difference-in-differences of a staggered rollout, {none} claimed with no "
        "experiment on record (see the Releases page)."
    )


def okr_tiles(links: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(label, value, help) of the four link tiles: every link counted once by its
    verdict, so the tiles add up (no clear link is the remainder named in the help)."""
    total = len(links)
    counts = verdict_counts(links)
    by_evidence = links["evidence"].value_counts() if total else pd.Series(dtype=int)
    claims = ", ".join(f"{int(by_evidence.get(k, 0))} {k}" for k in EVIDENCE_ORDER)
    return [
        (
            "Links to key results",
            number(total),
            f"Each link connects one product metric to one key result. Claimed as: {claims}. "
            f"By the data: {counts[okr.MOVES_TOGETHER]} move together, "
            f"{counts[okr.SHARED_TREND]} share a trend only, {counts[okr.NO_CLEAR_LINK]} show "
            f"no clear link, {counts[okr.NOT_ENOUGH_DATA]} lack data.",
        ),
        (
            "Moving together",
            f"{counts[okr.MOVES_TOGETHER]} of {total}" if total else MISSING,
            "Links whose month-over-month changes correlate (the 90% interval of r of "
            "changes excludes 0): the evidence that survives a shared trend.",
        ),
        (
            "Shared trend only",
            number(counts[okr.SHARED_TREND]),
            "Links with a high r (|r| ≥ 0.5) whose changes do not move together: both series "
            "trend, which is not evidence of a link.",
        ),
        (
            "Claims without data",
            number(counts[okr.NOT_ENOUGH_DATA]),
            "Links with fewer than 6 months measured on both sides, so the claim cannot be "
            "checked against the data.",
        ),
    ]


def link_rows(
    links: pd.DataFrame,
    product_names: Mapping[str, str],
    backing: Mapping[tuple[str, str], str] | None = None,
) -> pd.DataFrame:
    """Every link as one table row, led by its verdict, strongest evidence first.

    links: `report.link_strengths` rows. backing: what backs a causal claim, by
    (product_id, metric) (default: okr.causal_backing without release effects).
    Columns: Verdict, Product, Link (metric → key result), Claim (what was claimed and
    what the data says), r, r of changes, Months (pairs behind r / behind r of changes).
    """
    columns = ["Verdict", "Product", "Link", "Claim", "r", "r of changes", "Months"]
    if links.empty:
        return pd.DataFrame(columns=columns)
    order = {v: i for i, v in enumerate(VERDICT_ORDER)}
    frame = links.assign(
        _order=[order[verdict_of(v)] for v in links.get("verdict", [None] * len(links))],
        _name=[str(product_names.get(p, p)).lower() for p in links["product_id"]],
    ).sort_values(["_order", "_name", "metric"], kind="stable")
    rows = []
    for link in frame.itertuples():
        judged = verdict_of(getattr(link, "verdict", None))
        cause = (backing or {}).get((str(link.product_id), str(link.metric)))
        if link.evidence == okr.CAUSAL and cause is None:
            cause = okr.causal_backing(str(link.metric))
        r_changes = getattr(link, "r_changes", None)
        months_changes = getattr(link, "months_changes", None)
        rows.append(
            {
                "Verdict": VERDICT_LABELS[judged],
                "Product": str(product_names.get(link.product_id, link.product_id)),
                "Link": f"{metric_label(str(link.metric))} → {link.kr_title}",
                "Claim": okr.evidence_text(str(link.evidence), judged, cause),
                "r": MISSING if _missing(link.r) else f"{float(link.r):.2f}".replace("-", "−"),
                "r of changes": MISSING
                if not _finite(r_changes)
                else f"{float(r_changes):.2f}".replace("-", "−"),
                "Months": _months_text(link.months, months_changes),
            }
        )
    return pd.DataFrame(rows, columns=columns)


def _months_text(months: object, months_changes: object) -> str:
    """'22 / 21': the pairs behind r and behind r of changes."""
    if not _finite(months):
        return MISSING
    text = str(int(float(months)))
    if _finite(months_changes):
        text += f" / {int(float(months_changes))}"
    return text


def guardrail_value_text(dimension: str, value: object, responses: object) -> str:
    """A guardrail's current value; an NPS carries its n: '+38 (n=412)'."""
    text = heart_value_text(dimension, value)
    if dimension == "happiness" and text != MISSING and _finite(responses):
        text += f" (n={int(float(responses)):,})"
    return text
