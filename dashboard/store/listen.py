"""The data version of a PostgreSQL database, kept in this process's memory.

Pages ask ``Store.data_version()`` a dozen times a run to key their caches, so it must be a
memory read, yet a write on another server must show within 2 seconds. One thread per process
and database LISTENs on ``dashboard_data`` (every write transaction NOTIFYs its new version at
commit) and also reads the ``data_version`` row every second, in case a notice was missed while
its connection was down. The version only ever moves forward.
"""

from __future__ import annotations

import threading
import time
from contextlib import suppress
from typing import Any

import psycopg

CHANNEL = "dashboard_data"
POLL_SECONDS = 1.0
"""How often the version row is read whatever the notices say."""
_WAKE_SECONDS = 0.2
"""How long one wait for notices lasts: bounds how long closing the last Store waits."""


class Watch:
    """One database's version in this process, shared by every Store open on it, and the
    process's turn to write to it (see ``PgBackend.transaction``)."""

    def __init__(self, url: str, options: str) -> None:
        self.url = url
        self.options = options
        self.version = 0
        self.stores = 0
        self.write_lock = threading.Lock()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        # No URL in the thread's name: it may hold a password.
        self._thread = threading.Thread(target=self._run, name="dashboard-listen", daemon=True)

    def saw(self, version: int) -> None:
        """Takes ``version`` if it is newer than the one known."""
        with self._lock:
            self.version = max(self.version, version)

    def start(self) -> None:
        """Reads the version once (so the first Store starts current), then keeps it current."""
        with psycopg.connect(self.url, autocommit=True, options=self.options) as conn:
            self.saw(_read(conn))
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            # A notice ends the thread's wait now rather than after _WAKE_SECONDS (a test closes a
            # store per test). Other listeners ignore it: its payload is no version.
            with suppress(psycopg.Error), psycopg.connect(self.url, autocommit=True, options=self.options) as conn:
                conn.execute(f"notify {CHANNEL}, 'stop'")
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True, options=self.options) as conn:
                    conn.execute(f"listen {CHANNEL}")
                    self._follow(conn)
            except psycopg.Error:
                self._stop.wait(POLL_SECONDS)  # the database is away: try again shortly

    def _follow(self, conn: psycopg.Connection[Any]) -> None:
        polled = 0.0
        while not self._stop.is_set():
            if time.monotonic() - polled >= POLL_SECONDS:
                self.saw(_read(conn))  # also right after (re)connecting: catches what was missed
                polled = time.monotonic()
            for note in conn.notifies(timeout=_WAKE_SECONDS):
                if self._stop.is_set():
                    break
                if note.payload.isdigit():
                    self.saw(int(note.payload))


def _read(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("select version from data_version where id = 1").fetchone()
    return int(row[0]) if row else 0


_WATCHES: dict[str, Watch] = {}
_MUTEX = threading.Lock()


def join(url: str, options: str) -> Watch:
    """The watch on ``url`` for one more Store, started by the first."""
    with _MUTEX:
        watch = _WATCHES.get(url)
        if watch is None:
            watch = Watch(url, options)
            watch.start()
            _WATCHES[url] = watch
        watch.stores += 1
        return watch


def leave(watch: Watch) -> None:
    """One Store fewer on the watch; the last one stops its thread."""
    with _MUTEX:
        watch.stores -= 1
        if watch.stores > 0:
            return
        if _WATCHES.get(watch.url) is watch:
            del _WATCHES[watch.url]
    watch.stop()
