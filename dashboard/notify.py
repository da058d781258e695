"""Change notices for workshop sessions: a version number per session, and a way to wait for it
to move. The facilitator's steps and the ideas wall bump it; the phones wait on it.

One small interface (``version``, ``bump``, ``wait_for_change``) so that a server spread over
several processes can back it with PostgreSQL's LISTEN/NOTIFY later. This one lives in the
process: a waiting phone costs one asyncio future and no polling, so an idle room costs the
server nothing between changes. ``bump`` may be called from any thread (the pages run in
Streamlit's script threads); waiters are woken on their own event loops.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Protocol

DEFERRED_WAKES_PER_SECOND = 500
"""Phones a deferred wake (ideas changing) wakes per second, ``WAKE_STEP`` at a time: 1,000
phones woken at once kept the server too busy to confirm taps for most of a second."""
WAKE_STEP = 25


class Notifier(Protocol):
    """What the participant routes need from whatever carries change notices."""

    def version(self, session_id: int) -> int: ...

    def bump(self, session_id: int, wake_within: float = 0.0) -> int: ...

    async def wait_for_change(self, session_id: int, since: int, timeout: float) -> int: ...


class LocalNotifier:
    """Change notices inside one process."""

    def __init__(self) -> None:
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


NOTIFIER = LocalNotifier()
"""The process's notifier: the pages bump it, the participant routes wait on it."""
