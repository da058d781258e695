"""Service cycle map files written to and read from the store.

``map_rows`` gives the stored map as map-file rows; ``apply_map`` writes checked rows as one
transaction through the write API's cursor-level functions (``cycles``, ``groups``), so a map
file obeys the same name rules as the map page: names cleaned, clashes judged by ``text.key``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from dashboard import text
from dashboard.store import Store, audit, cycles, groups
from dashboard.store.dialect import Cursor
from dashboard.touchpoints import TouchpointFields


def map_rows(store: Store, cycle_id: int | None = None) -> pd.DataFrame:
    """The active touchpoints as map-file rows (keys, not labels), cycles by name, then by position."""
    with store.cursor() as cur:
        return cur.execute(
            "select c.name as service_cycle, t.name as touchpoint, t.moment, t.channel,"
            " coalesce(tm.name, '') as owner, t.description, t.standard, t.target, t.situation,"
            " coalesce((select string_agg(g.name, '; ' order by g.name) from touchpoint_group tg"
            " join stakeholder_group g on g.id = tg.group_id where tg.touchpoint_id = t.id), '') as groups,"
            " t.recovery_plan"
            " from touchpoint t join service_cycle c on c.id = t.cycle_id left join team tm on tm.id = t.owner_team_id"
            " where t.archived_at is null and (?::integer is null or t.cycle_id = ?) order by c.name, t.position, t.id",
            [cycle_id, cycle_id],
        ).df()


def apply_map(store: Store, rows: pd.DataFrame, present: Sequence[str]) -> None:
    """Writes checked map rows as one transaction.

    ``rows`` holds the map-file columns with keys (moment, situation) and tidy text, grouped
    by cycle in file order; ``groups`` is a list of names. Columns not in ``present`` (the
    optional ones the file left out) keep their stored values on existing touchpoints. A
    cycle is matched by name, a touchpoint by name within its cycle (by ``text.key``); an
    archived match is restored. Touchpoints the file does not list stay, after the listed
    ones. Unknown teams and stakeholder groups are created.
    """
    with store.transaction() as cur:
        names = [str(n) for n in rows["service_cycle"].unique()]
        found = [cycles.cycle_named(cur, n) for n in names]
        audit.write(cur, "map", "map file imported", [c for c in found if c is not None], detail=", ".join(names))
        for cycle_name, block in rows.groupby("service_cycle", sort=False):
            cycle_id = cycles.cycle_named(cur, str(cycle_name))
            if cycle_id is None:
                cycle_id = cycles.insert_cycle(cur, str(cycle_name))
            _apply_cycle(cur, cycle_id, block, set(present))


def _apply_cycle(cur: Cursor, cycle_id: int, block: pd.DataFrame, present: set[str]) -> None:
    records = [{str(k): v for k, v in rec.items()} for rec in block.to_dict("records")]
    team_ids = groups.add_teams(cur, [str(r["owner"]) for r in records if r["owner"]])
    group_ids = groups.add_groups(cur, [str(g) for r in records for g in r["groups"]] if "groups" in present else [])
    existing: dict[str, int] = {}
    for touchpoint_id, name, _archived in cycles.in_cycle(cur, cycle_id):  # active ones first
        existing.setdefault(text.key(name), touchpoint_id)
    listed: list[int] = []
    for rec in records:
        found = existing.get(text.key(str(rec["touchpoint"])))
        kept = TouchpointFields("", "") if found is None else cycles.stored_fields(cur, found)
        fields = _fields(rec, kept, present, team_ids.get(str(rec["owner"])), group_ids)
        if found is None:
            listed.append(cycles.insert_touchpoint(cur, cycle_id, fields))
        else:  # an archived match is made active again by ``place`` below
            cycles.write_touchpoint(cur, found, fields)
            listed.append(found)
    cycles.place(cur, cycle_id, listed)


def _fields(
    rec: dict[str, Any], kept: TouchpointFields, present: set[str], team_id: int | None, group_ids: dict[str, int]
) -> TouchpointFields:
    """The touchpoint a map-file row describes; optional columns the file left out keep ``kept``."""
    situation = rec["situation"] if isinstance(rec["situation"], str) else None  # pandas holds a blank as NaN
    return TouchpointFields(
        name=str(rec["touchpoint"]),
        moment=str(rec["moment"]),
        channel=str(rec["channel"]),
        owner_team_id=team_id,
        group_ids=tuple(group_ids[str(g)] for g in rec["groups"]) if "groups" in present else kept.group_ids,
        description=str(rec["description"]) if "description" in present else kept.description,
        standard=str(rec["standard"]) if "standard" in present else kept.standard,
        target=float(rec["target"]) if "target" in present else kept.target,
        situation=situation if "situation" in present else kept.situation,
        recovery_plan=str(rec["recovery_plan"]) if "recovery_plan" in present else kept.recovery_plan,
    )
