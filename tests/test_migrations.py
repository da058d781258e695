"""Migrations on DuckDB after they were rewritten to run on PostgreSQL too: a new DuckDB file gets
the very schema (and the very data moves) the original files gave, and 0016 adds one column.

The original files are read from git at the commit before the rewrite, so the comparison stays
meaningful after the rewrite lands on main."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dashboard.store.schema import MIGRATIONS_DIR, Migration, apply_migrations
from tests.migration_data import EXPECTED_MOVED, migrate_in_stages, migration_files, moved_rows

BEFORE_REWRITE = "8cb2506b3ad922bd1c266202d5b18b2f50d5e2f2"
"""main's HEAD when the migration files were rewritten in forms both databases accept."""

ROOT = Path(__file__).resolve().parents[1]

SCHEMA = {
    "columns": "select table_name, column_name, ordinal_position, data_type, is_nullable, column_default"
    " from information_schema.columns order by table_name, ordinal_position",
    "constraints": "select table_name, constraint_type, constraint_text from duckdb_constraints()"
    " order by table_name, constraint_type, constraint_text",
    "indexes": "select table_name, index_name, sql from duckdb_indexes() order by table_name, index_name",
    "sequences": "select sequence_name, start_value, increment_by from duckdb_sequences() order by sequence_name",
}


def original_files() -> dict[str, str]:
    """The migration files as they were before the rewrite, by name."""
    try:
        names = subprocess.run(
            ["git", "ls-tree", "--name-only", BEFORE_REWRITE, "dashboard/store/migrations/"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip(f"the original migration files need git and commit {BEFORE_REWRITE[:7]} (a full clone)")
    return {
        Path(name).name: subprocess.run(
            ["git", "show", f"{BEFORE_REWRITE}:{name}"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        for name in names
        if name.endswith(".sql")
    }


def built(files: dict[str, str], folder: Path) -> duckdb.DuckDBPyConnection:
    """A new in-memory DuckDB database migrated by ``files`` (name: SQL) alone."""
    folder.mkdir()
    for name, sql in files.items():
        (folder / name).write_text(sql, encoding="utf-8")
    con = duckdb.connect()
    apply_migrations(con, folder)
    return con


def schema_of(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    return {key: con.execute(query).fetchall() for key, query in SCHEMA.items()}


def test_a_section_line_gives_the_lines_after_it_to_one_database_until_the_next_section():
    migration = Migration(
        1, "x", "a;\n-- only: duckdb\nb;\n-- only: postgres\nc;\n-- only: both\nd;\n--  only:  postgres  \ne;"
    )
    assert migration.part("duckdb").split("\n") == ["a;", "", "b;", "", "", "", "d;", "", ""]
    assert migration.part("postgres").split("\n") == ["a;", "", "", "", "c;", "", "d;", "", "e;"]


def test_a_section_for_an_unknown_database_is_refused_rather_than_skipped():
    with pytest.raises(RuntimeError, match="migration 0007 has an unknown section '-- only: postgresql'"):
        Migration(7, "x", "a;\n-- only: postgresql\nb;").part("duckdb")


def test_the_rewritten_files_build_the_original_schema_on_a_new_duckdb_database(tmp_path: Path):
    original = built(original_files(), tmp_path / "original")
    rewritten = built(
        {name: sql for name, sql in migration_files(MIGRATIONS_DIR).items() if int(name[:4]) <= 15},
        tmp_path / "rewritten",
    )
    assert schema_of(rewritten) == schema_of(original)


def test_migration_0016_adds_only_the_impression_total_column_on_duckdb(tmp_path: Path):
    before = schema_of(built(original_files(), tmp_path / "original"))
    after = schema_of(built(migration_files(MIGRATIONS_DIR), tmp_path / "all"))
    added = [row for row in after["columns"] if row not in before["columns"]]
    assert added == [("impression_daily_state", "total", 4, "BIGINT", "YES", None)]
    assert {key: rows for key, rows in after.items() if key != "columns"} == {
        key: rows for key, rows in before.items() if key != "columns"
    }


def test_the_rewritten_files_move_an_old_workspaces_rows_as_the_original_files_did(tmp_path: Path):
    original, rewritten = duckdb.connect(), duckdb.connect()
    migrate_in_stages(original, original_files(), tmp_path)
    applied = migrate_in_stages(rewritten, migration_files(MIGRATIONS_DIR), tmp_path)
    assert applied == [1, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16]
    assert moved_rows(original) == EXPECTED_MOVED
    assert moved_rows(rewritten) == EXPECTED_MOVED
    assert rewritten.execute("select total from impression_daily_state").fetchall() == [(None,)]


def test_applying_the_migrations_again_on_duckdb_applies_none():
    con = duckdb.connect()
    assert apply_migrations(con) == [1, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16]
    assert apply_migrations(con) == []
