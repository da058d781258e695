"""Change notices for workshop sessions: a version number per session, and a way to wait for it
to move. The facilitator's steps and the ideas wall bump it; the phones wait on it.

Versions and waiters live in the process: a waiting phone costs one asyncio future and no
polling, so an idle room costs the server nothing between changes. ``bump`` may be called from
any thread (the pages run in Streamlit's script threads); waiters are woken on their own event
loops.

Several servers on one PostgreSQL database hear each other through ``dashboard.store.listen``:
the process's ``NOTIFIER`` relays each bump as a notice (``bump:SESSION:WAKE``) to every
PostgreSQL database open in the process (none with a DuckDB workspace, so there it stays local),
and bumps locally for the other servers' notices. Versions then differ between servers; a phone
sent to another server refreshes once, as after a restart. The same channel tells each
``Room`` whose marks to forget when another server committed their votes
(``marks:ID,ID``; sent by the group commit inside its transaction).
"""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from typing import Protocol

from dashboard.store import listen

DEFERRED_WAKES_PER_SECOND = 500
"""Phones a deferred wake (ideas changing) wakes per second, ``WAKE_STEP`` at a time: 1,000
phones woken at once kept the server too busy to confirm taps for most of a second."""
MAX_HEARD_WAKE_SECONDS = 10.0
"""The longest wake delay taken from another server's notice (this app sends a second or less)."""
WAKE_STEP = 25


class Notifier(Protocol):
    """What the participant routes need from whatever carries change notices."""

    def version(self, session_id: int) -> int: ...

    def bump(self, session_id: int, wake_within: float = 0.0) -> int: ...

    async def wait_for_change(self, session_id: int, since: int, timeout: float) -> int: ...

    def follow(self, room: Forgetful) -> None: ...


class Forgetful(Protocol):
    """A cache of participants' marks that another server's votes make stale (``room.Room``)."""

    def forget(self, participant_ids: Sequence[int]) -> None: ...


class LocalNotifier:
    """Change notices inside one process, relayed to other servers when given a ``relay``."""

    def __init__(self, relay: Callable[[str], None] | None = None) -> None:
        self.relay = relay
        self._rooms: weakref.WeakSet[Forgetful] = weakref.WeakSet()
        # Versions start from the clock, so a phone that kept a version from before a restart
        # sees a different one now and refreshes instead of waiting for a number already passed.
        self._base = int(time.time() * 1000)
        self._versions: dict[int, int] = {}
        self._waiters: dict[int, list[tuple[asyncio.AbstractEventLoop, asyncio.Future[int]]]] = {}
        self._wakes: dict[int, threading.Timer] = {}
        self._announced: dict[int, int] = {}  # the version each session's waiters were last woken with
        self._lock = threading.Lock()

    def version(self, session_id: int) -> int:
        with self._lock:
            return self._versions.get(session_id, self._base)

    def bump(self, session_id: int, wake_within: float = 0.0) -> int:
        """``bump_here``, and the same on the other servers."""
        version = self.bump_here(session_id, wake_within)
        if self.relay is not None:
            self.relay(f"bump:{session_id}:{wake_within}")
        return version

    def follow(self, room: Forgetful) -> None:
        """Tells ``room`` of marks other servers changed (for as long as it exists)."""
        self._rooms.add(room)

    def heard(self, notice: str) -> None:
        """A notice from another server: a bump, or participants whose marks it changed.
        Raises ValueError for a notice it cannot read."""
        kind, _, rest = notice.partition(":")
        if kind == "bump":
            session, _, wake = rest.partition(":")
            delay = float(wake)
            # Any user of the database may send a notice: a delay that is no number of seconds
            # this app sends (nan, inf, a huge one) would stop that session's deferred wakes.
            if not 0 <= delay <= MAX_HEARD_WAKE_SECONDS:
                raise ValueError(f"a wake delay out of range: {wake!r}")
            self.bump_here(int(session), delay)
        elif kind == "marks":
            ids = [int(found) for found in rest.split(",")]
            for room in list(self._rooms):
                room.forget(ids)
        else:
            raise ValueError(f"unknown notice {kind!r}")

    def bump_here(self, session_id: int, wake_within: float = 0.0) -> int:
        """Marks a change in the session and wakes everyone waiting on it; returns the new version.

        With ``wake_within`` the version moves now (a phone asking afresh sees the change) but
        the waiters, and phones that wait holding the version they were last woken with, are
        woken once, from that many seconds later on (``DEFERRED_WAKES_PER_SECOND``), for
        however many changes came meanwhile: a burst of ideas and backings then costs one
        refresh per phone, not one each.
        """
        with self._lock:
            version = self._versions.get(session_id, self._base) + 1
            self._versions[session_id] = version
            if wake_within > 0:
                if session_id not in self._wakes:
                    timer = threading.Timer(wake_within, self._wake, [session_id, DEFERRED_WAKES_PER_SECOND])
                    self._wakes[session_id] = timer
                    timer.daemon = True
                    timer.start()
                return version
        self._wake(session_id)
        return version

    def _wake(self, session_id: int, per_second: float = 0.0) -> None:
        """Wakes the session's waiters: all at once, or ``per_second`` of them a second (each
        wake sends a phone its state again; 1,000 at once kept the server from confirming taps
        for most of a second)."""
        with self._lock:
            self._wakes.pop(session_id, None)
            version = self._versions.get(session_id, self._base)
            self._announced[session_id] = version
            waiters = self._waiters.pop(session_id, [])
        for index, (loop, future) in enumerate(waiters):
            if not loop.is_closed():
                later = index // WAKE_STEP * WAKE_STEP / per_second if per_second else 0.0
                loop.call_soon_threadsafe(loop.call_later, later, _settle, future, version)

    def waiting(self) -> int:
        """How many waiters are parked now (a figure for the metrics)."""
        with self._lock:
            return sum(len(found) for found in self._waiters.values())

    async def wait_for_change(self, session_id: int, since: int, timeout: float) -> int:
        """The session's version once it differs from ``since``, or the same one after ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[int] = loop.create_future()
        with self._lock:
            current = self._versions.get(session_id, self._base)
            # A phone holding the last version announced waits for the deferred wake, even
            # though the version has moved since: answering at once, while a room kept proposing
            # and backing ideas, had every phone asking again and again instead of once.
            deferred = session_id in self._wakes and since == self._announced.get(session_id, self._base)
            if current != since and not deferred:
                return current
            entry = (loop, future)
            self._waiters.setdefault(session_id, []).append(entry)
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            return self.version(session_id)
        finally:
            with self._lock:
                parked = self._waiters.get(session_id)
                if parked is not None and entry in parked:
                    parked.remove(entry)
                    if not parked:
                        del self._waiters[session_id]


def _settle(future: asyncio.Future[int], version: int) -> None:
    if not future.done():
        future.set_result(version)


NOTIFIER = LocalNotifier(relay=listen.broadcast)
"""The process's notifier: the pages bump it, the participant routes wait on it, and it hears
the other servers on a PostgreSQL workspace."""
listen.hear(NOTIFIER.heard)
