"""SQL for impressions: recording them in bulk and the aggregates every chart starts from.

Aggregates return *sufficient statistics* per group (count, sum, sum of squares, positive,
negative and meeting-the-standard counts) rather than finished metrics: the database does the
heavy counting over millions of rows, and ``dashboard.metrics`` turns the few rows that come
back into means, shares and confidence intervals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.store import Store, audit
from dashboard.store.dialect import Cursor, staged
from dashboard.store.scope import EVERYTHING, Scope

# Fixed SQL text (no values): the statistics metrics.summarise expects, per group.
STATS = (
    "count(*) as n, sum(i.score) as total, sum(i.score * i.score) as total_sq,"
    " count(*) filter (where i.score > 0) as n_positive,"
    " count(*) filter (where i.score < 0) as n_negative,"
    " count(*) filter (where i.score >= t.target) as n_meeting,"
    " sum(t.target) as target_total"
)
IMPRESSION_COLUMNS = (
    "touchpoint_id",
    "observed_on",
    "raw_value",
    "scale",
    "score",
    "group_id",
    "source",
    "comment",
)
"""The columns a frame of impressions to record has; ``comment`` may be missing (no comments).

Two more are optional: ``response``, a number per row telling which rows are one response (rows
of the same number share its comment; without it every row is a response of its own), and
``response_id``, the stored response already written for the row (``attach_responses``).
"""


def insert_impressions(cur: Cursor, frame: pd.DataFrame, import_id: int | None = None) -> int:
    """Appends impressions inside the caller's transaction; returns how many were written.

    ``frame`` has the columns of ``IMPRESSION_COLUMNS`` (see there for the optional ones). One
    bulk statement, no row loop. ``import_id`` ties the rows to the survey import they came from
    (None for none). Comments are kept once per response (``attach_responses``).
    """
    if "response_id" not in frame.columns:
        frame = attach_responses(cur, frame, import_id)
    rows = _one_chunk(frame.loc[:, [*STORED_COLUMNS, "response_id"]]).assign(id=new_ids(cur, len(frame)))
    with staged(cur, {"incoming_impressions": rows}):
        cur.execute(
            "insert into impression"
            " (id, touchpoint_id, observed_on, raw_value, scale, score, group_id, source, response_id, import_id)"
            " select id, touchpoint_id::integer, observed_on::date, raw_value::varchar, scale::varchar,"
            " score::double precision, group_id::integer, source::varchar, response_id::bigint, ?::integer"
            " from incoming_impressions",
            [import_id],
        )
    return len(rows)


def _one_chunk(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each Arrow-backed column in one contiguous chunk.

    A CSV read by pyarrow hands its text columns over in blocks of about 15,000 rows. DuckDB
    appended such a column more slowly and left the table needing a rewrite at the next
    checkpoint when the import wrote in several statements: a 1-million-row import spent 0.25 s
    more CPU than with the same column in one chunk, which costs a copy of a few milliseconds.
    """
    chunked: dict[str, pd.Series] = {}
    for name, column in frame.items():  # a handful of columns; the rows are copied by Arrow
        arrow = pa.array(column.array) if isinstance(column.dtype, pd.ArrowDtype) else None
        if isinstance(arrow, pa.ChunkedArray) and arrow.num_chunks > 1:
            chunked[str(name)] = pd.Series(pd.arrays.ArrowExtensionArray(arrow.combine_chunks()), index=frame.index)
    return frame.assign(**chunked) if chunked else frame


STORED_COLUMNS = IMPRESSION_COLUMNS[:-1]
"""The columns stored on each impression (the comment is stored once, on its response)."""


def attach_responses(cur: Cursor, frame: pd.DataFrame, import_id: int | None) -> pd.DataFrame:
    """Writes one ``response`` row per commented response of ``frame``; returns the frame with ``response_id``.

    Rows sharing a ``response`` number are one response (every row is its own without that
    column); its comment is the first non-blank one among its rows. Rows of responses without
    a comment get no response (null). Call it once over a whole import, before writing it in
    chunks, so a response is never split between chunks.
    """
    count = len(frame)
    ids = pd.arrays.IntegerArray(np.zeros(count, dtype=np.int64), np.ones(count, dtype=bool))  # all null
    if "comment" not in frame.columns or count == 0:
        return frame.assign(response_id=ids)
    text = pa.array(frame["comment"], type=pa.string(), from_pandas=True)
    commented = pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(text), ""), False).to_numpy(zero_copy_only=False)
    if not commented.any():
        return frame.assign(response_id=ids)
    number = frame["response"].to_numpy(dtype=np.int64) if "response" in frame.columns else np.arange(count)
    keys, first = np.unique(number[commented], return_index=True)
    drawn = _drawn(cur, "response_id", len(keys))
    with staged(
        cur,
        {
            "incoming_responses": pd.DataFrame(
                {"id": drawn, "comment": text.filter(pa.array(commented)).take(pa.array(first))}
            )
        },
    ):
        cur.execute(
            "insert into response (id, comment, import_id) select id, comment, ?::integer from incoming_responses",
            [import_id],
        )
    where = np.searchsorted(keys, number)
    found = (where < len(keys)) & (keys[np.minimum(where, len(keys) - 1)] == number)
    ids = pd.arrays.IntegerArray(drawn[np.minimum(where, len(keys) - 1)], ~found)
    return frame.assign(response_id=ids)


def new_ids(cur: Cursor, n: int) -> np.ndarray:
    """``n`` fresh impression ids from the id sequence: its next value, and the sequence moved on
    past the last one, so whatever draws next gets a higher id.

    Bulk inserts pass them in rather than leave the id to the column's default: DuckDB draws
    a default sequence value row by row inside an insert, which was half the time of a
    2-million-row import (0.55 s of 1.1 s); drawing them all with ``nextval`` over ``range(n)``
    still took 0.03-0.09 s CPU per million, these two statements take 3 ms. The caller holds
    the store's write lock (every write does), so no other writer draws in between.
    """
    return _drawn(cur, "impression_id", n)


_DRAW = {
    "impression_id": ("select nextval('impression_id')", "select setval('impression_id', ?)"),
    "response_id": ("select nextval('response_id')", "select setval('response_id', ?)"),
}


def _drawn(cur: Cursor, sequence: str, n: int) -> np.ndarray:
    """``n`` values of the sequence ``impression_id`` or ``response_id``: its next value, and the
    sequence moved past the last one (see ``new_ids``)."""
    if n == 0:
        return np.empty(0, dtype=np.int64)
    following, moved_past = _DRAW[sequence]
    row = cur.execute(following).fetchone()
    assert row is not None
    first = int(row[0])
    cur.execute(moved_past, [first + n - 1]).fetchall()
    return np.arange(first, first + n, dtype=np.int64)


def record_impressions(store: Store, frame: pd.DataFrame) -> int:
    """Records impressions as one transaction: all rows or none."""
    with store.transaction() as cur:
        cycles = audit.touchpoint_cycles(cur, frame["touchpoint_id"].unique().tolist())
        audit.write(cur, "import", "impressions recorded", cycles, detail=f"{len(frame)} impressions")
        return insert_impressions(cur, frame)


def _stats(store: Store, scope: Scope, group_by: str, columns: str) -> pd.DataFrame:
    condition, params = scope.condition()
    sql = (
        f"select {columns}{', ' if columns else ''}{STATS}"  # noqa: S608 this module's fragments, scope SQL
        " from impression i join touchpoint t on t.id = i.touchpoint_id"
        f" where {condition}{' group by ' + group_by if group_by else ''}"
    )
    with store.cursor() as cur:
        return cur.execute(sql, params).df()


def total_stats(store: Store, scope: Scope = EVERYTHING) -> pd.DataFrame:
    """One row of statistics over every impression in scope."""
    return _stats(store, scope, "", "")


def moment_stats(store: Store, scope: Scope = EVERYTHING) -> pd.DataFrame:
    """Statistics per moment (only moments that have impressions)."""
    return _stats(store, scope, "t.moment", "t.moment as moment")


def touchpoint_stats(store: Store, scope: Scope = EVERYTHING) -> pd.DataFrame:
    """Statistics per touchpoint, with its cycle, position, moment and target."""
    condition, params = scope.condition()
    sql = (
        "with s as (select i.touchpoint_id, " + STATS + " from impression i join touchpoint t on t.id = i.touchpoint_id"  # noqa: S608 STATS and scope SQL
        f" where {condition} group by i.touchpoint_id)"
        " select t.id as touchpoint_id, t.name as touchpoint, c.name as cycle, t.cycle_id, t.position, t.moment,"
        " t.target, s.n, s.total, s.total_sq, s.n_positive, s.n_negative, s.n_meeting, s.target_total"
        " from s join touchpoint t on t.id = s.touchpoint_id join service_cycle c on c.id = t.cycle_id"
        " order by c.name, t.position"
    )
    with store.cursor() as cur:
        return cur.execute(sql, params).df()


def date_range(store: Store) -> tuple[object, object]:
    """The first and last observed dates, or ``(None, None)`` with no impressions."""
    with store.cursor() as cur:
        row = cur.execute("select min(observed_on), max(observed_on) from impression").fetchone()
    assert row is not None
    return row[0], row[1]


def insert_coded_impressions(
    cur: Cursor,
    codes: pd.DataFrame,
    scales: pd.DataFrame,
    comments: pd.DataFrame,
    first_day: object,
) -> int:
    """Bulk-appends impressions described by small integer codes (the demo generator's form).

    ``codes`` holds ``touchpoint_id, day, point, scale_id, group_id, source_id, comment_id``
    (day counted from ``first_day``, point the 0-based position on its scale, group 0 and
    comment -1 for none). ``scales`` maps ``scale_id`` to ``spec, low, high, labels``
    (labels a list, or null for a numeric scale); ``comments`` maps ``comment_id`` to
    ``text``. The database turns codes into text, which is far faster than building
    millions of Python strings.
    """
    commented = codes["comment_id"].to_numpy() >= 0
    response = np.full(len(codes), -1, dtype=np.int64)
    response[commented] = _drawn(cur, "response_id", int(commented.sum()))  # each commented impression one response
    codes = codes.assign(id=new_ids(cur, len(codes)), response_id=response)
    staging: dict[str, object] = {
        "gen_codes": codes,
        "gen_scales": scales.loc[:, ["scale_id", "spec", "low", "high"]],
        "gen_labels": _label_rows(scales),
        "gen_comments": comments,
    }
    with staged(cur, staging):
        cur.execute(
            "insert into response (id, comment) select g.response_id, c.text"
            " from gen_codes g join gen_comments c on c.comment_id = g.comment_id"
        )
        cur.execute(
            "insert into impression"
            " (id, touchpoint_id, observed_on, raw_value, scale, score, group_id, source, response_id)"
            " select g.id, g.touchpoint_id, (?::date + g.day::integer),"
            " coalesce(l.label, (s.low + g.point)::varchar),"
            " s.spec, -1.0 + 2.0 * g.point / (s.high - s.low),"
            " nullif(g.group_id, 0), (array['survey', 'workshop', 'manual'])[g.source_id + 1],"
            " nullif(g.response_id, -1)"
            " from gen_codes g join gen_scales s on s.scale_id = g.scale_id"
            " left join gen_labels l on l.scale_id = g.scale_id and l.point = g.point",
            [first_day],
        )
    return len(codes)


def _label_rows(scales: pd.DataFrame) -> pd.DataFrame:
    """The labelled scales' labels as rows ``scale_id, point, label`` (point 0-based).

    Rows rather than a list column, so the generator's SQL is a join both databases read alike;
    a handful of scales makes a few dozen rows."""
    labels = scales.loc[:, ["scale_id", "labels"]].explode("labels").dropna()
    return pd.DataFrame(
        {
            "scale_id": labels["scale_id"].to_numpy(),
            "point": labels.groupby("scale_id").cumcount().to_numpy(),
            "label": labels["labels"].astype(str).to_numpy(),
        }
    )
