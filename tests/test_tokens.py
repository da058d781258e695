"""API tokens in the store: shown once, stored hashed, roles, revocation, last use."""

from __future__ import annotations

import pytest

from dashboard.store import Store, tokens


def test_a_new_token_is_returned_once_and_only_its_hash_is_stored(store: Store):
    token = tokens.create(store, "nightly import", "write")
    assert token.startswith("tpd_") and len(token) > 40
    with store.cursor() as cur:
        stored = cur.execute("select name, role, token_hash from api_token").fetchall()
    assert stored == [("nightly import", "write", tokens.digest(token))]
    assert token not in str(tokens.listing(store).to_dict())


def test_a_token_identifies_its_holder_and_records_when_it_was_last_used(store: Store):
    token = tokens.create(store, "reporting", "read")
    assert tokens.listing(store)["last_used_at"].isna().tolist() == [True]
    assert tokens.holder(store, token) == tokens.Holder("reporting", "read")
    assert tokens.listing(store)["last_used_at"].notna().tolist() == [True]


def test_a_wrong_or_revoked_token_identifies_nobody(store: Store):
    token = tokens.create(store, "old", "admin")
    assert tokens.holder(store, token + "x") is None
    tokens.revoke(store, "old")
    assert tokens.holder(store, token) is None
    assert tokens.listing(store)["revoked_at"].notna().tolist() == [True]


def test_each_role_includes_the_ones_below_it():
    allowed = {r: [w for w in tokens.ROLES if tokens.Holder("x", r).may(w)] for r in tokens.ROLES}
    assert allowed == {"read": ["read"], "write": ["read", "write"], "admin": ["read", "write", "admin"]}


@pytest.mark.parametrize(
    ("name", "role", "message"),
    [
        ("", "read", "a token needs a name"),
        ("ci", "owner", "unknown role 'owner'; the roles are read, write, admin"),
        ("taken", "read", "there is already a token called 'taken' (revoked ones keep their name)"),
    ],
)
def test_a_token_request_the_workspace_refuses_says_why_and_writes_nothing(
    store: Store, name: str, role: str, message: str
):
    tokens.create(store, "taken", "read")
    with pytest.raises(tokens.TokenError) as refused:
        tokens.create(store, name, role)
    assert str(refused.value) == message
    assert tokens.listing(store)["name"].tolist() == ["taken"]


def test_revoking_an_unknown_or_revoked_token_is_refused(store: Store):
    tokens.create(store, "ci", "read")
    tokens.revoke(store, "ci")
    with pytest.raises(tokens.TokenError, match="^the token 'ci' was already revoked$"):
        tokens.revoke(store, "ci")
    with pytest.raises(tokens.TokenError, match="^there is no token called 'nobody'$"):
        tokens.revoke(store, "nobody")
