"""Stakeholder groups, created by name inside a caller's transaction.

Minimal until merge: the write API for groups and teams lives in this module on the store
branch, with this function under the same signature.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from dashboard.text import clean_name, key


def add_groups(cur: duckdb.DuckDBPyConnection, names: Iterable[str]) -> dict[str, int]:
    """For each name, the id of the group whose matching key it shares, else of a new group.

    Runs in the caller's transaction. Raises ValueError when a new name is not a valid name.
    """
    rows = cur.execute("select id, name from stakeholder_group order by id").fetchall()
    known = {key(name): int(ident) for ident, name in rows}
    found: dict[str, int] = {}
    for name in names:
        cleaned = clean_name(name, "stakeholder group")
        if key(cleaned) not in known:
            row = cur.execute("insert into stakeholder_group (name) values (?) returning id", [cleaned]).fetchone()
            assert row is not None
            known[key(cleaned)] = int(row[0])
        found[name] = known[key(cleaned)]
    return found
