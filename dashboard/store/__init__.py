"""The store: the one place that talks to the database, a DuckDB file or a PostgreSQL server.

``Store`` owns the database and hands out short-lived cursors: one connection object must
never be shared between threads (Streamlit runs every browser session in its own thread), and
a cursor per call costs a fraction of a millisecond. The modules beside this one hold the SQL,
one named function per question, every value bound as a parameter, written once for both
databases (dialect.py names what differs). duck.py and pg.py are the two backends.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dashboard.store.dialect import Cursor, Error
from dashboard.store.duck import DuckBackend, FileState
from dashboard.store.pg import PgBackend, is_url

__all__ = ["Cursor", "Error", "Store", "database_path", "database_target", "is_url"]

DEFAULT_DB_PATH = Path("data") / "dashboard.duckdb"
DB_ENV_VAR = "DASHBOARD_DB"


def database_target() -> str | Path:
    """The workspace: ``$DASHBOARD_DB`` (a ``postgresql://`` URL as it is, else a file path),
    else ``data/dashboard.duckdb``."""
    value = os.environ.get(DB_ENV_VAR) or ""
    return value if is_url(value) else Path(value or DEFAULT_DB_PATH)


def database_path() -> Path:
    """The workspace file: ``$DASHBOARD_DB`` when set, else ``data/dashboard.duckdb``.

    Refuses a PostgreSQL URL rather than open a DuckDB file named after it: callers that can
    work on either database ask ``database_target()``.
    """
    value = os.environ.get(DB_ENV_VAR) or ""
    if is_url(value):
        raise ValueError(f"{DB_ENV_VAR} names a PostgreSQL database, not a file; this needs a DuckDB file")
    return Path(value or DEFAULT_DB_PATH)


class Store:
    """An open workspace database, migrated to the newest schema on open.

    ``target`` is a ``postgresql://`` (or ``postgres://``) URL or a DuckDB file path.
    """

    def __init__(self, target: str | Path) -> None:
        self.target = str(target)
        self._backend: DuckBackend | PgBackend = (
            PgBackend(self.target) if is_url(self.target) else DuckBackend(Path(target))
        )

    @property
    def path(self) -> Path:
        """The DuckDB file (a PostgreSQL store has none: use ``target``)."""
        if isinstance(self._backend, DuckBackend):
            return self._backend.path
        raise TypeError("a PostgreSQL store has no file; use Store.target")

    @property
    def _shared(self) -> FileState:
        """The DuckDB file's write lock and version (tests hold the lock to stand for a long write)."""
        assert isinstance(self._backend, DuckBackend)
        return self._backend.shared

    @property
    def created(self) -> bool:
        """Whether this open created the workspace (a new file, or an empty database migrated now)."""
        return self._backend.created

    @property
    def is_postgres(self) -> bool:
        return isinstance(self._backend, PgBackend)

    @contextmanager
    def cursor(self) -> Iterator[Cursor]:
        """A cursor for this thread alone, closed afterwards. Use for reads."""
        with self._backend.cursor() as cur:
            yield cur

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """A cursor inside one transaction: everything commits together or nothing does.

        Every write goes through here, and each bumps the data version so cached reads at the
        Streamlit edge refresh, and brings the impression roll-up up to date. Writers take
        turns (a lock in this process on DuckDB, an advisory lock on PostgreSQL); reads never wait.
        """
        with self._backend.transaction() as cur:
            yield cur

    def data_version(self) -> int:
        """A number that changes whenever anything is written (on PostgreSQL, by any server).

        Kept in memory: the pages ask for it a dozen times a run, and a query each time cost
        more than the answer. It never goes backwards.
        """
        return self._backend.data_version()

    def close(self) -> None:
        self._backend.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
