"""Versioned schema migrations, applied on open.

Each migration is a file ``migrations/NNNN_name.sql``. A database records the versions it has
had applied; opening it applies every missing one in order, each in its own transaction, so a
failed migration leaves the database as it was before that migration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from dashboard.store.dialect import Cursor

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_NAME = re.compile(r"^(\d{4})_(\w+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migrations shipped with the code, oldest first."""
    found = []
    for path in directory.iterdir():
        match = _NAME.match(path.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), path.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a version in {directory}")
    return found


def applied_versions(cur: Cursor) -> set[int]:
    cur.execute(
        "create table if not exists schema_migration ("
        " version integer primary key, name varchar not null,"
        " applied_at timestamp not null default current_timestamp)"
    )
    return {row[0] for row in cur.execute("select version from schema_migration").fetchall()}


def apply_migrations(cur: Cursor, directory: Path = MIGRATIONS_DIR) -> list[int]:
    """Applies every migration the database lacks; returns the versions applied now."""
    done = applied_versions(cur)
    applied = []
    for migration in available_migrations(directory):
        if migration.version in done:
            continue
        cur.execute("begin")
        try:
            cur.execute(migration.sql)
            cur.execute(
                "insert into schema_migration (version, name) values (?, ?)", [migration.version, migration.name]
            )
            cur.execute("commit")
        except BaseException:
            cur.execute("rollback")
            raise
        applied.append(migration.version)
    return applied
