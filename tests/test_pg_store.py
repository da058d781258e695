"""The PostgreSQL backend: the same Store on a ``postgresql://`` URL, writers taking turns across
processes, the data version crossing servers within 2 seconds, and frames shaped like DuckDB's.

Runs against the server in ``DASHBOARD_TEST_PG`` (``./scripts/with-postgres.sh`` starts one), a
fresh database per test, migrated by the real migrations.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import psycopg
import pytest

from dashboard.store import (
    DB_ENV_VAR,
    Store,
    analytics,
    cycles,
    database_path,
    database_target,
    dialect,
    pg,
    pg_frames,
    schema,
)
from dashboard.store.scope import EVERYTHING, Scope
from tests import servers

SERVER = os.environ.get("DASHBOARD_TEST_PG", "")
if not SERVER and os.environ.get("CI", "").lower() == "true":
    raise RuntimeError("CI=true but DASHBOARD_TEST_PG is unset: run the tests under ./scripts/with-postgres.sh")
needs_pg = pytest.mark.skipif(
    not SERVER, reason="no PostgreSQL server: set DASHBOARD_TEST_PG (./scripts/with-postgres.sh does)"
)


@pytest.fixture
def url() -> Iterator[str]:
    """A new, empty database on the test server (dropped afterwards)."""
    if not SERVER:
        pytest.skip("no PostgreSQL server: set DASHBOARD_TEST_PG (./scripts/with-postgres.sh does)")
    name = f"pgcore_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f"create database {name}")
    try:
        yield SERVER.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(SERVER, autocommit=True) as admin:
            admin.execute(f"drop database {name} with (force)")


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    with Store(url) as opened:
        yield opened


def _within(seconds: float, check: Callable[[], bool]) -> float:
    """How long ``check`` took to come true (fails after ``seconds``)."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < seconds, "not within the time allowed"
        time.sleep(0.02)
    return time.monotonic() - started


def test_placeholders_become_psycopg_s_and_a_literal_percent_is_doubled_but_quoted_question_marks_stay():
    query = "select '?', \"a?\", x from t where a = ? and b like '5%' -- why?\n and c = ?"
    assert pg.placeholders(query) == ("select '?', \"a?\", x from t where a = %s and b like '5%%' -- why?\n and c = %s")


def test_a_url_names_a_postgresql_database_and_anything_else_a_file(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(DB_ENV_VAR, "postgresql://u@h/db")
    assert database_target() == "postgresql://u@h/db"
    monkeypatch.setenv(DB_ENV_VAR, "postgres://u@h/db")
    assert database_target() == "postgres://u@h/db"
    monkeypatch.setenv(DB_ENV_VAR, "PostgreSQL://u:secret@h/db")  # libpq reads the scheme in any case
    assert database_target() == "PostgreSQL://u:secret@h/db"
    monkeypatch.setenv(DB_ENV_VAR, "/tmp/elsewhere.duckdb")
    assert database_target() == Path("/tmp/elsewhere.duckdb")
    monkeypatch.delenv(DB_ENV_VAR)
    assert database_target() == Path("data/dashboard.duckdb")


def test_the_file_path_is_refused_when_the_environment_names_a_postgresql_database(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(DB_ENV_VAR, "postgresql://u@h/db")
    with pytest.raises(ValueError, match="names a PostgreSQL database, not a file"):
        database_path()


@needs_pg
def test_a_store_on_a_url_migrates_writes_and_moves_the_version(store: Store, url: str):
    before = store.data_version()
    cycle = cycles.create_cycle(store, "Repairs")
    with store.cursor() as cur:
        names = cur.execute("select name from service_cycle where id = ?", [cycle]).fetchall()
        applied = cur.execute("select count(*) from schema_migration").fetchone()
    assert (store.target, store.is_postgres, names, store.data_version()) == (url, True, [("Repairs",)], before + 1)
    assert applied == (len(schema.available_migrations()),)
    with pytest.raises(TypeError, match="no file"):
        _ = store.path


@needs_pg
def test_a_database_that_does_not_exist_is_named_at_once(url: str):
    missing = url + "_missing"
    started = time.monotonic()
    with pytest.raises(psycopg.OperationalError, match=missing.rsplit("/", 1)[1]):
        Store(missing)
    assert time.monotonic() - started < 5


@needs_pg
def test_a_failed_write_leaves_nothing_and_keeps_the_version(store: Store):
    before = store.data_version()
    with pytest.raises(RuntimeError, match="halfway"), store.transaction() as cur:
        cur.execute("insert into service_cycle (name) values (?)", ["Half"])
        raise RuntimeError("halfway")
    with pytest.raises(dialect.Error), store.transaction() as cur:
        cur.execute("insert into service_cycle (name) values (?)", ["Twice"])
        cur.execute("insert into service_cycle (name) values (?)", ["Twice"])  # the name is unique
    with store.cursor() as cur:
        assert cur.execute("select count(*) from service_cycle").fetchone() == (0,)
    assert store.data_version() == before


@needs_pg
def test_a_write_on_another_store_or_process_shows_in_the_data_version_within_two_seconds(url: str):
    with Store(url) as first, Store(url) as second:
        cycles.create_cycle(first, "A")
        assert second.data_version() == first.data_version()  # one process, one watch
        before = first.data_version()
        script = (
            "from dashboard.store import Store, cycles;"
            f"s = Store({url!r}); cycles.create_cycle(s, 'From elsewhere'); s.close()"
        )
        subprocess.run([sys.executable, "-c", script], check=True, cwd=Path(__file__).parents[1], timeout=60)
        waited = _within(2.0, lambda: second.data_version() == before + 1)
    assert waited < 2.0


@needs_pg
def test_every_write_tells_listeners_its_new_version_at_commit(store: Store, url: str):
    with psycopg.connect(url, autocommit=True) as listener:
        listener.execute("listen dashboard_data")
        cycles.create_cycle(store, "Heard")
        heard = [note.payload for note in listener.notifies(timeout=2.0, stop_after=1)]
    assert heard == [str(store.data_version())]


@needs_pg
def test_a_missed_notice_is_made_up_by_the_poll_within_two_seconds(store: Store, url: str):
    before = store.data_version()
    with psycopg.connect(url, autocommit=True) as other:  # a writer that forgets to NOTIFY
        other.execute("update data_version set version = version + 5 where id = 1")
    _within(2.0, lambda: store.data_version() == before + 5)
    with psycopg.connect(url, autocommit=True) as other:  # an old notice never moves it back
        other.execute("select pg_notify('dashboard_data', '1')")
    time.sleep(0.3)
    assert store.data_version() == before + 5


@needs_pg
def test_a_hostile_notice_neither_pins_the_version_nor_stops_it_following(store: Store, url: str):
    before = store.data_version()
    with psycopg.connect(url, autocommit=True) as other:  # any user of the database may NOTIFY
        other.execute("select pg_notify('dashboard_data', '99999999999')")
        other.execute("select pg_notify('dashboard_data', '\u00b2')")
        other.execute("select pg_notify('dashboard_room', 'elsewhere:bump:1:1e12')")
    time.sleep(0.5)
    assert store.data_version() == before
    with Store(url) as writer:  # another server's write still arrives
        cycles.create_cycle(writer, "After the noise")
    _within(2.0, lambda: store.data_version() == before + 1)


@needs_pg
def test_a_forged_data_notice_only_makes_the_watch_read_the_row(store: Store, url: str):
    before = store.data_version()
    with psycopg.connect(url, autocommit=True) as other:  # any database user may NOTIFY
        other.execute("select pg_notify('dashboard_data', '99999999999')")
        other.execute("select pg_notify('dashboard_data', '\u00b2')")
    time.sleep(0.5)
    assert store.data_version() == before  # the number was not taken, the thread lives on
    cycles.create_cycle(store, "After")
    with psycopg.connect(url, autocommit=True) as other:
        other.execute("update data_version set version = version + 3 where id = 1")
        other.execute("select pg_notify('dashboard_data', 'wake up')")
    assert _within(0.9, lambda: store.data_version() == before + 4) < 0.9  # read on the notice


@needs_pg
def test_connections_cut_by_the_server_are_replaced_without_an_error(store: Store, url: str):
    cycles.create_cycle(store, "Before")
    with psycopg.connect(url, autocommit=True) as admin:  # as a server restart would
        cut = admin.execute(
            "select count(pg_terminate_backend(pid)) from pg_stat_activity"
            " where datname = current_database() and pid <> pg_backend_pid()"
        ).fetchone()
        with store.cursor() as cur:
            names = cur.execute("select name from service_cycle").fetchall()
        admin.execute("update data_version set version = version + 1 where id = 1")
        version = admin.execute("select version from data_version").fetchone()
    assert cut is not None and cut[0] >= 2  # a pooled connection and the listener's
    assert names == [("Before",)]
    assert version is not None
    _within(2.0, lambda: store.data_version() == version[0])


@needs_pg
def test_writers_wait_for_the_advisory_lock_held_elsewhere_and_readers_do_not(store: Store, url: str):
    done: list[str] = []
    with psycopg.connect(url) as other:  # another server in the middle of a write
        other.execute("select pg_advisory_xact_lock(%s)", [pg.WRITE_LOCK])
        writer = threading.Thread(target=lambda: done.append(str(cycles.create_cycle(store, "Later"))))
        writer.start()
        time.sleep(0.5)
        with store.cursor() as cur:
            read = cur.execute("select count(*) from service_cycle").fetchone()
        waiting = (writer.is_alive(), list(done), read)
        other.rollback()
    writer.join(timeout=10)
    assert waiting == (True, [], (0,))
    assert done == ["1"]


@needs_pg
def test_threads_writing_at_once_lose_no_update(store: Store):
    before = store.data_version()

    def work(index: int) -> None:
        for n in range(10):
            with store.transaction() as cur:
                cur.execute("insert into service_cycle (name) values (?)", [f"c{index}-{n}"])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with store.cursor() as cur:
        assert cur.execute("select count(*) from service_cycle").fetchone() == (60,)
    assert store.data_version() == before + 60


@needs_pg
def test_two_processes_writing_at_once_lose_no_write_and_no_version(store: Store, url: str):
    before = store.data_version()
    script = (
        "from dashboard.store import Store\n"
        f"with Store({url!r}) as s:\n"
        "    for n in range(40):\n"
        "        with s.transaction() as cur:\n"
        "            cur.execute('insert into service_cycle (name) values (?)', [f'there {n}'])\n"
    )
    other = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).parents[1])
    for n in range(40):
        with store.transaction() as cur:
            cur.execute("insert into service_cycle (name) values (?)", [f"here {n}"])
    assert other.wait(timeout=60) == 0
    with store.cursor() as cur:
        assert cur.execute("select count(*) from service_cycle").fetchone() == (80,)
    _within(2.0, lambda: store.data_version() == before + 80)


@needs_pg
def test_writers_queued_in_this_process_leave_connections_for_readers(url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(pg, "POOL_MAX", 2)
    failures: list[BaseException] = []

    def write(store: Store, index: int) -> None:
        try:
            with store.transaction() as cur:
                cur.execute("insert into service_cycle (name) values (?)", [f"w{index}"])
                time.sleep(0.05)  # a write that takes a moment, while others queue
                with store.cursor() as reader:  # a read during a write still finds a connection
                    reader.execute("select count(*) from service_cycle").fetchall()
        except Exception as failure:  # collected for the assertion
            failures.append(failure)

    started = time.monotonic()
    with Store(url) as store:
        threads = [threading.Thread(target=write, args=(store, i)) for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=40)
        with store.cursor() as cur:
            written = cur.execute("select count(*) from service_cycle").fetchone()
    assert (failures, written) == ([], (6,))
    assert time.monotonic() - started < 10


@needs_pg
@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo", "America/New_York"])
def test_local_time_is_the_same_on_both_databases_in_any_zone(store: Store, url: str, zone: str):
    script = (
        "import duckdb; from dashboard.store import Store\n"
        f"with Store({url!r}) as s, s.cursor() as cur:\n"
        "    on_pg = cur.execute('select current_timestamp::timestamp').fetchone()[0]\n"
        "on_duck = duckdb.connect().execute('select current_timestamp::timestamp').fetchone()[0]\n"
        "print(round(abs((on_pg - on_duck).total_seconds())))"
    )
    seconds_apart = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).parents[1],
        env={**os.environ, "TZ": zone},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    assert seconds_apart == "0"


@needs_pg
def test_fetched_numbers_are_the_python_types_duckdb_gives(store: Store):
    query = "select sum(x), 0.2 * 3, sum(x)::double precision from (values (1::bigint), (2::bigint)) v(x)"
    with store.cursor() as cur:
        on_pg = cur.execute(query).fetchone()
    on_duck = duckdb.connect().execute(query).fetchone()
    assert on_pg == on_duck == (3, Decimal("0.6"), 3.0)
    assert [type(v) for v in on_pg or ()] == [int, Decimal, float]


_LITERALS = (
    "select * from (values (1::integer, 2::bigint, 1.5::double precision, 'x'::varchar, date '2024-01-02',"
    " timestamp '2024-01-02 03:04:05', true, 0.25 * 2, array[1, 2]::integer[], array['a']::varchar[], 7::smallint),"
    " (null, null, null, null, null, null, null, null, null, null, null))"
    " v(i, b, d, s, day, ts, flag, dec, ints, texts, small)"
)
_CONFORMANCE = {  # write-once SQL of the shapes the store's readers use, over the rows _fill writes
    "every type, with and without nulls": (_LITERALS, []),
    "every type, no nulls": (_LITERALS + " where i is not null", []),
    "no rows": (_LITERALS + " where false", []),
    "counts per month": (
        "select touchpoint_id, date_trunc('month', observed_on)::date as month, sum(n)::bigint as n,"
        " sum(n * score) as total, count(*) as rows_, min(source) as source from impression_daily"
        " group by touchpoint_id, month order by touchpoint_id, month",
        [],
    ),
    "filtered by an array parameter": (
        "select t.name, t.target, t.archived_at, t.last_reviewed_on, sum(i.n) as n from impression_daily i"
        " join touchpoint t on t.id = i.touchpoint_id where i.source = any(?::varchar[])"
        " group by t.name, t.target, t.archived_at, t.last_reviewed_on order by t.name",
        [["survey"]],
    ),
    "lists per touchpoint": (
        "select touchpoint_id, array_agg(distinct source order by source) as sources,"
        " string_agg(distinct source, ', ' order by source) as joined from impression_daily"
        " group by touchpoint_id order by touchpoint_id",
        [],
    ),
}


def _fill(target: Store) -> None:
    with target.transaction() as cur:
        cur.execute("insert into service_cycle (id, name) values (1, 'C')")
        cur.execute(
            "insert into touchpoint (id, cycle_id, position, name, moment) values"
            " (1, 1, 1, 'Desk', 'keep_or_lose'), (2, 1, 2, 'Phone', 'multiplier')"
        )
        cur.execute(
            "insert into impression_daily select tp, date '2026-01-01' + d::integer, null, src,"
            " (d % 5) / 2.0 - 1, d % 3 + 1 from generate_series(1, 2) a(tp), generate_series(0, 70) b(d),"
            " unnest(array['survey', 'workshop']) c(src)"
        )
        cur.execute(
            "insert into impression_monthly select touchpoint_id, date_trunc('month', observed_on)::date, group_id,"
            " source, score, sum(n) from impression_daily group by 1, 2, 3, 4, 5"
        )


def _listed(value: object) -> object:
    return list(value) if isinstance(value, np.ndarray) else value


@needs_pg
def test_frames_from_postgresql_have_duckdbs_dtypes_and_values(store: Store, tmp_path: Path):
    with Store(tmp_path / "same.duckdb") as duck:
        _fill(duck)
        _fill(store)
        for name, (query, params) in _CONFORMANCE.items():
            with duck.cursor() as a, store.cursor() as b:
                expected, got = a.execute(query, params).df(), b.execute(query, params).df()
            assert dict(got.dtypes) == dict(expected.dtypes), name
            for column in expected.columns:
                if expected[column].dtype == object:  # numpy arrays: compare as lists
                    expected[column] = expected[column].map(_listed)
                    got[column] = got[column].map(_listed)
            pd.testing.assert_frame_equal(got, expected, obj=name)


@needs_pg
def test_the_overviews_readers_give_the_same_frames_on_both(store: Store, tmp_path: Path):
    window = Scope(start=date(2026, 1, 10), end=date(2026, 2, 20))
    with Store(tmp_path / "same.duckdb") as duck:
        _fill(duck)
        _fill(store)
        for reader in (analytics.total_stats, analytics.moment_stats):
            for scope in (EVERYTHING, window):
                pd.testing.assert_frame_equal(reader(store, scope), reader(duck, scope), obj=reader.__name__)
        assert analytics.date_range(store, window) == analytics.date_range(duck, window) == (window.start, window.end)


@needs_pg
def test_arrow_answers_have_duckdbs_types(store: Store, tmp_path: Path):
    query = "select touchpoint_id, observed_on, source, score, n, sum(n) over () as total from impression_daily"
    with Store(tmp_path / "same.duckdb") as duck:
        _fill(duck)
        _fill(store)
        with duck.cursor() as a, store.cursor() as b:
            expected, got = dialect.arrow(a, query + " order by all"), dialect.arrow(b, query + " order by 1, 2, 3")
    assert got.schema.types[:5] == expected.schema.types[:5]
    assert got.to_pylist()[:3] == expected.to_pylist()[:3]


@needs_pg
def test_staged_frames_are_tables_for_the_block_with_nulls_and_empty_text_kept_apart(store: Store):
    frame = pd.DataFrame(
        {
            "id": pd.Series([1, 2, 3], dtype="int64"),
            "label": pd.Series(['a, "quoted"', "", None], dtype="object"),
            "day": pd.Series([datetime(2026, 1, 1), datetime(2026, 2, 1), None], dtype="datetime64[us]"),
            "score": [0.5, None, -1.0],
            "kind": pd.Series(["x", "y", "x"], dtype="category"),
            "amount": [Decimal("1.25"), None, Decimal("-2")],
        }
    )
    with store.transaction() as cur, dialect.staged(cur, {"incoming": frame}):
        inside = cur.execute("select id, label, day, score, kind, amount from incoming order by id").fetchall()
    with store.cursor() as cur, dialect.staged(cur, {"incoming": frame.head(0)}):
        empty = cur.execute("select count(*) from incoming").fetchone()
    with store.cursor() as cur:
        left = cur.execute("select count(*) from pg_tables where tablename = 'incoming'").fetchone()
    assert [(r[0], r[1], str(r[2]), *r[3:]) for r in inside] == [
        (1, 'a, "quoted"', "2026-01-01 00:00:00", 0.5, "x", Decimal("1.25")),
        (2, "", "2026-02-01 00:00:00", None, "y", None),
        (3, None, "None", -1.0, "x", -2),
    ]
    assert (empty, left) == ((0,), (0,))


def test_a_server_given_a_database_it_cannot_open_stops_in_one_line_naming_no_password(tmp_path: Path):
    log = tmp_path / "server.log"
    environment = {**os.environ, DB_ENV_VAR: "postgresql://ann:S3%ZZpw@127.0.0.1:9/nowhere"}
    command = [sys.executable, "-m", "streamlit", "run", str(servers.ENTRY), "--server.headless", "true"]
    command += ["--server.port", str(servers.free_port())]
    with log.open("wb") as out:
        ran = subprocess.run(
            command, check=False, cwd=servers.ROOT, env=environment, stdout=out, stderr=out, timeout=60
        )
    code = ran.returncode
    said = log.read_text()
    assert (code, "Traceback" in said, "S3" in said) == (1, False, False)
    assert "the server stops: cannot open postgresql://ann:***@127.0.0.1:9/nowhere: invalid percent-encoded" in said


def test_the_urls_own_options_are_kept_before_the_stores_settings():
    url = "postgresql://u@h/db?options=-c%20statement_timeout%3D5000"
    assert pg.connect_options(url) == f"-c statement_timeout=5000 -c TimeZone={pg.local_zone()} -c jit=off"
    assert pg.connect_options("postgresql://u@h/db") == f"-c TimeZone={pg.local_zone()} -c jit=off"


@needs_pg
def test_a_setting_given_in_the_urls_options_reaches_every_connection(url: str):
    with Store(f"{url}?options=-c%20statement_timeout%3D4321") as store, store.cursor() as cur:
        assert cur.execute("show statement_timeout").fetchall() == [("4321ms",)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("select 1 /* why? */ where a = ?", "select 1 /* why? */ where a = %s"),
        ("select $$a?b$$, $f$c?$f$ where a = ?", "select $$a?b$$, $f$c?$f$ where a = %s"),
        ("select E'it\\'s?' where a = ?", "select E'it\\'s?' where a = %s"),
    ],
)
def test_question_marks_in_block_comments_dollar_quotes_and_escape_strings_stay(query: str, expected: str):
    assert pg.placeholders(query) == expected


def test_a_double_question_mark_is_refused_rather_than_read_as_two_placeholders():
    with pytest.raises(ValueError, match=r"\?\?"):
        pg.placeholders("select a ?? b where c = ?")


def test_an_identifier_is_quoted_with_its_inner_double_quotes_doubled():
    assert [pg_frames.identifier(n) for n in ("impression", 'a"b', "x y")] == ['"impression"', '"a""b"', '"x y"']
