"""SQL for API tokens: create (the token is returned once), list, revoke, and check a presented one.

A token is 32 random bytes in URL-safe text, prefixed ``tpd_`` so it is recognisable in a leaked
log. Only its SHA-256 hash is stored: a copy of the database gives nobody a working token. A
plain hash (no salt, no slow KDF) suffices because the token itself carries 256 random bits.

A token belongs to a user (issue 16) and acts as that user, at most at the token's own role: its
data scope and the cycles it may change are the user's as they are *now*, read on every use, so a
changed scope or a disabled user takes effect at the next request. Only in open mode may a token
belong to nobody; it then acts at its role over every cycle, and stops working once sign-in is on
(``local`` or ``oidc``).
"""

from __future__ import annotations

import hashlib
import secrets
from contextlib import suppress

import pandas as pd

from dashboard import access, accounts
from dashboard.store import Cursor, Store, audit, users
from dashboard.store.dialect import Error

ROLES = access.ROLES
"""A token's roles are the users' roles; each may do everything the ones before it may."""
PREFIX = "tpd_"
NAME_MAX = 80


class TokenError(ValueError):
    """A token request the workspace refuses (bad name or role, a name in use, no such token)."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise TokenError("a token needs a name")
    if len(cleaned) > NAME_MAX:
        raise TokenError(f"a token name has at most {NAME_MAX} characters")
    return cleaned


def _owner(cur: Cursor, user_id: int | None, role: str) -> str:
    """The owner's e-mail ("" for none); refuses a missing, disabled or lower-ranked owner."""
    if user_id is None:
        if accounts.mode() != "open":
            raise TokenError("name the user the token belongs to (only open mode has tokens without one)")
        return ""
    row = cur.execute("select email, role, disabled_at from app_user where id = ?", [user_id]).fetchone()
    if row is None:
        raise TokenError(f"there is no user {user_id}")
    if row[2] is not None:
        raise TokenError(f"the user {row[0]} is disabled")
    if ROLES.index(role) > ROLES.index(str(row[1])):
        raise TokenError(f"a token has at most its user's role: {row[0]} is {row[1]}, not {role}")
    return str(row[0])


def create(store: Store, name: str, role: str, user_id: int | None = None) -> str:
    """Stores a new token's hash under ``name`` for ``user_id`` and returns the token: the only
    time it is seen. Its role may not exceed the user's. Made by a signed-in person for another
    user, its name becomes "NAME (made by MAKER)", and the token acts as "token NAME (made by
    MAKER) of OWNER"."""
    cleaned = _clean_name(name)
    if role not in ROLES:
        raise TokenError(f"unknown role {role!r}; the roles are {', '.join(ROLES)}")
    token = new_token()
    with store.transaction() as cur:
        owner = _owner(cur, user_id, role)
        who = access.current()
        # A token made for someone else says who made it, in its name and so in every audit row
        # it writes: an admin cannot act under another admin's name unseen.
        if who.user_id is not None and who.user_id != user_id:
            cleaned = f"{cleaned} (made by {who.name})"
        audit.write(cur, "tokens", "token created", detail=f"{cleaned} ({role}) for {owner or 'nobody'}")
        taken = cur.execute("select 1 from api_token where name = ?", [cleaned]).fetchone()
        if taken is not None:
            raise TokenError(f"there is already a token called {cleaned!r} (revoked ones keep their name)")
        cur.execute(
            "insert into api_token (name, role, token_hash, user_id) values (?, ?, ?, ?)",
            [cleaned, role, digest(token), user_id],
        )
    return token


def listing(store: Store) -> pd.DataFrame:
    """Every token, newest first: ``name, role, user, created_at, last_used_at, revoked_at`` (never the hash)."""
    with store.cursor() as cur:
        return cur.execute(
            "select t.name, t.role, coalesce(u.email, '') as user, t.created_at, t.last_used_at, t.revoked_at"
            " from api_token t left join app_user u on u.id = t.user_id order by t.id desc"
        ).df()


def revoke(store: Store, name: str) -> None:
    """Revokes the token called ``name``; it stops working at once."""
    cleaned = " ".join(name.split())
    with store.transaction() as cur:
        audit.write(cur, "tokens", "token revoked", detail=cleaned)
        row = cur.execute("select revoked_at from api_token where name = ?", [cleaned]).fetchone()
        if row is None:
            raise TokenError(f"there is no token called {cleaned!r}")
        if row[0] is not None:
            raise TokenError(f"the token {cleaned!r} was already revoked")
        cur.execute("update api_token set revoked_at = current_timestamp where name = ?", [cleaned])


def holder(store: Store, token: str) -> access.Principal | None:
    """Who a live token acts as, or None; a match has its last-used time set (to the minute).

    A token whose user is disabled identifies nobody. The time is written at most once a minute
    per token, so a busy client does not turn every read into a write (each write bumps the data
    version and empties the pages' caches).
    """
    hashed = digest(token)
    with store.cursor() as cur:
        row = cur.execute(
            "select t.name, t.role, t.user_id, coalesce(u.email, ''),"
            " coalesce(t.last_used_at < current_timestamp::timestamp - interval '1 minute', true)"
            " from api_token t left join app_user u on u.id = t.user_id"
            " where t.token_hash = ? and t.revoked_at is null and u.disabled_at is null",
            [hashed],
        ).fetchone()
        if row is None:
            return None
        if row[4]:
            _touch(cur, hashed)
        name, role = str(row[0]), str(row[1])
        if row[2] is None:
            # A token of nobody (made in open mode) would bypass the accounts once they are on.
            return access.Principal(f"token {name}", role, "token") if accounts.mode() == "open" else None
        return users.principal(cur, int(row[2]), "token", f"token {name} of {row[3]}", cap=role)


def _touch(cur: Cursor, hashed: str) -> None:
    """Outside ``Store.transaction`` on purpose: a last-used time is nothing the pages show, so it
    must not empty their caches. Two requests touching one token at once may conflict; losing
    one of two equal times is harmless."""
    with suppress(*Error):
        cur.execute("update api_token set last_used_at = current_timestamp where token_hash = ?", [hashed])
