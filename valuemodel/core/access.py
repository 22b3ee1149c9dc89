"""Who may change data: editors listed by email or domain. Pure.

Settings come from `[access] editors = ["alice@example.com", "@example.com"]` in
Streamlit's secrets or the VALUEDASH_EDITORS environment variable (comma-separated); an
entry starting with "@" admits a whole domain.
"""

from __future__ import annotations

from collections.abc import Iterable


def parse_editors(raw: str | Iterable[str] | None) -> tuple[str, ...]:
    """Normalized editor entries (lower case, stripped, empty ones dropped)."""
    if raw is None:
        return ()
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    return tuple(item.strip().lower() for item in items if item and item.strip())


def is_editor(email: str | None, editors: Iterable[str]) -> bool:
    """True when `email` is listed, or its domain is listed as '@domain'."""
    if not email or "@" not in email:
        return False
    address = email.strip().lower()
    domain = "@" + address.rsplit("@", 1)[1]
    return any(entry in (address, domain) for entry in editors)
