"""The named differences between the two databases the store runs on, DuckDB and PostgreSQL.

The store's SQL is written once, in forms both databases accept. What cannot be is here, one
function per difference, so a reader finds every difference in one place:

- ``Cursor``: what the store asks of a cursor (DuckDB's connection object has it all; the
  PostgreSQL backend wraps psycopg's cursor to match);
- ``Error``: the errors either driver raises;
- ``staged``: data frames made visible to SQL under a name for a block;
- ``arrow``: a query's answer as an Arrow table;
- ``name``: which of the two a cursor talks to.

PostgreSQL puts NULLs first on ``desc``, DuckDB last: every ``desc`` key in the store is NOT NULL.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, Protocol

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


def name(cur: Cursor) -> str:
    """Which database ``cur`` talks to: ``duckdb`` or ``postgres``."""
    return "duckdb" if isinstance(cur, duckdb.DuckDBPyConnection) else "postgres"


def _pg(cur: Cursor) -> PgCursor:
    from dashboard.store.pg import PgCursor  # noqa: PLC0415 pg.py imports this module

    assert isinstance(cur, PgCursor), type(cur)
    return cur


def _duck(cur: Cursor) -> duckdb.DuckDBPyConnection:
    assert isinstance(cur, duckdb.DuckDBPyConnection), type(cur)
    return cur
