"""The command line on either store: ``--db`` and ``DASHBOARD_DB`` take a file or a PostgreSQL URL.

On PostgreSQL a command opens the database itself, beside any running servers (no announcement,
no hand-off), and never prints a URL's password. Two imports of one file at once, whether they
take turns (the write lock) or one slips past it (migration 0016's partial unique index), add
it once and tell the other why.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from dashboard import announcement, import_jobs
from dashboard.flow import service as flow_service
from dashboard.store import Store, copy, imports, is_url, workspace
from dashboard.store import flow as flow_store
from dashboard.store import workshop as sql
from dashboard.store.flow import DuplicateFlowImportError
from dashboard.store.imports import DuplicateImportError
from dashboard.store.pg import WRITE_LOCK
from dashboard.store.workshop.errors import WorkshopError
from tests import pg
from tests.pg import run
from tests.survey_files import csv_bytes, small_workspace

pytestmark = pytest.mark.both_backends

SURVEY = csv_bytes(["2026-09-01,Repair job,Front desk,Homeowners,5,,", "2026-09-02,,Repair,,1,,"])
ROOT = Path(__file__).resolve().parents[1]
REFUSALS = (
    "september.csv was already imported (import 1, september.csv)",
    "this file was already imported (as september.csv); nothing was added",
)
"""What the second of two imports of one file hears: the first one had committed before it read
the file, or only before it wrote (then the check inside its transaction, behind the write lock)."""


@pytest.fixture
def db(backend: str, tmp_path: Path) -> Iterator[str]:
    """A workspace holding the small "Repair job" cycle, closed so the command line opens it: a
    file, or a database of its own named by a URL that carries a password (trust auth ignores it)."""
    if backend == "duckdb":
        path = tmp_path / "cli.duckdb"
        with Store(path) as store:
            small_workspace(store)
        yield str(path)
        return
    url = pg.new_database().replace("postgres@", "postgres:s3cret@", 1)
    try:
        with Store(url) as store:
            small_workspace(store)
        yield url
    finally:
        pg.drop_database(url)


def impressions_in(db: str) -> int:
    with copy.opened(db) as store:
        return workspace.counts(store)["impressions"]


def test_data_and_account_commands_work_on_the_workspace_named_by_db_or_dashboard_db(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    survey = tmp_path / "september.csv"
    survey.write_bytes(SURVEY)
    code, out, err = run(capsys, "survey", "import", str(survey), "--cycle", "Repair job", "--db", db, "--json")
    assert (code, err, json.loads(out)["impressions"]) == (0, "", 2)
    monkeypatch.setenv("DASHBOARD_DB", db)
    code, out, err = run(capsys, "stats", "--json")
    assert (code, err, json.loads(out)["impressions"]) == (0, "", 2)
    code, out, err = run(capsys, "user", "create", "ann@example.org", "--role", "viewer")
    assert (code, err, out.splitlines()[0]) == (0, "", "added ann@example.org as viewer")
    code, out, err = run(
        capsys, "token", "create", "--user", "ann@example.org", "--name", "nightly", "--role", "viewer"
    )
    assert (code, err, out.startswith("tpd_")) == (0, "", True)
    code, out, err = run(capsys, "map", "export", str(tmp_path / "map.csv"))
    assert (code, err, out) == (0, "", f"wrote {tmp_path / 'map.csv'}\n")
    assert (tmp_path / "map.csv").read_text().count("Repair job") == 3
    assert impressions_in(db) == 2


def test_a_command_on_a_url_never_looks_for_a_server_announcement(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    if not is_url(db):
        pytest.skip("a file's announcement is what hands a command to its server (tests/test_server.py)")

    def looked(_db: Path) -> None:
        raise AssertionError("looked for an announcement beside a PostgreSQL URL")

    monkeypatch.setattr(announcement, "live", looked)
    monkeypatch.setattr(announcement, "read", looked)
    code, out, err = run(capsys, "stats", "--db", db, "--json")
    assert (code, err, json.loads(out)["impressions"]) == (0, "", 0)
    code, out, err = run(capsys, "user", "create", "bob@example.org", "--role", "editor", "--db", db)
    assert (code, err) == (0, "")


def test_the_demo_builds_on_an_empty_database_and_refuses_one_that_holds_a_workspace(
    backend: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    if backend == "duckdb":
        target = str(tmp_path / "demo.duckdb")
    else:
        target = pg.new_database().replace("postgres@", "postgres:s3cret@", 1)
    shown = copy.shown(target)
    try:
        code, out, err = run(capsys, "demo", "--db", target, "--impressions", "3000")
        assert (code, err) == (0, "")
        assert out.startswith(f"demo workspace written to {shown}: 3 service cycles, 27 touchpoints, 3,000 impressions")
        code, out, err = run(capsys, "demo", "--db", target, "--impressions", "2000", "--seed", "3")
        if backend == "duckdb":  # a file is replaced, as it always was
            assert (code, err, impressions_in(target)) == (0, "", 2000)
        else:  # a database may be shared with servers: the demo never writes over a workspace there
            assert (code, out) == (1, "")
            assert err == (
                f"error: {shown} already holds a workspace; the demo is built only on an empty database"
                " (create a new one, or empty it yourself)\n"
            )
            assert impressions_in(target) == 3000
    finally:
        if backend == "postgres":
            pg.drop_database(target)
    assert "s3cret" not in out + err


def test_an_unreachable_database_is_one_line_without_its_password(capsys: pytest.CaptureFixture[str]):
    code, out, err = run(capsys, "stats", "--db", "postgresql://ann:s3cret@127.0.0.1:1/nowhere", "--json")
    assert (code, out) == (1, "")
    assert err.startswith("error: cannot open postgresql://ann:***@127.0.0.1:1/nowhere: ")
    assert "s3cret" not in err and err.count("\n") == 1


def test_two_command_line_imports_of_one_file_at_once_add_it_once_and_tell_the_other(db: str, tmp_path: Path):
    if not is_url(db):
        pytest.skip("two processes cannot open one DuckDB file; threads in one process: the next test")
    survey = tmp_path / "september.csv"
    survey.write_bytes(SURVEY)
    command = [sys.executable, "-m", "dashboard", "survey", "import", str(survey), "--cycle", "Repair job", "--db", db]
    with psycopg.connect(db, autocommit=True) as holder:
        # A long write elsewhere holds the write lock, so both processes read the file, find it
        # new and wait to write it: the second then meets the first's import inside its transaction.
        holder.execute("select pg_advisory_lock(%s)", [WRITE_LOCK])
        both = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in "ab"]
        _wait_until(db, "advisory", "select pg_advisory_xact_lock", waiting=2)
        holder.execute("select pg_advisory_unlock(%s)", [WRITE_LOCK])
        finished = sorted((p.wait(60), p.communicate()[1].decode()) for p in both)
    assert finished == [(0, ""), (1, f"error: {REFUSALS[1]}\n")]
    assert impressions_in(db) == 2


def _import(db: str) -> Callable[[], dict[str, object]]:
    def one() -> dict[str, object]:
        with copy.opened(db) as store:
            return import_jobs.run(store, import_jobs.Request(SURVEY, "september.csv", "Repair job"))

    return one


def _at_once(*jobs: Callable[[], object]) -> list[object]:
    """Runs the jobs in threads released together; each one's result or the exception it raised."""
    start = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def go(i: int) -> None:
        start.wait()
        try:
            results[i] = jobs[i]()
        except Exception as error:  # the test compares what each one raised
            results[i] = error

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_two_stores_importing_one_file_at_once_add_it_once_and_tell_the_other(db: str):
    results = _at_once(_import(db), _import(db))
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and str(refused[0]) in REFUSALS
    assert isinstance(refused[0], DuplicateImportError)
    assert impressions_in(db) == 2


def _wait_until(url: str, event: str, statement: str, *, waiting: int = 1) -> None:
    """Waits until ``waiting`` connections on ``url`` wait for a lock (``event``) inside ``statement``."""
    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(800):
            row = conn.execute(
                "select count(*) from pg_stat_activity where datname = current_database()"
                " and wait_event = %s and query like %s",
                [event, f"{statement}%"],
            ).fetchone()
            if row and row[0] >= waiting:
                return
            time.sleep(0.025)
    raise AssertionError(f"{waiting} connections never waited in {statement!r}")


def _commit_when_blocked(other: psycopg.Connection, url: str, statement: str) -> None:
    """Commits ``other`` once a connection on ``url`` waits for it inside ``statement``."""
    _wait_until(url, "transactionid", statement)
    other.commit()


def test_an_import_that_slips_past_the_write_lock_is_refused_by_the_database_with_the_usual_message(db: str):
    if not is_url(db):
        pytest.skip("DuckDB has no partial unique index; its one process always takes the write lock")
    _import(db)()
    with copy.opened(db) as store:
        with store.cursor() as cur:
            [(batch, content_hash)] = cur.execute("select id, content_hash from import_batch").fetchall()
        imports.undo(store, int(batch))
    # A writer that skips the write lock (no server of this app does) holds a standing import of
    # the same file, not committed yet: the import's own check cannot see it.
    with psycopg.connect(db) as other:
        other.execute(
            "insert into import_batch (file_name, content_hash, cycle_id, rows_read, impressions, rejected)"
            " select 'october.csv', %s, id, 2, 2, 0 from service_cycle where name = 'Repair job'",
            [content_hash],
        )
        refused, _ = _at_once(_import(db), lambda: _commit_when_blocked(other, db, "insert into import_batch"))
    assert isinstance(refused, DuplicateImportError)
    assert str(refused) == "this file was already imported (as october.csv); nothing was added"
    assert impressions_in(db) == 0


def test_a_flow_file_that_slips_past_the_write_lock_is_refused_by_the_database_with_the_usual_message(db: str):
    if not is_url(db):
        pytest.skip("DuckDB has no partial unique index; its one process always takes the write lock")
    data = b"period,service_cycle,measure,source,count\n2026-09,Repair job,prospects,Website,40\n"

    def one() -> dict[str, object]:
        with copy.opened(db) as store:
            return flow_service.import_file(store, data, "september.csv")

    first = one()
    with copy.opened(db) as store:
        flow_store.undo(store, int(str(first["import"])))
        with store.cursor() as cur:
            [(content_hash,)] = cur.execute("select content_hash from flow_import").fetchall()
    with psycopg.connect(db) as other:
        other.execute(
            "insert into flow_import (file_name, content_hash, rows_read, counts, rejected)"
            " values ('october.csv', %s, 1, 1, 0)",
            [content_hash],
        )
        refused, _ = _at_once(one, lambda: _commit_when_blocked(other, db, "insert into flow_import"))
    assert isinstance(refused, DuplicateFlowImportError)
    assert str(refused) == "this flow file was already imported (as october.csv); nothing was added"
    with copy.opened(db) as store, store.cursor() as cur:
        assert cur.execute("select count(*) from flow_count").fetchall() == [(0,)]


def test_a_join_code_taken_past_the_write_lock_is_refused_by_the_database_as_a_code_error(db: str):
    if not is_url(db):
        pytest.skip("DuckDB has no partial unique index; its one process always takes the write lock")
    with copy.opened(db) as store, store.cursor() as cur:
        [(cycle_id,)] = cur.execute("select id from service_cycle where name = 'Repair job'").fetchall()
        touchpoints = [int(t) for (t,) in cur.execute("select id from touchpoint order by id").fetchall()]
    with psycopg.connect(db) as other:
        other.execute("insert into workshop_session (code, cycle_id, scale) values ('ABCD', %s, '1-5')", [cycle_id])
        with copy.opened(db) as store:
            outcome = _at_once(
                lambda: sql.create_session(store, cycle_id, touchpoints, "1-5", lambda: "ABCD"),
                lambda: _commit_when_blocked(other, db, "insert into workshop_session"),
            )
    assert isinstance(outcome[0], WorkshopError)
    assert str(outcome[0]) == "that join code was taken by another session just now; try again"
    with copy.opened(db) as store:
        assert sql.sessions(store)["code"].tolist() == ["ABCD"]


def test_two_sessions_wanting_one_code_at_once_get_it_once(db: str):
    with copy.opened(db) as store, store.cursor() as cur:
        [(cycle_id,)] = cur.execute("select id from service_cycle where name = 'Repair job'").fetchall()
        touchpoints = [int(t) for (t,) in cur.execute("select id from touchpoint order by id").fetchall()]

    def start() -> str:
        with copy.opened(db) as store:
            return sql.create_session(store, cycle_id, touchpoints, "1-5", lambda: "ABCD").code

    results = _at_once(start, start)
    assert sorted(map(str, results)) == [
        "ABCD",
        "could not find a free join code; end some live sessions and try again",
    ]
    assert isinstance(next(r for r in results if r != "ABCD"), WorkshopError)
