"""Editor rules: who may change data when sign-in is configured."""

from __future__ import annotations

from functools import partial

from valuemodel.core import access
from valuemodel.core.access import parse_editors

is_editor = partial(access.is_editor, email_verified=True)


def test_an_editor_listed_by_address_may_edit_case_insensitively():
    assert is_editor("Alice@Example.com", parse_editors("alice@example.com"))


def test_a_domain_entry_admits_everyone_in_that_domain_only():
    editors = parse_editors(["@example.com"])
    assert is_editor("bob@example.com", editors)
    assert not is_editor("bob@example.com.evil.org", editors)
    assert not is_editor("bob@notexample.com", editors)


def test_nobody_edits_when_no_editor_is_configured():
    assert not is_editor("alice@example.com", parse_editors(None))
    assert not is_editor("alice@example.com", parse_editors(" , "))


def test_a_missing_or_malformed_email_never_edits():
    editors = parse_editors("alice@example.com, @example.com")
    assert not is_editor(None, editors)
    assert not is_editor("", editors)
    assert not is_editor("example.com", editors)


def test_an_unverified_address_never_edits_even_in_a_listed_domain():
    editors = parse_editors(["@finance.example.com", "pm@example.com"])
    for claim in (False, None, "false", "", 0):
        assert not access.is_editor("mallory@finance.example.com", editors, email_verified=claim)
        assert not access.is_editor("pm@example.com", editors, email_verified=claim)


def test_a_verified_claim_may_be_true_or_the_text_true():
    editors = parse_editors(["@finance.example.com"])
    assert access.is_editor("ann@finance.example.com", editors, email_verified=True)
    assert access.is_editor("ann@finance.example.com", editors, email_verified="true")
