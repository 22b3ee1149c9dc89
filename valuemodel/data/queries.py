"""Named SQL blocks loaded from `sql/*.sql` (the aiosql convention).

A block starts with `-- name: some_name`, is followed by a one-line `--` comment saying
what it does, and runs until the next `-- name:`. Parameters are `:name` binds; no SQL is
ever assembled from values.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import sqlalchemy as sa

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
_NAME = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


@cache
def _blocks() -> dict[str, str]:
    blocks: dict[str, str] = {}
    for path in sorted(SQL_DIR.rglob("*.sql")):
        text = path.read_text(encoding="utf-8")
        matches = list(_NAME.finditer(text))
        for i, match in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            body = text[match.end() : end].strip()
            name = match.group(1)
            if name in blocks:
                raise ValueError(f"SQL block {name!r} is defined twice (second in {path.name})")
            blocks[name] = body
    return blocks


def names() -> list[str]:
    """Every named block, sorted."""
    return sorted(_blocks())


def sql(name: str) -> str:
    """The SQL text of block `name`."""
    try:
        return _blocks()[name]
    except KeyError:
        raise KeyError(f"no SQL block named {name!r} in {SQL_DIR}") from None


def q(name: str) -> sa.TextClause:
    """Block `name` as a SQLAlchemy text clause with its `:name` binds."""
    return sa.text(sql(name))
