"""SQL for accounts: users, their teams and data scope, sign-in with lockout, sessions, invitations.

Secrets (session tokens, set-password links) are random and kept only as SHA-256 hashes;
passwords as argon2 hashes (``accounts``). Every change is one transaction with its audit row.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from functools import cache

import pandas as pd

from dashboard import access, accounts
from dashboard.store import Cursor, Error, Store, audit, dialect


class UserError(ValueError):
    """An account request the workspace refuses (bad e-mail or role, unknown user, a bad link)."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _email(email: str) -> str:
    cleaned = email.strip().casefold()
    local, at, domain = cleaned.partition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in cleaned) or len(cleaned) > 254:
        raise UserError(f"{email.strip()[:80]!r} is not an e-mail address")
    return cleaned


def _role(role: str) -> str:
    if role not in access.ROLES:
        raise UserError(f"unknown role {role!r}; the roles are {', '.join(access.ROLES)}")
    return role


def _user_id(cur: Cursor, email: str) -> int:
    row = cur.execute("select id from app_user where email = ?", [_email(email)]).fetchone()
    if row is None:
        raise UserError(f"there is no user {email.strip()[:80]!r}")
    return int(row[0])


def create(
    store: Store, email: str, role: str, name: str = "", teams: Iterable[int] = (), cycles: Iterable[int] = ()
) -> int:
    """Adds a user (no password yet); returns their id."""
    address, role = _email(email), _role(role)
    with store.transaction() as cur:
        audit.write(cur, "users", "user added", detail=f"{address} as {role}")
        if cur.execute("select 1 from app_user where email = ?", [address]).fetchone():
            raise UserError(f"there is already a user {address!r}")
        row = cur.execute(
            "insert into app_user (email, name, role) values (?, ?, ?) returning id", [address, name.strip(), role]
        ).fetchone()
        assert row is not None
        _set_links(cur, int(row[0]), teams, cycles)
        return int(row[0])


def _set_links(cur: Cursor, user_id: int, teams: Iterable[int] | None, cycles: Iterable[int] | None) -> None:
    if teams is not None:
        cur.execute("delete from user_team where user_id = ?", [user_id])
        cur.execute("insert into user_team select ?, unnest(?::integer[])", [user_id, sorted(set(teams))])
    if cycles is not None:
        cur.execute("delete from user_cycle where user_id = ?", [user_id])
        cur.execute("insert into user_cycle select ?, unnest(?::integer[])", [user_id, sorted(set(cycles))])


def listing(store: Store) -> pd.DataFrame:
    """Every user: ``email, name, role, teams, cycles, has_password, disabled_at, created_at``."""
    with store.cursor() as cur:
        return cur.execute(
            "select u.email, u.name, u.role,"
            " coalesce((select array_agg(t.name order by t.name) from user_team ut join team t on t.id = ut.team_id"
            "  where ut.user_id = u.id), array[]::varchar[]) as teams,"
            # A deleted cycle stays in the scope (so it narrows to nothing rather than to everything): named so.
            " coalesce((select array_agg(coalesce(c.name, 'a deleted cycle') order by c.name) from user_cycle uc"
            "  left join service_cycle c on c.id = uc.cycle_id where uc.user_id = u.id), array[]::varchar[]) as cycles,"
            " u.password_hash is not null as has_password, u.disabled_at, u.created_at"
            " from app_user u order by u.email"
        ).df()


def scope_of(store: Store, email: str) -> list[int]:
    """The ids of the cycles in the user's data scope, deleted ones included ([]: every cycle)."""
    with store.cursor() as cur:
        rows = cur.execute(
            "select uc.cycle_id from user_cycle uc join app_user u on u.id = uc.user_id"
            " where u.email = ? order by uc.cycle_id",
            [_email(email)],
        ).fetchall()
    return [int(r[0]) for r in rows]


def set_role(store: Store, email: str, role: str) -> None:
    role = _role(role)
    with store.transaction() as cur:
        user_id = _user_id(cur, email)
        audit.write(cur, "users", "role changed", detail=f"{_email(email)} to {role}")
        cur.execute("update app_user set role = ? where id = ?", [role, user_id])
        # A token never carries more than its user's role.
        order = list(access.ROLES)
        cur.execute(
            "update api_token set role = ? where user_id = ?"
            " and array_position(?::varchar[], role) > array_position(?::varchar[], ?::varchar)",
            [role, user_id, order, order, role],
        )


def set_scope(
    store: Store, email: str, teams: Iterable[int] | None = None, cycles: Iterable[int] | None = None
) -> None:
    """Sets a user's teams (what they may change) and data scope (empty: every cycle)."""
    with store.transaction() as cur:
        user_id = _user_id(cur, email)
        audit.write(cur, "users", "scope changed", detail=f"{_email(email)}")
        _set_links(cur, user_id, teams, cycles)


def disable(store: Store, email: str) -> None:
    """Disables a user: their sessions end and their tokens are revoked, at once."""
    with store.transaction() as cur:
        user_id = _user_id(cur, email)
        audit.write(cur, "users", "user disabled", detail=_email(email))
        cur.execute(
            "update app_user set disabled_at = current_timestamp where id = ? and disabled_at is null", [user_id]
        )
        cur.execute("delete from user_session where user_id = ?", [user_id])
        cur.execute("delete from user_invite where user_id = ?", [user_id])
        cur.execute(
            "update api_token set revoked_at = current_timestamp where user_id = ? and revoked_at is null", [user_id]
        )


def set_password(store: Store, email: str, password: str) -> None:
    """Sets a password directly (``user create --password-stdin``); other sessions end."""
    hashed = accounts.hash_password(password)
    with store.transaction() as cur:
        user_id = _user_id(cur, email)
        audit.write(cur, "users", "password set", detail=_email(email))
        cur.execute("update app_user set password_hash = ? where id = ?", [hashed, user_id])
        cur.execute("delete from user_session where user_id = ?", [user_id])


def invite(store: Store, email: str) -> str:
    """A one-time set-password secret for the user (valid ``INVITE_DAYS``); earlier links stop working."""
    secret = accounts.new_secret()
    with store.transaction() as cur:
        user_id = _user_id(cur, email)
        audit.write(cur, "users", "set-password link made", detail=_email(email))
        cur.execute("delete from user_invite where user_id = ?", [user_id])
        cur.execute(
            "insert into user_invite (token_hash, user_id, expires_at)"
            " values (?, ?, current_timestamp::timestamp + ? * interval '1 day')",
            [_digest(secret), user_id, accounts.INVITE_DAYS],
        )
    return secret


def redeem(store: Store, secret: str, password: str) -> str:
    """Sets the password a one-time link is for and uses the link up; returns the user's e-mail."""
    hashed = accounts.hash_password(password)
    with store.transaction() as cur:
        row = cur.execute(
            "select u.id, u.email, u.role from user_invite i join app_user u on u.id = i.user_id"
            " where i.token_hash = ? and i.used_at is null and i.expires_at > current_timestamp"
            " and u.disabled_at is null",
            [_digest(secret)],
        ).fetchone()
        if row is None:
            raise UserError(
                "this set-password link is not valid (used, expired or replaced); ask an admin for a new one"
            )
        cur.execute("update user_invite set used_at = current_timestamp where token_hash = ?", [_digest(secret)])
        cur.execute("update app_user set password_hash = ? where id = ?", [hashed, row[0]])
        cur.execute("delete from user_session where user_id = ?", [row[0]])
        # The link is the permission here: the person who holds it acts for themselves.
        cur.execute(
            "insert into audit_log (actor, role, kind, action) values (?, ?, 'users', 'password set by link')",
            [str(row[1]), str(row[2])],
        )
    return str(row[1])


_ATTEMPTS = threading.Lock()
"""Counting a pair's recent attempts and recording this one is one step, for every store of this
process; across servers on PostgreSQL, ``dialect.take_turns`` does the same: two guesses at once
cannot both see four."""


def sign_in(store: Store, email: str, password: str, address: str) -> int:
    """The user id when the password is right; ``SignInError`` otherwise, the same for every cause.

    Attempts count per account and address over ``LOCKOUT_WINDOW``; after ``LOCKOUT_FAILURES``
    that pair is refused until the window passes, even with the right password. Each attempt is
    recorded before the password is checked and removed when it was right. Neither the record
    nor the check takes the workspace's write lock or changes its data version: wrong passwords
    must not hold up anyone's writes nor empty the pages' caches.
    """
    wrong = accounts.SignInError("wrong e-mail or password")
    try:
        folded = _email(email)
    except UserError:
        raise wrong from None
    # The process lock before a pooled connection, as below: the other order let ten waiting
    # guesses hold every connection of the pool while the lock's holder waited for one.
    with _ATTEMPTS, store.cursor() as cur:
        _count_attempt(cur, folded, address)
    with store.cursor() as cur:
        row = cur.execute(
            "select id, password_hash, role from app_user where email = ? and disabled_at is null", [folded]
        ).fetchone()
    stored = str(row[1]) if row is not None and row[1] else None
    # An unknown e-mail and an account with no password yet cost the same argon2 check as a real
    # one: the time taken must not tell which addresses have accounts, nor which have passwords.
    matches = accounts.password_matches(stored or _stand_in_hash(), password)
    if row is None or stored is None or not matches:
        raise wrong
    with _ATTEMPTS, store.cursor() as cur:
        cur.execute("begin")
        cur.execute("delete from sign_in_failure where email = ? and address = ?", [folded, address])
        # The link between a session and a person, for the audit log; no permission to check.
        cur.execute(
            "insert into audit_log (actor, role, kind, action, detail) values (?, ?, 'users', 'signed in', ?)",
            [folded, str(row[2]), f"from {address}" if address else ""],
        )
        cur.execute("commit")
    return int(row[0])


def _count_attempt(cur: Cursor, email: str, address: str) -> None:
    """Refuses a locked pair; else records this attempt as failed until it proves right, and
    sweeps attempts older than the window. A small transaction of its own, not a write
    transaction: nothing a page shows changes. The caller holds ``_ATTEMPTS``."""
    window = int(accounts.LOCKOUT_WINDOW.total_seconds())
    cur.execute("begin")
    try:
        # Servers sharing a PostgreSQL database count one pair's guesses in turn too, so two
        # guesses at once on two servers cannot both see four.
        try:
            dialect.take_turns(cur, f"sign-in {email} {address}")
        except Error:
            raise accounts.SignInError("signing in is busy for this account; try again in a moment") from None
        recent = cur.execute(
            "select count(*) from sign_in_failure where email = ? and address = ?"
            " and failed_at > current_timestamp::timestamp - ? * interval '1 second'",
            [email, address, window],
        ).fetchone()
        if recent is not None and int(recent[0]) >= accounts.LOCKOUT_FAILURES:
            minutes = window // 60
            raise accounts.SignInError(f"too many wrong passwords from here; try again in up to {minutes} minutes")
        cur.execute("insert into sign_in_failure (email, address) values (?, ?)", [email, address])
        cur.execute(
            "delete from sign_in_failure where failed_at < current_timestamp::timestamp - ? * interval '1 second'",
            [window],
        )
        cur.execute("commit")
    except BaseException:
        cur.execute("rollback")
        raise


@cache
def _stand_in_hash() -> str:
    """A hash no password is known for, checked when the account has none to check."""
    return accounts.hash_password(accounts.new_secret())


def open_session(store: Store, user_id: int) -> str:
    """Starts a browser session; returns its secret (the cookie signs it). Not a write transaction:
    a new session changes nothing any page shows, so the pages' caches stay."""
    secret = accounts.new_secret()
    with store.cursor() as cur:
        cur.execute(
            "insert into user_session (token_hash, user_id, expires_at)"
            " values (?, ?, current_timestamp::timestamp + ? * interval '1 day')",
            [_digest(secret), user_id, accounts.SESSION_DAYS],
        )
    return secret


def close_session(store: Store, secret: str) -> None:
    """Ends a browser session (signing out), with its audit row. A write transaction on purpose:
    the data version it changes makes every open page of that session ask again who is there."""
    with store.transaction() as cur:
        row = cur.execute(
            "select u.email, u.role from user_session s join app_user u on u.id = s.user_id where s.token_hash = ?",
            [_digest(secret)],
        ).fetchone()
        cur.execute("delete from user_session where token_hash = ?", [_digest(secret)])
        if row is not None:
            cur.execute(
                "insert into audit_log (actor, role, kind, action) values (?, ?, 'users', 'signed out')",
                [str(row[0]), str(row[1])],
            )


def session_principal(store: Store, secret: str) -> access.Principal | None:
    """Who a live session belongs to; None when it expired, ended, or its user is disabled."""
    with store.cursor() as cur:
        row = cur.execute(
            "select u.id from user_session s join app_user u on u.id = s.user_id"
            " where s.token_hash = ? and s.expires_at > current_timestamp and u.disabled_at is null",
            [_digest(secret)],
        ).fetchone()
        return None if row is None else principal(cur, int(row[0]))


def principal_for_email(store: Store, email: str) -> access.Principal | None:
    """The enabled user with this e-mail (single sign-on), or None."""
    try:
        folded = _email(email)
    except UserError:
        return None
    with store.cursor() as cur:
        row = cur.execute("select id from app_user where email = ? and disabled_at is null", [folded]).fetchone()
        return None if row is None else principal(cur, int(row[0]))


def principal(
    cur: Cursor, user_id: int, kind: access.Kind = "user", name: str | None = None, cap: str | None = None
) -> access.Principal:
    """A user as a principal: their role (at most ``cap``: a token's role), data scope and the
    cycles they may change. An admin capped lower writes only where their teams may."""
    row = cur.execute(
        "select u.email, u.role,"
        " (select array_agg(cycle_id) from user_cycle where user_id = u.id) as scope,"
        " (select array_agg(c.id) from service_cycle c where not exists (select 1 from touchpoint t"
        "   where t.cycle_id = c.id and t.archived_at is null)"
        "   or exists (select 1 from touchpoint t join user_team ut on ut.team_id = t.owner_team_id"
        "   where t.cycle_id = c.id and t.archived_at is null and ut.user_id = u.id)) as writable"
        " from app_user u where u.id = ?",
        [user_id],
    ).fetchone()
    assert row is not None
    role = str(row[1]) if cap is None else access.ROLES[min(access.ROLES.index(str(row[1])), access.ROLES.index(cap))]
    scope = frozenset(int(c) for c in row[2]) if row[2] else None
    writable = None if role == "admin" else frozenset(int(c) for c in (row[3] or []))
    return access.Principal(name or str(row[0]), role, kind, user_id, scope, writable)


def signing_key(store: Store) -> str:
    """The configured cookie key, else the workspace's own (made on first use)."""
    configured = accounts.cookie_secret()
    if configured:
        return configured
    with store.cursor() as cur:
        row = cur.execute("select key from auth_key where id = 1").fetchone()
    if row is not None:
        return str(row[0])
    with store.transaction() as cur:
        cur.execute("insert into auth_key values (1, ?) on conflict do nothing", [accounts.new_secret()])
        found = cur.execute("select key from auth_key where id = 1").fetchone()
        assert found is not None
        return str(found[0])


def find(store: Store, email: str) -> int:
    """The id of the user with this e-mail (case aside); ``UserError`` when there is none."""
    with store.cursor() as cur:
        return _user_id(cur, email)
