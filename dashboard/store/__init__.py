"""The store: the one place that talks to the DuckDB file.

``Store`` owns the database and hands out short-lived cursors: one DuckDB connection object
must never be shared between threads (Streamlit runs every browser session in its own
thread), and a cursor per call costs a fraction of a millisecond. The modules beside this one
hold the SQL, one named function per question, every value bound as a parameter.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dashboard.store import rollup
from dashboard.store.dialect import Cursor, Error
from dashboard.store.schema import apply_migrations

__all__ = ["Cursor", "Error", "Store", "database_path"]

DEFAULT_DB_PATH = Path("data") / "dashboard.duckdb"
DB_ENV_VAR = "DASHBOARD_DB"


def database_path() -> Path:
    """The workspace file: ``$DASHBOARD_DB`` when set, else ``data/dashboard.duckdb``."""
    return Path(os.environ.get(DB_ENV_VAR) or DEFAULT_DB_PATH)


@dataclass
class _FileState:
    """What every open ``Store`` on one file in this process shares: DuckDB gives them one
    database, so they take turns writing behind one lock and see one data version."""

    write_lock: threading.Lock
    version: int
    stores: int = 0


_FILES: dict[str, _FileState] = {}
_FILES_MUTEX = threading.Lock()


class Store:
    """An open workspace database, migrated to the newest schema on open."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._root = duckdb.connect(str(self.path))
        migrating = self._root.cursor()
        try:
            apply_migrations(migrating)
            version = self._read_version(migrating)
        finally:
            migrating.close()
        # Writers take turns. DuckDB would otherwise abort one of two transactions that touch
        # the same row (the data version is touched by every write) with a conflict error;
        # writes are short, so queueing them costs little and loses nothing. Reads never wait.
        # The lock and the version are shared with any other Store open on the same file.
        self._key = ":memory:" + str(id(self)) if str(self.path) == ":memory:" else str(self.path.resolve())
        with _FILES_MUTEX:
            shared = _FILES.get(self._key)
            if shared is None:  # first open in this process: the file's own version counts
                shared = _FILES[self._key] = _FileState(threading.Lock(), version)
            shared.stores += 1
        self._shared = shared
        self._closed = False

    @contextmanager
    def cursor(self) -> Iterator[Cursor]:
        """A cursor for this thread alone, closed afterwards. Use for reads."""
        with self._duck_cursor() as cur:
            yield cur

    @contextmanager
    def _duck_cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._root.cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """A cursor inside one transaction: everything commits together or nothing does.

        Every write goes through here, and each bumps the data version so cached reads at the
        Streamlit edge refresh, and brings the impression roll-up up to date.
        """
        with self._shared.write_lock, self._duck_cursor() as cur:
            cur.begin()
            try:
                yield cur
                rollup.catch_up(cur)  # derived tables commit with the write that changed them
                cur.execute("update data_version set version = version + 1 where id = 1")
                version = self._read_version(cur)
                cur.commit()
                self._shared.version = version
            except BaseException:
                with suppress(*Error):
                    cur.rollback()
                with suppress(*Error), self.cursor() as fresh:  # whatever the file now says
                    self._shared.version = self._read_version(fresh)
                raise

    def data_version(self) -> int:
        """A number that changes whenever anything is written.

        Kept in memory, shared by every Store open on the file in this process: every write
        goes through ``transaction``, and DuckDB lets no other process write the file while
        this one has it open. Only a writer holding the write lock updates it, so a reader can
        never put back an older value. The pages ask for it a dozen times a run; a query
        each time cost more than the answer.
        """
        return self._shared.version

    @staticmethod
    def _read_version(cur: Cursor) -> int:
        row = cur.execute("select version from data_version where id = 1").fetchone()
        assert row is not None
        return int(row[0])

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with _FILES_MUTEX:
            self._shared.stores -= 1
            if self._shared.stores == 0 and _FILES.get(self._key) is self._shared:
                del _FILES[self._key]  # the next open reads the version from the file again
        self._root.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
