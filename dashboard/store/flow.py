"""SQL for customer flow: counts per cycle, month, measure and source; flow-file imports with
history, duplicates and undo; the carry-over mark of a cycle; the flow settings.

Every write is one transaction, checked and recorded by ``audit.write`` under the cycles it
touches; a flow import is undone by whoever made it or an admin. Reads aggregate in DuckDB and
hand back a few rows per cycle, month, measure and source; ``dashboard.flow.measures`` turns them
into rates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from psycopg.errors import UniqueViolation

from dashboard import flow
from dashboard.flow.files import Preview
from dashboard.imports.reading import SurveyError
from dashboard.store import Store, audit
from dashboard.store.dialect import staged


class DuplicateFlowImportError(SurveyError):
    """The same flow file was imported before and that import has not been undone."""


@dataclass(frozen=True)
class FlowImportResult:
    import_id: int
    counts: int


def cycles(store: Store) -> pd.DataFrame:
    """Service cycles with their carry-over mark: ``id, name, carry_over``."""
    with store.cursor() as cur:
        return cur.execute(
            "select c.id, c.name, coalesce(f.carry_over, false) as carry_over"
            " from service_cycle c left join flow_cycle f on f.cycle_id = c.id order by c.name"
        ).df()


def set_carry_over(store: Store, marks: Mapping[int, bool]) -> None:
    """Marks whether each cycle's customers may be won in a later month than they arrived
    (cycle id -> mark), in one transaction; ValueError, nothing changed, for an unknown cycle."""
    ids, values = list(marks), [bool(v) for v in marks.values()]
    with store.transaction() as cur:
        audit.write(cur, "flow", "carry-over marks set", ids, detail=str(dict(zip(ids, values, strict=True))))
        known = cur.execute("select count(*) from service_cycle where id = any(?::integer[])", [ids]).fetchone()
        if known is None or known[0] != len(set(ids)):
            raise ValueError("there is no such service cycle")
        cur.execute(
            "insert into flow_cycle (cycle_id, carry_over)"
            " select unnest(?::integer[]), unnest(?::boolean[])"
            " on conflict (cycle_id) do update set carry_over = excluded.carry_over",
            [ids, values],
        )


def settings(store: Store) -> flow.Settings:
    with store.cursor() as cur:
        return flow.Settings.from_stored(dict(cur.execute("select key, value from flow_setting").fetchall()))


def set_settings(store: Store, values: Mapping[str, float]) -> None:
    """Stores flow settings; ValueError (nothing stored) for an unknown or out-of-range one."""
    checked = flow.check_settings(values)
    with store.transaction() as cur:
        audit.write(cur, "settings", "flow settings changed", detail=", ".join(f"{k}={v}" for k, v in checked.items()))
        for name, value in checked.items():
            cur.execute(
                "insert into flow_setting (key, value) values (?, ?)"
                " on conflict (key) do update set value = excluded.value",
                [name, value],
            )


def _cycles(counts: pd.DataFrame) -> list[int]:
    """The cycles a frame of counts writes to (each must be allowed)."""
    return [int(c) for c in counts["cycle_id"].unique()]


def _insert(cur: Any, counts: pd.DataFrame, import_id: int | None, entered_by: str) -> None:
    rows = counts[["cycle_id", "period", "measure", "source", "count"]]
    with staged(cur, {"incoming_flow": rows}):
        cur.execute(
            "insert into flow_count (cycle_id, period, measure, source, count, import_id, entered_by)"
            " select cycle_id::integer, period::date, measure, source, count::bigint, ?::integer, ?"
            " from incoming_flow",
            [import_id, entered_by],
        )


def record(store: Store, counts: pd.DataFrame, entered_by: str = "") -> int:
    """Records counts typed in by hand (or generated), one transaction; returns how many."""
    if (counts["count"] < 0).any():
        raise ValueError("a count cannot be negative")
    with store.transaction() as cur:
        who = audit.write(
            cur, "flow", "flow counts entered", _cycles(counts), detail=f"{len(counts)} counts", by=entered_by
        )
        _insert(cur, counts, None, audit.history_name(who, entered_by))
    return len(counts)


def import_for_hash(store: Store, content_hash: str) -> dict[str, Any] | None:
    """The standing import of a flow file with this content, if there is one."""
    with store.cursor() as cur:
        row = cur.execute(
            "select id, file_name, imported_at from flow_import where content_hash = ? and undone_at is null"
            " order by id limit 1",
            [content_hash],
        ).fetchone()
    return None if row is None else {"id": int(row[0]), "file_name": row[1], "imported_at": row[2]}


def _already(file_name: object) -> str:
    return f"this flow file was already imported (as {file_name}); nothing was added"


def commit(store: Store, preview: Preview, *, imported_by: str = "") -> FlowImportResult:
    """Writes a preview's counts and its history row as one transaction; the history names the
    acting principal (``imported_by`` only when nobody signed in, see ``audit.write``)."""
    with store.transaction() as cur:
        who = audit.write(
            cur, "flow", "flow file imported", _cycles(preview.counts), detail=preview.file_name, by=imported_by
        )
        imported_by = audit.history_name(who, imported_by)
        earlier = cur.execute(
            "select file_name from flow_import where content_hash = ? and undone_at is null limit 1",
            [preview.content_hash],
        ).fetchone()
        if earlier is not None:
            raise DuplicateFlowImportError(_already(earlier[0]))
        try:
            row = cur.execute(
                "insert into flow_import (file_name, content_hash, imported_by, rows_read, counts, rejected)"
                " values (?, ?, ?, ?, ?, ?) returning id",
                [
                    preview.file_name,
                    preview.content_hash,
                    imported_by,
                    preview.rows_read,
                    len(preview.counts),
                    len(preview.rejected),
                ],
            ).fetchone()
        except UniqueViolation as error:
            # PostgreSQL's partial unique index (migration 0016) caught what the check above could
            # not see: a writer without the write lock committed the same file meanwhile. The
            # transaction is spoilt; the earlier import's name is read on a connection of its own.
            found = import_for_hash(store, preview.content_hash)
            name = found["file_name"] if found else preview.file_name
            raise DuplicateFlowImportError(_already(name)) from error
        assert row is not None
        _insert(cur, preview.counts, int(row[0]), imported_by)
    return FlowImportResult(int(row[0]), len(preview.counts))


def history(store: Store) -> pd.DataFrame:
    """Every flow import, newest first, and whether it was undone."""
    with store.cursor() as cur:
        return cur.execute(
            "select id, file_name, imported_at, imported_by, rows_read, counts, rejected, undone_at"
            " from flow_import order by id desc"
        ).df()


def undo(store: Store, import_id: int) -> int:
    """Removes every count a flow import recorded; returns how many. The history keeps the row."""
    with store.transaction() as cur:
        row = cur.execute("select undone_at, imported_by from flow_import where id = ?", [import_id]).fetchone()
        if row is None:
            raise SurveyError(f"there is no flow import {import_id}")
        cycles = cur.execute("select distinct cycle_id from flow_count where import_id = ?", [import_id]).fetchall()
        who = audit.write(cur, "flow", "flow import undone", [int(c) for (c,) in cycles], detail=f"import {import_id}")
        audit.refuse_others_import(who, str(row[1]))
        if row[0] is not None:
            raise SurveyError(f"flow import {import_id} was already undone")
        removed = cur.execute("delete from flow_count where import_id = ? returning 1", [import_id]).fetchall()
        cur.execute("update flow_import set undone_at = current_timestamp where id = ?", [import_id])
    return len(removed)


def overlapping(store: Store, counts: pd.DataFrame) -> int:
    """How many of these counts add to a cycle, month, measure and source that already has one."""
    with (
        store.cursor() as cur,
        staged(cur, {"candidate_flow": counts[["cycle_id", "period", "measure", "source"]]}),
    ):
        row = cur.execute(
            "select count(*) from candidate_flow n where exists (select 1 from flow_count f"
            " where f.cycle_id = n.cycle_id and f.period = n.period::date and f.measure = n.measure"
            " and f.source = n.source)"
        ).fetchone()
    return int(row[0]) if row else 0


def sums(
    store: Store,
    start: date | None = None,
    end: date | None = None,
    cycle_ids: Sequence[int] = (),
    sources: Sequence[str] = (),
) -> pd.DataFrame:
    """Counts summed per cycle, month, measure and source: ``cycle_id, cycle, period, measure,
    source, count``. ``start``/``end`` pick the months they fall in; ``sources`` keeps only those
    sources' prospects and customers won (the other measures are not counted by source, so they stay)."""
    with store.cursor() as cur:
        return cur.execute(
            "select f.cycle_id, c.name as cycle, f.period, f.measure, f.source, sum(f.count)::bigint as count"
            " from flow_count f join service_cycle c on c.id = f.cycle_id"
            " where (?::date is null or f.period >= date_trunc('month', ?::date))"
            " and (?::date is null or f.period <= ?::date)"
            " and (cardinality(?::integer[]) = 0 or f.cycle_id = any(?::integer[]))"
            " and (cardinality(?::varchar[]) = 0 or f.measure not in ('prospects', 'customers_won')"
            "  or f.source = any(?::varchar[]))"
            " group by f.cycle_id, c.name, f.period, f.measure, f.source"
            " order by c.name, f.period, f.measure, f.source",
            [start, start, end, end, list(cycle_ids), list(cycle_ids), list(sources), list(sources)],
        ).df()


def months(store: Store) -> tuple[date | None, date | None]:
    """The first and last month with flow counts."""
    with store.cursor() as cur:
        row = cur.execute("select min(period), max(period) from flow_count").fetchone()
    return (row[0], row[1]) if row else (None, None)


def evidence_counts(store: Store, since: date, as_of: date, cycle_ids: Sequence[int] = ()) -> pd.DataFrame:
    """Flow counts recorded for months in the window, per measure: ``measure, records, count``
    (of ``cycle_ids`` only, when given)."""
    with store.cursor() as cur:
        return cur.execute(
            "select measure, count(*) as records, sum(count)::bigint as count from flow_count"
            " where period between date_trunc('month', ?::date) and ?"
            " and (cardinality(?::integer[]) = 0 or cycle_id = any(?::integer[]))"
            " group by measure order by measure",
            [since, as_of, list(cycle_ids), list(cycle_ids)],
        ).df()
