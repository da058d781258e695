"""The rules of a workshop room of phones, in plain Python: rate limits, the participant's CSRF
value, and the state a phone shows (built once per session version, then personalised).

The HTTP routes in ``dashboard.web.workshop`` apply these; nothing here knows HTTP.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from anyio import to_thread

from dashboard import workshop as ws
from dashboard.notify import NOTIFIER, Notifier
from dashboard.scales import Scale
from dashboard.store import Store
from dashboard.store import workshop as sql

T = TypeVar("T")

IDEAS_SHOWN = 50
"""Ideas a phone lists (the most backed not hidden, plus the participant's own): a flood of ideas from one
person cannot make every phone slow to draw."""


def now() -> float:
    """The limits' clock (a test can stop it)."""
    return time.monotonic()


class RateLimiter:
    """Token buckets per key: ``burst`` actions at once, refilled at ``per_minute`` a minute."""

    def __init__(self, burst: int, per_minute: float, clock: Callable[[], float] | None = None) -> None:
        self.burst = burst
        self.rate = per_minute / 60.0
        self.clock = clock or (lambda: now())  # noqa: PLW0108 - looked up at each call, so a test can stop it
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _level(self, key: str, now: float) -> float:
        level, since = self._buckets.get(key, (float(self.burst), now))
        return min(float(self.burst), level + (now - since) * self.rate)

    def blocked(self, key: str) -> bool:
        """Whether ``key`` has used up its allowance (without using any)."""
        with self._lock:
            return self._level(key, self.clock()) < 1.0

    def take(self, key: str) -> bool:
        """Uses one action of ``key``'s allowance; False (and nothing used) when none is left."""
        with self._lock:
            now = self.clock()
            level = self._level(key, now)
            if level < 1.0:
                self._buckets[key] = (level, now)
                return False
            self._buckets[key] = (level - 1.0, now)
            if len(self._buckets) > 50_000:  # forget keys whose allowance is whole again
                self._buckets = {k: v for k, v in self._buckets.items() if self._level(k, now) < self.burst}
            return True


@dataclass
class Limits:
    """The room's limits. Failed codes count per address; a whole room joining from one venue
    address is never slowed, because only wrong codes use that allowance."""

    wrong_codes: RateLimiter
    votes: RateLimiter
    ideas: RateLimiter

    @classmethod
    def standard(cls, clock: Callable[[], float] | None = None) -> Limits:
        return cls(
            wrong_codes=RateLimiter(burst=10, per_minute=10, clock=clock),
            votes=RateLimiter(burst=30, per_minute=60, clock=clock),
            ideas=RateLimiter(burst=5, per_minute=6, clock=clock),
        )


def csrf_value(token: str) -> str:
    """The value a page sends back in ``X-CSRF-Token`` with each cookie-authenticated write.

    Derived from the participant's token, so only a page that could read the participant's own
    state (same origin) knows it; a foreign site posting with the cookie does not."""
    return hashlib.sha256(b"csrf:" + token.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Shared:
    """What every phone of a session sees at one version: built once, then personalised."""

    version: int
    session: sql.Session
    touchpoints: list[dict[Any, Any]]
    all_touchpoints: list[dict[Any, Any]]
    wall: list[dict[Any, Any]]
    """The ``IDEAS_SHOWN`` most backed ideas not hidden, most backed first."""
    own: dict[int, list[dict[Any, Any]]]
    """Each author's ideas (hidden ones too), by participant id."""
    points: tuple[str, ...]


class Room:
    """The participant side of every session in this process: limits, caches and the notifier."""

    def __init__(self, store: Callable[[], Store], notifier: Notifier = NOTIFIER, limits: Limits | None = None) -> None:
        self.store = store
        self.notifier = notifier
        self.limits = limits or Limits.standard()
        self._shared: dict[int, Shared] = {}
        self._codes: dict[str, int] = {}
        self._participants: dict[str, ws.Participant] = {}
        self._lock = threading.Lock()
        # Each participant's scores and backings, loaded for a whole session at once and
        # forgotten for one participant when they write; ``_written`` keeps a load that started
        # before a write from putting back what that write changed.
        self._marks: dict[int, Marks] = {}
        self._written: dict[int, int] = {}
        self._writes = 0
        self._marks_lock = threading.Lock()
        self._loading = threading.Lock()
        self._flights: dict[tuple[Any, ...], Future[Any]] = {}
        self._flights_lock = threading.Lock()
        notifier.follow(self)

    def peek_session(self, code: str) -> sql.Session | None:
        """The session a code opens when it is known and current in memory (no database call)."""
        session_id = self._codes.get(code)
        found = self._shared.get(session_id) if session_id is not None else None
        if (
            found is not None
            and found.version == self.notifier.version(found.session.id)
            and found.session.code == code
        ):
            return found.session
        return None

    def peek_participant(self, token: str) -> ws.Participant | None:
        """The participant a token stands for, when remembered (no database call)."""
        return self._participants.get(ws.token_hash(token))

    def session(self, code: str) -> sql.Session | None:
        """The session a code opens (live first), current as of its version; None when unknown."""
        session_id = self._codes.get(code)
        if session_id is not None:
            shared = self.shared(session_id)
            if shared.session.code == code:
                return shared.session
        found = sql.session_by_code(self.store(), code)
        if found is not None:
            self._codes[code] = found.id
            return self.shared(found.id).session
        return None

    def shared(self, session_id: int) -> Shared:
        """The session's shared state at its current version (one build per version, under a lock)."""
        version = self.notifier.version(session_id)
        found = self._shared.get(session_id)
        if found is not None and found.version == version:
            return found
        with self._lock:
            found = self._shared.get(session_id)
            if found is None or found.version != version:
                found = self._shared[session_id] = self._build(session_id, version)
            return found

    def _build(self, session_id: int, version: int) -> Shared:
        store = self.store()
        session = sql.session(store, session_id)
        if session is None:
            raise ws.WorkshopError("no such workshop session")
        items = sql.session_touchpoints(store, session_id)
        open_items = sql.open_touchpoints(store, session_id)
        wall, own = _walls(sql.session_ideas(store, session_id))
        return Shared(
            version,
            session,
            open_items.to_dict("records"),
            items.rename(columns={"touchpoint_id": "id"})[["id", "name"]].to_dict("records"),
            wall,
            own,
            Scale.parse(session.scale).points,
        )

    def participant(self, token: str) -> ws.Participant | None:
        """The participant a token stands for (remembered: a participant never moves session)."""
        key = ws.token_hash(token)
        found = self._participants.get(key)
        if found is None:
            found = sql.participant(self.store(), key)
            if found is not None and len(self._participants) < 100_000:
                self._participants[key] = found
        return found

    def remember(self, token: str, participant: ws.Participant) -> None:
        """Keeps a participant who just joined, so their first requests need no look-up."""
        if len(self._participants) < 100_000:
            self._participants[ws.token_hash(token)] = participant

    def state(self, session_id: int, participant: ws.Participant, token: str) -> dict[str, Any]:
        """Everything one phone shows: open touchpoints with this participant's scores, the ideas."""
        return _personal(self.shared(session_id), self.marks(session_id, participant.id), participant, token)

    async def state_async(self, session_id: int, participant: ws.Participant, token: str) -> dict[str, Any]:
        """``state`` for the event loop: when the room's cache is current (most requests) no
        thread at all, else one database read for every phone asking meanwhile."""
        version = self.notifier.version(session_id)
        shared = self._shared.get(session_id)
        if shared is None or shared.version != version:
            shared = await self._once(("shared", session_id, version), self.shared, session_id)
        marks = await self._marks_async(session_id, participant.id)
        return _personal(shared, marks, participant, token)

    async def session_async(self, code: str) -> sql.Session | None:
        """``session`` for the event loop (see ``state_async``)."""
        return self.peek_session(code) or await self._once(("session", code), self.session, code)

    async def _once(self, key: tuple[Any, ...], work: Callable[..., T], *args: Any) -> T:
        """Runs ``work`` in a worker thread once for everybody asking for ``key`` meanwhile: the
        others await its answer without holding a thread. (When a step woke 300 phones and each
        took a thread to wait on the same lock, the server's 28 worker threads were gone and
        taps waited seconds for one.)"""
        with self._flights_lock:
            flight = self._flights.get(key)
            owner = flight is None
            if flight is None:
                flight = self._flights[key] = Future()
        if owner:

            def run() -> None:  # settles the flight itself, so a cancelled owner leaves no waiter stuck
                try:
                    flight.set_result(work(*args))
                except BaseException as error:
                    flight.set_exception(error)
                finally:
                    with self._flights_lock:
                        self._flights.pop(key, None)

            await to_thread.run_sync(run)
        return await asyncio.wrap_future(flight)

    def marks(self, session_id: int, participant_id: int) -> Marks:
        """A participant's scores per touchpoint and the ideas they back."""
        found = self._marks.get(participant_id)
        if found is not None:
            return found
        with self._loading:  # one load for the room; the phones queued behind it find theirs
            found = self._marks.get(participant_id)
            if found is not None:
                return found
            loaded = self._load_marks(session_id)
        return loaded.get(participant_id, ({}, set()))

    async def _marks_async(self, session_id: int, participant_id: int) -> Marks:
        """``marks`` for the event loop: one load for the room (see ``_once``); a participant
        who wrote while it ran waits for the next one, and after three a query of their own."""
        for _ in range(3):
            found = self._marks.get(participant_id)
            if found is not None:
                return found
            await self._once(("marks", session_id), self._load_marks, session_id)
        return await to_thread.run_sync(sql.participant_marks, self.store(), participant_id)

    def _load_marks(self, session_id: int) -> dict[int, Marks]:
        """Loads every participant's marks in the session and keeps those no write has changed since."""
        with self._marks_lock:
            started = self._writes
        loaded = _marks_of(sql.session_marks(self.store(), session_id))
        with self._marks_lock:
            # A write that finished before the load began is in it; one after may not be.
            self._marks.update({p: m for p, m in loaded.items() if self._written.get(p, -1) <= started})
        return loaded

    def wrote(self, participant_id: int) -> None:
        """Called after a participant's vote or backing was written (or refused): forget their marks."""
        self.forget([participant_id])

    def forget(self, participant_ids: Sequence[int]) -> None:
        """Forgets participants' marks (their votes or backings were written, here or on another server)."""
        with self._marks_lock:
            self._writes += 1
            self._written.update(dict.fromkeys(participant_ids, self._writes))
            for participant_id in participant_ids:
                self._marks.pop(participant_id, None)


Marks = tuple[dict[int, str], set[int]]


def _marks_of(frame: pd.DataFrame) -> dict[int, Marks]:
    """Per participant: scores by touchpoint and backed idea ids (participants without any get empty ones).

    Grouped by position (``groupby(...).indices``) over plain arrays: per-group frames with
    Arrow-backed text cost 40 ms for a room of 300 each time the room's marks were loaded."""
    people = frame.loc[frame["kind"] == "p", "participant_id"].astype("int64").tolist()
    marks: dict[int, Marks] = {p: ({}, set()) for p in people}
    votes = frame[frame["kind"] == "v"]
    items, answers = votes["item"].to_numpy("int64"), votes["answer"].to_numpy(object)
    for pid, rows in _rows_by(votes, "participant_id").items():  # per participant, not per row
        marks[pid][0].update(zip(items[rows].tolist(), answers[rows].tolist(), strict=True))
    backings = frame[frame["kind"] == "b"]
    backed = backings["item"].to_numpy("int64")
    for pid, rows in _rows_by(backings, "participant_id").items():
        marks[pid][1].update(backed[rows].tolist())
    return marks


IDEA_FIELDS = ["id", "touchpoint_id", "touchpoint", "text", "votes", "hidden"]


def _walls(ideas: pd.DataFrame) -> tuple[list[dict[Any, Any]], dict[int, list[dict[Any, Any]]]]:
    """The session's ideas as every phone shares them (once per version): the most backed ones
    not hidden, and each author's own. One record per idea, shared by the wall and its author's
    list (converting per author cost more than all the rest of a build)."""
    records = ideas[IDEA_FIELDS].to_dict("records")
    shown = np.flatnonzero(~ideas["hidden"].astype(bool).to_numpy())[:IDEAS_SHOWN]
    wall = [records[i] for i in shown.tolist()]
    own = {author: [records[i] for i in rows] for author, rows in _rows_by(ideas, "author_id").items()}
    return wall, own


def _rows_by(frame: pd.DataFrame, column: str) -> dict[int, list[int]]:
    """Row positions per value of a whole-number column (rows without a value left out)."""
    found: dict[Any, Any] = frame.groupby(column).indices
    return {int(key): rows.tolist() for key, rows in found.items()}


def _personal(shared: Shared, marks: Marks, participant: ws.Participant, token: str) -> dict[str, Any]:
    """The shared state with one participant's scores, ideas and CSRF value."""
    scores, backed = marks
    return {
        "version": shared.version,
        "code": shared.session.code,
        "title": shared.session.title,
        "live": shared.session.is_live,
        "scale": list(shared.points),
        "touchpoints": [{**item, "your_score": scores.get(int(item["id"]))} for item in shared.touchpoints],
        "scores": {str(k): v for k, v in scores.items()},
        "session_touchpoints": shared.all_touchpoints,
        "ideas": _ideas_for(shared, participant.id, backed),
        "you": {"name": participant.name},
        "csrf": csrf_value(token),
    }


def _ideas_for(shared: Shared, participant_id: int, backed: set[int]) -> list[dict[str, Any]]:
    """The ideas one participant sees: the wall and all of their own (hidden ones marked), most
    backed first, with whether they wrote or backed each.

    Plain Python over at most ``IDEAS_SHOWN`` plus 20 small dicts: the same with pandas cost 5 ms a
    request, which a room of 300 phones pays at every step."""
    mine = shared.own.get(participant_id, [])
    mine_ids = {idea["id"] for idea in mine}
    chosen = [*shared.wall, *(idea for idea in mine if idea not in shared.wall)]
    chosen.sort(key=lambda idea: (-idea["votes"], idea["id"]))
    return [{**idea, "mine": idea["id"] in mine_ids, "backed": idea["id"] in backed} for idea in chosen]
