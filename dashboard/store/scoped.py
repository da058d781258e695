"""Reads the API answers for a principal whose data scope may be some cycles only (issue 16).

``cycle_ids`` None means every cycle; a tuple limits the answer to those (an empty tuple to none).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dashboard.store import Store


def stats(store: Store, cycle_ids: Sequence[int] | None) -> dict[str, Any]:
    """``stats --json`` over the cycles: total impressions and, per touchpoint with any, cycle,
    name, moment, count and mean score. Read from the monthly roll-up (a few thousand rows)
    rather than the raw impressions, which a workspace holds by the million."""
    every = cycle_ids is None
    with store.cursor() as cur:
        rows = cur.execute(
            "select c.name, t.name, t.moment, sum(m.n), sum(m.score * m.n) / sum(m.n)"
            " from impression_monthly m join touchpoint t on t.id = m.touchpoint_id"
            " join service_cycle c on c.id = t.cycle_id"
            " where ? or c.id = any(?::integer[])"
            " group by c.name, t.name, t.moment, t.position having sum(m.n) > 0 order by c.name, t.position",
            [every, list(cycle_ids or [])],
        ).fetchall()
    return {
        "impressions": sum(int(r[3]) for r in rows),
        "touchpoints": [
            {"cycle": r[0], "touchpoint": r[1], "moment": r[2], "impressions": int(r[3]), "mean_score": round(r[4], 4)}
            for r in rows
        ],
    }


def import_cycle(store: Store, import_id: int) -> int | None:
    """The cycle an import went into (None for an unknown import: the undo then says so)."""
    with store.cursor() as cur:
        row = cur.execute("select cycle_id from import_batch where id = ?", [import_id]).fetchone()
    return None if row is None or row[0] is None else int(row[0])
