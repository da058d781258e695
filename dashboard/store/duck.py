"""The DuckDB backend of ``Store``: one workspace file (or ``:memory:``) opened in this process."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dashboard.store import rollup
from dashboard.store.dialect import Cursor, Error
from dashboard.store.schema import apply_migrations, created


@dataclass
class FileState:
    """What every open ``Store`` on one file in this process shares: DuckDB gives them one
    database, so they take turns writing behind one lock and see one data version."""

    write_lock: threading.Lock
    version: int
    stores: int = 0


_FILES: dict[str, FileState] = {}
_FILES_MUTEX = threading.Lock()


class DuckBackend:
    """A DuckDB file, migrated to the newest schema on open."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._root = duckdb.connect(str(self.path))
        migrating = self._root.cursor()
        try:
            self.created = created(apply_migrations(migrating))
            version = read_version(migrating)
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
                shared = _FILES[self._key] = FileState(threading.Lock(), version)
            shared.stores += 1
        self.shared = shared
        self._closed = False

    @contextmanager
    def cursor(self) -> Iterator[Cursor]:
        """A cursor for this thread alone, closed afterwards."""
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
        """One write transaction behind the file's write lock (see ``Store.transaction``)."""
        with self.shared.write_lock, self._duck_cursor() as cur:
            cur.begin()
            try:
                yield cur
                rollup.catch_up(cur)  # derived tables commit with the write that changed them
                cur.execute("update data_version set version = version + 1 where id = 1")
                version = read_version(cur)
                cur.commit()
                self.shared.version = version
            except BaseException:
                with suppress(*Error):
                    cur.rollback()
                with suppress(*Error), self.cursor() as fresh:  # whatever the file now says
                    self.shared.version = read_version(fresh)
                raise

    def data_version(self) -> int:
        """The in-memory version: DuckDB lets no other process write the file while this one
        has it open, and only a writer holding the write lock updates it."""
        return self.shared.version

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with _FILES_MUTEX:
            self.shared.stores -= 1
            if self.shared.stores == 0 and _FILES.get(self._key) is self.shared:
                del _FILES[self._key]  # the next open reads the version from the file again
        self._root.close()


def read_version(cur: Cursor) -> int:
    """The data version the database holds now."""
    row = cur.execute("select version from data_version where id = 1").fetchone()
    assert row is not None
    return int(row[0])
