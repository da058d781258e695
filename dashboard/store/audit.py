"""The audit log: every write checked against who acts, and recorded with who and when.

Each write function of the store calls ``write(cur, kind, action, ...)`` inside its own
transaction before it changes anything. That one call refuses the write when the acting
principal may not make it (``access.ForbiddenError``) and otherwise adds the audit row, which then
commits or rolls back with the write itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from datetime import date, timedelta

import pandas as pd

from dashboard import access
from dashboard.store import Cursor, Store

DETAIL_MAX = 500
NAME_MAX = 120

SIGNED_IN = frozenset({"user", "token"})
"""Principals whose own name is always the one recorded: nobody may type another name for them."""


def write(
    cur: Cursor,
    kind: str,
    action: str,
    cycle_id: int | Collection[int] | None = None,
    detail: str = "",
    *,
    by: str = "",
) -> access.Principal:
    """Checks that the acting principal may do ``kind`` (on ``cycle_id``) and records it; returns
    who, under the name recorded.

    ``cycle_id`` may name several cycles (a flow file, a batch of impressions, a map file): the
    principal must be allowed on each, and the row names the cycle only when there is one.
    ``by`` is a name typed on a form ("Your name"): it is recorded only when nobody signed in says
    who acts (open mode, the command line), and never replaces a signed-in user's or token's name.
    """
    if kind not in access.NEEDS:
        raise ValueError(f"unknown audit kind {kind!r}")
    given = cycle_id if isinstance(cycle_id, Collection) else [cycle_id]  # numpy integers included
    cycles = sorted({int(c) for c in given if c is not None})
    who = access.current()
    checked: list[int | None] = [*cycles] or [None]  # a write bound to no cycle: checked once, without one
    for each in checked:
        access.require(kind, each, who)
    typed = " ".join(by.split())[:NAME_MAX]
    if typed and who.kind not in SIGNED_IN:
        who = dataclasses.replace(who, name=typed)
    cur.execute(
        "insert into audit_log (actor, role, kind, action, cycle_id, detail) values (?, ?, ?, ?, ?, ?)",
        [
            who.name,
            who.role or "",
            kind,
            action,
            cycles[0] if len(cycles) == 1 else None,
            " ".join(detail.split())[:DETAIL_MAX],
        ],
    )
    return who


def touchpoint_cycles(cur: Cursor, touchpoint_ids: Collection[int]) -> list[int]:
    """The cycles the given touchpoints belong to (what a write to them must be allowed on)."""
    rows = cur.execute(
        "select distinct cycle_id from touchpoint where id = any(?::integer[]) order by cycle_id",
        [sorted({int(t) for t in touchpoint_ids})],
    ).fetchall()
    return [int(r[0]) for r in rows]


def entries(
    store: Store,
    actor: str | None = None,
    kind: str | None = None,
    start: date | None = None,
    end: date | None = None,
    limit: int = 10_000,
) -> pd.DataFrame:
    """The log, newest first: ``at, actor, role, kind, action, cycle, detail``, optionally filtered."""
    until = None if end is None else end + timedelta(days=1)
    with store.cursor() as cur:
        return cur.execute(
            "select a.logged_at as at, a.actor, a.role, a.kind, a.action, c.name as cycle, a.detail"
            " from audit_log a left join service_cycle c on c.id = a.cycle_id"
            " where (?::varchar is null or a.actor = ?) and (?::varchar is null or a.kind = ?)"
            " and (?::date is null or a.logged_at >= ?) and (?::date is null or a.logged_at < ?)"
            " order by a.id desc limit ?",
            [actor, actor, kind, kind, start, start, until, until, limit],
        ).df()


def actors(store: Store) -> list[str]:
    """Everyone who appears in the log, for the filter."""
    with store.cursor() as cur:
        return [str(r[0]) for r in cur.execute("select distinct actor from audit_log order by actor").fetchall()]


def refuse_others_import(who: access.Principal, imported_by: str) -> None:
    """Lets whoever made an import undo it, and an admin any import; refuses anyone else."""
    if who.role != "admin" and imported_by != who.name:
        raise access.ForbiddenError("you may undo only your own imports; an admin may undo this one")


def history_name(who: access.Principal, typed: str) -> str:
    """The name a history (imports, flow imports, the plan) keeps beside the audit row: a signed-in
    user's or token's own name; otherwise the typed one, empty when nobody typed one (open mode and
    the command line, as before sign-in existed)."""
    return who.name if who.kind in SIGNED_IN else " ".join(typed.split())[:NAME_MAX]
