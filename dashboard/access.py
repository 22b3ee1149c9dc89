"""What this viewer may do: sign-in (when configured), editor rights, database rights.

Without an `[auth]` section the app runs in local single-user mode (a visible notice).
With it, viewers sign in through `st.login` (OpenID Connect); only editors listed in the
settings import data, change assumptions or save shared scenarios. A read-only
DATABASE_URL disables every writing feature with an explanation, whoever is signed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import streamlit as st

from dashboard import data
from valuemodel.core import access
from valuemodel.data import settings as config
from valuemodel.data import store


@dataclass(frozen=True)
class Access:
    """can_edit: writing features are enabled; reason: why not, in plain words."""

    can_edit: bool
    reason: str | None
    auth_configured: bool
    user_email: str | None


def _secret(section: str) -> dict[str, object] | None:
    try:
        value = st.secrets.get(section)
    except Exception:  # noqa: BLE001 - no secrets file is the normal case
        return None
    return dict(value) if value else None


def auth_configured() -> bool:
    return _secret("auth") is not None


def editors() -> tuple[str, ...]:
    configured = _secret("access") or {}
    # st.secrets is TOML: `editors` is a list of addresses (or one comma-separated text).
    listed = cast("str | list[str] | None", configured.get("editors"))
    raw = listed or config.current().optional("VALUEDASH_EDITORS")
    return access.parse_editors(raw)


@st.cache_data(ttl=60, show_spinner=False)
def database_writable() -> bool:
    return store.fetch_can_write(data.engine())


def current() -> Access:
    """The current viewer's rights for this run."""
    with_auth = auth_configured()
    email = None
    verified: object = False
    if with_auth:
        email = str(st.user.get("email") or "") or None
        verified = st.user.get("email_verified")
    if st.session_state.get("present"):
        return Access(
            False,
            "Presentation mode: editing is hidden. Exit presentation mode to change data.",
            with_auth,
            email,
        )
    if not database_writable():
        return Access(
            False,
            "The database connection is read-only (a viewer role or a replica), so imports, "
            "assumption changes and saved scenarios are disabled. Use a writer DATABASE_URL "
            "to change data.",
            with_auth,
            email,
        )
    if with_auth and email and not access.claim_is_true(verified):
        return Access(
            False,
            "You can view everything; changing data needs an e-mail address your sign-in "
            "provider has verified, and this one is not. Verify it with the provider, then "
            "sign in again.",
            with_auth,
            email,
        )
    if with_auth and not access.is_editor(email, editors(), email_verified=verified):
        return Access(
            False,
            "You can view everything; changing data is reserved for the editors listed in "
            "the app's settings. Ask an owner of this dashboard to add you.",
            with_auth,
            email,
        )
    return Access(True, None, with_auth, email)


def require_sign_in() -> None:
    """With [auth] configured, stop the run until the viewer has signed in."""
    if not auth_configured():
        return
    if st.user.get("is_logged_in"):
        return
    st.title("Value dashboard")
    st.info("Sign in to see the value dashboard.", icon=":material/lock:")
    if st.button("Sign in", type="primary", icon=":material/login:"):
        st.login()
    st.stop()


def sidebar_notice(rights: Access) -> None:
    """A quiet line at the foot of the sidebar (never while presenting) saying who is
    signed in, or that the app is local."""
    with st.sidebar:
        if not rights.auth_configured:
            st.caption(
                ":material/person: Local single-user mode: anyone who can open this app can "
                "change data. Configure `[auth]` to require sign-in (see README)."
            )
        else:
            role = "editor" if rights.can_edit else "viewer"
            st.caption(f":material/person: Signed in as {rights.user_email} ({role}).")
            if st.button("Sign out", key="sign_out"):
                st.logout()
