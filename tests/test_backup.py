"""Backups and restores without a server: a consistent copy, and a restore that refuses a newer
schema or a workspace with data (unless forced) and checks every table's count afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import cli
from dashboard.store import Store, copy, operations, workspace
from tests.survey_files import small_workspace

pytestmark = pytest.mark.both_backends


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def target(store: Store, tmp_path: Path) -> str:
    """A workspace to restore into that nothing here holds open: a file not made yet on DuckDB
    (a restore replaces the file), the store's own empty database on PostgreSQL."""
    return store.target if store.is_postgres else str(tmp_path / "new" / "restored.duckdb")


def copied_counts(target: str) -> dict[str, int]:
    """Every table's count but those each workspace keeps for itself (its migrations, its version)."""
    with Store(target) as store:
        return {t: n for t, n in operations.table_counts(store).items() if t not in copy.NOT_COPIED}


def test_a_backup_restores_into_a_new_workspace_with_every_count_equal(
    demo_store: Store, target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    backup = tmp_path / "backup.duckdb"
    code, out, err = run(capsys, "backup", str(backup), "--db", demo_store.target)
    assert (code, err) == (0, "")
    assert out == f"backup written to {backup}: 6,000 impressions, {len(operations.stored_counts(backup))} tables\n"
    code, out, err = run(capsys, "restore", str(backup), "--db", target)
    assert (code, err, out) == (
        0,
        "",
        f"restored {backup} into {target}: 6,000 impressions; every table's count matches\n",
    )
    assert copied_counts(target) == copied_counts(demo_store.target)


def test_a_workspace_that_holds_no_impression_yet_backs_up_and_restores(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    small_workspace(store)
    backup, target = tmp_path / "backup.duckdb", tmp_path / "restored.duckdb"
    assert (operations.backup(store, backup)["impression"], operations.stored_counts(backup)["touchpoint"]) == (0, 3)
    assert run(capsys, "restore", str(backup), "--db", str(target)) == (
        0,
        f"restored {backup} into {target}: 0 impressions; every table's count matches\n",
        "",
    )
    with Store(target) as restored:
        assert workspace.counts(restored) == workspace.counts(store)


def test_a_backup_never_overwrites_a_file(store: Store, tmp_path: Path):
    existing = tmp_path / "taken.duckdb"
    existing.write_bytes(b"keep me")
    with pytest.raises(operations.BackupError, match="already exists; choose a new file name$"):
        operations.backup(store, existing)
    assert existing.read_bytes() == b"keep me"


def test_a_restore_refuses_to_overwrite_a_workspace_with_data_unless_forced(
    demo_store: Store, target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    backup = tmp_path / "backup.duckdb"
    operations.backup(demo_store, backup)
    with Store(target) as store:
        small_workspace(store)
    code, out, err = run(capsys, "restore", str(backup), "--db", target)
    assert (code, out, err) == (1, "", f"error: {target} holds a workspace with data; add --force to overwrite it\n")
    with Store(target) as store:
        assert workspace.counts(store)["cycles"] == 2
    code, out, err = run(capsys, "restore", str(backup), "--db", target, "--force")
    assert (code, err) == (0, "")
    with Store(target) as store:
        assert workspace.counts(store)["impressions"] == 6_000


def test_a_restore_refuses_a_backup_from_a_newer_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    backup, target = tmp_path / "future.duckdb", tmp_path / "target.duckdb"
    with Store(backup) as store, store.cursor() as cur:
        cur.execute("insert into schema_migration (version, name) values (9999, 'from_the_future')")
    code, out, err = run(capsys, "restore", str(backup), "--db", str(target))
    assert (code, out) == (1, "")
    newest = operations.newest_schema()
    assert err == f"error: {backup} has schema version 9999, newer than this app's {newest}; upgrade the app\n"
    assert not target.exists()


def test_a_file_that_is_no_backup_is_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"not a database at all" * 100)
    code, out, err = run(capsys, "restore", str(junk), "--db", str(tmp_path / "t.duckdb"))
    assert (code, out) == (1, "")
    assert err.startswith(f"error: {junk} is not a workspace backup (") and err.count("\n") == 1


def test_health_reports_a_database_behind_the_code(store: Store):
    newest = operations.newest_schema()
    assert operations.health(store) == operations.Health(True, newest, newest, "ok")
    with store.cursor() as cur:
        cur.execute("delete from schema_migration where version = ?", [newest])
        row = cur.execute("select max(version) from schema_migration").fetchone()
    assert row is not None
    older = row[0]
    assert operations.health(store) == operations.Health(
        False, older, newest, f"schema version {older}, expected {newest}"
    )


def test_the_settings_pages_backup_download_is_a_whole_workspace(demo_store: Store, tmp_path: Path):
    copy = tmp_path / "downloaded.duckdb"
    copy.write_bytes(operations.backup_bytes(demo_store))
    assert operations.stored_counts(copy) == operations.table_counts(demo_store)
