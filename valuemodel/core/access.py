"""Who may change data: editors listed by email or domain. Pure.

Settings come from `[access] editors = ["alice@example.com", "@example.com"]` in
Streamlit's secrets or the VALUEDASH_EDITORS environment variable (comma-separated); an
entry starting with "@" admits a whole domain.

An address only counts when the identity provider says it is verified (the OpenID
Connect claim `email_verified` is true): otherwise anyone who can register
`mallory@finance.example.com` at a provider, without owning the mailbox, would match
`@finance.example.com`.
"""

from __future__ import annotations

from collections.abc import Iterable


def parse_editors(raw: str | Iterable[str] | None) -> tuple[str, ...]:
    """Normalized editor entries (lower case, stripped, empty ones dropped)."""
    if raw is None:
        return ()
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    return tuple(item.strip().lower() for item in items if item and item.strip())


def claim_is_true(value: object) -> bool:
    """Whether an identity claim says yes: True, or the text 'true' (providers differ)."""
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().lower() == "true"


def is_editor(email: str | None, editors: Iterable[str], *, email_verified: object) -> bool:
    """True when `email` is verified and listed, or its domain is listed as '@domain'."""
    if not claim_is_true(email_verified):
        return False
    if not email or "@" not in email:
        return False
    address = email.strip().lower()
    domain = "@" + address.rsplit("@", 1)[1]
    return any(entry in (address, domain) for entry in editors)
