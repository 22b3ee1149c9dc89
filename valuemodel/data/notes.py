"""Notes on a product's month: read, add, delete (bound parameters only)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy.exc
from sqlalchemy.engine import Engine

from valuemodel.core.notes import Note
from valuemodel.data import queries, store


def fetch_notes(
    engine: Engine, month_from: str, month_to: str, product_id: str | None = None
) -> pd.DataFrame:
    """Notes of one product (all when None) from month_from to month_to ('YYYY-MM'),
    oldest first. Columns: note_id, product_id, month ('YYYY-MM'), metric ('' for the
    whole month), author, text, created_at (UTC)."""
    return store._frame(
        engine,
        "note_list",
        product_id=product_id,
        month_from=store.first_of_month(month_from),
        month_to=store.first_of_month(month_to),
    )


def add_note(engine: Engine, note: Note) -> int:
    """Store a checked note (see `core.notes.check_note`); return its id. Adding the same
    note twice keeps one."""
    try:
        with engine.begin() as conn:
            note_id: int = conn.execute(
                queries.q("note_insert"),
                {
                    "product_id": note.product_id,
                    "month": store.first_of_month(note.month),
                    "metric": note.metric,
                    "author": note.author,
                    "text": note.text,
                },
            ).scalar_one()  # the insert, or the kept note, returns its id
    except sqlalchemy.exc.IntegrityError as exc:
        if getattr(exc.orig, "sqlstate", None) == "23503":
            raise ValueError(f"unknown product {note.product_id[:60]!r}") from None
        raise
    return int(note_id)


def delete_note(engine: Engine, note_id: int) -> bool:
    """Delete a note; True when it existed."""
    with engine.begin() as conn:
        done = conn.execute(queries.q("note_delete"), {"note_id": int(note_id)}).scalar()
    return done is not None
