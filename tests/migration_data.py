"""A workspace that lived through the migrations: rows written at the versions that had them, so
the migrations that move data (0004's roll-ups, 0012's token hashes, 0014's responses) have
something to move. Shared by the DuckDB and the PostgreSQL migration tests."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path
from typing import Any

from dashboard.store.dialect import Cursor
from dashboard.store.schema import apply_migrations

STAGES: dict[int, str] = {
    # Written at version 3: impressions still carry their comment; three came from one import.
    3: "insert into service_cycle (id, name) values (1, 'Clinic');"
    "insert into touchpoint (id, cycle_id, position, name, moment) values"
    " (1, 1, 1, 'Reception', 'keep_or_lose'), (2, 1, 2, 'Invoice', 'keep_or_lose');"
    "insert into import_batch (id, file_name, content_hash, cycle_id, rows_read, impressions, rejected)"
    " values (7, 'wide.csv', 'h', 1, 2, 3, 0);"
    "insert into impression (id, touchpoint_id, observed_on, raw_value, scale, score, group_id, source, comment,"
    " import_id) values"
    " (1, 1, '2026-09-01', '5', '1-5', 1, 4, 'survey', 'Invoice twice', 7),"
    " (2, 2, '2026-09-01', '1', '1-5', -1, 4, 'survey', 'Invoice twice', 7),"
    " (3, 1, '2026-09-01', '4', '1-5', 0.5, 4, 'survey', 'Invoice twice', 7),"
    " (4, 2, '2026-09-02', '2', '1-5', -0.5, null, 'manual', 'By hand', null),"
    " (5, 2, '2026-10-03', '2', '1-5', -0.5, null, 'manual', '', null),"
    " (6, 2, '2026-10-03', '2', '1-5', -0.5, null, 'manual', null, null);",
    # Written at version 6: a workshop participant whose token 0012 replaces by its hash.
    6: "insert into workshop_session (id, code, cycle_id, scale) values (1, 'ABCD', 1, '1-5');"
    "insert into workshop_participant (id, session_id, token) values (1, 1, 'tökén-1'), (2, 1, 'token-2');",
}

TOKEN_HASHES = [(1, hashlib.sha256("tökén-1".encode()).hexdigest()), (2, hashlib.sha256(b"token-2").hexdigest())]
"""What 0012 must leave in workshop_participant.token: Python's SHA-256 of the UTF-8 bytes, as the app computes it."""

MOVED = {
    "daily": "select touchpoint_id, observed_on, group_id, source, score, n from impression_daily"
    " order by touchpoint_id, observed_on, group_id, source, score, n",
    "monthly": "select touchpoint_id, observed_on, group_id, source, score, n from impression_monthly"
    " order by touchpoint_id, observed_on, group_id, source, score, n",
    "comments": "select c.id, r.comment, c.touchpoint_id, c.observed_on, c.group_id, c.source, c.score"
    " from impression_comment c join response r on r.id = c.response_id order by c.id",
    "responses": "select i.id, r.comment, r.import_id from impression i join response r on r.id = i.response_id"
    " order by i.id",
    "tokens": "select id, token from workshop_participant order by id",
    "state": "select id, last_id, covered from impression_daily_state",
}
"""The rows the data-moving migrations write, read in a fixed order."""

EXPECTED_MOVED = {
    "daily": [
        (1, date(2026, 9, 1), 4, "survey", 0.5, 1),
        (1, date(2026, 9, 1), 4, "survey", 1.0, 1),
        (2, date(2026, 9, 1), 4, "survey", -1.0, 1),
        (2, date(2026, 9, 2), None, "manual", -0.5, 1),
        (2, date(2026, 10, 3), None, "manual", -0.5, 2),
    ],
    "monthly": [
        (1, date(2026, 9, 1), 4, "survey", 0.5, 1),
        (1, date(2026, 9, 1), 4, "survey", 1.0, 1),
        (2, date(2026, 9, 1), 4, "survey", -1.0, 1),
        (2, date(2026, 9, 1), None, "manual", -0.5, 1),
        (2, date(2026, 10, 1), None, "manual", -0.5, 2),
    ],
    "comments": [
        (1, "Invoice twice", 1, date(2026, 9, 1), 4, "survey", 1.0),
        (2, "Invoice twice", 2, date(2026, 9, 1), 4, "survey", -1.0),
        (3, "Invoice twice", 1, date(2026, 9, 1), 4, "survey", 0.5),
        (4, "By hand", 2, date(2026, 9, 2), None, "manual", -0.5),
    ],
    "responses": [(1, "Invoice twice", 7), (2, "Invoice twice", 7), (3, "Invoice twice", 7), (4, "By hand", None)],
    "tokens": TOKEN_HASHES,
    "state": [(1, 6, 6)],
}
"""Worked out by hand from ``migration_data.STAGES``: one import's rows of one respondent share a
response (1 and 2), the second respondent with the same words gets their own (3), a blank comment
(5) and a missing one (6) give none."""


def migrate_in_stages(cur: Cursor, files: dict[str, str], work: Path) -> list[int]:
    """Applies ``files`` (name: SQL) in order, writing each stage's rows once its version is in;
    returns the versions applied."""
    folder = work / "staged-migrations"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    applied: list[int] = []
    for limit in [*sorted(STAGES), 10_000]:
        for name, sql in files.items():
            if int(name[:4]) <= limit:
                (folder / name).write_text(sql, encoding="utf-8")
        applied += apply_migrations(cur, folder)
        if limit in STAGES:
            cur.execute(STAGES[limit])
    return applied


def moved_rows(cur: Cursor) -> dict[str, list[tuple[Any, ...]]]:
    """Every query of ``MOVED`` with its rows."""
    return {key: cur.execute(query).fetchall() for key, query in MOVED.items()}


def migration_files(directory: Path) -> dict[str, str]:
    """The migration files in ``directory``, by name."""
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(directory.glob("[0-9]*.sql"))}
