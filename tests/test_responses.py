"""A comment belongs to the response: kept once, shown once with the touchpoints its response rated,
counted once; undone with its import; and workspaces from before responses migrate."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard.imports import pipeline
from dashboard.scales import Scale
from dashboard.store import Store, analytics, cycle_stats, cycles, imports, impressions
from dashboard.store.schema import MIGRATIONS_DIR, apply_migrations
from dashboard.touchpoints import TouchpointFields
from tests.survey_files import csv_bytes
from tests.test_survey_formats import grid

pytestmark = pytest.mark.both_backends

FIVE = pipeline.Options(scale=Scale.parse("1-5"), comment_column=4)


@pytest.fixture
def clinic(store: Store) -> dict[str, int]:
    """The cycle "Clinic": Reception, Consultation, Invoice, in that order on the map."""
    cycle = cycles.create_cycle(store, "Clinic")
    names = ("Reception", "Consultation", "Invoice")
    return {name: cycles.add_touchpoint(store, cycle, TouchpointFields(name, "keep_or_lose")) for name in names}


def survey() -> bytes:
    """Two respondents: the first rates all three touchpoints and complains about the invoice; the
    second rates Reception only and writes nothing."""
    raw = grid(
        ["Date", "Reception", "Consultation", "Invoice", "Remarks"],
        ["2026-09-01", "5", "4", "1", "The invoice came twice"],
        ["2026-09-02", "3", "", "", ""],
    )
    return raw.to_csv(header=False, index=False).encode("utf-8")


def imported(store: Store, data: bytes, name: str, options: pipeline.Options = FIVE) -> int:
    preview = pipeline.prepare(data, name, imports.cycle_context(store, "Clinic"), options)
    return imports.commit(store, preview).batch_id


def count(store: Store, table: str) -> int:
    with store.cursor() as cur:
        row = cur.execute(f"select count(*) from {table}").fetchone()  # table: a fixed name from these tests
    assert row is not None
    return int(row[0])


def test_a_wide_respondents_comment_is_kept_once_and_shown_once_with_the_touchpoints_they_rated(
    store: Store, clinic: dict[str, int]
):
    imported(store, survey(), "september.csv")
    assert (count(store, "impression"), count(store, "response")) == (4, 1)
    found = analytics.comments(store)
    assert found[["observed_on", "touchpoint", "moment", "score", "comment"]].to_dict("records") == [
        {
            "observed_on": pd.Timestamp("2026-09-01"),
            "touchpoint": "Reception, Consultation, Invoice",
            "moment": ["keep_or_lose"],
            "score": pytest.approx((1.0 + 0.5 - 1.0) / 3),
            "comment": "The invoice came twice",
        }
    ]
    assert analytics.comments(store, search="invoice")["comment"].tolist() == ["The invoice came twice"]


def test_receptions_recent_comments_show_the_remark_once_with_what_the_response_rated(
    store: Store, clinic: dict[str, int]
):
    imported(store, survey(), "september.csv")
    shown = cycle_stats.recent_comments(store, clinic["Reception"])
    assert shown.drop(columns="observed_on").to_dict("records") == [
        {
            "score": 1.0,
            "answer": "5",
            "stakeholder_group": "",
            "rated": "Reception, Consultation, Invoice",
            "comment": "The invoice came twice",
        }
    ]
    assert cycle_stats.recent_comments(store, clinic["Invoice"])["score"].tolist() == [-1.0]


def test_undoing_an_import_removes_its_responses_and_their_comments(store: Store, clinic: dict[str, int]):
    batch = imported(store, survey(), "september.csv")
    imports.undo(store, batch)
    assert (count(store, "impression"), count(store, "response"), count(store, "impression_comment")) == (0, 0, 0)
    assert analytics.comments(store).empty


def test_long_format_rows_sharing_day_group_and_comment_are_one_response_but_a_repeated_touchpoint_starts_another(
    store: Store, clinic: dict[str, int]
):
    rows = [
        "2026-09-01,,Reception,,5,,Slow phone line",
        "2026-09-01,,Invoice,,2,,Slow phone line",
        "2026-09-01,,Reception,,4,,Slow phone line",  # a second person, same words: Reception again
        "2026-09-01,,Consultation,,4,,",
        "2026-09-02,,Invoice,,1,,Slow phone line",  # another day: another response
    ]
    imported(store, csv_bytes(rows), "long.csv", pipeline.Options(scale=Scale.parse("1-5")))
    assert count(store, "response") == 3
    assert sorted(analytics.comments(store)["touchpoint"]) == ["Invoice", "Reception", "Reception, Invoice"]


def test_recording_frames_with_a_comment_column_still_works_one_response_per_commented_row(
    store: Store, clinic: dict[str, int]
):
    """The workshop and the HTTP API record impressions without knowing of responses."""
    frame = pd.DataFrame(
        {
            "touchpoint_id": [clinic["Reception"], clinic["Invoice"], clinic["Invoice"]],
            "observed_on": [date(2026, 9, 1)] * 3,
            "raw_value": ["4", "2", "3"],
            "scale": ["1-5"] * 3,
            "score": [0.5, -0.5, 0.0],
            "group_id": [None] * 3,
            "source": ["manual"] * 3,
            "comment": ["Kind", "Kind", None],
        }
    )
    assert impressions.record_impressions(store, frame) == 3
    assert impressions.record_impressions(store, frame.drop(columns="comment")) == 3
    assert count(store, "response") == 2
    assert analytics.comments(store)["touchpoint"].tolist() == ["Invoice", "Reception"]


def _old_workspace(path: Path, tmp_path: Path) -> None:
    """A workspace migrated up to 0013, as it was before responses: comments on every impression."""
    before = tmp_path / "before-0014"
    before.mkdir()
    for migration in MIGRATIONS_DIR.glob("*.sql"):
        if int(migration.name[:4]) < 14:
            shutil.copy(migration, before / migration.name)
    con = duckdb.connect(str(path))
    apply_migrations(con, before)
    con.execute(
        "insert into service_cycle (id, name) values (1, 'Clinic');"
        "insert into touchpoint (id, cycle_id, position, name, moment) values"
        " (1, 1, 1, 'Reception', 'keep_or_lose'), (2, 1, 2, 'Invoice', 'keep_or_lose');"
        "insert into import_batch (id, file_name, content_hash, cycle_id, rows_read, impressions, rejected)"
        " values (7, 'wide.csv', 'h', 1, 2, 4, 0);"
        "insert into impression (id, touchpoint_id, observed_on, raw_value, scale, score, source, comment, import_id)"
        " values (1, 1, '2026-09-01', '5', '1-5', 1, 'survey', 'Invoice twice', 7),"
        " (2, 2, '2026-09-01', '1', '1-5', -1, 'survey', 'Invoice twice', 7),"
        " (3, 1, '2026-09-01', '4', '1-5', 0.5, 'survey', 'Invoice twice', 7),"  # a second respondent, same words
        " (4, 2, '2026-09-01', '2', '1-5', -0.5, 'manual', 'By hand', null),"
        " (5, 2, '2026-09-01', '2', '1-5', -0.5, 'manual', 'By hand', null);"
        "insert into impression_comment select id, touchpoint_id, observed_on, group_id, source, score, comment"
        " from impression;"
        "update impression_daily_state set last_id = 0, covered = 0;"
    )
    con.close()


def test_a_workspace_from_before_responses_keeps_a_wide_rows_comment_once_and_hand_made_ones_apart(
    tmp_path: Path,
):
    path = tmp_path / "old.duckdb"
    _old_workspace(path, tmp_path)
    with Store(path) as store:
        with store.cursor() as cur:
            linked = cur.execute(
                "select i.id, r.comment from impression i join response r on r.id = i.response_id order by i.id"
            ).fetchall()
            responses = cur.execute("select count(*) from response").fetchone()
        assert responses == (4,)
        assert [comment for _, comment in linked] == ["Invoice twice"] * 3 + ["By hand"] * 2
        found = analytics.comments(store)
        assert sorted(zip(found["touchpoint"], found["comment"], strict=True)) == [
            ("Invoice", "By hand"),
            ("Invoice", "By hand"),
            ("Reception", "Invoice twice"),
            ("Reception, Invoice", "Invoice twice"),
        ]
