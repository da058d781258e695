"""The room's writes by group commit: a queue per workspace and one writer thread that drains it.

Votes arrive in bursts (a room of people pressing a button at once), and each DuckDB commit
costs about 20 ms of CPU whether it carries one vote or three hundred. So a vote is queued, and
one writer thread (started when the first write finds none running, gone once the queue is
empty) writes every vote waiting in one transaction, then the next group. The room's other
small writes (joining, proposing and backing ideas) are ``Job``s that ride in the same
transaction: one at a time, each took the workspace's write lock for itself, and a burst of
backings after "next" kept the votes waiting behind them for most of a second.

Nobody holds a thread while waiting for the writer: an HTTP route awaits ``record_vote_async``
(an asyncio future the writer settles), and only code that is synchronous anyway (the pages,
tests) blocks in ``record_vote``. The server's worker threads are few (Streamlit gives anyio
28); when each waiting vote held one, a room of 300 voting at once left none for the phones'
state, and taps took seconds.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from dashboard.store import Cursor, Store, listen
from dashboard.store.dialect import Error
from dashboard.store.workshop import backings, votes
from dashboard.store.workshop.errors import SessionEndedError, TouchpointClosedError, WorkshopError

log = logging.getLogger(__name__)
T = TypeVar("T")

NOT_SAVED = "could not be saved"
_REFUSALS: dict[str, type[WorkshopError]] = {votes.ENDED: SessionEndedError, votes.CLOSED: TouchpointClosedError}


class VoteNotSavedError(WorkshopError):
    """The database failed while writing a vote or another change of the room (none of it was
    saved): try again."""


@dataclass
class VoteRequest:
    """One participant's vote on one touchpoint; ``raw_value`` None withdraws the vote."""

    participant_id: int
    touchpoint_id: int
    raw_value: str | None
    score: float | None
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)
    on_done: Callable[[], None] | None = None
    """Called (in the writer's thread) once the request is answered."""

    def finish(self, error: str | None) -> None:
        """Answers the request: written (``error`` None) or refused with the reason."""
        self.error = error
        self.done.set()
        if self.on_done is not None:
            with suppress(RuntimeError):  # the waiting event loop has closed: nobody listens any more
                self.on_done()


@dataclass
class BackingRequest:
    """One participant backing an idea (``in_favour``) or taking the backing back."""

    participant_id: int
    idea_id: int
    in_favour: bool
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)
    on_done: Callable[[], None] | None = None

    def finish(self, error: str | None) -> None:
        """Answers the request: done (``error`` None) or refused with the reason."""
        self.error = error
        self.done.set()
        if self.on_done is not None:
            with suppress(RuntimeError):  # the waiting event loop has closed
                self.on_done()


@dataclass
class Job:
    """One small write of the room, run inside the writer's next transaction. ``work`` may
    refuse with a ValueError (WorkshopError, the text rules) only before it writes anything:
    the transaction goes on with the others."""

    work: Callable[[Cursor], Any]
    result: Any = None
    refusal: ValueError | None = None
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)
    on_done: Callable[[], None] | None = None

    def finish(self, error: str | None) -> None:
        """Answered: done (its own refusal, if any, in ``refusal``) or ``error`` when not saved."""
        self.error = error
        self.done.set()
        if self.on_done is not None:
            with suppress(RuntimeError):  # the waiting event loop has closed
                self.on_done()

    def outcome(self) -> Any:
        """The work's answer; raises its refusal, or VoteNotSavedError when the database failed."""
        if self.refusal is not None:
            raise self.refusal
        if self.error is not None:
            raise VoteNotSavedError(self.error)
        return self.result


Write = VoteRequest | BackingRequest | Job


class _VoteQueue:
    def __init__(self) -> None:
        self.pending: list[Write] = []
        self.mutex = threading.Lock()
        self.writing = False
        self.last_write = 0.0


_QUEUES: weakref.WeakKeyDictionary[Store, _VoteQueue] = weakref.WeakKeyDictionary()
_QUEUES_MUTEX = threading.Lock()


def _queue(store: Store) -> _VoteQueue:
    with _QUEUES_MUTEX:
        found = _QUEUES.get(store)
        if found is None:
            found = _QUEUES[store] = _VoteQueue()
        return found


JOBS_PER_GROUP = 20
GATHER_STEP_SECONDS = 0.002
GATHER_MAX_SECONDS = 0.02
BATCH_INTERVAL_SECONDS = 0.05
"""The shortest time between the starts of two group transactions. When a room's taps trickle in
(people think before they tap), writing each alone would cost a core; at most twenty a second
(about 20 ms of CPU each) bound the writes to under half of one, and a tap waits 0.05 s at most
for its turn (with 0.1 s, 300 phones' taps had a p95 of 265 ms against 177 ms)."""


def _gather(queue: _VoteQueue) -> None:
    """Lets a burst of votes finish arriving before the writer takes them: while the queue
    still grows, wait a step (at most ``GATHER_MAX_SECONDS`` in all). When a whole room votes
    at once, one transaction then carries nearly every vote, instead of a first one with the
    few that arrived in the first instant and a second, full one that everybody else waits
    behind. A lone vote waits one step."""
    deadline = time.monotonic() + GATHER_MAX_SECONDS
    seen = -1
    while time.monotonic() < deadline:
        with queue.mutex:
            waiting = len(queue.pending)
        if waiting == seen:
            return
        seen = waiting
        time.sleep(GATHER_STEP_SECONDS)


def enqueue_votes(store: Store, requests: Sequence[Write]) -> None:
    """Queues votes and jobs for the writer (starting it when none runs); each request is answered through
    ``finish``. Later requests for the same participant and touchpoint win over earlier ones."""
    queue = _queue(store)
    with queue.mutex:
        queue.pending.extend(requests)
        if queue.writing:
            return
        queue.writing = True
    threading.Thread(target=_drain, args=(store, queue), name="vote-writer", daemon=True).start()


def _drain(store: Store, queue: _VoteQueue) -> None:
    """The writer: a group at a time until the queue is empty."""
    while True:
        _gather(queue)
        pause = queue.last_write + BATCH_INTERVAL_SECONDS - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        with queue.mutex:
            if not queue.pending:
                queue.writing = False
                return
            group, queue.pending = _take(queue.pending)
        queue.last_write = time.monotonic()
        try:
            _write(store, group)
        except BaseException:  # one part broke the transaction: each alone, so only its own callers hear
            parts = [_Group(group.ballots, [], []), _Group([], group.backings, [])]
            for part in [*parts, *(_Group([], [], [job]) for job in group.jobs)]:
                _write_alone(store, part)


@dataclass
class _Group:
    ballots: list[VoteRequest]
    backings: list[BackingRequest]
    jobs: list[Job]


def _take(pending: list[Write]) -> tuple[_Group, list[Write]]:
    """Every vote and backing waiting and the first ``JOBS_PER_GROUP`` jobs; the jobs left over
    wait for the next group. Jobs run one by one (a few statements each), votes and backings all
    at once: a burst of ideas must not hold a room's taps back."""
    jobs = [item for item in pending if isinstance(item, Job)]
    group = _Group(
        [item for item in pending if isinstance(item, VoteRequest)],
        [item for item in pending if isinstance(item, BackingRequest)],
        jobs[:JOBS_PER_GROUP],
    )
    return group, list(jobs[JOBS_PER_GROUP:])


def _write(store: Store, group: _Group) -> None:
    """One transaction for a group: votes and backings set-based, then each job; answers them
    after the commit."""
    refusals: list[str | None] = []
    declined: list[str | None] = []
    with store.transaction() as cur:
        if group.ballots:
            refusals = votes.write_votes(cur, group.ballots)
        if group.backings:
            declined = backings.write_backings(cur, group.backings)
        for job in group.jobs:
            job.result, job.refusal = None, None
            try:
                job.result = job.work(cur)
            except Error:
                raise
            except ValueError as refused:  # refused before it wrote anything (see Job)
                job.refusal = refused
        if store.is_postgres:
            _tell_other_servers(cur, group)
    for ballot, refusal in zip(group.ballots, refusals, strict=True):
        ballot.finish(refusal)
    for backing, reason in zip(group.backings, declined, strict=True):
        backing.finish(reason)
    for job in group.jobs:
        job.finish(None)


def _tell_other_servers(cur: Cursor, group: _Group) -> None:
    """Names the group's voters and backers to the other servers on the database, delivered at
    the commit: their rooms forget those participants' cached marks (``room.Room.forget``)."""
    voters = [ballot.participant_id for ballot in group.ballots]
    voters += [backing.participant_id for backing in group.backings]
    for notice in listen.notices("marks", voters):
        cur.execute("select pg_notify(?, ?)", [listen.ROOM_CHANNEL, notice])


def _write_alone(store: Store, group: _Group) -> None:
    """A part of a failed group in a transaction of its own; if it fails too, its callers hear
    ``NOT_SAVED`` (none of it is written). Even an interrupt must not leave one looking saved."""
    if not (group.ballots or group.backings or group.jobs):
        return
    try:
        _write(store, group)
    except BaseException as error:
        log.exception("a group of room writes could not be saved")
        reason = f"{NOT_SAVED} ({error or type(error).__name__})"
        for ballot in group.ballots:
            ballot.finish(f"the vote {reason}")
        for backing in group.backings:
            backing.finish(f"the change {reason}")
        for job in group.jobs:
            job.finish(f"the change {reason}")


def back(store: Store, participant_id: int, idea_id: int, in_favour: bool) -> None:
    """Backs an idea (or takes the backing back) in the writer's next group and waits for it;
    raises WorkshopError (SessionEndedError) when refused, VoteNotSavedError when not saved."""
    request = BackingRequest(participant_id, idea_id, in_favour)
    enqueue_votes(store, [request])
    request.done.wait()
    _raise_declined(request)


async def back_async(store: Store, participant_id: int, idea_id: int, in_favour: bool) -> None:
    """``back`` for an event loop: waits without holding a thread."""
    loop = asyncio.get_running_loop()
    answered: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        loop.call_soon_threadsafe(_settle, answered)

    request = BackingRequest(participant_id, idea_id, in_favour, on_done=wake)
    enqueue_votes(store, [request])
    await answered
    _raise_declined(request)


def _raise_declined(request: BackingRequest) -> None:
    if request.error is None:
        return
    if NOT_SAVED in request.error:
        raise VoteNotSavedError(request.error)
    raise (SessionEndedError if request.error == backings.ENDED else WorkshopError)(request.error)


def run(store: Store, work: Callable[[Cursor], T]) -> T:
    """Runs ``work`` in the writer's next transaction and waits for it (see ``Job``)."""
    job = Job(work)
    enqueue_votes(store, [job])
    job.done.wait()
    return cast(T, job.outcome())


async def run_async(store: Store, work: Callable[[Cursor], T]) -> T:
    """``run`` for an event loop: waits without holding a thread."""
    loop = asyncio.get_running_loop()
    answered: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        loop.call_soon_threadsafe(_settle, answered)

    job = Job(work, on_done=wake)
    enqueue_votes(store, [job])
    await answered
    return cast(T, job.outcome())


def submit_votes(store: Store, requests: Sequence[VoteRequest]) -> None:
    """Records votes, waiting for the writer; on return every request is done and ``error`` says
    why one was refused."""
    enqueue_votes(store, requests)
    for request in requests:
        request.done.wait()


def _raise_refusal(request: VoteRequest) -> None:
    if request.error is None:
        return
    if request.error.startswith(f"the vote {NOT_SAVED}"):
        raise VoteNotSavedError(request.error)
    raise _REFUSALS.get(request.error, WorkshopError)(request.error)


def record_vote(
    store: Store, participant_id: int, touchpoint_id: int, raw_value: str | None, score: float | None
) -> None:
    """Records (or replaces, or with ``raw_value`` None withdraws) one vote; raises WorkshopError if refused
    (SessionEndedError, TouchpointClosedError for those two reasons, VoteNotSavedError when the write failed)."""
    request = VoteRequest(participant_id, touchpoint_id, raw_value, score)
    submit_votes(store, [request])
    _raise_refusal(request)


async def record_vote_async(
    store: Store, participant_id: int, touchpoint_id: int, raw_value: str | None, score: float | None
) -> None:
    """``record_vote`` for an event loop: waits for the writer without holding a thread."""
    loop = asyncio.get_running_loop()
    answered: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        loop.call_soon_threadsafe(_settle, answered)

    request = VoteRequest(participant_id, touchpoint_id, raw_value, score, on_done=wake)
    enqueue_votes(store, [request])
    await answered
    _raise_refusal(request)


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
