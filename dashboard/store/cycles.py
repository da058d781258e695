"""Service cycles and their touchpoints: the one write API for them, and their reads.

Every name is cleaned by ``text.clean_name`` and every free text by ``text.clean_text``. Names
clash when their ``text.key`` is the same (case, accents, punctuation and spacing ignored):
across all service cycles, and among the touchpoints of one cycle, archived ones included (an
archived namesake is restored rather than duplicated). A touchpoint with impressions is
archived, never deleted, and so are its impressions kept.

Functions taking ``cur`` work inside the caller's transaction (survey imports, map files, the
demo); the others are one transaction each, checked and recorded by ``audit.write`` (a write
the acting principal may not make raises ``access.ForbiddenError``). A refused write raises
``ValueError`` with a sentence for the user and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dashboard import access, domain, text
from dashboard.store import Store, audit
from dashboard.store.dialect import Cursor
from dashboard.store.names import clash, keyed
from dashboard.touchpoints import TouchpointFields

# --- service cycles ---------------------------------------------------------------------------


def _cycles_stored(cur: Cursor) -> list[tuple[int, str]]:
    return [(int(i), str(n)) for i, n in cur.execute("select id, name from service_cycle order by id").fetchall()]


def cycle_named(cur: Cursor, name: str) -> int | None:
    """The id of the cycle whose name has the same key as ``name``, if any."""
    found = keyed(_cycles_stored(cur)).get(text.key(name))
    return None if found is None else found[0]


def insert_cycle(cur: Cursor, name: str, description: str = "") -> int:
    """A new, empty service cycle; refused when its name clashes with another cycle's, and to a
    principal limited to some cycles (the new one would lie outside what they see: every path
    that makes a cycle, a form, a map file or a survey import, comes through here)."""
    if access.current().cycles is not None:
        raise access.ForbiddenError(
            "you see only some service cycles, so you may not add one; ask an admin who sees them all"
        )
    name = text.clean_name(name, "service cycle")
    description = text.clean_text(description, "description")
    taken = clash(_cycles_stored(cur), name)
    if taken is not None:
        raise ValueError(f"A service cycle called “{taken[1]}” already exists.")
    row = cur.execute(
        "insert into service_cycle (name, description) values (?, ?) returning id", [name, description]
    ).fetchone()
    assert row is not None
    return int(row[0])


def create_cycle(store: Store, name: str, description: str = "") -> int:
    """Adds a new, empty service cycle and returns its id."""
    with store.transaction() as cur:
        audit.write(cur, "map", "service cycle added", detail=name)
        return insert_cycle(cur, name, description)


def rename_cycle(store: Store, cycle_id: int, name: str, description: str | None = None) -> None:
    """Renames a cycle (and, when given, rewrites its description)."""
    name = text.clean_name(name, "service cycle")
    cleaned = None if description is None else text.clean_text(description, "description")
    with store.transaction() as cur:
        audit.write(cur, "map", "service cycle renamed", cycle_id, detail=name)
        taken = clash(_cycles_stored(cur), name, exclude=cycle_id)
        if taken is not None:
            raise ValueError(f"Another service cycle is already called “{taken[1]}”.")
        cur.execute(
            "update service_cycle set name = ?, description = coalesce(?, description) where id = ?",
            [name, cleaned, cycle_id],
        )


def delete_cycle(store: Store, cycle_id: int) -> None:
    """Deletes a cycle, its touchpoints and their ideas; refused while any impression refers to it."""
    with store.transaction() as cur:
        audit.write(cur, "delete", "service cycle deleted", cycle_id)
        row = cur.execute(
            "select count(*) from impression i join touchpoint t on t.id = i.touchpoint_id where t.cycle_id = ?",
            [cycle_id],
        ).fetchone()
        assert row is not None
        if row[0]:
            raise ValueError(
                f"This service cycle has {int(row[0]):,} recorded impressions, which are never deleted. "
                "Archive its touchpoints instead, or rename it."
            )
        cur.execute(
            "delete from enhancement_idea where touchpoint_id in (select id from touchpoint where cycle_id = ?)",
            [cycle_id],
        )
        cur.execute(
            "delete from touchpoint_group where touchpoint_id in (select id from touchpoint where cycle_id = ?)",
            [cycle_id],
        )
        cur.execute("delete from touchpoint where cycle_id = ?", [cycle_id])
        cur.execute("delete from service_cycle where id = ?", [cycle_id])


def cycles(store: Store) -> pd.DataFrame:
    """Service cycles with how many active touchpoints each has."""
    with store.cursor() as cur:
        return cur.execute(
            "select c.id, c.name, c.description, count(t.id) as touchpoints"
            " from service_cycle c left join touchpoint t on t.cycle_id = c.id and t.archived_at is null"
            " group by c.id, c.name, c.description order by c.name"
        ).df()


# --- touchpoints inside the caller's transaction ----------------------------------------------

_RESTORE_INSTEAD = "An archived touchpoint in this cycle is already called “{}”: restore it instead."


def in_cycle(cur: Cursor, cycle_id: int) -> list[tuple[int, str, bool]]:
    """Every touchpoint of a cycle as ``(id, name, archived)``, active ones first."""
    rows = cur.execute(
        "select id, name, archived_at is not null from touchpoint where cycle_id = ?"
        " order by archived_at nulls first, id",
        [cycle_id],
    ).fetchall()
    return [(int(i), str(n), bool(a)) for i, n, a in rows]


def _refuse_clash(cur: Cursor, cycle_id: int, name: str, exclude: int | None) -> None:
    stored = in_cycle(cur, cycle_id)
    taken = clash([(i, n) for i, n, _ in stored], name, exclude)
    if taken is None:
        return
    if next(a for i, _, a in stored if i == taken[0]):
        raise ValueError(_RESTORE_INSTEAD.format(taken[1]))
    raise ValueError(f"This cycle already has a touchpoint called “{taken[1]}”.")


def _cycle_of(cur: Cursor, touchpoint_id: int) -> int:
    row = cur.execute("select cycle_id from touchpoint where id = ?", [touchpoint_id]).fetchone()
    if row is None:
        raise ValueError("That touchpoint no longer exists.")
    return int(row[0])


def _set_groups(cur: Cursor, touchpoint_id: int, group_ids: Sequence[int]) -> None:
    cur.execute("delete from touchpoint_group where touchpoint_id = ?", [touchpoint_id])
    cur.execute(
        "insert into touchpoint_group select ?, unnest(?::integer[])", [touchpoint_id, list(dict.fromkeys(group_ids))]
    )


def _next_position(cur: Cursor, cycle_id: int) -> int:
    row = cur.execute(
        "select coalesce(max(position), 0) + 1 from touchpoint where cycle_id = ? and archived_at is null", [cycle_id]
    ).fetchone()
    assert row is not None
    return int(row[0])


def insert_touchpoint(cur: Cursor, cycle_id: int, fields: TouchpointFields) -> int:
    """Adds a touchpoint at the end of its cycle; its name must not clash in that cycle."""
    f = fields.checked()
    _refuse_clash(cur, cycle_id, f.name, None)
    row = cur.execute(
        "insert into touchpoint (cycle_id, position, name, moment) values (?, ?, ?, ?) returning id",
        [cycle_id, _next_position(cur, cycle_id), f.name, f.moment],
    ).fetchone()
    assert row is not None
    touchpoint_id = int(row[0])
    _write(cur, touchpoint_id, f)
    return touchpoint_id


def add_touchpoints(cur: Cursor, cycle_id: int, names: Sequence[str], moment: str) -> dict[str, int]:
    """The id for each given touchpoint name in a cycle: the active touchpoint with the same key,
    else a new one at the moment given, appended at the end of the cycle in the order given.

    Returns name-as-given -> id. Raises ValueError on an invalid name, and on a name whose key
    an archived touchpoint of the cycle has (it should be restored instead).
    """
    if moment not in domain.MOMENT_KEYS:
        raise ValueError(f"unknown moment {moment!r}")
    stored = in_cycle(cur, cycle_id)
    active = keyed((i, n) for i, n, archived in stored if not archived)
    archived = keyed((i, n) for i, n, archived in stored if archived)
    keys: dict[str, str] = {}
    new: dict[str, str] = {}
    for given in dict.fromkeys(names):  # each distinct spelling once, however often it is given
        name = text.clean_name(given, "touchpoint")
        key = keys[given] = text.key(name)
        if key in archived and key not in active:
            raise ValueError(_RESTORE_INSTEAD.format(archived[key][1]))
        if key not in active:
            new.setdefault(key, name)
    if new:
        rows = cur.execute(
            "insert into touchpoint (cycle_id, position, name, moment)"
            " select ?, ? + n.i - 1, n.name, ? from unnest(?::varchar[]) with ordinality as n(name, i)"
            " returning id, name",
            [cycle_id, _next_position(cur, cycle_id), moment, list(new.values())],
        ).fetchall()
        active.update(keyed((int(i), str(n)) for i, n in rows))
    return {given: active[key][0] for given, key in keys.items()}


def _write(cur: Cursor, touchpoint_id: int, f: TouchpointFields) -> None:
    values = (f.name, f.moment, f.channel, f.owner_team_id, f.description, f.standard, f.target, f.situation)
    cur.execute(
        "update touchpoint set name = ?, moment = ?, channel = ?, owner_team_id = ?, description = ?, standard = ?,"
        " target = ?, situation = ?, recovery_plan = ? where id = ?",
        [*values, f.recovery_plan, touchpoint_id],
    )
    _set_groups(cur, touchpoint_id, f.group_ids)


def write_touchpoint(cur: Cursor, touchpoint_id: int, fields: TouchpointFields) -> None:
    """Replaces every field of a touchpoint; the new name must not clash in its cycle."""
    f = fields.checked()
    _refuse_clash(cur, _cycle_of(cur, touchpoint_id), f.name, touchpoint_id)
    _write(cur, touchpoint_id, f)


def stored_fields(cur: Cursor, touchpoint_id: int) -> TouchpointFields:
    """The fields a touchpoint holds now (to change some of them and write them back)."""
    row = cur.execute(
        "select name, moment, channel, owner_team_id, coalesce((select array_agg(group_id order by group_id)"
        " from touchpoint_group g where g.touchpoint_id = t.id), array[]::integer[]), description, standard, target,"
        " situation, recovery_plan from touchpoint t where id = ?",
        [touchpoint_id],
    ).fetchone()
    if row is None:
        raise ValueError("That touchpoint no longer exists.")
    name, moment, channel, owner, group_ids, description, standard, target, situation, recovery_plan = row
    return TouchpointFields(
        name, moment, channel, owner, tuple(group_ids), description, standard, target, situation, recovery_plan
    )


def place(cur: Cursor, cycle_id: int, touchpoint_ids: Sequence[int]) -> None:
    """Makes the listed touchpoints active, at positions 1..n in the order given, and puts the
    cycle's other active touchpoints after them, keeping their order."""
    listed = list(dict.fromkeys(touchpoint_ids))
    cur.execute(
        "update touchpoint set archived_at = null where cycle_id = ? and id = any(?::integer[])",
        [cycle_id, listed],
    )
    cur.execute(
        "update touchpoint set position = r.rank from (select id, row_number() over"
        " (order by coalesce(array_position(?::integer[], id), 1e9), position, id) as rank"
        " from touchpoint where cycle_id = ? and archived_at is null) r where touchpoint.id = r.id",
        [listed, cycle_id],
    )


# --- touchpoints, one transaction each --------------------------------------------------------


def add_touchpoint(store: Store, cycle_id: int, fields: TouchpointFields) -> int:
    """Adds a touchpoint at the end of the cycle and returns its id."""
    with store.transaction() as cur:
        audit.write(cur, "map", "touchpoint added", cycle_id, detail=fields.name)
        return insert_touchpoint(cur, cycle_id, fields)


def update_touchpoint(store: Store, touchpoint_id: int, fields: TouchpointFields) -> None:
    """Saves a touchpoint's edited fields."""
    with store.transaction() as cur:
        audit.write(cur, "map", "touchpoint edited", _cycle_of(cur, touchpoint_id), detail=fields.name)
        write_touchpoint(cur, touchpoint_id, fields)


def set_order(store: Store, cycle_id: int, touchpoint_ids: Sequence[int]) -> None:
    """Puts the cycle's active touchpoints in exactly the given order."""
    with store.transaction() as cur:
        audit.write(cur, "map", "touchpoints reordered", cycle_id)
        current = {i for i, _, archived in in_cycle(cur, cycle_id) if not archived}
        if set(touchpoint_ids) != current or len(touchpoint_ids) != len(current):
            raise ValueError("The new order must list every touchpoint of the cycle exactly once.")
        place(cur, cycle_id, touchpoint_ids)


def impression_count(store: Store, touchpoint_id: int) -> int:
    """Impressions recorded for one touchpoint."""
    with store.cursor() as cur:
        row = cur.execute("select count(*) from impression where touchpoint_id = ?", [touchpoint_id]).fetchone()
    assert row is not None
    return int(row[0])


def delete_touchpoint(store: Store, touchpoint_id: int) -> None:
    """Deletes a touchpoint that has no impressions (and its ideas); one with impressions is refused."""
    with store.transaction() as cur:
        cycle_id = _cycle_of(cur, touchpoint_id)
        audit.write(cur, "map", "touchpoint deleted", cycle_id, detail=f"touchpoint {touchpoint_id}")
        row = cur.execute("select count(*) from impression where touchpoint_id = ?", [touchpoint_id]).fetchone()
        assert row is not None
        if row[0]:
            raise ValueError(
                f"This touchpoint has {int(row[0]):,} recorded impressions, which are never deleted:"
                " archive it instead."
            )
        cur.execute("delete from enhancement_idea where touchpoint_id = ?", [touchpoint_id])
        cur.execute("delete from touchpoint_group where touchpoint_id = ?", [touchpoint_id])
        cur.execute("delete from touchpoint where id = ?", [touchpoint_id])
        place(cur, cycle_id, [])


def archive_touchpoint(store: Store, touchpoint_id: int) -> None:
    """Takes a touchpoint off the map; it and its impressions stay stored and can be restored."""
    with store.transaction() as cur:
        cycle_id = _cycle_of(cur, touchpoint_id)
        audit.write(cur, "map", "touchpoint archived", cycle_id, detail=f"touchpoint {touchpoint_id}")
        cur.execute(
            "update touchpoint set archived_at = current_timestamp where id = ? and archived_at is null",
            [touchpoint_id],
        )
        place(cur, cycle_id, [])


def restore_touchpoint(store: Store, touchpoint_id: int) -> None:
    """Brings an archived touchpoint back, at the end of its cycle."""
    with store.transaction() as cur:
        cycle_id = _cycle_of(cur, touchpoint_id)
        audit.write(cur, "map", "touchpoint restored", cycle_id, detail=f"touchpoint {touchpoint_id}")
        stored = in_cycle(cur, cycle_id)
        name = next(n for i, n, _ in stored if i == touchpoint_id)
        taken = clash([(i, n) for i, n, archived in stored if not archived], name, exclude=touchpoint_id)
        if taken is not None:
            raise ValueError(f"The cycle already has an active touchpoint called “{taken[1]}”: rename that one first.")
        cur.execute(
            "update touchpoint set archived_at = null, position = ? where id = ?",
            [_next_position(cur, cycle_id), touchpoint_id],
        )


# --- touchpoint reads -------------------------------------------------------------------------


def touchpoints(store: Store, cycle_id: int | None = None) -> pd.DataFrame:
    """Active touchpoints in cycle order, with their owner team's name."""
    with store.cursor() as cur:
        return cur.execute(
            "select t.id, t.cycle_id, c.name as cycle, t.position, t.name, t.moment, t.channel,"
            " coalesce(tm.name, '') as owner, t.standard, t.target, t.situation, t.recovery_plan"
            " from touchpoint t join service_cycle c on c.id = t.cycle_id"
            " left join team tm on tm.id = t.owner_team_id"
            " where t.archived_at is null and (?::integer is null or t.cycle_id = ?)"
            " order by c.name, t.position",
            [cycle_id, cycle_id],
        ).df()


def touchpoint(store: Store, touchpoint_id: int) -> dict[str, object]:
    """Every stored field of one touchpoint, with its owner team's name and its group ids."""
    with store.cursor() as cur:
        frame = cur.execute(
            "select t.*, c.name as cycle, coalesce(tm.name, '') as owner,"
            " coalesce((select array_agg(group_id order by group_id) from touchpoint_group g"
            " where g.touchpoint_id = t.id), array[]::integer[]) as group_ids"
            " from touchpoint t join service_cycle c on c.id = t.cycle_id left join team tm on tm.id = t.owner_team_id"
            " where t.id = ?",
            [touchpoint_id],
        ).df()
    if frame.empty:
        raise ValueError("That touchpoint no longer exists.")
    record: dict[str, object] = {str(k): v for k, v in frame.iloc[0].to_dict().items()}
    record["group_ids"] = [int(g) for g in record["group_ids"]]  # type: ignore[attr-defined]
    return record


def archived_touchpoints(store: Store, cycle_id: int) -> pd.DataFrame:
    """Archived touchpoints of a cycle with how many impressions each keeps."""
    with store.cursor() as cur:
        return cur.execute(
            "select t.id, t.name, t.moment, t.archived_at, (select count(*) from impression i"
            " where i.touchpoint_id = t.id) as impressions"
            " from touchpoint t where t.cycle_id = ? and t.archived_at is not null order by t.archived_at, t.id",
            [cycle_id],
        ).df()
