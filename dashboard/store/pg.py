"""The PostgreSQL backend of ``Store``: a connection pool, a cursor that speaks the store's SQL,
and write transactions that take turns across every server on the database.

The store's SQL is written once with ``?`` placeholders (DuckDB's); ``PgCursor`` turns them into
psycopg's ``%s`` and answers ``.df()`` with DuckDB's frame types (pg_frames). Writers on every
server take one advisory lock first, so commits happen one at a time as they do on a DuckDB
file (the roll-up's "ids rise in commit order", id blocks, check-then-insert all rely on it);
reads never take it. The data version travels by LISTEN/NOTIFY (listen.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import psycopg
import pyarrow as pa
from psycopg.adapt import Loader
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool

from dashboard.store import listen, pg_frames, rollup
from dashboard.store.schema import apply_migrations, created

_URL = re.compile(r"^postgres(ql)?://", re.IGNORECASE)
"""A PostgreSQL URL's scheme, in any case (libpq takes ``PostgreSQL://`` too)."""
POOL_MAX = 10
"""Connections per Store; a page run holds one at a time, so this bounds concurrent queries."""

WRITE_LOCK = 0x64617368_77726974  # 'dashwrit': one fixed key for every writer on the database

_TOKENS = re.compile(
    r"(?<!\w)[eE]'(?:[^'\\]|\\.|'')*'"  # E'...\'...': a backslash escapes the quote
    r"|'(?:[^']|'')*'|\"[^\"]*\"|--[^\n]*|/\*.*?\*/"
    r"|\$(\w*)\$.*?\$\1\$"  # $$...$$ and $tag$...$tag$ bodies
    r"|\?\?|\?|%",
    re.DOTALL,
)


def is_url(target: str | Path) -> bool:
    """Whether ``target`` names a PostgreSQL database rather than a DuckDB file: the one test
    every caller uses, so no name is a URL to one part and a file path to another."""
    return isinstance(target, str) and bool(_URL.match(target))


@functools.lru_cache(maxsize=4096)
def placeholders(query: str) -> str:
    """``query`` with DuckDB's ``?`` as psycopg's ``%s`` and a literal ``%`` doubled; text in
    quotes and comments keeps its ``?``."""

    def swap(match: re.Match[str]) -> str:
        found = match.group()
        if found == "??":
            raise ValueError(f"?? in store SQL is neither one placeholder nor two: {query[:80]}")
        return "%s" if found == "?" else found.replace("%", "%%")

    return _TOKENS.sub(swap, query)


class _WholeOrDecimal(Loader):
    """numeric as DuckDB gives it: a whole number (``sum`` of bigints) as int, else Decimal."""

    def load(self, data: Any) -> int | Decimal:
        text = bytes(data).decode()
        return int(text) if text.lstrip("-").isdigit() else Decimal(text)


class PgCursor:
    """A psycopg cursor with the store's ``Cursor`` interface (``?`` placeholders, ``.df()``)."""

    def __init__(self, raw: psycopg.Cursor[Any]) -> None:
        self.raw = raw

    def execute(self, query: str, parameters: object = None, /) -> PgCursor:
        """Runs one statement (several, separated by ``;``, when no values are bound)."""
        if parameters is None:
            self.raw.execute(query.encode())  # bytes: psycopg leaves a literal % alone
        else:
            self.raw.execute(placeholders(query), _values(parameters))
        return self

    def executemany(self, query: str, parameters: object = (), /) -> PgCursor:
        """Runs one statement once per row of values."""
        assert isinstance(parameters, Sequence)
        self.raw.executemany(placeholders(query), [_values(p) for p in parameters])
        return self

    def fetchone(self) -> tuple[Any, ...] | None:
        return self.raw.fetchone() if self.raw.description else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self.raw.fetchall() if self.raw.description else []

    def df(self) -> pd.DataFrame:
        """The answer as a frame with DuckDB's dtypes."""
        return pg_frames.frame(self.raw.description, self.fetchall())

    def arrow(self, query: str, parameters: Sequence[object] = ()) -> pa.Table:
        """The answer to ``query`` as an Arrow table."""
        self.execute(query, list(parameters))
        return pg_frames.table(self.raw.description, self.fetchall())

    @contextmanager
    def staged(self, frames: dict[str, object]) -> Iterator[None]:
        """The frames as temporary tables of those names for the block, dropped afterwards."""
        try:
            for name, data in frames.items():
                pg_frames.stage(self.raw, name, data)
            yield
        finally:
            for name in frames:
                # In a failed transaction even the drop fails; the rollback removes the table.
                with suppress(psycopg.Error):
                    pg_frames.unstage(self.raw, name)


def _values(parameters: object) -> Sequence[object]:
    assert isinstance(parameters, Sequence) and not isinstance(parameters, str), type(parameters)
    return parameters


@functools.cache
def local_zone() -> str:
    """The time zone DuckDB gives ``current_timestamp::timestamp`` in this process (its default
    is the system's zone), so both databases write the same local times."""
    row = duckdb.connect().execute("select current_setting('TimeZone')").fetchone()
    assert row is not None
    return str(row[0])


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.adapters.register_loader("numeric", _WholeOrDecimal)


def connect_options(url: str) -> str:
    """Server settings every connection to ``url`` starts with: the URL's own ``options=`` (a
    keyword argument would replace them), then local time as DuckDB keeps it, and no JIT
    compilation (the pages' queries take milliseconds; EXPLAIN ANALYZE showed a whole-table
    comment search at 10 million impressions spending 1.2 s compiling under ``jit=on``)."""
    own = str(conninfo_to_dict(url).get("options") or "")
    return " ".join(filter(None, [own, f"-c TimeZone={local_zone()} -c jit=off"]))


class PgBackend:
    """A PostgreSQL database, migrated to the newest schema on open."""

    def __init__(self, url: str) -> None:
        self.url = url
        # Migrate over a connection of its own first: a wrong address or a missing database
        # fails here at once with the server's own words (a pool would retry for 30 s).
        with psycopg.connect(url, autocommit=True, options=connect_options(url), connect_timeout=10) as conn:
            # Another server may be migrating: apply_migrations takes turns on an advisory lock.
            self.created = created(apply_migrations(PgCursor(conn.cursor())))
        self._watch = listen.join(url, connect_options(url))
        try:
            self._pool = ConnectionPool(
                url,
                min_size=1,
                max_size=POOL_MAX,
                kwargs={"autocommit": True, "options": connect_options(url)},
                configure=_configure,
                # A round trip per checkout (about 0.04 ms here) so a server restart costs no
                # user an error: a dead connection is replaced before it is handed out.
                check=ConnectionPool.check_connection,
                open=True,
                name="dashboard",
            )
        except BaseException:
            listen.leave(self._watch)
            raise
        self._closed = False

    @contextmanager
    def cursor(self) -> Iterator[PgCursor]:
        """A pooled connection's cursor in autocommit, for this thread alone."""
        with self._pool.connection() as conn, conn.cursor() as raw:
            yield PgCursor(raw)

    @contextmanager
    def transaction(self) -> Iterator[PgCursor]:
        """One write transaction (READ COMMITTED) behind the database-wide advisory lock.

        READ COMMITTED, not REPEATABLE READ: each statement then sees what the writer before
        committed while this one waited for the lock. The NOTIFY is delivered at commit, so no
        server hears of a version before its data is visible. Writers of this process first
        queue behind a lock of the process, holding no connection while they wait: queued
        writers would otherwise take every pooled connection and leave the readers none.
        """
        with self._watch.write_lock, self._pool.connection() as conn, conn.cursor() as raw:
            cur = PgCursor(raw)
            with conn.transaction():
                cur.execute("select pg_advisory_xact_lock(?)", [WRITE_LOCK])
                yield cur
                rollup.catch_up(cur)  # derived tables commit with the write that changed them
                row = cur.execute("update data_version set version = version + 1 where id = 1 returning version")
                version = int(row.fetchall()[0][0])
                cur.execute("select pg_notify(?, ?)", [listen.CHANNEL, str(version)])
            self._watch.saw(version)

    def data_version(self) -> int:
        """The newest version this process has heard of (kept by listen.py; never goes back)."""
        return self._watch.version

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        listen.leave(self._watch)
        self._pool.close()
