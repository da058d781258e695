"""API tokens in the store: shown once, stored hashed, roles, revocation, last use; tokens belong
to users and act with at most their user's role and their user's current scope."""

from __future__ import annotations

from datetime import datetime

import pytest

from dashboard import access, domain
from dashboard.store import Store, cycles, groups, tokens, users
from dashboard.touchpoints import TouchpointFields

pytestmark = pytest.mark.both_backends

MOMENT = domain.MOMENT_KEYS[0]


def test_a_new_token_is_returned_once_and_only_its_hash_is_stored(store: Store):
    token = tokens.create(store, "nightly import", "facilitator")
    assert token.startswith("tpd_") and len(token) > 40
    with store.cursor() as cur:
        stored = cur.execute("select name, role, token_hash, user_id from api_token").fetchall()
    assert stored == [("nightly import", "facilitator", tokens.digest(token), None)]
    assert token not in str(tokens.listing(store).to_dict())


def test_a_token_identifies_its_holder_and_records_when_it_was_last_used(store: Store):
    token = tokens.create(store, "reporting", "viewer")
    assert tokens.listing(store)["last_used_at"].isna().tolist() == [True]
    assert tokens.holder(store, token) == access.Principal("token reporting", "viewer", "token")
    assert tokens.listing(store)["last_used_at"].notna().tolist() == [True]


def test_a_tokens_last_use_is_written_at_most_once_a_minute(store: Store):
    def last_used() -> datetime:
        return datetime.fromisoformat(str(tokens.listing(store)["last_used_at"].tolist()[0]))

    token = tokens.create(store, "reporting", "viewer")
    tokens.holder(store, token)
    first = last_used()
    tokens.holder(store, token)
    assert last_used() == first
    with store.cursor() as cur:  # as if that use were a minute and a second ago
        cur.execute("update api_token set last_used_at = last_used_at - interval '61 seconds'")
    tokens.holder(store, token)
    assert last_used() > first


def test_a_wrong_or_revoked_token_identifies_nobody(store: Store):
    token = tokens.create(store, "old", "admin")
    assert tokens.holder(store, token + "x") is None
    tokens.revoke(store, "old")
    assert tokens.holder(store, token) is None
    assert tokens.listing(store)["revoked_at"].notna().tolist() == [True]


@pytest.mark.parametrize(
    ("name", "role", "message"),
    [
        ("", "viewer", "a token needs a name"),
        ("ci", "read", "unknown role 'read'; the roles are viewer, editor, facilitator, admin"),
        ("taken", "viewer", "there is already a token called 'taken' (revoked ones keep their name)"),
    ],
)
def test_a_token_request_the_workspace_refuses_says_why_and_writes_nothing(
    store: Store, name: str, role: str, message: str
):
    tokens.create(store, "taken", "viewer")
    with pytest.raises(tokens.TokenError) as refused:
        tokens.create(store, name, role)
    assert str(refused.value) == message
    assert tokens.listing(store)["name"].tolist() == ["taken"]


def test_revoking_an_unknown_or_revoked_token_is_refused(store: Store):
    tokens.create(store, "ci", "viewer")
    tokens.revoke(store, "ci")
    with pytest.raises(tokens.TokenError, match="^the token 'ci' was already revoked$"):
        tokens.revoke(store, "ci")
    with pytest.raises(tokens.TokenError, match="^there is no token called 'nobody'$"):
        tokens.revoke(store, "nobody")


def test_a_users_token_carries_the_users_current_scope_and_writable_cycles(store: Store):
    north = cycles.create_cycle(store, "North")
    south = cycles.create_cycle(store, "South")
    team = groups.add_team(store, "Field")
    cycles.add_touchpoint(store, north, TouchpointFields("Counter", MOMENT, owner_team_id=team))
    cycles.add_touchpoint(store, south, TouchpointFields("Kiosk", MOMENT))
    ann = users.create(store, "ann@example.org", "editor", teams=[team], cycles=[north, south])
    token = tokens.create(store, "ann's script", "editor", ann)
    assert tokens.holder(store, token) == access.Principal(
        "token ann's script of ann@example.org", "editor", "token", ann, frozenset({north, south}), frozenset({north})
    )
    users.set_scope(store, "ann@example.org", cycles=[north])
    found = tokens.holder(store, token)
    assert found is not None and found.cycles == frozenset({north})


def test_a_token_never_carries_more_than_its_users_role(store: Store):
    bob = users.create(store, "bob@example.org", "editor")
    with pytest.raises(tokens.TokenError, match="^a token has at most its user's role: bob@example.org is editor"):
        tokens.create(store, "too much", "admin", bob)
    assert tokens.listing(store).empty


def test_lowering_a_users_role_lowers_their_stronger_tokens_to_it_and_raising_it_raises_none(store: Store):
    ann = users.create(store, "ann@example.org", "admin")
    for name, role in [("ops", "admin"), ("desk", "facilitator"), ("read", "viewer")]:
        tokens.create(store, name, role, ann)
    users.set_role(store, "ann@example.org", "editor")
    users.set_role(store, "ann@example.org", "admin")
    listed = tokens.listing(store)
    roles = dict(zip(listed["name"], listed["role"], strict=True))
    assert roles == {"ops": "editor", "desk": "editor", "read": "viewer"}


def test_an_admins_lower_token_writes_only_where_the_admins_teams_may(store: Store):
    north = cycles.create_cycle(store, "North")
    field = groups.add_team(store, "Field")
    cycles.add_touchpoint(store, north, TouchpointFields("Counter", MOMENT, owner_team_id=field))
    root = users.create(store, "root@example.org", "admin")
    found = tokens.holder(store, tokens.create(store, "reader", "viewer", root))
    assert found is not None
    assert (found.role, found.writable) == ("viewer", frozenset())


def test_disabling_a_user_stops_their_tokens(store: Store):
    ann = users.create(store, "ann@example.org", "viewer")
    token = tokens.create(store, "ann's", "viewer", ann)
    users.disable(store, "ann@example.org")
    assert tokens.holder(store, token) is None
    with pytest.raises(tokens.TokenError, match="^the user ann@example.org is disabled$"):
        tokens.create(store, "again", "viewer", ann)


def test_outside_open_mode_a_token_needs_a_user(store: Store, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DASHBOARD_AUTH", "local")
    with pytest.raises(tokens.TokenError, match="^name the user the token belongs to"):
        tokens.create(store, "orphan", "viewer")
    assert tokens.listing(store).empty


def test_a_token_of_nobody_stops_working_once_sign_in_is_on(store: Store, monkeypatch: pytest.MonkeyPatch):
    token = tokens.create(store, "from open mode", "admin")
    monkeypatch.setenv("DASHBOARD_AUTH", "local")
    assert tokens.holder(store, token) is None
