"""SQL for building and keeping service cycle maps.

Editing cycles and touchpoints (names unique within their scope, compared without regard to
case), archiving a touchpoint that has impressions instead of deleting it (no impression is
ever deleted), enhancement ideas and their status, the per-touchpoint detail questions, map
files written as one transaction, and managing stakeholder groups and teams.

Every function raises ``ValueError`` with a sentence a person can act on when a request
conflicts with what is stored; nothing is written then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from dashboard import domain
from dashboard.store import Store, workspace
from dashboard.store.impressions import STATS

# --- service cycles ---------------------------------------------------------------------------


def _clean(name: str, what: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValueError(f"A {what} needs a name.")
    return cleaned


def _cycle_named(cur: duckdb.DuckDBPyConnection, name: str) -> int | None:
    row = cur.execute("select id from service_cycle where lower(name) = lower(?)", [name]).fetchone()
    return None if row is None else int(row[0])


def create_cycle(store: Store, name: str, description: str = "") -> int:
    """A new, empty service cycle; its name must not be taken (ignoring case)."""
    name = _clean(name, "service cycle")
    with store.transaction() as cur:
        if _cycle_named(cur, name) is not None:
            raise ValueError(f"A service cycle called “{name}” already exists.")
        row = cur.execute(
            "insert into service_cycle (name, description) values (?, ?) returning id", [name, description]
        ).fetchone()
    assert row is not None
    return int(row[0])


def rename_cycle(store: Store, cycle_id: int, name: str, description: str | None = None) -> None:
    name = _clean(name, "service cycle")
    with store.transaction() as cur:
        other = _cycle_named(cur, name)
        if other is not None and other != cycle_id:
            raise ValueError(f"Another service cycle is already called “{name}”.")
        cur.execute(
            "update service_cycle set name = ?, description = coalesce(?, description) where id = ?",
            [name, description, cycle_id],
        )


def cycle_impression_count(store: Store, cycle_id: int) -> int:
    """Impressions recorded for any touchpoint of the cycle, archived ones included."""
    with store.cursor() as cur:
        row = cur.execute(
            "select count(*) from impression i join touchpoint t on t.id = i.touchpoint_id where t.cycle_id = ?",
            [cycle_id],
        ).fetchone()
    assert row is not None
    return int(row[0])


def delete_cycle(store: Store, cycle_id: int) -> None:
    """Deletes a cycle, its touchpoints and their ideas; refused while any impression refers to it."""
    with store.transaction() as cur:
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
        ids = "select id from touchpoint where cycle_id = ?"
        cur.execute(f"delete from enhancement_idea where touchpoint_id in ({ids})", [cycle_id])
        cur.execute(f"delete from touchpoint_group where touchpoint_id in ({ids})", [cycle_id])
        cur.execute("delete from touchpoint where cycle_id = ?", [cycle_id])
        cur.execute("delete from service_cycle where id = ?", [cycle_id])


# --- touchpoints ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TouchpointFields:
    """What a person fills in for a touchpoint. ``moment`` is a moment key."""

    name: str
    moment: str
    channel: str = ""
    owner_team_id: int | None = None
    group_ids: tuple[int, ...] = ()
    description: str = ""
    standard: str = ""
    target: float = domain.DEFAULT_TARGET
    situation: str | None = None
    recovery_plan: str = ""

    def checked(self) -> TouchpointFields:
        """A copy with the name tidied; raises ValueError for a missing name or moment."""
        name = _clean(self.name, "touchpoint")
        if self.moment not in domain.MOMENT_KEYS:
            raise ValueError(f"“{name}” needs a moment: one of {', '.join(m.label for m in domain.MOMENTS)}.")
        if self.situation is not None and self.situation not in domain.SITUATION_KEYS:
            raise ValueError(f"Unknown moment-of-truth situation {self.situation!r}.")
        if not -1 <= self.target <= 1:
            raise ValueError(f"The target of “{name}” must lie between −1 and +1.")
        return TouchpointFields(
            name,
            self.moment,
            self.channel.strip(),
            self.owner_team_id,
            tuple(self.group_ids),
            self.description.strip(),
            self.standard.strip(),
            float(self.target),
            self.situation,
            self.recovery_plan.strip(),
        )


def _name_conflict(cur: duckdb.DuckDBPyConnection, cycle_id: int, name: str, exclude: int | None) -> str | None:
    row = cur.execute(
        "select name, archived_at is not null from touchpoint"
        " where cycle_id = ? and lower(name) = lower(?) and id is distinct from ?",
        [cycle_id, name, exclude],
    ).fetchone()
    if row is None:
        return None
    if row[1]:
        return f"An archived touchpoint in this cycle is already called “{row[0]}”: restore it instead."
    return f"This cycle already has a touchpoint called “{row[0]}”."


def add_touchpoint(store: Store, cycle_id: int, fields: TouchpointFields) -> int:
    """Adds a touchpoint at the end of the cycle; names are unique within a cycle, ignoring case."""
    f = fields.checked()
    with store.transaction() as cur:
        conflict = _name_conflict(cur, cycle_id, f.name, None)
        if conflict:
            raise ValueError(conflict)
        touchpoint_id = workspace.insert_touchpoint(
            cur,
            cycle_id,
            f.name,
            f.moment,
            channel=f.channel,
            owner_team_id=f.owner_team_id,
            group_ids=f.group_ids,
            description=f.description,
            standard=f.standard,
            target=f.target,
            situation=f.situation,
            recovery_plan=f.recovery_plan,
        )
        _renumber(cur, cycle_id)
    return touchpoint_id


def _write_fields(cur: duckdb.DuckDBPyConnection, touchpoint_id: int, f: TouchpointFields) -> None:
    cur.execute(
        "update touchpoint set name = ?, moment = ?, channel = ?, owner_team_id = ?, description = ?, standard = ?,"
        " target = ?, situation = ?, recovery_plan = ? where id = ?",
        [
            f.name,
            f.moment,
            f.channel,
            f.owner_team_id,
            f.description,
            f.standard,
            f.target,
            f.situation,
            f.recovery_plan,
            touchpoint_id,
        ],
    )
    _set_groups(cur, touchpoint_id, f.group_ids)


def _set_groups(cur: duckdb.DuckDBPyConnection, touchpoint_id: int, group_ids: Sequence[int]) -> None:
    cur.execute("delete from touchpoint_group where touchpoint_id = ?", [touchpoint_id])
    for group_id in dict.fromkeys(group_ids):
        cur.execute("insert into touchpoint_group values (?, ?)", [touchpoint_id, group_id])


def _cycle_of(cur: duckdb.DuckDBPyConnection, touchpoint_id: int) -> int:
    row = cur.execute("select cycle_id from touchpoint where id = ?", [touchpoint_id]).fetchone()
    if row is None:
        raise ValueError("That touchpoint no longer exists.")
    return int(row[0])


def update_touchpoint(store: Store, touchpoint_id: int, fields: TouchpointFields) -> None:
    f = fields.checked()
    with store.transaction() as cur:
        cycle_id = _cycle_of(cur, touchpoint_id)
        conflict = _name_conflict(cur, cycle_id, f.name, touchpoint_id)
        if conflict:
            raise ValueError(conflict)
        _write_fields(cur, touchpoint_id, f)


def touchpoint(store: Store, touchpoint_id: int) -> dict[str, object]:
    """Every stored field of one touchpoint, with its owner team's name and its group ids."""
    with store.cursor() as cur:
        frame = cur.execute(
            "select t.*, c.name as cycle, coalesce(tm.name, '') as owner,"
            " coalesce((select list(group_id order by group_id) from touchpoint_group g"
            " where g.touchpoint_id = t.id), []) as group_ids"
            " from touchpoint t join service_cycle c on c.id = t.cycle_id left join team tm on tm.id = t.owner_team_id"
            " where t.id = ?",
            [touchpoint_id],
        ).df()
    if frame.empty:
        raise ValueError("That touchpoint no longer exists.")
    record: dict[str, object] = {str(k): v for k, v in frame.iloc[0].to_dict().items()}
    record["group_ids"] = [int(g) for g in record["group_ids"]]  # type: ignore[attr-defined]
    return record


def _renumber(cur: duckdb.DuckDBPyConnection, cycle_id: int) -> None:
    """Positions 1..n for the active touchpoints, keeping their order."""
    cur.execute(
        "update touchpoint set position = r.rank from (select id, row_number() over (order by position, id) as rank"
        " from touchpoint where cycle_id = ? and archived_at is null) r where touchpoint.id = r.id",
        [cycle_id],
    )


def set_order(store: Store, cycle_id: int, touchpoint_ids: Sequence[int]) -> None:
    """Puts the cycle's active touchpoints in exactly the given order."""
    with store.transaction() as cur:
        current = {
            int(r[0])
            for r in cur.execute(
                "select id from touchpoint where cycle_id = ? and archived_at is null", [cycle_id]
            ).fetchall()
        }
        if set(touchpoint_ids) != current or len(touchpoint_ids) != len(current):
            raise ValueError("The new order must list every touchpoint of the cycle exactly once.")
        for position, touchpoint_id in enumerate(touchpoint_ids, start=1):
            cur.execute("update touchpoint set position = ? where id = ?", [position, touchpoint_id])


def impression_count(store: Store, touchpoint_id: int) -> int:
    with store.cursor() as cur:
        row = cur.execute("select count(*) from impression where touchpoint_id = ?", [touchpoint_id]).fetchone()
    assert row is not None
    return int(row[0])


def delete_touchpoint(store: Store, touchpoint_id: int) -> None:
    """Deletes a touchpoint that has no impressions (and its ideas); one with impressions is refused."""
    with store.transaction() as cur:
        cycle_id = _cycle_of(cur, touchpoint_id)
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
        _renumber(cur, cycle_id)


def archive_touchpoint(store: Store, touchpoint_id: int) -> None:
    """Takes a touchpoint off the map; it and its impressions stay stored and can be restored."""
    with store.transaction() as cur:
        cycle_id = _cycle_of(cur, touchpoint_id)
        cur.execute(
            "update touchpoint set archived_at = current_timestamp where id = ? and archived_at is null",
            [touchpoint_id],
        )
        _renumber(cur, cycle_id)


def restore_touchpoint(store: Store, touchpoint_id: int) -> None:
    """Brings an archived touchpoint back, at the end of its cycle."""
    with store.transaction() as cur:
        cycle_id = _cycle_of(cur, touchpoint_id)
        row = cur.execute("select name from touchpoint where id = ?", [touchpoint_id]).fetchone()
        assert row is not None
        clash = cur.execute(
            "select 1 from touchpoint"
            " where cycle_id = ? and lower(name) = lower(?) and id <> ? and archived_at is null",
            [cycle_id, row[0], touchpoint_id],
        ).fetchone()
        if clash:
            raise ValueError(f"The cycle already has an active touchpoint called “{row[0]}”: rename that one first.")
        cur.execute(
            "update touchpoint set archived_at = null, position = (select coalesce(max(position), 0) + 1"
            " from touchpoint where cycle_id = ? and archived_at is null) where id = ?",
            [cycle_id, touchpoint_id],
        )


def archived_touchpoints(store: Store, cycle_id: int) -> pd.DataFrame:
    """Archived touchpoints of a cycle with how many impressions each keeps."""
    with store.cursor() as cur:
        return cur.execute(
            "select t.id, t.name, t.moment, t.archived_at, (select count(*) from impression i"
            " where i.touchpoint_id = t.id) as impressions"
            " from touchpoint t where t.cycle_id = ? and t.archived_at is not null order by t.archived_at, t.id",
            [cycle_id],
        ).df()


# --- what the map and the detail show ---------------------------------------------------------


def cycle_touchpoint_stats(store: Store, cycle_id: int) -> pd.DataFrame:
    """Every active touchpoint of a cycle in order, with its impression statistics (zero when none)."""
    with store.cursor() as cur:
        return cur.execute(
            "with s as (select i.touchpoint_id, "
            + STATS
            + " from impression i join touchpoint t on t.id = i.touchpoint_id"
            " where t.cycle_id = ? and t.archived_at is null group by i.touchpoint_id)"
            " select t.id as touchpoint_id, t.name as touchpoint, t.position, t.moment, t.channel,"
            " coalesce(tm.name, '') as owner, t.target,"
            " coalesce(s.n, 0) as n, coalesce(s.total, 0) as total, coalesce(s.total_sq, 0) as total_sq,"
            " coalesce(s.n_positive, 0) as n_positive, coalesce(s.n_negative, 0) as n_negative,"
            " coalesce(s.n_meeting, 0) as n_meeting, coalesce(s.target_total, 0) as target_total"
            " from touchpoint t left join s on s.touchpoint_id = t.id left join team tm on tm.id = t.owner_team_id"
            " where t.cycle_id = ? and t.archived_at is null order by t.position, t.id",
            [cycle_id, cycle_id],
        ).df()


def cycle_moment_stats(store: Store) -> pd.DataFrame:
    """Statistics per service cycle and moment, over active touchpoints."""
    with store.cursor() as cur:
        return cur.execute(
            "select c.name as cycle, t.cycle_id, t.moment, "
            + STATS
            + " from impression i join touchpoint t on t.id = i.touchpoint_id join service_cycle c on c.id = t.cycle_id"
            " where t.archived_at is null group by all order by c.name, t.moment"
        ).df()


def monthly_trend(store: Store, touchpoint_id: int) -> pd.DataFrame:
    """Statistics per calendar month for one touchpoint."""
    with store.cursor() as cur:
        return cur.execute(
            "select date_trunc('month', i.observed_on)::date as month, "
            + STATS
            + " from impression i join touchpoint t on t.id = i.touchpoint_id where i.touchpoint_id = ?"
            " group by all order by month",
            [touchpoint_id],
        ).df()


def score_distribution(store: Store, touchpoint_id: int) -> pd.DataFrame:
    """Impressions per tenth of the common scale (``low``, ``high``, ``n``), all ten bands, lowest first."""
    with store.cursor() as cur:
        return cur.execute(
            "with bands as (select range as band from range(10)),"
            " counted as (select least(floor((score + 1) * 5), 9)::integer as band, count(*) as n"
            " from impression where touchpoint_id = ? group by all)"
            " select -1 + b.band * 0.2 as low, -1 + (b.band + 1) * 0.2 as high, coalesce(c.n, 0) as n"
            " from bands b left join counted c on c.band = b.band"
            " where exists (select 1 from impression where touchpoint_id = ?) order by b.band",
            [touchpoint_id, touchpoint_id],
        ).df()


def recent_comments(store: Store, touchpoint_id: int, limit: int = 8) -> pd.DataFrame:
    with store.cursor() as cur:
        return cur.execute(
            "select i.observed_on, i.score, i.raw_value as answer, coalesce(g.name, '') as stakeholder_group, i.comment"
            " from impression i left join stakeholder_group g on g.id = i.group_id"
            " where i.touchpoint_id = ? and coalesce(trim(i.comment), '') <> ''"
            " order by i.observed_on desc, i.id desc limit ?",
            [touchpoint_id, limit],
        ).df()


# --- enhancement ideas ------------------------------------------------------------------------


def add_idea(store: Store, touchpoint_id: int, text: str, author: str = "") -> int:
    text = " ".join(text.split())
    if not text:
        raise ValueError("Write the idea before adding it.")
    return workspace.add_idea(store, touchpoint_id, text, author=author.strip())


def vote_idea(store: Store, idea_id: int) -> None:
    with store.transaction() as cur:
        cur.execute("update enhancement_idea set votes = votes + 1 where id = ?", [idea_id])


def set_idea_status(
    store: Store, idea_id: int, status: str, *, on: date | None = None, new_standard: str | None = None
) -> None:
    """Moves an idea along proposed -> adopted -> made a standard (never back).

    ``on`` is the adoption date (today when omitted), kept when the idea was adopted before.
    With ``new_standard`` the idea's touchpoint gets that text as its standard, in the same
    transaction.
    """
    if status not in domain.IDEA_STATUS_KEYS:
        raise ValueError(f"Unknown idea status {status!r}.")
    with store.transaction() as cur:
        row = cur.execute("select status, touchpoint_id from enhancement_idea where id = ?", [idea_id]).fetchone()
        if row is None:
            raise ValueError("That idea no longer exists.")
        if domain.IDEA_STATUS_KEYS.index(status) < domain.IDEA_STATUS_KEYS.index(row[0]):
            raise ValueError(
                f"An idea that is “{domain.label(domain.IDEA_STATUSES, row[0])}” cannot go back to "
                f"“{domain.label(domain.IDEA_STATUSES, status)}”."
            )
        cur.execute(
            "update enhancement_idea set status = ?,"
            " adopted_on = case when ? = 'proposed' then null else coalesce(adopted_on, ?) end where id = ?",
            [status, status, on or date.today(), idea_id],
        )
        if new_standard is not None:
            cur.execute("update touchpoint set standard = ? where id = ?", [new_standard.strip(), row[1]])


# --- map files --------------------------------------------------------------------------------


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
            " where t.archived_at is null and (? is null or t.cycle_id = ?) order by c.name, t.position, t.id",
            [cycle_id, cycle_id],
        ).df()


def _team_id(cur: duckdb.DuckDBPyConnection, name: str) -> int | None:
    if not name:
        return None
    row = cur.execute("select id from team where lower(name) = lower(?)", [name]).fetchone()
    if row is None:
        row = cur.execute("insert into team (name) values (?) returning id", [name]).fetchone()
    assert row is not None
    return int(row[0])


def _group_id(cur: duckdb.DuckDBPyConnection, name: str) -> int:
    row = cur.execute("select id from stakeholder_group where lower(name) = lower(?)", [name]).fetchone()
    if row is None:
        row = cur.execute("insert into stakeholder_group (name) values (?) returning id", [name]).fetchone()
    assert row is not None
    return int(row[0])


def apply_map(store: Store, rows: pd.DataFrame, present: Sequence[str]) -> None:
    """Writes checked map rows as one transaction.

    ``rows`` holds the map-file columns with keys (moment, situation) and tidy text, grouped
    by cycle in file order; ``groups`` is a list of names. Columns not in ``present`` (the
    optional ones the file left out) keep their stored values on existing touchpoints. A
    cycle is matched by name, a touchpoint by name within its cycle (ignoring case); an
    archived match is restored. Touchpoints the file does not list stay, after the listed
    ones. Unknown teams and stakeholder groups are created.
    """
    with store.transaction() as cur:
        for cycle_name, block in rows.groupby("service_cycle", sort=False):
            cycle_id = _cycle_named(cur, str(cycle_name))
            if cycle_id is None:
                found = cur.execute("insert into service_cycle (name) values (?) returning id", [cycle_name]).fetchone()
                assert found is not None
                cycle_id = int(found[0])
            _apply_cycle(cur, cycle_id, block, set(present))


def _apply_cycle(cur: duckdb.DuckDBPyConnection, cycle_id: int, block: pd.DataFrame, present: set[str]) -> None:
    listed: list[int] = []
    for rec in block.to_dict("records"):
        # pandas may hold a blank situation as NaN; the database wants NULL.
        rec["situation"] = rec["situation"] if isinstance(rec["situation"], str) else None
        found = cur.execute(
            "select id from touchpoint where cycle_id = ? and lower(name) = lower(?) order by archived_at nulls first",
            [cycle_id, rec["touchpoint"]],
        ).fetchone()
        if found is None:
            current = TouchpointFields(name=str(rec["touchpoint"]), moment=str(rec["moment"]))
            touchpoint_id = workspace.insert_touchpoint(cur, cycle_id, current.name, current.moment)
        else:
            touchpoint_id = int(found[0])
            cur.execute("update touchpoint set archived_at = null where id = ?", [touchpoint_id])
        stored = cur.execute(
            "select description, standard, target, situation, recovery_plan from touchpoint where id = ?",
            [touchpoint_id],
        ).fetchone()
        assert stored is not None
        keep = dict(zip(("description", "standard", "target", "situation", "recovery_plan"), stored, strict=True))
        value = {k: (rec[k] if k in present else keep[k]) for k in keep}
        cur.execute(
            "update touchpoint set name = ?, moment = ?, channel = ?, owner_team_id = ?, description = ?,"
            " standard = ?, target = ?, situation = ?, recovery_plan = ? where id = ?",
            [
                rec["touchpoint"],
                rec["moment"],
                rec["channel"],
                _team_id(cur, str(rec["owner"])),
                value["description"],
                value["standard"],
                value["target"],
                value["situation"],
                value["recovery_plan"],
                touchpoint_id,
            ],
        )
        if "groups" in present:
            _set_groups(cur, touchpoint_id, [_group_id(cur, g) for g in rec["groups"]])
        listed.append(touchpoint_id)
    others = [
        int(r[0])
        for r in cur.execute(
            "select id from touchpoint where cycle_id = ? and archived_at is null"
            " and not list_contains(?::integer[], id) order by position, id",
            [cycle_id, listed],
        ).fetchall()
    ]
    for position, touchpoint_id in enumerate(listed + others, start=1):
        cur.execute("update touchpoint set position = ? where id = ?", [position, touchpoint_id])


# --- stakeholder groups and teams -------------------------------------------------------------

_TABLES = {"group": ("stakeholder_group", "stakeholder group"), "team": ("team", "team")}


def _table(kind: str) -> tuple[str, str]:
    if kind not in _TABLES:
        raise ValueError(f"unknown kind {kind!r}")
    return _TABLES[kind]


def add_named(store: Store, kind: str, name: str, description: str = "") -> int:
    """Adds a stakeholder group (``kind="group"``) or a team; names are unique ignoring case."""
    table, what = _table(kind)
    name = _clean(name, what)
    with store.transaction() as cur:
        if cur.execute(f"select 1 from {table} where lower(name) = lower(?)", [name]).fetchone():
            raise ValueError(f"A {what} called “{name}” already exists.")
        row = cur.execute(
            f"insert into {table} (name, description) values (?, ?) returning id", [name, description.strip()]
        ).fetchone()
    assert row is not None
    return int(row[0])


def rename_named(store: Store, kind: str, item_id: int, name: str, description: str) -> None:
    table, what = _table(kind)
    name = _clean(name, what)
    with store.transaction() as cur:
        if cur.execute(f"select 1 from {table} where lower(name) = lower(?) and id <> ?", [name, item_id]).fetchone():
            raise ValueError(f"Another {what} is already called “{name}”.")
        cur.execute(f"update {table} set name = ?, description = ? where id = ?", [name, description.strip(), item_id])


def named_usage(store: Store, kind: str) -> pd.DataFrame:
    """Groups or teams with how many touchpoints (and, for groups, impressions) refer to each."""
    if kind == "group":
        sql = (
            "select g.id, g.name, g.description,"
            " (select count(*) from touchpoint_group tg where tg.group_id = g.id) as touchpoints,"
            " (select count(*) from impression i where i.group_id = g.id) as impressions"
            " from stakeholder_group g order by g.name"
        )
    else:
        _table(kind)
        sql = (
            "select tm.id, tm.name, tm.description,"
            " (select count(*) from touchpoint t where t.owner_team_id = tm.id) as touchpoints,"
            " 0::bigint as impressions from team tm order by tm.name"
        )
    with store.cursor() as cur:
        return cur.execute(sql).df()


def delete_named(store: Store, kind: str, item_id: int) -> None:
    """Deletes a group or team nothing refers to; otherwise says what still uses it."""
    table, what = _table(kind)
    with store.transaction() as cur:
        if kind == "group":
            row = cur.execute(
                "select (select count(*) from touchpoint_group where group_id = ?),"
                " (select count(*) from impression where group_id = ?)",
                [item_id, item_id],
            ).fetchone()
        else:
            row = cur.execute(
                "select (select count(*) from touchpoint where owner_team_id = ?), 0", [item_id]
            ).fetchone()
        assert row is not None
        if row[0] or row[1]:
            raise ValueError(
                f"This {what} is still used by {int(row[0])} touchpoints and {int(row[1]):,} impressions; "
                "it can be renamed but not deleted."
            )
        cur.execute(f"delete from {table} where id = ?", [item_id])
