"""Frozen reviews: store and read a snapshot of what a review showed, exactly as it was.

A review keeps the report at full precision (`report_exact_json`: the shape of the
report JSON, nothing rounded) as the JSON text it was written as, the monthly series and
key-result progress behind the pack's charts, the plan (if any), the notes and the brief's
PDF bytes, with who froze it and when. Nothing in it is recomputed on reopening, so new
data never changes a frozen review.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from valuemodel.core import okr, review
from valuemodel.core.months import Period
from valuemodel.core.plan import check_plan_name
from valuemodel.core.scenario import AUTHOR_MAX, clean_label
from valuemodel.data import metrics_frames, notes, queries, store


class ReviewConflict(ValueError):
    """A review name already taken: frozen reviews are never overwritten."""


@dataclass(frozen=True)
class Snapshot:
    """What a review shows, as JSON values: report (DESIGN section 5's shape, at full
    precision for reviews frozen since reviews kept it; rounded before), series (monthly
    flows and HEART values per product, 'YYYY-MM'), key_results ([{kr_id, title,
    progress, status}]), notes ([{product_id, month, metric, author, text, created_at}])."""

    report: dict[str, Any]
    series: list[dict[str, Any]]
    key_results: list[dict[str, Any]]
    notes: list[dict[str, Any]]

    def for_diff(self) -> dict[str, Any]:
        return review.snapshot(self.report, key_results=self.key_results, notes=self.notes)


@dataclass(frozen=True)
class FrozenReview:
    """A stored review; `snapshot` is exactly what was frozen."""

    review_id: int
    name: str
    product_id: str | None
    period: Period
    snapshot: Snapshot
    plan: dict[str, Any] | None
    brief_pdf: bytes
    author: str
    created_at: dt.datetime


def _json_ready(value: Any) -> Any:
    if isinstance(value, float) and value != value:  # NaN
        return None
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {key: _json_ready(value) for key, value in row.items()} for row in frame.to_dict("records")
    ]


def current_snapshot(
    engine: Engine, period: Period, product_id: str | None, report: dict[str, Any]
) -> Snapshot:
    """Today's snapshot of a selection, around an already built `report`."""
    series = metrics_frames.review_series(engine, period, product_id)
    measurements = store.fetch_kr_measurements(engine)
    measurements = measurements[measurements["month"] <= pd.Timestamp(f"{period.last}-01")]
    key_results = store.fetch_key_results(engine)
    linked = store.fetch_links(engine, product_id)
    if product_id is not None:
        key_results = key_results[key_results["kr_id"].isin(set(linked["kr_id"]))]
    table = okr.key_result_table(key_results, store.fetch_objectives(engine), measurements)
    kr_rows = [
        {
            "kr_id": row["kr_id"],
            "title": row["title"],
            "progress": _json_ready(row["progress"]),
            "status": row["status"],
        }
        for row in table.to_dict("records")
    ]
    own_notes = notes.fetch_notes(engine, period.first, period.last, product_id)
    note_rows = _records(own_notes.drop(columns=["note_id"]))
    return Snapshot(report=report, series=_records(series), key_results=kr_rows, notes=note_rows)


def save_review(
    engine: Engine,
    *,
    name: str,
    product_id: str | None,
    period: Period,
    snapshot: Snapshot,
    plan: dict[str, Any] | None,
    brief_pdf: bytes,
    author: str,
) -> int:
    """Freeze a review under `name`; ReviewConflict when the name is taken (a frozen
    review is never replaced), ValueError for a bad name or author."""
    try:
        clean = check_plan_name(name)
    except ValueError as exc:
        raise ValueError(str(exc).replace("plan name", "review name")) from None
    binds = {
        "review_name": clean,
        "name": clean,
        "product_id": product_id,
        "month_from": period.first,
        "month_to": period.last,
        "report": json.dumps(snapshot.report, allow_nan=False),
        "series": json.dumps(
            {"monthly": snapshot.series, "key_results": snapshot.key_results}, allow_nan=False
        ),
        "plan": None if plan is None else json.dumps(plan, allow_nan=False),
        "notes": json.dumps(snapshot.notes, allow_nan=False),
        "brief_pdf": brief_pdf,
        "author": clean_label(author, "author label", AUTHOR_MAX, required=False),
    }
    binds.pop("review_name")
    with engine.begin() as conn:
        review_id = conn.execute(queries.q("review_insert"), binds).scalar()
    if review_id is None:
        raise ReviewConflict(
            f"a review named {clean!r} is already frozen; frozen reviews are never replaced, "
            "so choose another name"
        )
    return int(review_id)


def fetch_reviews(engine: Engine) -> pd.DataFrame:
    """Frozen reviews, newest first. Columns: review_id, name, product_id, month_from,
    month_to, author, created_at, has_plan, notes (count)."""
    return store._frame(engine, "review_list")


def latest_review_name(engine: Engine) -> str | None:
    """The newest frozen review's name, or None."""
    frame = store._frame(engine, "review_latest_name")
    return None if frame.empty else str(frame.iloc[0]["name"])


def fetch_review(engine: Engine, name: str) -> FrozenReview | None:
    """A frozen review by name, exactly as stored, or None."""
    frame = store._frame(engine, "review_get", review_name=name)
    if frame.empty:
        return None
    row = frame.iloc[0]
    series = json.loads(row["series"])
    return FrozenReview(
        review_id=int(row["review_id"]),
        name=str(row["name"]),
        product_id=None if row["product_id"] is None else str(row["product_id"]),
        period=Period(str(row["month_from"]), str(row["month_to"])),
        snapshot=Snapshot(
            report=json.loads(row["report"]),
            series=list(series.get("monthly") or []),
            key_results=list(series.get("key_results") or []),
            notes=json.loads(row["notes"]),
        ),
        plan=None if row["plan"] is None else json.loads(row["plan"]),
        brief_pdf=bytes(row["brief_pdf"]),
        author=str(row["author"]),
        created_at=row["created_at"],
    )


def delete_review(engine: Engine, name: str) -> bool:
    """Delete a frozen review; True when it existed."""
    with engine.begin() as conn:
        done = conn.execute(queries.q("review_delete"), {"review_name": name}).scalar()
    return done is not None


def previous_review_name(engine: Engine, name: str) -> str | None:
    """The newest review of the same selection frozen before `name`, or None."""
    frame = store._frame(engine, "review_previous_name", review_name=name)
    return None if frame.empty else str(frame.iloc[0]["name"])
