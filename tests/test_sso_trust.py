"""AppTest: whom single sign-on lets in. Roles and accounts come from the workspace; the provider
only vouches for an e-mail address, and only when it says it checked it. A newcomer gets an account
(``DASHBOARD_SSO_ROLE``) only with a checked address in an allowed domain (``DASHBOARD_SSO_DOMAINS``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.store import Store, users
from tests.apptest import app, texts
from tests.test_signin_pages import AUTH, person, signed_in_line

NO_ACCESS = "You do not have access to this workspace yet. Ask an admin to add **{}**."


def visit(path: Path, monkeypatch: pytest.MonkeyPatch, claims: dict[str, object]) -> AppTest:
    """The Overview under single sign-on for someone the provider signed in with these claims."""
    monkeypatch.setenv("DASHBOARD_AUTH", "oidc")
    at = app(path, monkeypatch)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, **claims}
    return at.run()


def accounts_in(path: Path) -> list[list[str]]:
    with Store(path) as store:
        return users.listing(store)[["email", "role"]].values.tolist()


@pytest.mark.parametrize("verified", [False, "false"], ids=["false", "false-as-text"])
def test_an_address_the_provider_did_not_check_opens_no_page_even_with_an_account(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch, verified: object
):
    person(demo_store, "ann@example.org", "admin")
    at = visit(demo_store.path, monkeypatch, {"email": "ann@example.org", "email_verified": verified})
    assert [t.value for t in at.title] == ["No access yet"]
    assert texts(at, "warning") == [NO_ACCESS.format("ann@example.org")]
    assert (at.metric.len, signed_in_line(at)) == (0, [])


def test_an_account_holder_whose_provider_sends_no_email_verified_claim_gets_in(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    person(demo_store, "ann@example.org", "viewer")
    at = visit(demo_store.path, monkeypatch, {"email": "ann@example.org"})
    assert signed_in_line(at) == ["Signed in as ann@example.org · Viewer"]


@pytest.mark.parametrize(
    ("claims", "domains"),
    [
        ({"email": "zoe@example.org"}, "example.org"),
        ({"email": "zoe@example.org", "email_verified": False}, "example.org"),
        ({"email": "zoe@gmail.example", "email_verified": True}, "example.org, example.com"),
    ],
    ids=["no-email-verified-claim", "unchecked-address", "domain-not-allowed"],
)
def test_a_newcomer_gets_no_account_without_a_checked_address_in_an_allowed_domain(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, claims: dict[str, object], domains: str
):
    path = tmp_path / "copy.duckdb"
    path.write_bytes(demo_db.read_bytes())
    monkeypatch.setenv("DASHBOARD_SSO_ROLE", "viewer")
    monkeypatch.setenv("DASHBOARD_SSO_DOMAINS", domains)
    at = visit(path, monkeypatch, claims)
    assert [t.value for t in at.title] == ["No access yet"]
    assert accounts_in(path) == []


def test_any_domain_is_allowed_only_when_said_with_a_star(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "copy.duckdb"
    path.write_bytes(demo_db.read_bytes())
    monkeypatch.setenv("DASHBOARD_SSO_ROLE", "viewer")
    monkeypatch.setenv("DASHBOARD_SSO_DOMAINS", "*")
    at = visit(path, monkeypatch, {"email": "zoe@gmail.example", "email_verified": "true"})
    assert signed_in_line(at) == ["Signed in as zoe@gmail.example · Viewer"]
    assert accounts_in(path) == [["zoe@gmail.example", "viewer"]]


def test_a_single_sign_on_role_without_domains_is_refused_and_no_page_opens(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DASHBOARD_SSO_ROLE", "viewer")
    monkeypatch.delenv("DASHBOARD_SSO_DOMAINS", raising=False)
    at = visit(demo_store.path, monkeypatch, {"email": "zoe@example.org", "email_verified": True})
    assert texts(at, "error") == [
        "This server's sign-in setting is wrong, so no page can open: DASHBOARD_SSO_ROLE needs "
        "DASHBOARD_SSO_DOMAINS: the e-mail domains whose people get an account by signing in "
        "(example.org,example.com; or * for anyone the provider signs in)"
    ]
    assert at.metric.len == 0
