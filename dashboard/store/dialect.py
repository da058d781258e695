"""The named differences between the two databases the store runs on, DuckDB and PostgreSQL.

The store's SQL is written once, in forms both databases accept. What cannot be is here, one
function per difference, so a reader finds every difference in one place:

- ``Cursor``: what the store asks of a cursor (DuckDB's connection object has it all; the
  PostgreSQL backend wraps psycopg's cursor to match);
- ``Error``: the errors either driver raises;
- ``staged``: data frames made visible to SQL under a name for a block;
- ``arrow``: a query's answer as an Arrow table;
- ``snapshot``: a read-only transaction that sees one moment throughout;
- ``name``: which of the two a cursor talks to (migration files hold ``-- only:`` sections);
- ``take_turns``: one database-wide turn per key inside a transaction (PostgreSQL servers share it);
- ``impression_tally``, ``recount`` and ``keep_count``: the impression counts ``rollup.catch_up``
  checks at every write (DuckDB counts the table; PostgreSQL keeps the count with triggers).

PostgreSQL puts NULLs first on ``desc``, DuckDB last: every ``desc`` key in the store is NOT NULL.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, Literal, Protocol

import duckdb
import pandas as pd
import psycopg
import pyarrow as pa

if TYPE_CHECKING:
    from dashboard.store.pg import PgCursor


class Cursor(Protocol):
    """A cursor of either database: run a statement, then read its answer."""

    def execute(self, query: str, parameters: object = ..., /) -> Cursor: ...

    def executemany(self, query: str, parameters: object = ..., /) -> Cursor: ...

    def fetchone(self) -> tuple[Any, ...] | None: ...

    def fetchall(self) -> list[tuple[Any, ...]]: ...

    def df(self) -> pd.DataFrame: ...


Error: tuple[type[Exception], ...] = (duckdb.Error, psycopg.Error)
"""What a failed statement raises, whichever the database."""


@contextmanager
def staged(cur: Cursor, frames: dict[str, object]) -> Iterator[None]:
    """Makes data frames (pandas or Arrow) visible to SQL under the given names for the duration of a block."""
    if name(cur) == "postgres":
        with _pg(cur).staged(frames):  # temporary tables filled by COPY
            yield
        return
    duck = _duck(cur)
    for key, frame in frames.items():
        duck.register(key, frame)
    try:
        yield
    finally:
        for key in frames:
            # After a failed statement DuckDB refuses even this until the transaction rolls
            # back; the caller's rollback drops the view, and the original error must surface.
            with suppress(duckdb.Error):
                duck.unregister(key)


def arrow(cur: Cursor, query: str, params: Sequence[object] = ()) -> pa.Table:
    """The answer to ``query`` as an Arrow table (cheaper than pandas for frames that are staged again)."""
    if name(cur) == "postgres":
        return _pg(cur).arrow(query, params)
    return _duck(cur).sql(query, params=list(params)).to_arrow_table()


@contextmanager
def snapshot(cur: Cursor) -> Iterator[None]:
    """Inside, every read on ``cur`` sees the database as it was at one moment (a copy or a backup
    reads many tables while others write), and nothing can be written through it."""
    # DuckDB's transactions are snapshots already. PostgreSQL's default level (read committed)
    # takes a new snapshot per statement, and DuckDB does not parse an isolation level.
    is_duck = name(cur) == "duckdb"
    cur.execute("begin transaction read only" if is_duck else "begin isolation level repeatable read, read only")
    try:
        yield
    finally:
        with suppress(*Error):  # a failed read may have ended the transaction already
            cur.execute("rollback")


def _pg(cur: Cursor) -> PgCursor:
    from dashboard.store.pg import PgCursor  # noqa: PLC0415 pg.py imports this module

    assert isinstance(cur, PgCursor), type(cur)
    return cur


def _duck(cur: Cursor) -> duckdb.DuckDBPyConnection:
    assert isinstance(cur, duckdb.DuckDBPyConnection), type(cur)
    return cur


Dialect = Literal["duckdb", "postgres"]


def name(cur: Cursor) -> Dialect:
    """Which database ``cur`` talks to. Anything but DuckDB's own class is the PostgreSQL backend's cursor."""
    return "duckdb" if isinstance(cur, duckdb.DuckDBPyConnection) else "postgres"


# DuckDB counts ten million impressions in a few milliseconds, so it counts them at every write.
_DUCK_TALLY = "select count(*) filter (where id > ?), count(*), coalesce(max(id), 0) from impression"
# PostgreSQL would read the whole table for that count at every write (hundreds of milliseconds).
# It reads the count migration 0016's triggers keep instead, and the new rows and the highest id
# through the unique index on impression(id): a short range scan and one index probe.
_PG_TALLY = (
    "select (select count(*) from impression where id > ?), s.total,"
    " coalesce((select max(id) from impression), 0) from impression_daily_state s where s.id = 1"
)


def impression_tally(cur: Cursor, last_id: int) -> tuple[int, int | None, int]:
    """How many impressions have ids above ``last_id``, how many there are, and the highest id.

    The total is None only on PostgreSQL, when the kept count was lost (the state row was copied
    in from a DuckDB file, which keeps none): ``catch_up`` then rebuilds and ``recount`` sets it.
    """
    tally = _DUCK_TALLY if name(cur) == "duckdb" else _PG_TALLY
    [(new, total, max_id)] = cur.execute(tally, [last_id]).fetchall()
    return int(new), None if total is None else int(total), int(max_id)


def recount(cur: Cursor) -> None:
    """After a roll-up rebuild, which counted every impression: PostgreSQL's kept count is set to that
    count, so a wrong or lost one (a copy, triggers switched off) costs one rebuild, not one per write.
    DuckDB keeps no count (its ``total`` stays null)."""
    if name(cur) == "postgres":
        cur.execute("update impression_daily_state set total = covered where id = 1")


def keep_count(cur: Cursor, impressions: int) -> None:
    """After a copy replaced every impression and the roll-up's state row: PostgreSQL's kept count
    is set to the impressions copied (a state row from DuckDB brings none, and one from PostgreSQL
    overwrote what the triggers counted), so the copy's commit does not rebuild the roll-up.
    DuckDB keeps no count: its ``total`` stays null whichever database the row came from."""
    kept = impressions if name(cur) == "postgres" else None
    cur.execute("update impression_daily_state set total = ? where id = 1", [kept])


def take_turns(cur: Cursor, key: str, wait_seconds: int = 5) -> None:
    """Inside a transaction: waits until no other transaction holding ``key`` is open, on every
    server, for at most ``wait_seconds`` (then raises one of ``Error``). PostgreSQL takes an
    advisory lock on the key's hash, released at commit or rollback; DuckDB has one writing
    process, whose own lock is enough (nothing to do here)."""
    if name(cur) == "postgres":
        cur.execute("select set_config('lock_timeout', ?, true)", [f"{int(wait_seconds)}s"])
        cur.execute("select pg_advisory_xact_lock(hashtextextended(?, 0))", [key])
