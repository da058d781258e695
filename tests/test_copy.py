"""``python -m dashboard copy``: a workspace moved whole into another database, in one transaction.

Every test takes its target from the ``target`` fixture: a new DuckDB file, and a new PostgreSQL
database on the cluster ``DASHBOARD_TEST_PG`` names (``tests/pg.py``) once this version has the
PostgreSQL backend.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from dashboard.briefing import figures
from dashboard.store import Store, copy, cycles, is_url, operations, rollup
from dashboard.store.dialect import Cursor
from dashboard.store.schema import MIGRATIONS_DIR
from dashboard.store.scope import EVERYTHING
from tests import pg
from tests.conftest import DEMO_END
from tests.pg import run
from tests.survey_files import small_workspace


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a copy goes: a new workspace file, or a new database on the test cluster (dropped after)."""
    if request.param == "duckdb":
        yield str(tmp_path / "target.duckdb")
        return
    if not copy.postgres_available():
        pytest.skip("this version has no PostgreSQL backend (dashboard/store/pg.py) yet")
    url = pg.new_database()  # skips without a cluster (fails where one is required)
    try:
        yield url
    finally:
        pg.drop_database(url)


def counts(workspace: str | Path) -> dict[str, int]:
    with copy.opened(workspace) as store:
        return operations.table_counts(store)


def overview(workspace: str | Path) -> figures.Figures:
    """Everything the Overview shows for the whole workspace, by the Overview's own functions."""
    with copy.opened(workspace) as store:
        return figures.gather(store, EVERYTHING, figures.cycle_names(store, EVERYTHING), DEMO_END)


def assert_same_figures(copied: figures.Figures, original: figures.Figures) -> None:
    for field in dataclasses.fields(figures.Figures):
        mine, theirs = getattr(copied, field.name), getattr(original, field.name)
        if isinstance(theirs, pd.DataFrame):
            pd.testing.assert_frame_equal(mine, theirs, obj=field.name)
        elif isinstance(theirs, pd.Series):
            pd.testing.assert_series_equal(mine, theirs, obj=field.name)
        elif field.name == "cycle_maps":
            assert [(m.name, m.break_at) for m in mine] == [(m.name, m.break_at) for m in theirs]
            for a, b in zip(mine, theirs, strict=True):
                pd.testing.assert_frame_equal(a.touchpoints, b.touchpoints, obj=f"cycle map {b.name}")
        else:
            assert mine == theirs, field.name


def test_a_copy_holds_every_table_with_the_same_counts_and_shows_the_same_overview(
    demo_db: Path, target: str, capsys: pytest.CaptureFixture[str]
):
    code, out, err = run(capsys, "copy", "--from", str(demo_db), "--to", target)
    assert (code, err) == (0, "")
    copied = len(counts(demo_db)) - len(copy.NOT_COPIED)
    assert out == (
        f"copied {demo_db} to {copy.shown(target)}: 6,000 impressions in {copied} tables; every table's count matches\n"
    )
    assert counts(target) == counts(demo_db)
    assert_same_figures(overview(target), overview(demo_db))


def test_a_copy_back_into_a_new_file_shows_the_original_overview(demo_db: Path, target: str, tmp_path: Path):
    back = tmp_path / "back.duckdb"
    copy.copy_workspace(demo_db, target)
    copy.copy_workspace(target, back)
    assert counts(back) == counts(demo_db)
    assert_same_figures(overview(back), overview(demo_db))


def test_the_roll_up_arrives_as_it_was_and_the_impression_count_is_kept_where_it_is_kept(
    demo_store: Store, target: str
):
    with demo_store.transaction() as cur:  # an announced deletion: the roll-up gets negative rows
        rollup.retract(cur, "id <= ?", [10])
        cur.execute("delete from impression where id <= ?", [10])
    with copy.opened(target) as into:
        copy.copy_stores(demo_store, into)
        with into.cursor() as cur:
            [(total, covered)] = cur.execute("select total, covered from impression_daily_state").fetchall()
        copied = operations.table_counts(into)
    # A rebuild at the copy's commit would have folded the negative rows away.
    assert copied == operations.table_counts(demo_store)
    assert (total, covered) == ((5_990 if is_url(target) else None), 5_990)


def test_the_copys_data_version_is_above_both_the_sources_and_the_targets(demo_db: Path, target: str):
    with copy.opened(target) as store:
        for name in ("One", "Two", "Three"):
            cycles.create_cycle(store, name)
    with copy.opened(demo_db) as store:
        source_version = store.data_version()
    with copy.opened(target) as store:
        target_version = store.data_version()
    copy.copy_workspace(demo_db, target, force=True)
    with copy.opened(target) as store:
        assert store.data_version() == max(source_version, target_version) + 1


def test_a_target_that_holds_data_is_refused_and_left_as_it_was(
    demo_db: Path, target: str, capsys: pytest.CaptureFixture[str]
):
    with copy.opened(target) as store:
        small_workspace(store)
    before = counts(target)
    code, out, err = run(capsys, "copy", "--from", str(demo_db), "--to", target)
    assert (code, out) == (1, "")
    assert err == (
        f"error: {copy.shown(target)} holds data (4 tables with rows, such as audit_log); add --force to replace it\n"
    )
    assert counts(target) == before


def test_force_replaces_everything_the_target_held(demo_db: Path, target: str, capsys: pytest.CaptureFixture[str]):
    with copy.opened(target) as store:
        small_workspace(store)
        cycles.create_cycle(store, "Only in the target")
    code, _, err = run(capsys, "copy", "--from", str(demo_db), "--to", target, "--force")
    assert (code, err) == (0, "")
    assert counts(target) == counts(demo_db)
    with copy.opened(target) as store:
        assert "Only in the target" not in set(cycles.cycles(store)["name"])


def test_a_copy_is_one_snapshot_of_the_source_even_while_the_source_is_written_to(
    demo_store: Store, target: str, monkeypatch: pytest.MonkeyPatch
):
    real, before = copy._copy_table, set(cycles.cycles(demo_store)["name"])

    def written_meanwhile(source: Cursor, into: Cursor, table: str) -> int:
        if table == "alert_rule":  # the first table copied; cycles and their audit rows come later
            cycles.create_cycle(demo_store, "Written during the copy")
        return real(source, into, table)

    monkeypatch.setattr(copy, "_copy_table", written_meanwhile)
    with copy.opened(target) as into:
        copy.copy_stores(demo_store, into)
        assert set(cycles.cycles(into)["name"]) == before
    assert set(cycles.cycles(demo_store)["name"]) == before | {"Written during the copy"}


def test_every_sequence_continues_past_the_copied_ids(demo_db: Path, target: str):
    copy.copy_workspace(demo_db, target)
    with copy.opened(target) as store:
        added = cycles.create_cycle(store, "Added after the copy")
        with store.cursor() as cur:
            for sequence, columns in copy.SEQUENCES.items():
                [(largest,)] = cur.execute(
                    "select greatest("
                    + ", ".join(f"(select max({c}) from {t})" for t, c in (col.split(".") for col in columns))
                    + ")"
                ).fetchall()
                [(following,)] = cur.execute(f"select nextval('{sequence}')").fetchall()
                assert following > (largest or 0), sequence
    assert added == max(counts_of_cycles(demo_db)) + 1


def counts_of_cycles(workspace: Path) -> list[int]:
    with copy.opened(workspace) as store:
        return [int(i) for i in cycles.cycles(store)["id"]]


def test_every_sequence_the_migrations_create_is_set_by_the_copy():
    created = {
        name
        for path in MIGRATIONS_DIR.glob("*.sql")
        for name in re.findall(r"create sequence (\w+)", path.read_text(encoding="utf-8"), re.IGNORECASE)
    }
    assert created == set(copy.SEQUENCES)


def test_an_unknown_source_is_named_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    missing, target = tmp_path / "nowhere.duckdb", tmp_path / "target.duckdb"
    code, out, err = run(capsys, "copy", "--from", str(missing), "--to", str(target))
    assert (code, out, err) == (1, "", f"error: there is no workspace at {missing}\n")
    assert not target.exists()


def test_a_file_that_is_no_database_is_refused_in_one_line_and_no_target_is_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    junk, target = tmp_path / "junk.duckdb", tmp_path / "target.duckdb"
    junk.write_bytes(b"not a database at all" * 100)
    code, out, err = run(capsys, "copy", "--from", str(junk), "--to", str(target))
    assert (code, out) == (1, "")
    assert err.startswith(f"error: cannot open {junk}: ") and err.count("\n") == 1
    assert not target.exists()


def test_a_count_that_differs_after_the_copy_rolls_it_back(
    demo_db: Path, target: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    real = copy._copy_table

    def one_row_lost(source: Cursor, into: Cursor, table: str) -> int:
        copied = real(source, into, table)
        if table == "touchpoint":
            into.execute("delete from touchpoint where id = (select max(id) from touchpoint)")
        return copied

    before = counts(target) if is_url(target) else None  # a file target must not exist yet
    monkeypatch.setattr(copy, "_copy_table", one_row_lost)
    code, out, err = run(capsys, "copy", "--from", str(demo_db), "--to", target)
    message = "error: the copy's counts differ from the source in touchpoint; nothing was written\n"
    assert (code, out, err) == (1, "", message)
    if is_url(target):
        assert counts(target) == before
    else:
        assert not Path(target).exists()  # the file the copy created is removed again


def test_a_source_from_a_newer_schema_is_refused(tmp_path: Path, target: str, capsys: pytest.CaptureFixture[str]):
    newer = tmp_path / "newer.duckdb"
    with Store(newer) as store, store.cursor() as cur:
        cur.execute("insert into schema_migration (version, name) values (9999, 'from_the_future')")
    code, out, err = run(capsys, "copy", "--from", str(newer), "--to", target)
    assert (code, out) == (1, "")
    newest = operations.newest_schema()
    assert err == f"error: the source has schema version 9999, newer than this app's {newest}; upgrade the app\n"


def test_a_copy_onto_itself_is_refused(demo_db: Path, capsys: pytest.CaptureFixture[str]):
    code, out, err = run(capsys, "copy", "--from", str(demo_db), "--to", str(demo_db))
    assert (code, out, err) == (1, "", "error: the source and the target are the same workspace\n")


@pytest.mark.parametrize(
    ("url", "printed"),
    [
        ("postgresql://ann:s3cret@db.example:5432/ws", "postgresql://ann:***@db.example:5432/ws"),
        (
            "postgres://ann@db.example/ws?password=s3cret&sslmode=require",
            "postgres://ann@db.example/ws?password=***&sslmode=require",
        ),
        ("postgresql://db.example/ws", "postgresql://db.example/ws"),
        ("data/dashboard.duckdb", "data/dashboard.duckdb"),
    ],
)
def test_a_workspace_is_shown_without_its_password(url: str, printed: str):
    assert copy.shown(url) == printed


def test_an_unreachable_database_is_named_without_its_password(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    url = "postgresql://ann:s3cret@127.0.0.1:1/nowhere"
    code, out, err = run(capsys, "copy", "--from", str(demo_db), "--to", url)
    assert (code, out) == (1, "")
    assert "s3cret" not in err and err.count("\n") == 1
    if copy.postgres_available():
        assert err.startswith("error: cannot open postgresql://ann:***@127.0.0.1:1/nowhere: ")
    else:
        assert (
            err
            == "error: this version of the app cannot open PostgreSQL databases (postgresql://ann:***@127.0.0.1:1/nowhere)\n"
        )


def test_a_backup_of_any_workspace_is_a_duckdb_file_that_restores_with_every_count_equal(
    demo_db: Path, target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    copy.copy_workspace(demo_db, target)
    backup = tmp_path / "backup.duckdb"
    code, out, err = run(capsys, "backup", str(backup), "--db", target)
    assert (code, err) == (0, "")
    assert out == f"backup written to {backup}: 6,000 impressions, {len(counts(demo_db))} tables\n"
    written = operations.stored_counts(backup)
    assert written == counts(target)  # the backup's own audit row included
    with copy.opened(target) as store:
        cycles.create_cycle(store, "Added after the backup")
    code, out, err = run(capsys, "restore", str(backup), "--db", target, "--force")
    assert (code, err) == (0, "")
    assert out == f"restored {backup} into {copy.shown(target)}: 6,000 impressions; every table's count matches\n"
    assert counts(target) == written


def test_a_token_with_no_server_names_a_database_without_its_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DASHBOARD_TOKEN", "a viewer's token")
    url = "postgresql://ann:s3cret@127.0.0.1:1/nowhere"
    code, out, err = run(capsys, "backup", str(tmp_path / "b.duckdb"), "--db", url)
    assert (code, out, err) == (
        1,
        "",
        "error: DASHBOARD_TOKEN is set, but the command line opens PostgreSQL (postgresql://ann:***@127.0.0.1:1/nowhere)"
        " itself and cannot check a token; unset DASHBOARD_TOKEN to work on the database as its owner, or use the"
        " server's API\n",
    )


def test_a_restore_over_a_workspace_with_data_is_refused_without_force_on_either_database(
    demo_db: Path, target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    backup = tmp_path / "backup.duckdb"
    with copy.opened(demo_db) as store:
        operations.backup(store, backup)
    with copy.opened(target) as store:
        small_workspace(store)
    before = counts(target)
    code, out, err = run(capsys, "restore", str(backup), "--db", target)
    assert (code, out) == (1, "")
    assert err == f"error: {copy.shown(target)} holds a workspace with data; add --force to overwrite it\n"
    assert counts(target) == before
