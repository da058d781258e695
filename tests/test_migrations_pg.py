"""The migrations on PostgreSQL 15: every file applies, the schema matches DuckDB's, the rows an old
workspace had move as on DuckDB, 0016's triggers keep the impression count exact, its partial
unique indexes refuse what the store refuses, and two servers migrating at once take turns.

Each test gets its own database on the server ``DASHBOARD_TEST_PG`` names
(``./scripts/with-postgres.sh`` starts a throwaway one). Without it the tests are skipped, unless
``CI`` is set: there a missing server fails them."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator, Sequence
from typing import Any, cast

import duckdb
import psycopg
import pytest

from dashboard.store import dialect
from dashboard.store.schema import MIGRATIONS_DIR, apply_migrations
from tests.migration_data import EXPECTED_MOVED, migrate_in_stages, migration_files, moved_rows

ALL_VERSIONS = [1, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16]

COLUMNS = (
    "select table_name, column_name, row_number() over (partition by table_name order by ordinal_position),"
    " data_type, is_nullable, column_default from information_schema.columns"
    " where table_schema = current_schema() order by 1, 3"
)
"""Every column in order, in SQL both databases accept (PostgreSQL keeps a dropped column's number)."""

DUCKDB_TYPE = {
    "bigint": "BIGINT",
    "boolean": "BOOLEAN",
    "character varying": "VARCHAR",
    "date": "DATE",
    "double precision": "DOUBLE",
    "integer": "INTEGER",
    "timestamp without time zone": "TIMESTAMP",
}


class PgCursor:
    """psycopg's cursor with the store's ``?`` placeholders, until the PostgreSQL backend lands.

    The replacement is naive (a ``?`` inside a quoted literal would be replaced too): the SQL in
    these tests and in the migrations has none."""

    def __init__(self, connection: psycopg.Connection[tuple[Any, ...]]) -> None:
        self.connection = connection
        self.raw = connection.cursor()

    def execute(self, query: str, parameters: object = None, /) -> PgCursor:
        # Without parameters psycopg sends the text as it is, several statements at once included.
        if parameters is None:
            self.raw.execute(query.encode())
        else:
            self.raw.execute(query.replace("?", "%s").encode(), cast(Sequence[Any], parameters))
        return self

    def executemany(self, query: str, parameters: object = None, /) -> PgCursor:
        self.raw.executemany(query.replace("?", "%s").encode(), cast(Sequence[Sequence[Any]], parameters))
        return self

    def fetchone(self) -> tuple[Any, ...] | None:
        return self.raw.fetchone()

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self.raw.fetchall()

    def df(self) -> Any:
        raise NotImplementedError("frames come with the PostgreSQL backend")


@pytest.fixture(scope="module")
def server() -> str:
    """The PostgreSQL server's URL (a maintenance database on it)."""
    url = os.environ.get("DASHBOARD_TEST_PG")
    if not url:
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail("DASHBOARD_TEST_PG is unset on CI: run the tests through ./scripts/with-postgres.sh")
        pytest.skip("DASHBOARD_TEST_PG is unset: run through ./scripts/with-postgres.sh to test PostgreSQL")
    return url


@pytest.fixture
def database(server: str) -> Iterator[str]:
    """A new, empty database of this test's own on the server, dropped afterwards."""
    name = f"migr_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"create database {name}".encode())
    try:
        yield psycopg.conninfo.make_conninfo(server, dbname=name)
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"drop database {name} with (force)".encode())


@pytest.fixture
def cur(database: str) -> Iterator[PgCursor]:
    """A cursor on the test's database, in autocommit (as the backend's cursors are)."""
    with psycopg.connect(database, autocommit=True) as connection:
        yield PgCursor(connection)


@pytest.fixture
def migrated(cur: PgCursor) -> PgCursor:
    """A cursor on the test's database with every migration applied."""
    apply_migrations(cur)
    return cur


def counted(cur: PgCursor) -> tuple[int, int]:
    """The kept count and the real one."""
    [(total, count)] = cur.execute(
        "select (select total from impression_daily_state), (select count(*) from impression)"
    ).fetchall()
    return total, count


def test_every_migration_applies_on_postgresql_and_applying_them_again_applies_none(cur: PgCursor):
    assert dialect.name(cur) == "postgres"
    assert apply_migrations(cur) == ALL_VERSIONS
    assert apply_migrations(cur) == []
    assert [row[0] for row in cur.execute("select version from schema_migration order by 1").fetchall()] == (
        ALL_VERSIONS
    )


def test_postgresql_gets_duckdbs_tables_columns_types_nullability_and_defaults(migrated: PgCursor):
    duck = duckdb.connect()
    apply_migrations(duck)

    def comparable(default: str | None) -> str | None:
        # PostgreSQL spells out the casts it applies; DuckDB keeps the default as written.
        return None if default is None else default.replace("::regclass", "").replace("::character varying", "").lower()

    postgres = [
        (table, column, n, DUCKDB_TYPE[kind], nullable, comparable(default))
        for table, column, n, kind, nullable, default in migrated.execute(COLUMNS).fetchall()
    ]
    expected = [(*row[:5], comparable(row[5])) for row in duck.execute(COLUMNS).fetchall()]
    assert len(postgres) == 235
    assert postgres == expected


def test_postgresql_gets_0016s_indexes_and_count_triggers_beside_the_shared_ones(migrated: PgCursor):
    indexes = migrated.execute(
        "select tablename, indexname from pg_indexes where schemaname = current_schema()"
        " and indexname not like '%\\_pkey' and indexname not like '%\\_key' order by 1, 2"
    ).fetchall()
    triggers = migrated.execute(
        "select tgname from pg_trigger where tgrelid = 'impression'::regclass and not tgisinternal order by 1"
    ).fetchall()
    assert indexes == [
        ("audit_log", "audit_log_by_actor"),
        ("enhancement_idea", "enhancement_idea_by_session"),
        ("flow_count", "flow_count_by_import"),
        ("flow_count", "flow_count_cycle_period"),  # shared (0010), as the two *_hash below
        ("flow_import", "flow_import_hash"),
        ("flow_import", "flow_import_live_hash"),
        ("import_batch", "import_batch_hash"),
        ("import_batch", "import_batch_live_hash"),
        ("impression", "impression_by_id"),
        ("impression", "impression_by_import"),
        ("impression", "impression_by_response"),
        ("impression", "impression_by_touchpoint_day"),
        ("impression_comment", "impression_comment_by_response"),
        ("impression_comment", "impression_comment_by_touchpoint_day"),
        ("impression_daily", "impression_daily_by_day"),
        ("impression_monthly", "impression_monthly_by_month"),
        ("response", "response_by_import"),
        ("workshop_participant", "workshop_participant_by_session"),
        ("workshop_session", "workshop_session_live_code"),
        ("workshop_vote", "workshop_vote_by_session"),
    ]
    assert triggers == [("impression_counted_empty",), ("impression_counted_in",), ("impression_counted_out",)]


def test_an_old_workspaces_rows_move_on_postgresql_as_on_duckdb(cur: PgCursor, tmp_path):
    assert migrate_in_stages(cur, migration_files(MIGRATIONS_DIR), tmp_path) == ALL_VERSIONS
    assert moved_rows(cur) == EXPECTED_MOVED
    assert counted(cur) == (6, 6)  # 0016 counted the impressions already there


def test_the_kept_impression_count_stays_exact_through_inserts_deletes_copies_and_rollbacks(migrated: PgCursor):
    cur = migrated
    row = "(?, 1, '2026-09-01', '5', '1-5', 1, 'survey')"
    insert = f"insert into impression (id, touchpoint_id, observed_on, raw_value, scale, score, source) values {row}"
    seen = []
    cur.execute(f"{insert}, {row.replace('?', '2')}, {row.replace('?', '3')}", [1])
    seen.append(counted(cur))
    cur.execute(
        "insert into impression (id, touchpoint_id, observed_on, raw_value, scale, score, source)"
        " select id + 10, touchpoint_id, observed_on, raw_value, scale, score, source from impression"
    )
    seen.append(counted(cur))
    cur.execute("delete from impression where id in (2, 12)")
    seen.append(counted(cur))
    cur.execute("create temporary table gone (id bigint)")
    cur.execute("insert into gone values (3), (13), (99)")
    cur.execute("delete from impression using gone where impression.id = gone.id")
    seen.append(counted(cur))
    cur.execute("delete from impression where id = 1000")  # a statement that removes nothing
    seen.append(counted(cur))
    with cur.raw.copy(
        "copy impression (id, touchpoint_id, observed_on, raw_value, scale, score, source) from stdin"
    ) as copy:
        for n in range(20, 25):
            copy.write_row((n, 1, "2026-09-02", "4", "1-5", 0.5, "survey"))
    seen.append(counted(cur))
    cur.execute("begin")
    cur.execute(insert, [30])
    cur.execute("delete from impression where id < 20")
    cur.execute("rollback")
    seen.append(counted(cur))
    cur.execute("truncate impression")
    seen.append(counted(cur))
    assert seen == [(3, 3), (6, 6), (4, 4), (2, 2), (2, 2), (7, 7), (7, 7), (0, 0)]


def test_the_tally_reads_the_kept_count_and_the_ids_above_the_last_counted_one(migrated: PgCursor):
    cur = migrated
    cur.execute(
        "insert into impression (id, touchpoint_id, observed_on, raw_value, scale, score, source)"
        " select g, 1, '2026-09-01', '5', '1-5', 1, 'survey' from generate_series(1, 50) g(g)"
    )
    cur.execute("delete from impression where id in (7, 45)")
    assert [dialect.impression_tally(cur, last) for last in (0, 40, 50)] == [(48, 48, 50), (9, 48, 50), (0, 48, 50)]
    cur.execute("set enable_seqscan = off")  # would the index serve, were the table large?
    plan = "\n".join(line for (line,) in cur.execute("explain " + dialect._PG_TALLY.replace("?", "40")).fetchall())
    assert "Seq Scan on impression " not in plan and "impression_by_id" in plan


def test_a_lost_count_reads_as_none_and_the_rebuilds_recount_restores_it(migrated: PgCursor):
    cur = migrated
    cur.execute(
        "insert into impression (id, touchpoint_id, observed_on, raw_value, scale, score, source)"
        " select g, 1, '2026-09-01', '5', '1-5', 1, 'survey' from generate_series(1, 5) g(g)"
    )
    cur.execute("update impression_daily_state set total = null")  # as a copy from DuckDB leaves it
    lost = dialect.impression_tally(cur, 0)
    cur.execute("update impression_daily_state set last_id = 5, covered = 5")  # what rollup.rebuild writes
    dialect.recount(cur)
    cur.execute(
        "insert into impression (id, touchpoint_id, observed_on, raw_value, scale, score, source)"
        " values (6, 1, '2026-09-01', '5', '1-5', 1, 'survey')"
    )
    assert (lost, dialect.impression_tally(cur, 5)) == ((5, None, 5), (1, 6, 6))


def test_postgresql_itself_refuses_a_second_live_join_code_and_a_second_live_import_of_one_file(
    migrated: PgCursor,
):
    cur = migrated
    statements = {
        "session": "insert into workshop_session (code, cycle_id, scale) values ('ABCD', 1, '1-5')",
        "import": "insert into import_batch (file_name, content_hash, cycle_id, rows_read, impressions, rejected)"
        " values ('a.csv', 'h1', 1, 1, 1, 0)",
        "flow": "insert into flow_import (file_name, content_hash, rows_read, counts, rejected)"
        " values ('f.csv', 'h1', 1, 1, 0)",
    }
    refused = []
    for kind, statement in statements.items():
        cur.execute(statement)
        try:
            cur.execute(statement)
        except psycopg.errors.UniqueViolation:
            refused.append(kind)
    cur.execute("update workshop_session set status = 'ended'")
    cur.execute("update import_batch set undone_at = current_timestamp")
    cur.execute("update flow_import set undone_at = current_timestamp")
    for statement in statements.values():  # once the first is ended or undone, the code and file are free
        cur.execute(statement)
    assert refused == ["session", "import", "flow"]


def test_two_servers_migrating_one_new_database_at_once_take_turns(database: str):
    start = threading.Barrier(2)
    applied: list[list[int]] = []
    failed: list[BaseException] = []

    def server() -> None:
        with psycopg.connect(database, autocommit=True) as connection:
            start.wait()
            try:
                applied.append(apply_migrations(PgCursor(connection)))
            except BaseException as error:  # reported below, in the test's thread
                failed.append(error)

    threads = [threading.Thread(target=server) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (failed, sorted(applied)) == ([], [[], ALL_VERSIONS])
