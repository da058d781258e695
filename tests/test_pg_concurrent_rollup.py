"""The roll-ups stay exact under concurrent writers (issue 17): several processes, each with its own
Store on one PostgreSQL database, record impressions, import surveys and undo imports at once;
afterwards every derived table equals a recount from ``impression``, row for row."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from dashboard.store import Store, cycles
from dashboard.store import workshop as sessions
from dashboard.touchpoints import TouchpointFields
from tests import pg, rollup_writer

# The expected roll-ups, grouped from the raw impressions as the roll-up groups them.
_DAILY = (
    "select touchpoint_id, observed_on, group_id, source, score, count(*) as n from impression group by 1, 2, 3, 4, 5"
)
_MONTHLY = (
    "select touchpoint_id, date_trunc('month', observed_on)::date as month, group_id, source, score, count(*) as n"
    " from impression group by 1, 2, 3, 4, 5"
)
# The roll-up tables hold signed rows (a retraction adds negative counts): summed per key, zeros left out.
_FOLDED = (
    "select touchpoint_id, {day}, group_id, source, score, sum(n) as n from {table}"
    " group by 1, 2, 3, 4, 5 having sum(n) <> 0"
)
_COMMENTS = (
    "select id, response_id, touchpoint_id, observed_on, group_id, source, score from impression"
    " where response_id is not null"
)
_KEYS = ["touchpoint_id", "day", "group_id", "source", "score"]
CYCLE = "Shop"
NAMES = ["Website", "Invoice"]
ROUNDS = 25


@pytest.fixture
def pg_store() -> Iterator[Store]:
    """An empty migrated PostgreSQL workspace of its own."""
    url = pg.new_database(pg.template("empty", lambda u: Store(u).close()))
    try:
        with Store(url) as opened:
            yield opened
    finally:
        pg.drop_database(url)


def _writers(store: Store) -> list[list[str]]:
    """The writers' arguments: three recorders, an importer, and a workshop voter (see rollup_writer)."""
    cycle = cycles.create_cycle(store, CYCLE)
    touchpoints = [cycles.add_touchpoint(store, cycle, TouchpointFields(name, "keep_or_lose")) for name in NAMES]
    session = sessions.create_session(store, cycle, touchpoints, "1-5", iter(["ABCD"]).__next__)
    sessions.set_open(store, session.id, True)  # the first touchpoint, open for votes
    ids = [str(t) for t in touchpoints]
    return [
        *([store.target, "record", str(seed), str(ROUNDS), CYCLE, *ids] for seed in (1, 2, 3)),
        [store.target, "import", "4", str(ROUNDS), CYCLE, *NAMES],
        [store.target, "vote", "5", str(ROUNDS), str(session.id), ids[0]],
    ]


def _frame(store: Store, sql: str, keys: list[str]) -> pd.DataFrame:
    with store.cursor() as cur:
        frame = cur.execute(sql).df()
    frame.columns = keys + list(frame.columns[len(keys) :])
    frame["day"] = pd.to_datetime(frame["day"]) if "day" in frame else None
    frame["n"] = frame["n"].astype("int64") if "n" in frame else None
    return frame.sort_values(keys, na_position="first").reset_index(drop=True)


def assert_rollup_exact(store: Store) -> None:
    """Every derived table equals a recount from the raw impressions, row for row."""
    for table, day, raw in (
        ("impression_daily", "observed_on", _DAILY),
        ("impression_monthly", "date_trunc('month', observed_on)::date", _MONTHLY),
    ):
        pd.testing.assert_frame_equal(
            _frame(store, _FOLDED.format(table=table, day=day), _KEYS), _frame(store, raw, _KEYS), check_dtype=False
        )
    comment_keys = ["id", "response_id", "touchpoint_id", "day", "group_id", "source", "score"]
    pd.testing.assert_frame_equal(
        _frame(store, "select * from impression_comment", comment_keys),
        _frame(store, _COMMENTS, comment_keys),
        check_dtype=False,
    )
    with store.cursor() as cur:
        state = cur.execute("select last_id, covered, total from impression_daily_state").fetchall()
        [(max_id, count)] = cur.execute("select max(id), count(*) from impression").fetchall()
    expected_total = count if store.is_postgres else None
    assert [tuple(map(_plain, row)) for row in state] == [(max_id, count, expected_total)]


def assert_written(store: Store) -> None:
    """Every writer's rows arrived: recorders 1, 2, 3 wrote 50, 51 and 49 rows (every other first
    row commented); 13 of the 25 two-row imports (one commented row each) were kept; the voter's
    one vote stands."""
    with store.cursor() as cur:
        counts = cur.execute(
            "select count(*), count(response_id), count(import_id), string_agg(raw_value, ',') filter"
            " (where source = 'workshop') from impression"
        ).fetchall()
    assert [(int(a), int(b), int(c), d) for a, b, c, d in counts] == [(150 + 26 + 1, 36 + 13, 26, "5")]


def _plain(value: object) -> object:
    return None if value is None else int(str(value))


@pytest.mark.postgres
def test_writer_processes_at_once_leave_every_rollup_equal_to_a_recount_of_the_impressions(pg_store: Store) -> None:
    writers = _writers(pg_store)
    running = [
        subprocess.Popen([sys.executable, "-m", "tests.rollup_writer", *args], stderr=subprocess.PIPE, text=True)
        for args in writers
    ]
    failures = [(p.args, p.stderr.read() if p.stderr else "") for p in running if p.wait(timeout=120) != 0]
    assert failures == []
    assert_written(pg_store)
    assert_rollup_exact(pg_store)


def test_writer_threads_on_one_duckdb_file_leave_every_rollup_equal_to_a_recount(tmp_path: Path) -> None:
    with Store(tmp_path / "w.duckdb") as store:
        writers = _writers(store)
        with ThreadPoolExecutor(len(writers)) as pool:
            for done in [pool.submit(rollup_writer.main, args) for args in writers]:
                done.result()
    with Store(tmp_path / "w.duckdb") as store:
        assert_written(store)
        assert_rollup_exact(store)
