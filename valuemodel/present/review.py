"""'What changed since the last review' in words: a short table and sentences a PM can
read out. Pure (no streamlit); the text is plain, never markup."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from valuemodel.core.notes import METRIC_LABELS
from valuemodel.core.review import PORTFOLIO, Change
from valuemodel.present.formats import MISSING, money, months, nps, number, percent, score

MAX_SENTENCES = 6


def value_text(value: Any, kind: str, currency: str, *, fine: int = 0) -> str:
    """One value of a change in its unit's format; `fine` (see `fineness`) shows more
    detail, so a small change does not read '20% to 20%'."""
    if value is None:
        return MISSING
    if kind == "money":
        return money(value, currency, compact=not fine)
    if kind == "fraction":
        return percent(value, fine)
    if kind in ("score", "nps") and fine:
        return f"{value:{'+' if kind == 'nps' else ''}.{fine}f}"
    if kind == "months":
        return months(value)
    if kind == "score":
        return score(value)
    if kind == "nps":
        return nps(value)
    if kind == "days":
        return number(value, 1)
    if kind == "event" and isinstance(value, dict):
        return note_text(value)
    return str(value)


def note_text(note: dict[str, Any]) -> str:
    """'2025-11, Happiness, Ana: NPS dipped' (plain text)."""
    metric = METRIC_LABELS.get(str(note.get("metric") or ""), str(note.get("metric")))
    about = f", {metric}" if note.get("metric") else ""
    return f"{note.get('month')}{about}, {note.get('author')}: {note.get('text')}"


def fineness(change: Change, currency: str) -> int:
    """The least extra detail (0, 1 or 2) at which a change's before and after read
    differently: ROI 0.2 -> 0.2004 reads '20.00%' to '20.04%', not '20%' to '20%'; money
    that reads the same in compact form is shown in whole units (fineness 1)."""
    if change.delta is None or change.kind not in ("money", "fraction", "score", "nps"):
        return 0
    steps = (0, 1) if change.kind == "money" else (0, 1, 2)
    for fine in steps:
        before = value_text(change.before, change.kind, currency, fine=fine)
        if before != value_text(change.after, change.kind, currency, fine=fine):
            return fine
    return steps[-1]


def change_text(change: Change, currency: str) -> str:
    """The change itself: '+$1.2M', '+5 pts', '-1.5 months', or '' for events (with the
    detail `fineness` asks for)."""
    delta = change.delta
    if delta is None:
        return ""
    fine = fineness(change, currency)
    if change.kind == "money":
        sign = "+" if delta > 0 else ""
        return sign + money(delta, currency, compact=not fine)
    if change.kind == "fraction":
        return f"{delta * 100:+,.{fine}f} pts"
    if change.kind == "months":
        return f"{delta:+,.1f} months"
    if change.kind in ("score", "nps"):
        return f"{delta:+,.{fine}f}"
    return f"{delta:+,.1f}"


def _values(change: Change, currency: str) -> tuple[str, str]:
    fine = fineness(change, currency)
    return (
        value_text(change.before, change.kind, currency, fine=fine),
        value_text(change.after, change.kind, currency, fine=fine),
    )


def changes_table(changes: Sequence[Change], currency: str) -> pd.DataFrame:
    """Columns: Where, Figure, Review, Today, Change (all text)."""
    return pd.DataFrame(
        [
            {
                "Where": c.scope_name,
                "Figure": c.label,
                "Review": _values(c, currency)[0],
                "Today": _values(c, currency)[1],
                "Change": change_text(c, currency),
            }
            for c in changes
        ],
        columns=["Where", "Figure", "Review", "Today", "Change"],
    )


def _sentence(change: Change, currency: str) -> str:
    where = "The portfolio's" if change.scope == PORTFOLIO else f"{change.scope_name}'s"
    label = change.label if change.label.isupper() else change.label.lower()
    if change.label in ("ROI", "HEART index"):
        label = change.label
    if change.figure == "note":
        return f"New note on {change.scope_name}: {note_text(change.after)}."
    if change.figure == "release":
        return f"{change.scope_name} shipped a release: {change.after}."
    if change.figure == "kr_progress":
        before, after = _values(change, currency)
        return f"Key result '{change.scope_name}' moved from {before} to {after} of its target."
    if change.figure == "link":
        return (
            f"{where} {change.label.lower()} went from {change.before or 'absent'} "
            f"to {change.after or 'absent'}."
        )
    if change.figure == "product":
        state = "is new since the review" if change.before is None else "is no longer reported"
        return f"{change.scope_name} {state}."
    before, after = _values(change, currency)
    if change.delta is None:
        return f"{where} {label} went from {before} to {after}."
    verb = "rose" if change.delta > 0 else "fell"
    return f"{where} {label} {verb} from {before} to {after} ({change_text(change, currency)})."


def _weight(change: Change) -> tuple[int, float]:
    """Reading order: portfolio money first, then the biggest product changes, events."""
    rank = {"portfolio": 0}.get(change.scope, 1)
    if change.figure in ("note", "release", "kr_progress", "link", "product"):
        return (rank + 2, 0.0)
    delta = abs(change.delta or 0.0)
    if change.kind == "fraction":
        delta *= 1e6  # a point of ROI or adoption weighs like a large sum
    return (rank, -delta)


def sentences(changes: Sequence[Change], currency: str, *, limit: int = MAX_SENTENCES) -> list[str]:
    """A few sentences, most important first; the last says how many more are in the table."""
    if not changes:
        return ["Nothing changed since the review: every figure is as it was."]
    ordered = sorted(changes, key=_weight)
    out = [_sentence(c, currency) for c in ordered[:limit]]
    rest = len(ordered) - limit
    if rest > 0:
        out.append(f"{rest} more change{'s' if rest != 1 else ''} in the table.")
    return out


def summary_text(
    changes: Sequence[Change], currency: str, *, review_name: str, review_when: str
) -> str:
    """The summary as plain text (e-mail body, chat message, `review diff --format text`)."""
    lines = [f"What changed since the review '{review_name}' ({review_when}):", ""]
    lines += [f"- {s}" for s in sentences(changes, currency)]
    if changes:
        table = changes_table(changes, currency)
        lines += ["", table.to_string(index=False)]
    return "\n".join(lines)


# ---------------------------------------------------------------- a frozen review's tables

FIGURE_COLUMNS = ["Product", "Net value", "ROI", "Payback", "HEART", "Adoption", "NPS"]
NOTE_FIELDS = ["product_id", "month", "metric", "author", "text", "created_at"]


def figures_table(report: Mapping[str, Any], currency: str) -> pd.DataFrame:
    """A frozen report's figures, one row per product (text cells); a product without a
    user's view shows '—' for its HEART, adoption and NPS."""
    rows = []
    for p in report.get("products", []):
        b, u = p["buyer"], p.get("user") or {}
        rows.append(
            {
                "Product": p["name"],
                "Net value": money(b["net_value"], currency, compact=True),
                "ROI": percent(b["roi"], 0),
                "Payback": months(b["payback_months"]),
                "HEART": score(u.get("heart_index")),
                "Adoption": percent(u.get("adoption"), 0),
                "NPS": nps(u.get("happiness")),
            }
        )
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


def frozen_notes(notes: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The notes kept with a review as a frame of NOTE_FIELDS (a field an older review
    did not keep is missing), ready for `notes.notes_table`."""
    return pd.DataFrame(list(notes), columns=NOTE_FIELDS)


def plan_table(plan: Mapping[str, Any], currency: str) -> pd.DataFrame:
    """The plan kept with a review: each product's pick, NPV and change against today."""
    products = plan["products"]
    return pd.DataFrame(
        {
            "Product": [p["name"] for p in products],
            "Pick": [p["choice"] for p in products],
            "NPV": [money(p["npv"], currency, compact=True) for p in products],
            "Change vs today": [money(p["npv_change"], currency, compact=True) for p in products],
        }
    )


def reviews_table(listed: pd.DataFrame) -> pd.DataFrame:
    """Every frozen review: name, selection ('portfolio' for the whole), period, when
    (UTC) and by whom, whether a plan was kept, how many notes."""
    return pd.DataFrame(
        {
            "Name": listed["name"],
            "Selection": listed["product_id"].fillna("portfolio"),
            "Period": listed["month_from"] + " to " + listed["month_to"],
            "Frozen": pd.to_datetime(listed["created_at"], utc=True).dt.strftime(
                "%Y-%m-%d %H:%M UTC"
            ),
            "By": listed["author"],
            "Plan": listed["has_plan"].map({True: "yes", False: ""}),
            "Notes": listed["notes"],
        }
    )
