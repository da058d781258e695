"""SQL for API tokens: create (the token is returned once), list, revoke, and check a presented one.

A token is 32 random bytes in URL-safe text, prefixed ``tpd_`` so it is recognisable in a leaked
log. Only its SHA-256 hash is stored: a copy of the database gives nobody a working token. A
plain hash (no salt, no slow KDF) suffices because the token itself carries 256 random bits.
"""

from __future__ import annotations

import hashlib
import secrets
from contextlib import suppress
from dataclasses import dataclass

import duckdb
import pandas as pd

from dashboard.store import Store

ROLES = ("read", "write", "admin")
"""Each role may do everything the ones before it may."""
PREFIX = "tpd_"
NAME_MAX = 80


class TokenError(ValueError):
    """A token request the workspace refuses (bad name or role, a name in use, no such token)."""


@dataclass(frozen=True)
class Holder:
    """Who presented a valid token."""

    name: str
    role: str

    def may(self, role: str) -> bool:
        """Whether this holder's role includes ``role``."""
        return ROLES.index(self.role) >= ROLES.index(role)


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


def create(store: Store, name: str, role: str) -> str:
    """Stores a new token's hash under ``name`` and returns the token: the only time it is seen."""
    cleaned = _clean_name(name)
    if role not in ROLES:
        raise TokenError(f"unknown role {role!r}; the roles are {', '.join(ROLES)}")
    token = new_token()
    with store.transaction() as cur:
        taken = cur.execute("select 1 from api_token where name = ?", [cleaned]).fetchone()
        if taken is not None:
            raise TokenError(f"there is already a token called {cleaned!r} (revoked ones keep their name)")
        cur.execute("insert into api_token (name, role, token_hash) values (?, ?, ?)", [cleaned, role, digest(token)])
    return token


def listing(store: Store) -> pd.DataFrame:
    """Every token, newest first: ``name, role, created_at, last_used_at, revoked_at`` (never the hash)."""
    with store.cursor() as cur:
        return cur.execute(
            "select name, role, created_at, last_used_at, revoked_at from api_token order by id desc"
        ).df()


def revoke(store: Store, name: str) -> None:
    """Revokes the token called ``name``; it stops working at once."""
    cleaned = " ".join(name.split())
    with store.transaction() as cur:
        row = cur.execute("select revoked_at from api_token where name = ?", [cleaned]).fetchone()
        if row is None:
            raise TokenError(f"there is no token called {cleaned!r}")
        if row[0] is not None:
            raise TokenError(f"the token {cleaned!r} was already revoked")
        cur.execute("update api_token set revoked_at = current_timestamp where name = ?", [cleaned])


def holder(store: Store, token: str) -> Holder | None:
    """The live token matching ``token``, or None; a match has its last-used time set (to the minute).

    The time is written at most once a minute per token, so a busy client does not turn every
    read into a write (each write bumps the data version and empties the pages' caches).
    """
    hashed = digest(token)
    with store.cursor() as cur:
        row = cur.execute(
            "select name, role, coalesce(last_used_at < current_timestamp::timestamp - interval 1 minute, true)"
            " from api_token where token_hash = ? and revoked_at is null",
            [hashed],
        ).fetchone()
        if row is None:
            return None
        if row[2]:
            _touch(cur, hashed)
    return Holder(str(row[0]), str(row[1]))


def _touch(cur: duckdb.DuckDBPyConnection, hashed: str) -> None:
    """Outside ``Store.transaction`` on purpose: a last-used time is nothing the pages show, so it
    must not empty their caches. Two requests touching one token at once may conflict; losing
    one of two equal times is harmless."""
    with suppress(duckdb.TransactionException):
        cur.execute("update api_token set last_used_at = current_timestamp where token_hash = ?", [hashed])
