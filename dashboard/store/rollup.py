"""Keeps the daily and monthly impression roll-ups and the comment table (migration 0004) current.

``catch_up`` runs inside every write transaction (``Store.transaction`` calls it), so the
roll-up commits or rolls back together with the write that changed the impressions. New
impressions have higher ids than every counted one (the id comes from a sequence), so most
writes only fold in the rows above the last counted id. When the count no longer adds up
(impressions were deleted), the roll-up is rebuilt from scratch. Impressions are never edited
in place; a future feature that does so must call ``rebuild`` in its transaction.
"""

from __future__ import annotations

import duckdb

# Rows are written in date order, so a date range read skips most of the table (zone maps).
_FOLD = (
    "insert into impression_daily select touchpoint_id, observed_on, group_id, source, score, count(*)"
    " from impression where id > ? group by all order by observed_on"
)
_FOLD_MONTHLY = (
    "insert into impression_monthly select touchpoint_id, date_trunc('month', observed_on)::date, group_id, source,"
    " score, count(*) from impression where id > ? group by all order by 2"
)

_FOLD_COMMENTS = (
    "insert into impression_comment select id, touchpoint_id, observed_on, group_id, source, score, comment"
    " from impression where id > ? and comment is not null and comment <> '' order by observed_on, id"
)


def catch_up(cur: duckdb.DuckDBPyConnection) -> None:
    """Folds impressions written since the last call into the roll-up (inside the caller's transaction)."""
    state = cur.execute("select last_id, covered from impression_daily_state where id = 1").fetchone()
    assert state is not None
    last_id, covered = int(state[0]), int(state[1])
    row = cur.execute(
        "select count(*) filter (where id > ?), count(*), coalesce(max(id), 0) from impression", [last_id]
    ).fetchone()
    assert row is not None
    new, total, max_id = int(row[0]), int(row[1]), int(row[2])
    if covered + new != total:
        rebuild(cur)
    elif new:
        cur.execute(_FOLD, [last_id])
        cur.execute(_FOLD_MONTHLY, [last_id])
        cur.execute(_FOLD_COMMENTS, [last_id])
        cur.execute("update impression_daily_state set last_id = ?, covered = ? where id = 1", [max_id, total])


def rebuild(cur: duckdb.DuckDBPyConnection) -> None:
    """Recounts the whole roll-up from the impressions (inside the caller's transaction)."""
    cur.execute("delete from impression_daily")
    cur.execute("delete from impression_monthly")
    cur.execute("delete from impression_comment")
    cur.execute(_FOLD, [-1])
    cur.execute(_FOLD_MONTHLY, [-1])
    cur.execute(_FOLD_COMMENTS, [-1])
    row = cur.execute("select coalesce(max(id), 0), count(*) from impression").fetchone()
    assert row is not None
    cur.execute("update impression_daily_state set last_id = ?, covered = ? where id = 1", [row[0], row[1]])
