"""Versioned schema migrations, applied on open.

Each migration is a file ``migrations/NNNN_name.sql``. A database records the versions it has
had applied; opening it applies every missing one in order, each in its own transaction, so a
failed migration leaves the database as it was before that migration.

The same files build both databases the store runs on, so a version means the same schema on
DuckDB and on PostgreSQL. A file is written once in SQL both accept; what one of them alone
needs (PostgreSQL's indexes and triggers, a function spelled differently) sits in a section
that starts with a line ``-- only: postgres`` or ``-- only: duckdb`` and runs there alone.
``-- only: both`` (or the start of the file) begins a shared section again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from dashboard.store import dialect
from dashboard.store.dialect import Cursor, Dialect

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_NAME = re.compile(r"^(\d{4})_(\w+)\.sql$")
_SECTION = re.compile(r"^--\s*only:\s*(\S+)\s*$")
_SECTIONS = ("both", "duckdb", "postgres")
# Two servers starting at once on one PostgreSQL database take turns migrating behind this session
# lock (DuckDB needs none: one process holds its file). The store's write lock uses another key.
_LOCK = "select pg_advisory_lock(hashtextextended('dashboard.migrate', 0))"
_UNLOCK = "select pg_advisory_unlock(hashtextextended('dashboard.migrate', 0))"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    def part(self, database: Dialect) -> str:
        """The SQL this migration runs on ``database``: its shared sections and that database's own."""
        keep, lines = True, []
        for line in self.sql.splitlines():
            section = _SECTION.match(line)
            if section is None:
                lines.append(line if keep else "")  # blank lines keep error line numbers true
                continue
            if section.group(1) not in _SECTIONS:
                raise RuntimeError(f"migration {self.version:04d} has an unknown section {line!r}")
            keep = section.group(1) in ("both", database)
            lines.append("")
        return "\n".join(lines)


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
    """Applies every migration the database lacks; returns the versions applied now.

    The database is the cursor's (``dialect.name``): each migration runs its shared sections and
    that database's own. On PostgreSQL a session advisory lock is held throughout, so a second
    server starting at the same moment waits, then finds the versions applied and applies none.
    """
    database = dialect.name(cur)
    if database == "postgres":
        cur.execute(_LOCK)
    try:
        return _apply_missing(cur, directory, database)
    finally:
        if database == "postgres":
            cur.execute(_UNLOCK)


def _apply_missing(cur: Cursor, directory: Path, database: Dialect) -> list[int]:
    done = applied_versions(cur)
    applied = []
    for migration in available_migrations(directory):
        if migration.version in done:
            continue
        cur.execute("begin")
        try:
            sql = migration.part(database)
            if sql.strip():
                cur.execute(sql)
            cur.execute(
                "insert into schema_migration (version, name) values (?, ?)", [migration.version, migration.name]
            )
            cur.execute("commit")
        except BaseException:
            cur.execute("rollback")
            raise
        applied.append(migration.version)
    return applied


def created(applied: list[int], directory: Path = MIGRATIONS_DIR) -> bool:
    """Whether migrating applied the very first migration: the workspace was created just now.

    Two servers opening one new PostgreSQL database at once migrate in turn, so only one of them
    sees this, and only that one builds the demo."""
    return bool(applied) and applied[0] == available_migrations(directory)[0].version
