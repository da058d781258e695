from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from dashboard import cells
from dashboard.store import DB_ENV_VAR, Store, cycles, database_path, groups, ideas, impressions, plan, workspace
from dashboard.store.schema import apply_migrations, available_migrations
from dashboard.touchpoints import TouchpointFields

pytestmark = pytest.mark.both_backends


def _one_impression(touchpoint_id: int, score: float = 0.5, comment: str | None = None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "touchpoint_id": [touchpoint_id],
            "observed_on": [date(2026, 5, 1)],
            "raw_value": ["4"],
            "scale": ["1-5"],
            "score": [score],
            "group_id": [None],
            "source": ["manual"],
            "comment": [comment],
        }
    )


def test_the_database_path_comes_from_the_environment_with_a_default(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(DB_ENV_VAR, raising=False)
    assert database_path() == Path("data/dashboard.duckdb")
    monkeypatch.setenv(DB_ENV_VAR, "/tmp/elsewhere.duckdb")
    assert database_path() == Path("/tmp/elsewhere.duckdb")


def test_opening_a_new_file_applies_every_migration_once(tmp_path: Path):
    path = tmp_path / "w.duckdb"
    with Store(path) as first, first.cursor() as cur:
        versions = [row[0] for row in cur.execute("select version from schema_migration order by 1").fetchall()]
    assert versions == [m.version for m in available_migrations()]
    with Store(path) as again, again.cursor() as cur:
        assert apply_migrations(cur) == []


def test_a_database_from_an_older_version_gets_the_newer_migrations(tmp_path: Path):
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "1001_first.sql").write_text("create table a (x integer);")
    with Store(tmp_path / "w.duckdb") as store, store.cursor() as cur:
        assert apply_migrations(cur, migrations) == [1001]
        (migrations / "1002_second.sql").write_text(
            "alter table a add column y varchar; insert into a values (1, 'b');"
        )
        assert apply_migrations(cur, migrations) == [1002]
        assert cur.execute("select * from a").fetchall() == [(1, "b")]


def test_a_failing_migration_leaves_the_database_as_it_was(tmp_path: Path):
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "1001_bad.sql").write_text("create table ok (x integer); select * from no_such_table;")
    with Store(tmp_path / "w.duckdb") as store, store.cursor() as cur:
        with pytest.raises(Exception, match="no_such_table"):
            apply_migrations(cur, migrations)
        tables = {row[0] for row in cur.execute("select table_name from information_schema.tables").fetchall()}
        assert "ok" not in tables


def test_workspace_entities_round_trip(store: Store):
    group = groups.add_group(store, "Homeowners", "People in their own homes")
    team = groups.add_team(store, "Sales")
    cycle = cycles.create_cycle(store, "First visit")
    first = cycles.add_touchpoint(
        store, cycle, TouchpointFields("Website", "now_or_never", channel="Website", group_ids=(group,))
    )
    second = cycles.add_touchpoint(
        store, cycle, TouchpointFields("Quote", "make_or_break", owner_team_id=team, target=0.3)
    )
    touchpoints = cycles.touchpoints(store, cycle)
    assert touchpoints[["id", "position", "name", "moment", "owner", "target"]].to_dict("records") == [
        {"id": first, "position": 1, "name": "Website", "moment": "now_or_never", "owner": "", "target": 0.5},
        {"id": second, "position": 2, "name": "Quote", "moment": "make_or_break", "owner": "Sales", "target": 0.3},
    ]
    ideas.add_idea(store, second, "Send it within a day")
    plan.set_plan_cell(store, "measure", "keep_or_lose", status="done", owner="Ann", due_on=date(2026, 12, 1))
    plan.set_plan_cell(store, "measure", "keep_or_lose", status="at_risk", owner="Bo")
    assert plan.plan_cells(store)[["step", "moment", "status", "owner"]].to_dict("records") == [
        {"step": "measure", "moment": "keep_or_lose", "status": "at_risk", "owner": "Bo"}
    ]
    assert workspace.counts(store) == {
        "cycles": 1,
        "touchpoints": 2,
        "groups": 1,
        "teams": 1,
        "impressions": 0,
        "ideas": 1,
        "plan_cells": 1,
    }


def test_names_are_checked_before_they_are_written_and_the_database_checks_them_again(store: Store):
    groups.add_group(store, "Homeowners")
    with pytest.raises(ValueError, match="already exists"):
        groups.add_group(store, "Homeowners")
    with pytest.raises(Exception, match="[Dd]uplicate|[Cc]onstraint"), store.transaction() as cur:
        cur.execute("insert into stakeholder_group (name) values ('Homeowners')")
    cycle = cycles.create_cycle(store, "C")
    with pytest.raises(ValueError, match="needs a moment"):
        cycles.add_touchpoint(store, cycle, TouchpointFields("X", "sometime"))
    assert workspace.counts(store) | {"groups": 1, "cycles": 1, "touchpoints": 0} == workspace.counts(store)


def test_impressions_round_trip_with_their_raw_value_scale_and_comment(store: Store):
    cycle = cycles.create_cycle(store, "C")
    tp = cycles.add_touchpoint(store, cycle, TouchpointFields("Desk", "keep_or_lose"))
    comment = '=cmd|" /C calc"!A0, kept "verbatim"\nsecond line'
    impressions.record_impressions(store, _one_impression(tp, 0.5, comment))
    with store.cursor() as cur:
        row = cur.execute(
            "select touchpoint_id, observed_on, raw_value, scale, score, source, r.comment"
            " from impression i join response r on r.id = i.response_id"
        ).fetchone()
    assert row == (tp, date(2026, 5, 1), "4", "1-5", 0.5, "manual", comment)


def test_a_comment_column_in_several_arrow_chunks_is_recorded_row_for_row(store: Store):
    # pyarrow's CSV reader hands text over in blocks; the store joins them before writing.
    cycle = cycles.create_cycle(store, "C")
    tp = cycles.add_touchpoint(store, cycle, TouchpointFields("Desk", "keep_or_lose"))
    chunks = pa.chunked_array([pa.array(["first", None]), pa.array(["third"]), pa.array([None, "fifth"])])
    frame = pd.concat([_one_impression(tp)] * 5, ignore_index=True)
    frame["comment"] = pd.Series(pd.arrays.ArrowExtensionArray(chunks))
    frame["score"] = [-1.0, -0.5, 0.0, 0.5, 1.0]
    impressions.record_impressions(store, frame)
    with store.cursor() as cur:
        rows = cur.execute(
            "select i.score, r.comment from impression i left join response r on r.id = i.response_id order by i.id"
        ).fetchall()
    assert rows == [(-1.0, "first"), (-0.5, None), (0.0, "third"), (0.5, None), (1.0, "fifth")]


def test_bulk_ids_follow_on_from_every_id_drawn_before_and_after_them(store: Store):
    with store.transaction() as cur:
        first = impressions.new_ids(cur, 3).tolist()
        single = cur.execute("select nextval('impression_id')").fetchone()
        second = impressions.new_ids(cur, 2).tolist()
        none = impressions.new_ids(cur, 0).tolist()
        after = cur.execute("select nextval('impression_id')").fetchone()
    assert (first, single, second, none, after) == ([1, 2, 3], (4,), [5, 6], [], (7,))


def test_a_failed_write_leaves_nothing_behind(store: Store):
    cycle = cycles.create_cycle(store, "C")
    tp = cycles.add_touchpoint(store, cycle, TouchpointFields("Desk", "keep_or_lose"))
    bad = pd.concat([_one_impression(tp), _one_impression(tp, score=3.0)])  # 3.0 is off the -1..+1 range
    version = store.data_version()
    with pytest.raises(Exception, match="CHECK|[Cc]onstraint"):
        impressions.record_impressions(store, bad)
    assert workspace.counts(store)["impressions"] == 0
    assert store.data_version() == version


def test_every_write_moves_the_data_version(store: Store):
    before = store.data_version()
    cycles.create_cycle(store, "C")
    assert store.data_version() == before + 1


def test_the_data_version_kept_in_memory_is_the_stored_one_and_survives_a_reopen(tmp_path: Path):
    with Store(tmp_path / "w.duckdb") as first:
        cycles.create_cycle(first, "C")
        cycles.create_cycle(first, "D")
        with first.cursor() as cur:
            stored = cur.execute("select version from data_version").fetchone()
        assert stored == (first.data_version(),)
    with Store(tmp_path / "w.duckdb") as again:
        assert again.data_version() == stored[0]


def test_two_stores_on_one_file_share_the_data_version_and_take_turns_writing(tmp_path: Path):
    """In one process DuckDB gives both the same database, so a write through one must move
    the version the other hands to its cached reads (a Streamlit "Clear cache" opens a
    second Store while the first may still be in use)."""
    with Store(tmp_path / "w.duckdb") as first, Store(tmp_path / "w.duckdb") as second:
        before = second.data_version()
        cycles.create_cycle(first, "C")
        assert second.data_version() == first.data_version() == before + 1
        assert second._shared.write_lock is first._shared.write_lock
    with Store(tmp_path / "w.duckdb") as again:
        assert again.data_version() == before + 1


def test_many_threads_reading_and_writing_at_once_lose_nothing(store: Store):
    """Streamlit runs each browser session in its own thread; this is that load, exaggerated."""
    cycle = cycles.create_cycle(store, "C")
    tp = cycles.add_touchpoint(store, cycle, TouchpointFields("Desk", "keep_or_lose"))
    threads, writes_each = 24, 40
    errors: list[BaseException] = []
    reads: list[int] = []

    def work(index: int) -> None:
        try:
            for i in range(writes_each):
                impressions.record_impressions(store, _one_impression(tp, comment=f"{index}-{i}"))
                reads.append(int(impressions.total_stats(store)["n"].iloc[0]))
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    with store.cursor() as cur:
        stored = cur.execute(
            "select count(*), count(distinct r.comment) from impression i join response r on r.id = i.response_id"
        ).fetchone()
    assert stored == (threads * writes_each, threads * writes_each)
    assert max(reads) == threads * writes_each
    assert store.data_version() == 2 + threads * writes_each


def test_aggregates_respect_the_scope(demo_store: Store):
    from dashboard.store.scope import Scope

    everything = int(impressions.total_stats(demo_store)["n"].iloc[0])
    per_moment = impressions.moment_stats(demo_store)
    assert int(per_moment["n"].sum()) == everything
    only_workshop = int(impressions.total_stats(demo_store, Scope(sources=("workshop",)))["n"].iloc[0])
    assert 0 < only_workshop < everything
    one_moment = impressions.total_stats(demo_store, Scope(moments=("multiplier",)))
    assert int(one_moment["n"].iloc[0]) == cells.whole(per_moment.set_index("moment").at["multiplier", "n"])
    late = Scope(start=date(2026, 9, 1), end=date(2026, 9, 30))
    with demo_store.cursor() as cur:
        expected = cur.execute(
            "select count(*) from impression where observed_on between '2026-09-01' and '2026-09-30'"
        ).fetchone()
    assert expected is not None
    assert int(impressions.total_stats(demo_store, late)["n"].iloc[0]) == expected[0]
