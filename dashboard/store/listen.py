"""The data version of a PostgreSQL database, kept in this process's memory.

Pages ask ``Store.data_version()`` a dozen times a run to key their caches, so it must be a
memory read, yet a write on another server must show within 2 seconds. One thread per process
and database LISTENs on ``dashboard_data`` (every write transaction NOTIFYs at commit; a notice
only means "read the row now", as any database user may send one) and also reads the
``data_version`` row every second, in case a notice was missed while its connection was down.
The version only ever moves forward.

The same connection LISTENs on ``dashboard_room``: the workshop's notices between servers (a
facilitator's step, phones' votes). Each carries the sending process's ``ORIGIN`` so a server
ignores its own, and goes to the handlers ``hear`` registered (``dashboard.notify``). A server
sends them with ``broadcast`` (a queue and a sender thread with a connection of its own, so the
event loop never waits on the database) or, inside a write transaction, with ``notices`` (then
they are delivered at commit, with the data). Room notices are not polled for: one lost while
the listening connection was down leaves a phone waiting until its long poll times out.
"""

from __future__ import annotations

import logging
import queue
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import Any

import psycopg

log = logging.getLogger(__name__)

CHANNEL = "dashboard_data"
POLL_SECONDS = 1.0
"""How often the version row is read whatever the notices say."""
ROOM_CHANNEL = "dashboard_room"
ORIGIN = secrets.token_hex(6)
"""This process, in the room notices it sends."""
PER_NOTICE = 300
"""Ids a notice names at most: 300 of up to 19 digits stay below the 8,000 bytes PostgreSQL
allows a payload."""
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
        self._outbox: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._sender: threading.Thread | None = None

    def saw(self, version: int) -> None:
        """Takes ``version`` if it is newer than the one known."""
        with self._lock:
            self.version = max(self.version, version)

    def start(self) -> None:
        """Reads the version once (so the first Store starts current), then keeps it current."""
        with self._connect() as conn:
            self.saw(_read(conn))
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        # Wakes the thread out of its notice wait; any notice is only a wake-up.
        with suppress(psycopg.Error), self._connect() as conn:
            conn.execute(f"notify {CHANNEL}")
        for thread in (self._thread, self._sender):
            if thread is not None and thread.is_alive():
                thread.join()

    def _connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.url, autocommit=True, options=self.options, connect_timeout=5)

    def send(self, payload: str) -> None:
        """Queues a room notice for the sender thread (started by the first)."""
        self._outbox.put(payload)
        with self._lock:
            if self._sender is None:
                self._sender = threading.Thread(target=self._send, name="dashboard-room-send", daemon=True)
                self._sender.start()

    def _send(self) -> None:
        """Sends what is queued, everything waiting in one statement; on a broken connection,
        connects again and sends that batch once more."""
        conn: psycopg.Connection[Any] | None = None
        while not self._stop.is_set():
            try:
                batch = [self._outbox.get(timeout=_WAKE_SECONDS)]
            except queue.Empty:
                continue
            while not self._outbox.empty():
                batch.append(self._outbox.get())
            for _ in range(2):
                try:
                    conn = conn or self._connect()
                    conn.execute("select pg_notify(%s, p) from unnest(%s::text[]) p", [ROOM_CHANNEL, batch])
                    break
                except psycopg.Error:
                    log.warning("a workshop notice to the other servers failed; trying again", exc_info=True)
                    conn = None
        if conn is not None:
            conn.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with self._connect() as conn:
                    conn.execute(f"listen {CHANNEL}; listen {ROOM_CHANNEL}")
                    self._follow(conn)
            except psycopg.Error:
                self._stop.wait(POLL_SECONDS)  # the database is away: try again shortly
            except Exception:  # the thread that keeps the version must never die
                log.exception("the data version watch failed; connecting again")
                self._stop.wait(POLL_SECONDS)

    def _follow(self, conn: psycopg.Connection[Any]) -> None:
        polled = 0.0
        while not self._stop.is_set():
            if time.monotonic() - polled >= POLL_SECONDS:
                self.saw(_read(conn))  # also right after (re)connecting: catches what was missed
                polled = time.monotonic()
            for note in conn.notifies(timeout=_WAKE_SECONDS):
                if note.channel == ROOM_CHANNEL:
                    _dispatch(note.payload)
                else:
                    # Any database user may NOTIFY: a data notice only says "read the row now".
                    polled = 0.0


def _read(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("select version from data_version where id = 1").fetchone()
    return int(row[0]) if row else 0


_WATCHES: dict[str, Watch] = {}
_MUTEX = threading.Lock()
_HANDLERS: list[Callable[[str], None]] = []


def hear(handler: Callable[[str], None]) -> None:
    """Hands every room notice from another process to ``handler`` (called in a listening
    thread, with the notice's text after the origin)."""
    _HANDLERS.append(handler)


def _dispatch(payload: str) -> None:
    origin, _, body = payload.partition(":")
    if origin == ORIGIN:
        return
    for handler in list(_HANDLERS):
        try:
            handler(body)
        except ValueError:  # a malformed notice (another version of the app?)
            log.warning("ignored a workshop notice it could not read: %.80r", body)
        except Exception:  # whatever a handler does, the data version must keep following
            log.exception("a workshop notice's handler failed")


def broadcast(body: str) -> None:
    """Sends a room notice to the other servers on every PostgreSQL database open in this
    process (none on a DuckDB workspace). Never waits for the database."""
    with _MUTEX:
        watches = list(_WATCHES.values())
    for watch in watches:
        watch.send(f"{ORIGIN}:{body}")


def notices(kind: str, items: Sequence[int]) -> list[str]:
    """Room notices ``ORIGIN:kind:1,2,3`` naming ``items``, ``PER_NOTICE`` at most each: to send
    inside a transaction (``select pg_notify(...)``), so they are delivered at its commit."""
    found = sorted(set(items))
    return [
        f"{ORIGIN}:{kind}:" + ",".join(map(str, found[start : start + PER_NOTICE]))
        for start in range(0, len(found), PER_NOTICE)
    ]


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
