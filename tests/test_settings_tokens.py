"""AppTest: the Settings page makes a token, shows it once, lists it without its secret, and revokes it."""

from __future__ import annotations

import pytest

from dashboard import access, safe
from dashboard.store import Store, tokens, users
from tests.apptest import click, open_page, widget


def test_a_token_made_on_the_settings_page_is_shown_once_and_works(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    path = demo_store.path
    demo_store.close()
    at = open_page(path, monkeypatch, "pages/settings.py")
    widget(at.text_input, "Name of the program or person using it").input("reporting")
    widget(at.selectbox, "Role of the token").select("viewer")
    click(at, "Make a token")
    shown = [c.value for c in at.code]
    assert len(shown) == 1 and shown[0].startswith("tpd_")
    with Store(path) as store:
        assert tokens.holder(store, shown[0]) == access.Principal("token reporting", "viewer", "token")
        assert tokens.listing(store)["name"].tolist() == ["reporting"]
    at.run()
    assert [c.value for c in at.code] == []  # shown once only


def test_a_token_is_revoked_from_the_settings_page(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    token = tokens.create(demo_store, "old script", "facilitator")
    path = demo_store.path
    demo_store.close()
    at = open_page(path, monkeypatch, "pages/settings.py")
    click(at, "Revoke “old script”")
    with Store(path) as store:
        assert tokens.holder(store, token) is not None  # asked first, nothing revoked yet
    click(at, "Revoke it")
    # The message quotes a name someone typed, so it reaches Markdown escaped.
    assert [s.value for s in at.success] == [safe.md("Revoked the token “old script”.")]
    with Store(path) as store:
        assert tokens.holder(store, token) is None


def test_an_admin_makes_a_token_for_a_person_with_at_most_their_role(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DASHBOARD_AUTH", "local")
    admin_id = users.create(demo_store, "ada@example.org", "admin")
    users.create(demo_store, "vic@example.org", "viewer", cycles=(2,))
    with demo_store.cursor() as cur:
        admin = users.principal(cur, admin_id)
    path = demo_store.path
    demo_store.close()
    with access.everywhere_as(admin):
        at = open_page(path, monkeypatch, "pages/settings.py")
        owner = widget(at.selectbox, "The token belongs to")
        assert (owner.options, owner.value) == (["ada@example.org", "vic@example.org"], "ada@example.org")
        owner.select("vic@example.org").run()
        assert widget(at.selectbox, "Role of the token").options == [access.ROLE_LABELS["viewer"]]
        widget(at.text_input, "Name of the program or person using it").input("vic's report")
        click(at, "Make a token")
    shown = [c.value for c in at.code]
    with Store(path) as store:
        assert tokens.holder(store, shown[0]) == access.Principal(
            "token vic's report (made by ada@example.org) of vic@example.org",
            "viewer",
            "token",
            2,
            frozenset({2}),
            frozenset(),
        )
        assert tokens.listing(store)[["name", "role", "user"]].values.tolist() == [
            ["vic's report (made by ada@example.org)", "viewer", "vic@example.org"]
        ]
