"""Stakeholder groups and teams: the one write API for them, and their lists.

A stakeholder group is whose opinion of us matters (tenants, installers); a team owns
touchpoints. Both are a name and a description. Names are cleaned by ``text.clean_name`` and
must not clash (``text.key``: case, accents, punctuation and spacing ignored) with another
group, or another team. Functions taking ``cur`` work inside the caller's transaction (survey
imports, map files, the demo); the others are one transaction each, checked and recorded by
``audit.write``. A refused write raises ``ValueError`` (``access.ForbiddenError`` when the acting
principal may not make it) with a sentence for the user and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dashboard import text
from dashboard.store import Store, audit
from dashboard.store.dialect import Cursor
from dashboard.store.names import clash, keyed

# Fixed fragments only: the table and the word a person reads for each kind.
_TABLES = {"group": ("stakeholder_group", "stakeholder group"), "team": ("team", "team")}


def _table(kind: str) -> tuple[str, str]:
    if kind not in _TABLES:
        raise ValueError(f"unknown kind {kind!r}")
    return _TABLES[kind]


def _stored(cur: Cursor, table: str) -> list[tuple[int, str]]:
    return [(int(i), str(n)) for i, n in cur.execute(f"select id, name from {table} order by id").fetchall()]  # noqa: S608 table from _TABLES


# --- inside the caller's transaction ----------------------------------------------------------


def insert_named(cur: Cursor, kind: str, name: str, description: str = "") -> int:
    """A new group (``kind="group"``) or team; refused when the name clashes with another."""
    table, what = _table(kind)
    name = text.clean_name(name, what)
    description = text.clean_text(description, "description")
    taken = clash(_stored(cur, table), name)
    if taken is not None:
        raise ValueError(f"A {what} called “{taken[1]}” already exists.")
    row = cur.execute(
        f"insert into {table} (name, description) values (?, ?) returning id",  # noqa: S608 table from _TABLES
        [name, description],
    ).fetchone()
    assert row is not None
    return int(row[0])


def _add_all(cur: Cursor, kind: str, wanted: Sequence[str]) -> dict[str, int]:
    table, what = _table(kind)
    by_key = {key: item_id for key, (item_id, _) in keyed(_stored(cur, table)).items()}
    ids: dict[str, int] = {}
    for given in dict.fromkeys(wanted):  # each distinct spelling once, however often it is given
        name = text.clean_name(given, what)
        key = text.key(name)
        if key not in by_key:
            row = cur.execute(f"insert into {table} (name) values (?) returning id", [name]).fetchone()  # noqa: S608 table from _TABLES
            assert row is not None
            by_key[key] = int(row[0])
        ids[given] = by_key[key]
    return ids


def add_groups(cur: Cursor, names: Sequence[str]) -> dict[str, int]:
    """The id for each given group name: the existing group with the same key, else a new one.

    Returns name-as-given -> id. Raises ValueError on an invalid name (nothing of the caller's
    transaction should then be committed).
    """
    return _add_all(cur, "group", names)


def add_teams(cur: Cursor, names: Sequence[str]) -> dict[str, int]:
    """The id for each given team name: the existing team with the same key, else a new one."""
    return _add_all(cur, "team", names)


# --- one transaction each ---------------------------------------------------------------------


def add_named(store: Store, kind: str, name: str, description: str = "") -> int:
    """Adds a stakeholder group (``kind="group"``) or a team and returns its id."""
    what = _table(kind)[1]
    with store.transaction() as cur:
        audit.write(cur, "map", f"{what} added", detail=name)
        return insert_named(cur, kind, name, description)


def add_group(store: Store, name: str, description: str = "") -> int:
    """Adds a stakeholder group and returns its id."""
    return add_named(store, "group", name, description)


def add_team(store: Store, name: str, description: str = "") -> int:
    """Adds a team and returns its id."""
    return add_named(store, "team", name, description)


def rename_named(store: Store, kind: str, item_id: int, name: str, description: str) -> None:
    """Gives a group or team a new name and description; the name must not clash with another."""
    table, what = _table(kind)
    name = text.clean_name(name, what)
    description = text.clean_text(description, "description")
    with store.transaction() as cur:
        # A group or team spans every cycle: renaming one changes the workspace for everyone.
        audit.write(cur, "settings", f"{what} renamed", detail=f"{item_id}: {name}")
        taken = clash(_stored(cur, table), name, exclude=item_id)
        if taken is not None:
            raise ValueError(f"Another {what} is already called “{taken[1]}”.")
        cur.execute(f"update {table} set name = ?, description = ? where id = ?", [name, description, item_id])  # noqa: S608 table from _TABLES


def delete_named(store: Store, kind: str, item_id: int) -> None:
    """Deletes a group or team nothing refers to; otherwise says what still uses it."""
    table, what = _table(kind)
    with store.transaction() as cur:
        audit.write(cur, "delete", f"{what} deleted", detail=str(item_id))
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
        cur.execute(f"delete from {table} where id = ?", [item_id])  # noqa: S608 table from _TABLES


# --- reads ------------------------------------------------------------------------------------


def groups(store: Store) -> pd.DataFrame:
    """Every stakeholder group (``id, name, description``) by name."""
    with store.cursor() as cur:
        return cur.execute("select id, name, description from stakeholder_group order by name").df()


def teams(store: Store) -> pd.DataFrame:
    """Every team (``id, name, description``) by name."""
    with store.cursor() as cur:
        return cur.execute("select id, name, description from team order by name").df()


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
