"""The audit log: every write checked against who acts, and recorded with who and when.

Each write function of the store calls ``write(cur, kind, action, ...)`` inside its own
transaction before it changes anything. That one call refuses the write when the acting
principal may not make it (``access.ForbiddenError``) and otherwise adds the audit row, which then
commits or rolls back with the write itself.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from dashboard import access
from dashboard.store import Cursor, Store

DETAIL_MAX = 500


def write(cur: Cursor, kind: str, action: str, cycle_id: int | None = None, detail: str = "") -> access.Principal:
    """Checks that the acting principal may do ``kind`` (on ``cycle_id``) and records it; returns who."""
    if kind not in access.NEEDS:
        raise ValueError(f"unknown audit kind {kind!r}")
    who = access.require(kind, cycle_id)
    cur.execute(
        "insert into audit_log (actor, role, kind, action, cycle_id, detail) values (?, ?, ?, ?, ?, ?)",
        [who.name, who.role or "", kind, action, cycle_id, " ".join(detail.split())[:DETAIL_MAX]],
    )
    return who


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
            " where (? is null or a.actor = ?) and (? is null or a.kind = ?)"
            " and (? is null or a.logged_at >= ?) and (? is null or a.logged_at < ?)"
            " order by a.id desc limit ?",
            [actor, actor, kind, kind, start, start, until, until, limit],
        ).df()


def actors(store: Store) -> list[str]:
    """Everyone who appears in the log, for the filter."""
    with store.cursor() as cur:
        return [str(r[0]) for r in cur.execute("select distinct actor from audit_log order by actor").fetchall()]
