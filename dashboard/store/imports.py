"""SQL for survey imports: the batch each import writes, its history, undo, and duplicates.

An import is one transaction: the touchpoints and stakeholder groups it adds, its
``import_batch`` row and every impression it records commit together or not at all. Each
impression carries its batch id, so undoing an import removes exactly what it wrote. A file's
content hash recognises the same file uploaded again (under any name) while its earlier import
stands. Each import and undo is checked and recorded by ``audit.write``: an import names who made
it, and below admin only they may undo it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from psycopg.errors import UniqueViolation

from dashboard import domain
from dashboard.imports.preview import Context, Preview, Remembered
from dashboard.imports.reading import SurveyError
from dashboard.scales import Scale
from dashboard.store import Cursor, Store, audit, rollup
from dashboard.store.cycles import add_touchpoints
from dashboard.store.groups import add_groups
from dashboard.store.impressions import attach_responses, insert_impressions
from dashboard.text import key

CHUNK_ROWS = 500_000
"""Impressions written per statement, so a progress bar can move during a large import."""


class DuplicateImportError(SurveyError):
    """The same file was imported before and that import has not been undone."""


@dataclass(frozen=True)
class ImportResult:
    """What one import wrote."""

    batch_id: int
    impressions: int
    new_touchpoints: int
    created_groups: tuple[str, ...] = ()
    """Stakeholder groups the import created, as named."""


def cycle_context(store: Store, cycle: str | int) -> Context:
    """The service cycle an import goes to (by id, or by name tolerant of case and spacing)."""
    with store.cursor() as cur:
        rows = cur.execute("select id, name from service_cycle order by id").fetchall()
        if isinstance(cycle, int):
            found = [r for r in rows if r[0] == cycle]
        else:
            found = [r for r in rows if key(r[1]) == key(cycle)]
        if not found:
            known = ", ".join(r[1] for r in rows) or "none yet"
            raise SurveyError(f"There is no service cycle {cycle!r} (service cycles: {known}).")
        cycle_id, name = found[0]
        touchpoints = cur.execute(
            "select name, id from touchpoint where cycle_id = ? and archived_at is null order by position", [cycle_id]
        ).fetchall()
        groups = cur.execute("select name, id from stakeholder_group order by name").fetchall()
    return Context(int(cycle_id), str(name), dict(touchpoints), dict(groups))


def batch_for_hash(store: Store, content_hash: str) -> dict[str, Any] | None:
    """The standing import of a file with this content, if there is one."""
    with store.cursor() as cur:
        row = cur.execute(
            "select id, file_name, imported_at from import_batch where content_hash = ? and undone_at is null"
            " order by id limit 1",
            [content_hash],
        ).fetchone()
    return None if row is None else {"id": int(row[0]), "file_name": row[1], "imported_at": row[2]}


def commit(
    store: Store,
    preview: Preview,
    *,
    imported_by: str = "",
    new_touchpoint_moment: str = "keep_or_lose",
    progress: Callable[[float], None] | None = None,
) -> ImportResult:
    """Writes a preview's impressions (and the touchpoints it adds) as one transaction.

    The history names the acting principal (``imported_by``, a typed name, only when nobody signed
    in: see ``audit.write``), which is also who may undo the import later."""
    if new_touchpoint_moment not in domain.MOMENT_KEYS:
        raise ValueError(f"unknown moment {new_touchpoint_moment!r}")
    frame = preview.impressions
    with store.transaction() as cur:
        who = audit.write(cur, "import", "survey imported", preview.cycle_id, detail=preview.file_name, by=imported_by)
        imported_by = audit.history_name(who, imported_by)
        earlier = cur.execute(
            "select file_name from import_batch where content_hash = ? and undone_at is null limit 1",
            [preview.content_hash],
        ).fetchone()
        if earlier is not None:
            raise DuplicateImportError(_already(earlier[0]))
        try:  # the one touchpoint API: names cleaned, a touchpoint of the same key reused
            added = add_touchpoints(cur, preview.cycle_id, preview.new_touchpoints, new_touchpoint_moment)
        except ValueError as error:  # pages and the command line show a SurveyError as a message
            raise SurveyError(f"{error} Nothing was imported.") from error
        created = [added[name] for name in preview.new_touchpoints]
        if created:
            frame = frame.assign(touchpoint_id=_resolved(frame["touchpoint_id"].to_numpy(), created))
        groups = _created_groups(cur, preview)
        if groups:
            ids = frame["group_id"].to_numpy(dtype=np.int64, na_value=0)
            frame = frame.assign(group_id=pd.arrays.IntegerArray(_resolved(ids, groups), ids == 0))
        batch_id = _new_batch(store, cur, preview, imported_by, len(frame))
        if preview.survey_key and (preview.remember or preview.remember_scale or preview.remember_roles):
            _remember(cur, preview)
        frame = attach_responses(cur, frame, batch_id)  # before the chunks: a response is never split
        for start in range(0, len(frame), CHUNK_ROWS):
            insert_impressions(cur, frame.iloc[start : start + CHUNK_ROWS], import_id=batch_id)
            if progress:
                progress(min(1.0, (start + CHUNK_ROWS) / len(frame)))
    return ImportResult(batch_id, len(frame), len(created), tuple(preview.new_groups))


def _already(file_name: object) -> str:
    return f"this file was already imported (as {file_name}); nothing was added"


def _new_batch(store: Store, cur: Cursor, preview: Preview, imported_by: str, impressions: int) -> int:
    """Writes the import's history row; its id."""
    try:
        row = cur.execute(
            "insert into import_batch (file_name, content_hash, cycle_id, imported_by, rows_read, impressions,"
            " rejected, missing_answers, detected) values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning id",
            [
                preview.file_name,
                preview.content_hash,
                preview.cycle_id,
                imported_by,
                preview.rows_read,
                impressions,
                len(preview.rejected),
                preview.missing_answers,
                json.dumps(preview.detected),
            ],
        ).fetchone()
    except UniqueViolation as error:
        # PostgreSQL's partial unique index (migration 0016): a writer that did not take the
        # write lock committed the same file after the check above. This transaction is spoilt,
        # so the earlier import's name is read on a connection of its own.
        earlier = batch_for_hash(store, preview.content_hash)
        raise DuplicateImportError(_already(earlier["file_name"] if earlier else preview.file_name)) from error
    assert row is not None
    return int(row[0])


def _resolved(ids: np.ndarray, new_ids: list[int]) -> np.ndarray:
    """Ids with the placeholders of new rows (-1, -2, ...) replaced by the ids they were given."""
    created = np.asarray(new_ids, dtype=np.int64)
    return np.where(ids < 0, created[np.clip(-ids - 1, 0, None)], ids)


def _created_groups(cur: Any, preview: Preview) -> list[int]:
    """Creates the preview's new stakeholder groups (inside the import's transaction); their ids in order."""
    if not preview.new_groups:
        return []
    ids = add_groups(cur, preview.new_groups)
    return [ids[name] for name in preview.new_groups]


def history(store: Store) -> pd.DataFrame:
    """Every import, newest first, with its cycle's name and whether it was undone."""
    with store.cursor() as cur:
        return cur.execute(
            "select b.id, b.file_name, c.name as cycle, b.imported_at, b.imported_by, b.rows_read, b.impressions,"
            " b.rejected, b.missing_answers, b.undone_at"
            " from import_batch b left join service_cycle c on c.id = b.cycle_id order by b.id desc"
        ).df()


def undo(store: Store, batch_id: int) -> int:
    """Removes every impression an import recorded; returns how many. The history keeps the row."""
    with store.transaction() as cur:
        row = cur.execute(
            "select undone_at, cycle_id, imported_by from import_batch where id = ?", [batch_id]
        ).fetchone()
        if row is None:
            raise SurveyError(f"there is no import {batch_id}")
        who = audit.write(cur, "undo", "survey import undone", row[1], detail=f"import {batch_id}")
        audit.refuse_others_import(who, str(row[2]))
        if row[0] is not None:
            raise SurveyError(f"import {batch_id} was already undone")
        rollup.retract(cur, "import_id = ?", [batch_id])
        removed = cur.execute("delete from impression where import_id = ? returning 1", [batch_id]).fetchall()
        cur.execute("delete from response where import_id = ?", [batch_id])
        cur.execute("update import_batch set undone_at = current_timestamp where id = ?", [batch_id])
    return len(removed)


def record_manual(store: Store, frame: pd.DataFrame) -> int:
    """Records impressions typed in by hand (one transaction)."""
    with store.transaction() as cur:
        cycles = audit.touchpoint_cycles(cur, frame["touchpoint_id"].unique().tolist())
        audit.write(cur, "import", "impressions entered by hand", cycles, detail=f"{len(frame)} impressions")
        return insert_impressions(cur, frame)


def stats(store: Store) -> dict[str, Any]:
    """Total impressions and, per touchpoint with any: cycle, name, moment, count, mean score."""
    with store.cursor() as cur:
        total = cur.execute("select count(*) from impression").fetchone()
        rows = cur.execute(
            "select c.name, t.name, t.moment, count(*), avg(i.score)"
            " from impression i join touchpoint t on t.id = i.touchpoint_id join service_cycle c on c.id = t.cycle_id"
            " group by c.name, t.name, t.moment, t.position order by c.name, t.position"
        ).fetchall()
    assert total is not None
    return {
        "impressions": int(total[0]),
        "touchpoints": [
            {"cycle": r[0], "touchpoint": r[1], "moment": r[2], "impressions": int(r[3]), "mean_score": round(r[4], 4)}
            for r in rows
        ],
    }


# --- what a person confirmed for a survey: column corrections and the scale ---


def remembered(store: Store, survey_key: str) -> Remembered:
    """What was confirmed for a survey before: column identity -> touchpoint (None = left out), and the scale."""
    with store.cursor() as cur:
        row = cur.execute(
            "select columns, scale, roles from survey_mapping where survey_key = ?", [survey_key]
        ).fetchone()
    if row is None:
        return Remembered()
    stored = json.loads(row[0])
    columns = {str(k): (None if v is None else str(v)) for k, v in stored.items()} if isinstance(stored, dict) else {}
    try:
        scale = Scale.parse(row[1]) if row[1] else None
    except ValueError:
        scale = None  # a spec no longer understood is asked for again rather than trusted
    kept_roles = json.loads(row[2]) if row[2] else {}
    roles = (
        {str(k): str(v) for k, v in kept_roles.items() if k in ("comment", "group")}
        if isinstance(kept_roles, dict)
        else {}
    )
    return Remembered(columns, scale, roles)


def _remember(cur: Any, preview: Preview) -> None:
    """Keeps a preview's corrections and chosen scale for its survey (inside the import's transaction).

    What this import does not say is kept from before: a scale chosen today leaves last month's
    column corrections and comment and group columns in place, and the other way round.
    """
    tool = preview.layout.tool if preview.layout is not None else "long"
    before = cur.execute(
        "select columns, scale, roles from survey_mapping where survey_key = ?", [preview.survey_key]
    ).fetchone()
    columns = json.dumps(preview.remember, sort_keys=True) if preview.remember else (before[0] if before else "{}")
    scale = preview.remember_scale or (before[1] if before else None)
    earlier_roles = json.loads(before[2]) if before and before[2] else {}
    roles = json.dumps({**earlier_roles, **preview.remember_roles}, sort_keys=True)
    cur.execute(
        "insert into survey_mapping (survey_key, tool, columns, scale, roles) values (?, ?, ?, ?, ?)"
        " on conflict (survey_key) do update set tool = excluded.tool, columns = excluded.columns,"
        " scale = excluded.scale, roles = excluded.roles, updated_at = now()",
        [preview.survey_key, tool, columns, scale, roles],
    )
