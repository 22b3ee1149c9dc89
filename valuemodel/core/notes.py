"""Notes: a short text an editor attaches to a product's month (and optionally one
metric), with author and time. Pure checks; the text is stored bound and always shown
as text, never as markup."""

from __future__ import annotations

import re
from dataclasses import dataclass

from valuemodel.core.contract import NOTE_AUTHOR_MAX, NOTE_METRICS, NOTE_TEXT_MAX

_MONTH = re.compile(r"^(20\d{2}|2100)-(0[1-9]|1[0-2])$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
METRIC_LABELS = {
    "": "the month",
    "happiness": "Happiness",
    "engagement": "Engagement",
    "adoption": "Adoption",
    "retention": "Retention",
    "task_success": "Task success",
    "savings": "Savings",
    "cost": "Cost",
}


@dataclass(frozen=True)
class Note:
    """A checked note: month 'YYYY-MM'; metric '' when about the whole month."""

    product_id: str
    month: str
    metric: str
    author: str
    text: str


def check_note(*, product_id: str, month: str, metric: str | None, author: str, text: str) -> Note:
    """The note, trimmed; ValueError saying what is wrong (nothing is stored then)."""
    product = (product_id or "").strip()
    if not product:
        raise ValueError("choose the product the note is about")
    month = (month or "").strip()
    if not _MONTH.match(month):
        raise ValueError(f"the month {month[:20]!r} is not a month between 2000-01 and 2100-12")
    metric = (metric or "").strip()
    if metric and metric not in NOTE_METRICS:
        raise ValueError(f"the metric must be one of {', '.join(NOTE_METRICS)} or empty")
    author = (author or "").strip()
    if not author:
        raise ValueError("the author is empty; type who wrote the note")
    if len(author) > NOTE_AUTHOR_MAX:
        raise ValueError(f"the author is longer than {NOTE_AUTHOR_MAX} characters")
    text = (text or "").strip()
    if not text:
        raise ValueError("the note is empty; type what happened")
    if len(text) > NOTE_TEXT_MAX:
        raise ValueError(f"the note is longer than {NOTE_TEXT_MAX} characters ({len(text)})")
    for what, value in (("author", author), ("note", text)):
        if _CONTROL.search(value):
            raise ValueError(f"the {what} contains control characters")
    return Note(product, month, metric, author, text)
