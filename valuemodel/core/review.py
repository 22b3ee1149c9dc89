"""What changed since the last review: a pure comparison of two review snapshots.

A snapshot is the report of DESIGN section 5 as JSON values (`report`), plus what a
review shows beside it: `key_results` ([{kr_id, title, progress}], progress a fraction)
and `notes` ([{product_id, month, metric, author, text}]). `what_changed` lists every
figure that differs, in reading order: the portfolio first, then each product (value,
ROI, payback, HEART index and dimensions, link verdicts, new releases and notes), then
key results. Fields a report lacks (releases before they existed, verdicts) are
skipped, never an error.

Figures are compared at full precision (a frozen review keeps its report unrounded) and
the change is the unrounded difference; a difference smaller than half the last decimal
the report JSON shows for that kind of figure (half a cent, 0.00005 of a ratio) is no
change, since no report could ever show it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from valuemodel.core import releases

PORTFOLIO = "portfolio"

# (path in the buyer block, label, kind) of the money figures compared.
BUYER_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("net_value", "Net value", "money"),
    ("risk_adjusted_savings", "Risk-adjusted savings", "money"),
    ("cost", "Cost", "money"),
    ("roi", "ROI", "fraction"),
    ("payback_months", "Payback", "months"),
)
USER_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("heart_index", "HEART index", "score"),
    ("happiness", "Happiness (NPS)", "nps"),
    ("engagement", "Engagement (days)", "days"),
    ("adoption", "Adoption", "fraction"),
    ("retention", "Retention", "fraction"),
    ("task_success", "Task success", "fraction"),
)
# The decimals the report JSON shows per kind of figure (`valuemodel.present.report_json`);
# a difference under half its last digit is no change.
SHOWN_DIGITS = {"money": 2, "fraction": 4, "months": 2, "score": 1, "nps": 1, "days": 2}
# Figures whose rise is bad news (for the words "improved" / "worsened").
LOWER_IS_BETTER = frozenset({"cost", "payback_months"})


@dataclass(frozen=True)
class Change:
    """One difference. `scope` is a product id or 'portfolio'; `figure` a report field,
    'kr_progress', 'link', 'release' or 'note'; `before`/`after` in the figure's unit
    (None: absent or undefined); `kind`: money, fraction, months, score, nps, days, text,
    event."""

    scope: str
    scope_name: str
    figure: str
    label: str
    before: Any
    after: Any
    kind: str

    @property
    def delta(self) -> float | None:
        """after - before for numbers that both exist, else None."""
        if isinstance(self.before, int | float) and isinstance(self.after, int | float):
            return float(self.after) - float(self.before)
        return None

    @property
    def improved(self) -> bool | None:
        """True when the change is good news, False when bad, None when neither applies."""
        delta = self.delta
        if delta is None or delta == 0:
            return None
        return (delta < 0) if self.figure in LOWER_IS_BETTER else (delta > 0)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(float(value)) else None


def _differs(a: object, b: object, kind: str = "") -> bool:
    x, y = _number(a), _number(b)
    if x is None and y is None:
        undefined = (None, "")
        both_undefined = (a in undefined or isinstance(a, float)) and (
            b in undefined or isinstance(b, float)
        )
        return not both_undefined and a != b
    if x is None or y is None:
        return True
    digits = SHOWN_DIGITS.get(kind)
    tolerance = 1e-9 if digits is None else 0.5 * 10.0**-digits
    return not math.isclose(x, y, rel_tol=1e-9, abs_tol=tolerance)


def _products(report: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(p["product_id"]): p for p in report.get("products") or []}


def _figures(
    scope: str,
    name: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    figures: Sequence[tuple[str, str, str]],
) -> list[Change]:
    out = []
    for key, label, kind in figures:
        a = (before or {}).get(key)
        b = (after or {}).get(key)
        if before is not None and after is not None and key not in before and key not in after:
            continue
        if _differs(a, b, kind):
            out.append(Change(scope, name, key, label, a, b, kind))
    return out


def _link_key(link: Mapping[str, Any]) -> tuple[str, str]:
    return (str(link.get("kr_id")), str(link.get("metric")))


def _link_verdict(link: Mapping[str, Any]) -> str | None:
    verdict = link.get("verdict")
    return str(verdict) if verdict is not None else None


def _links(
    scope: str, name: str, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[Change]:
    old = {_link_key(link): link for link in before.get("okr_links") or []}
    new = {_link_key(link): link for link in after.get("okr_links") or []}
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        label = f"Link {key[1]} → {key[0]}"
        if a is None or b is None:
            out.append(
                Change(
                    scope,
                    name,
                    "link",
                    label,
                    None if a is None else (_link_verdict(a) or a.get("evidence")),
                    None if b is None else (_link_verdict(b) or b.get("evidence")),
                    "text",
                )
            )
            continue
        if "verdict" in a or "verdict" in b:
            if _link_verdict(a) != _link_verdict(b):
                out.append(
                    Change(scope, name, "link", label, _link_verdict(a), _link_verdict(b), "text")
                )
        elif a.get("evidence") != b.get("evidence"):
            out.append(
                Change(scope, name, "link", label, a.get("evidence"), b.get("evidence"), "text")
            )
    return out


# Release verdicts worth reading out (DESIGN section 4, "Releases").
TOLD_VERDICTS = (releases.IMPROVED, releases.WORSE, releases.HURT)


def _release_verdicts(release: Mapping[str, Any]) -> str:
    """'adoption improved; task success hurt' from a release's `effects` ('' for none)."""
    return "; ".join(
        f"{str(e.get('metric', '')).replace('_', ' ')} {e.get('verdict')}"
        for e in release.get("effects") or []
        if e.get("verdict") in TOLD_VERDICTS
    )


def _releases(
    scope: str, name: str, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[Change]:
    if "releases" not in after:
        return []
    known = {str(r.get("release_id")) for r in before.get("releases") or []}
    out = []
    for release in after.get("releases") or []:
        if str(release.get("release_id")) not in known:
            title = str(release.get("title") or release.get("release_id"))
            said = _release_verdicts(release)
            out.append(
                Change(
                    scope,
                    name,
                    "release",
                    "New release",
                    None,
                    f"{release.get('released_on', '')} {title}".strip()
                    + (f" ({said})" if said else ""),
                    "event",
                )
            )
    return out


def note_key(note: Mapping[str, Any]) -> tuple[str, str, str, str, str]:
    """The natural key of a note (DESIGN section 3)."""
    return (
        str(note.get("product_id")),
        str(note.get("month")),
        str(note.get("metric") or ""),
        str(note.get("author")),
        str(note.get("text")),
    )


def what_changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """Every difference from snapshot `before` (the review) to `after` (today)."""
    old_report: Mapping[str, Any] = before.get("report") or {}
    new_report: Mapping[str, Any] = after.get("report") or {}
    changes: list[Change] = []
    changes += _figures(
        PORTFOLIO,
        "Portfolio",
        (old_report.get("portfolio") or {}).get("buyer"),
        (new_report.get("portfolio") or {}).get("buyer"),
        BUYER_FIGURES,
    )
    old_products, new_products = _products(old_report), _products(new_report)
    old_notes = {note_key(n) for n in before.get("notes") or []}
    new_notes_by_product: dict[str, list[Mapping[str, Any]]] = {}
    for note in after.get("notes") or []:
        if note_key(note) not in old_notes:
            new_notes_by_product.setdefault(str(note.get("product_id")), []).append(note)
    for pid in sorted(set(old_products) | set(new_products)):
        a, b = old_products.get(pid), new_products.get(pid)
        name = str((b or a or {}).get("name") or pid)
        if a is None or b is None:
            changes.append(
                Change(
                    pid,
                    name,
                    "product",
                    "Product",
                    None if a is None else "in the review",
                    None if b is None else "in the report",
                    "text",
                )
            )
            if b is None:
                continue
        changes += _figures(pid, name, (a or {}).get("buyer"), b.get("buyer"), BUYER_FIGURES)
        changes += _figures(pid, name, (a or {}).get("user"), b.get("user"), USER_FIGURES)
        changes += _links(pid, name, a or {}, b)
        changes += _releases(pid, name, a or {}, b)
        for note in new_notes_by_product.pop(pid, []):
            changes.append(Change(pid, name, "note", "New note", None, dict(note), "event"))
    for pid, extra in sorted(new_notes_by_product.items()):
        for note in extra:
            changes.append(Change(pid, pid, "note", "New note", None, dict(note), "event"))
    old_kr = {str(k["kr_id"]): k for k in before.get("key_results") or []}
    new_kr = {str(k["kr_id"]): k for k in after.get("key_results") or []}
    for kr_id in sorted(set(old_kr) | set(new_kr)):
        a_kr, b_kr = old_kr.get(kr_id, {}), new_kr.get(kr_id, {})
        if _differs(a_kr.get("progress"), b_kr.get("progress"), "fraction"):
            title = str(b_kr.get("title") or a_kr.get("title") or kr_id)
            changes.append(
                Change(
                    kr_id,
                    title,
                    "kr_progress",
                    "Key result progress",
                    a_kr.get("progress"),
                    b_kr.get("progress"),
                    "fraction",
                )
            )
    return changes


def snapshot(
    report: Mapping[str, Any],
    *,
    key_results: Iterable[Mapping[str, Any]] = (),
    notes: Iterable[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """A snapshot as `what_changed` reads it."""
    return {"report": report, "key_results": list(key_results), "notes": list(notes)}
