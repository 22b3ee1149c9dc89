"""Sign-in and editor rights when an [auth] section is configured."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import APP

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "not-a-real-secret-but-long-enough",
    "client_id": "valuedash",
    "client_secret": "x",
    "server_metadata_url": "https://accounts.example.com/.well-known/openid-configuration",
}


def _app(user: dict | None = None, editors: list[str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["auth"] = AUTH
    if editors is not None:
        at.secrets["access"] = {"editors": editors}
    if user is not None:
        at.user = user
    return at


def test_without_auth_the_sidebar_says_local_single_user_mode(app_env):
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert any("Local single-user mode" in c.value for c in at.sidebar.caption)
    assert at.session_state["access"].can_edit


def test_with_auth_a_signed_out_viewer_sees_only_the_sign_in_prompt(app_env):
    at = _app(user={"is_logged_in": False}).run()
    assert not at.exception
    assert any(b.label == "Sign in" for b in at.button)
    assert not at.metric and not at.dataframe and not at.table  # no figures before sign-in


def test_a_signed_in_viewer_who_is_not_an_editor_cannot_edit(app_env):
    at = _app(
        {"is_logged_in": True, "email": "vp@example.com", "email_verified": True},
        ["pm@example.com"],
    ).run()
    assert not at.exception
    rights = at.session_state["access"]
    assert not rights.can_edit and "editors" in rights.reason
    assert any("Signed in as vp@example.com (viewer)" in c.value for c in at.sidebar.caption)


def test_a_signed_in_editor_can_edit(app_env):
    at = _app(
        {"is_logged_in": True, "email": "pm@example.com", "email_verified": True},
        ["pm@example.com"],
    ).run()
    assert at.session_state["access"].can_edit


def test_a_signed_in_identity_without_a_verified_email_is_not_an_editor(app_env):
    # AppTest's seeded user, signed in, in a listed domain, but not verified.
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["auth"] = AUTH
    at.secrets["access"] = {"editors": ["@finance.example.com"]}
    at.user = {
        "is_logged_in": True,
        "email": "mallory@finance.example.com",
        "email_verified": False,
    }
    at.run()
    assert not at.exception
    rights = at.session_state["access"]
    assert not rights.can_edit
    assert "verified" in rights.reason
    assert any("(viewer)" in c.value for c in at.sidebar.caption)
