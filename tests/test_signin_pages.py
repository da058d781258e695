"""AppTest: the router's gate. Before signing in every address shows the sign-in screen alone; a
person the identity provider knows but the workspace does not is told whom to ask; a page a role
may not open shows why instead of the page; the sidebar says who is signed in."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import access
from dashboard.store import Store, audit, users
from dashboard.ui import gate
from tests.apptest import app, texts

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a test secret, long enough to sign with",
    "client_id": "dashboard",
    "client_secret": "not a secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def person(store: Store, email: str, role: str, teams: tuple[int, ...] = ()) -> access.Principal:
    """A user made with the store, as the principal the pages would resolve for them."""
    user_id = users.create(store, email, role, teams=teams)
    with store.cursor() as cur:
        return users.principal(cur, user_id)


def signed_in_line(at: AppTest) -> list[str]:
    """The "who am I" line of the sidebar, as text."""
    bodies = [str(e.proto.body) for e in at.sidebar.get("html")]
    return [html.unescape(m) for b in bodies for m in re.findall(r'<p class="tpd-who">(.*?)</p>', b)]


def html_of(at: AppTest) -> str:
    return " ".join(str(e.proto.body) for e in at.get("html"))


def test_before_signing_in_every_page_shows_only_a_link_to_the_sign_in_form(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DASHBOARD_AUTH", "local")
    at = app(demo_store.path, monkeypatch)
    at.context["url"] = "http://localhost:8501/upload?cycle=2"
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in"]
    assert 'href="/auth/sign-in?next=%2Fupload%3Fcycle%3D2"' in html_of(at)
    assert at.metric.len == 0 and at.file_uploader.len == 0 and signed_in_line(at) == []


def test_under_single_sign_on_the_sign_in_screen_offers_the_identity_provider(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DASHBOARD_AUTH", "oidc")
    at = app(demo_store.path, monkeypatch)
    at.secrets["auth"] = AUTH
    at.run()
    assert [t.value for t in at.title] == ["Sign in"]
    assert [b.label for b in at.button] == ["Sign in with single sign-on"]


def test_single_sign_on_without_its_settings_says_what_is_missing(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DASHBOARD_AUTH", "oidc")
    at = app(demo_store.path, monkeypatch).run()
    assert texts(at, "error") == [
        "Single sign-on is switched on but not set up: the [auth] section of .streamlit/secrets.toml is "
        "missing. Ask whoever runs this server."
    ]
    assert at.button.len == 0


def test_a_person_the_provider_signed_in_without_an_account_is_told_whom_to_ask(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DASHBOARD_AUTH", "oidc")
    at = app(demo_store.path, monkeypatch)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "zoe@example.org"}
    at.run()
    assert [t.value for t in at.title] == ["No access yet"]
    assert texts(at, "warning") == [
        "You do not have access to this workspace yet. Ask an admin to add **zoe@example.org**."
    ]
    assert [b.label for b in at.button] == ["Sign out"]


def test_with_a_single_sign_on_role_a_newcomer_gets_a_viewer_account_on_first_visit(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DASHBOARD_AUTH", "oidc")
    monkeypatch.setenv("DASHBOARD_SSO_ROLE", "viewer")
    monkeypatch.setenv("DASHBOARD_SSO_DOMAINS", "example.org")
    path = demo_store.path
    demo_store.close()
    at = app(path, monkeypatch)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "Zoe@Example.org", "email_verified": True}
    at.run()
    assert not at.exception
    assert signed_in_line(at)[0] == "Signed in as zoe@example.org · Viewer"
    assert at.metric.len > 0  # the Overview itself
    with Store(path) as store:
        assert users.listing(store)[["email", "role"]].values.tolist() == [["zoe@example.org", "viewer"]]
        log = audit.entries(store, kind="users")
        assert log[["actor", "kind", "action", "detail"]].values.tolist() == [
            ["single sign-on", "users", "user added", "zoe@example.org as viewer"]
        ]


def test_a_single_sign_on_role_of_admin_is_refused_and_no_page_opens(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DASHBOARD_AUTH", "oidc")
    monkeypatch.setenv("DASHBOARD_SSO_ROLE", "admin")
    at = app(demo_store.path, monkeypatch)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "zoe@example.org"}
    at.run()
    assert texts(at, "error") == [
        "This server's sign-in setting is wrong, so no page can open: "
        "DASHBOARD_SSO_ROLE must be one of viewer, editor, facilitator, not 'admin'"
    ]
    assert at.metric.len == 0


def test_a_viewer_opening_the_upload_page_by_its_address_is_told_they_have_no_access(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DASHBOARD_AUTH", "local")
    viewer = person(demo_store, "vic@example.org", "viewer")
    with access.everywhere_as(viewer):
        at = app(demo_store.path, monkeypatch).run()
        at.switch_page("pages/upload.py").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["No access"]
    assert texts(at, "warning") == [
        "You do not have access to this page (Upload surveys): this needs the editor role; your role is viewer."
    ]
    assert at.file_uploader.len == 0
    assert signed_in_line(at) == ["Signed in as vic@example.org · Viewer"]


@pytest.mark.parametrize(
    ("role", "opens"), [("editor", False), ("facilitator", True)], ids=["editor-refused", "facilitator-opens"]
)
def test_only_a_facilitator_or_an_admin_opens_the_workshop_page(
    role: str, opens: bool, demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DASHBOARD_AUTH", "local")
    who = person(demo_store, "fay@example.org", role)
    with access.everywhere_as(who):
        at = app(demo_store.path, monkeypatch).run()
        at.switch_page("pages/workshop.py").run()
    assert not at.exception
    assert ([t.value for t in at.title] != ["No access"]) is opens


@pytest.mark.parametrize("page", sorted(access.PAGE_NEEDS))
@pytest.mark.parametrize("role", access.ROLES)
def test_the_menu_lists_exactly_the_pages_a_role_may_open(role: str, page: str):
    who = access.Principal("x@example.org", role, "user", 1)
    expected = access.ROLES.index(role) >= access.ROLES.index(access.NEEDS[access.PAGE_NEEDS[page]])
    assert gate.shown(who, page) == ("visible" if expected else "hidden")


def test_open_mode_says_so_where_the_signed_in_line_would_be(demo_db: Path, monkeypatch: pytest.MonkeyPatch):
    at = app(demo_db, monkeypatch).run()
    assert signed_in_line(at) == ["Open mode: everyone acts as admin"]
    assert "Sign out" not in html_of(at)


def test_a_signed_in_local_user_signs_out_with_a_form_posted_to_the_sign_out_route(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DASHBOARD_AUTH", "local")
    editor = person(demo_store, "eve@example.org", "editor")
    with access.everywhere_as(editor):
        at = app(demo_store.path, monkeypatch).run()
    assert signed_in_line(at) == ["Signed in as eve@example.org · Editor"]
    assert html_of(at).count('<form method="post" action="/auth/sign-out"') == 2  # sidebar and phone top bar
