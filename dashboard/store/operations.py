"""SQL for running the workspace: its health, totals for the metrics, backups and restores.

A backup is a DuckDB file whichever database the workspace lives in. From a DuckDB workspace it
is written by ``COPY FROM DATABASE`` inside one read transaction, so it is one consistent
snapshot even while other threads keep writing (checked: a copy taken under a stream of
2,000-row transactions always held a whole number of them). From PostgreSQL it is written by
the copier (``store.copy``), which reads every table in one repeatable-read snapshot.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dashboard import access
from dashboard.store import Store, audit, copy
from dashboard.store.dialect import Cursor, Error
from dashboard.store.schema import available_migrations

BACKUP_FILE_NAME = "workspace-backup.duckdb"
"""The name a downloaded backup is offered under."""


class BackupError(ValueError):
    """A backup or restore the workspace refuses."""


@dataclass(frozen=True)
class Health:
    ok: bool
    schema_version: int
    expected_version: int
    message: str


def newest_schema() -> int:
    """The newest schema version this code knows."""
    return max(m.version for m in available_migrations())


def health(store: Store) -> Health:
    """Whether the database answers and has every migration this code ships."""
    expected = newest_schema()
    try:
        with store.cursor() as cur:
            version = _schema_version(cur)
    except Error as error:
        return Health(False, 0, expected, f"the database does not answer: {' '.join(str(error).split())}")
    if version != expected:
        return Health(False, version, expected, f"schema version {version}, expected {expected}")
    return Health(True, version, expected, "ok")


def _schema_version(cur: Cursor) -> int:
    row = cur.execute("select coalesce(max(version), 0) from schema_migration").fetchone()
    assert row is not None
    return int(row[0])


def totals(store: Store) -> tuple[int, dict[str, int]]:
    """Imports committed so far, and impressions held per source (from the monthly roll-up: cheap)."""
    with store.cursor() as cur:
        imports = cur.execute("select count(*) from import_batch").fetchone()
        rows = cur.execute(
            "select source, sum(n)::bigint from impression_monthly group by source having sum(n) <> 0"
        ).fetchall()
    assert imports is not None
    return int(imports[0]), {str(source): int(n) for source, n in rows}


def table_counts(store: Store) -> dict[str, int]:
    """Rows in every table of the workspace, by table name (for checking a restore)."""
    with store.cursor() as cur:
        return copy.counts(cur)


def is_empty(store: Store) -> bool:
    """True when the workspace holds no cycles and no impressions (a fresh file)."""
    with store.cursor() as cur:
        row = cur.execute("select (select count(*) from service_cycle) + (select count(*) from impression)").fetchone()
    assert row is not None
    return int(row[0]) == 0


def backup(store: Store, target: Path) -> dict[str, int]:
    """Writes a consistent copy of the workspace to ``target`` (a new file); returns its table counts.

    Runs beside the pages' reads and writes: the copy is one transaction, a snapshot of the
    moment it began. The file is written under a temporary name and renamed when complete,
    so a failed backup never leaves a half-written file that looks whole.
    """
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name")
    with store.transaction() as cur:  # its own transaction: the copy must not hold up the writers
        audit.write(cur, "backup", "backup written", detail=target.name)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with store.cursor() as cur:
            if isinstance(cur, duckdb.DuckDBPyConnection):
                _copy_database(cur, partial)
            else:
                with Store(partial) as into:
                    copy.copy_stores(store, into, target_name=str(partial))
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(target)
    return stored_counts(target)


def _copy_database(cur: duckdb.DuckDBPyConnection, partial: Path) -> None:
    """DuckDB's own copy of a whole database into a new file (faster than the copier; see README)."""
    source = cur.execute("select current_database()").fetchone()
    assert source is not None
    cur.execute("attach ? as backup_target", [str(partial)])
    try:
        cur.execute(f'copy from database "{source[0]}" to backup_target')
    finally:
        cur.execute("detach backup_target")


def backup_bytes(store: Store) -> bytes:
    """A backup as bytes, for a download: written to a temporary file, read, and removed."""
    with tempfile.TemporaryDirectory(prefix="dashboard-backup-") as folder:
        target = Path(folder) / "backup.duckdb"
        backup(store, target)
        return target.read_bytes()


def backup_schema(path: Path) -> int:
    """The schema version a backup file was written with (read without migrating it)."""
    if not path.is_file():
        raise BackupError(f"there is no backup file {path}")
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            return _schema_version(con)
    except Error as error:
        raise BackupError(f"{path} is not a workspace backup ({' '.join(str(error).split())[:200]})") from error


def restore_file(backup_path: Path, target: Path) -> None:
    """Puts a copy of a backup file where the workspace lives (the caller checked it may).

    Refused unless the acting principal may handle backups. Nothing is added to the audit log:
    the restored file must hold exactly what the backup holds (the command line compares every
    table's count), and its own log says who wrote the backup."""
    access.require("backup")
    for leftover in (target, target.with_name(target.name + ".wal")):
        leftover.unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(backup_path, target)


def restore_into(backup_path: Path, store: Store) -> dict[str, int]:
    """Replaces everything the open workspace (PostgreSQL) holds with a backup file's content;
    returns the copied tables' counts. The backup file itself is never migrated or touched: a
    copy of it is (the caller checked that the workspace may be replaced)."""
    access.require("backup")
    with tempfile.TemporaryDirectory(prefix="dashboard-restore-") as folder:
        working = Path(folder) / "backup.duckdb"
        shutil.copyfile(backup_path, working)
        with Store(working) as source:
            return copy.copy_stores(source, store, force=True)


def stored_counts(path: Path) -> dict[str, int]:
    """Table counts of a workspace file, opened read-only (a backup is never migrated or touched)."""
    with duckdb.connect(str(path), read_only=True) as con:
        return copy.counts(con)
