"""SQL for workshop sessions: sessions and their touchpoints, participants, votes, ideas.

A workshop vote is an impression (source ``workshop``, ``workshop_session_id`` set), so it
shows on the map and the dashboards like any other. ``workshop_vote`` holds one row per
participant per touchpoint that points at that impression: a changed vote updates the
impression in place, a withdrawn vote deletes it, so nothing is ever counted twice.

Votes arrive in bursts (a room of people pressing a button at once), and each DuckDB commit
costs a few milliseconds. ``submit_votes`` therefore commits in groups: whoever finds the
queue waiting writes every queued vote in one transaction with a handful of set-based
statements, and the others only wait for their answer.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import duckdb
import pandas as pd
import pyarrow as pa

from dashboard.store import Store, ideas, rollup
from dashboard.store.impressions import _registered


class WorkshopError(ValueError):
    """A workshop action that cannot happen now (ended session, closed touchpoint, bad code)."""


@dataclass(frozen=True)
class Session:
    id: int
    code: str
    title: str
    cycle_id: int
    cycle: str
    scale: str
    status: str
    revealed: bool
    current_touchpoint_id: int | None

    @property
    def is_live(self) -> bool:
        return self.status == "live"


@dataclass(frozen=True)
class Participant:
    id: int
    session_id: int
    token: str
    name: str
    group_id: int | None


_SESSION_COLUMNS = (
    "s.id, s.code, s.title, s.cycle_id, c.name, s.scale, s.status, s.revealed, s.current_touchpoint_id"
    " from workshop_session s join service_cycle c on c.id = s.cycle_id"
)


def _session_from(row: tuple[object, ...] | None) -> Session | None:
    if row is None:
        return None
    sid, code, title, cycle_id, cycle, scale, status, revealed, current = row
    return Session(
        int(sid),  # type: ignore[call-overload]
        str(code),
        str(title),
        int(cycle_id),  # type: ignore[call-overload]
        str(cycle),
        str(scale),
        str(status),
        bool(revealed),
        None if current is None else int(current),  # type: ignore[call-overload]
    )


def _free_code(cur: duckdb.DuckDBPyConnection, new_code: Callable[[], str], keep: str | None = None) -> str:
    """A join code no live session uses; the caller holds the write lock, so it stays free."""
    for attempt in range(51):
        code = keep if attempt == 0 and keep else new_code()
        taken = cur.execute("select 1 from workshop_session where code = ? and status = 'live'", [code]).fetchone()
        if taken is None:
            return code
    raise WorkshopError("could not find a free join code; end some live sessions and try again")


# --- sessions -------------------------------------------------------------------------------


def create_session(
    store: Store,
    cycle_id: int,
    touchpoint_ids: Sequence[int],
    scale: str,
    new_code: Callable[[], str],
    title: str = "",
) -> Session:
    """Starts a live session over the given touchpoints (in the given order); none open yet."""
    if not touchpoint_ids:
        raise WorkshopError("choose at least one touchpoint")
    with store.transaction() as cur:
        known = cur.execute(
            "select count(*) from touchpoint"
            " where cycle_id = ? and archived_at is null and list_contains(?::integer[], id)",
            [cycle_id, list(touchpoint_ids)],
        ).fetchone()
        if known is None or int(known[0]) != len(set(touchpoint_ids)):
            raise WorkshopError("every touchpoint must belong to the chosen service cycle")
        code = _free_code(cur, new_code)
        row = cur.execute(
            "insert into workshop_session (code, title, cycle_id, scale, current_touchpoint_id)"
            " values (?, ?, ?, ?, ?) returning id",
            [code, title, cycle_id, scale, touchpoint_ids[0]],
        ).fetchone()
        assert row is not None
        session_id = int(row[0])
        frame = pd.DataFrame({"touchpoint_id": list(touchpoint_ids), "position": range(1, len(touchpoint_ids) + 1)})
        with _registered(cur, {"incoming_items": frame}):
            cur.execute(
                "insert into workshop_touchpoint (session_id, touchpoint_id, position)"
                " select ?, touchpoint_id, position from incoming_items",
                [session_id],
            )
    found = session(store, session_id)
    assert found is not None
    return found


def session(store: Store, session_id: int) -> Session | None:
    with store.cursor() as cur:
        return _session_from(cur.execute(f"select {_SESSION_COLUMNS} where s.id = ?", [session_id]).fetchone())


def session_by_code(store: Store, code: str) -> Session | None:
    """The session a join code leads to: the live one, else the latest that had it."""
    with store.cursor() as cur:
        return _session_from(
            cur.execute(
                f"select {_SESSION_COLUMNS} where s.code = ? order by (s.status = 'live') desc, s.id desc limit 1",
                [code],
            ).fetchone()
        )


def sessions(store: Store) -> pd.DataFrame:
    """Every session, newest first, with its participant and vote counts."""
    with store.cursor() as cur:
        return cur.execute(
            "select s.id, s.code, s.title, c.name as cycle, s.scale, s.status, s.created_at,"
            " (select count(*) from workshop_participant p where p.session_id = s.id) as participants,"
            " (select count(*) from workshop_vote v where v.session_id = s.id) as votes"
            " from workshop_session s join service_cycle c on c.id = s.cycle_id order by s.id desc"
        ).df()


def session_touchpoints(store: Store, session_id: int) -> pd.DataFrame:
    """The session's touchpoints in order, whether each is open, its vote count and mean score."""
    with store.cursor() as cur:
        return cur.execute(
            "select w.touchpoint_id, w.position, w.is_open, t.name, t.moment, t.standard,"
            " count(v.participant_id) as votes, avg(v.score) as mean"
            " from workshop_touchpoint w join touchpoint t on t.id = w.touchpoint_id"
            " left join workshop_vote v on v.session_id = w.session_id and v.touchpoint_id = w.touchpoint_id"
            " where w.session_id = ? group by all order by w.position",
            [session_id],
        ).df()


def _require_live(cur: duckdb.DuckDBPyConnection, session_id: int) -> None:
    row = cur.execute("select status from workshop_session where id = ?", [session_id]).fetchone()
    if row is None:
        raise WorkshopError("no such workshop session")
    if row[0] != "live":
        raise WorkshopError("this workshop session has ended; reopen it first")


def show_touchpoint(store: Store, session_id: int, touchpoint_id: int, *, open_it: bool = True) -> None:
    """Puts one touchpoint on the screen: only it is open (when ``open_it``), results hidden."""
    with store.transaction() as cur:
        _require_live(cur, session_id)
        member = cur.execute(
            "select 1 from workshop_touchpoint where session_id = ? and touchpoint_id = ?", [session_id, touchpoint_id]
        ).fetchone()
        if member is None:
            raise WorkshopError("that touchpoint is not part of this session")
        cur.execute(
            "update workshop_touchpoint set is_open = (touchpoint_id = ? and ?) where session_id = ?",
            [touchpoint_id, open_it, session_id],
        )
        cur.execute(
            "update workshop_session set current_touchpoint_id = ?, revealed = false where id = ?",
            [touchpoint_id, session_id],
        )


def set_open(store: Store, session_id: int, is_open: bool, touchpoint_id: int | None = None) -> None:
    """Opens or closes one touchpoint of the session, or all of them when none is named."""
    with store.transaction() as cur:
        _require_live(cur, session_id)
        cur.execute(
            "update workshop_touchpoint set is_open = ? where session_id = ? and (? is null or touchpoint_id = ?)",
            [is_open, session_id, touchpoint_id, touchpoint_id],
        )


def set_revealed(store: Store, session_id: int, revealed: bool) -> None:
    with store.transaction() as cur:
        cur.execute("update workshop_session set revealed = ? where id = ?", [revealed, session_id])


def end_session(store: Store, session_id: int) -> None:
    """Ends the session: voting closes, its code stops working, the results stay."""
    with store.transaction() as cur:
        cur.execute("update workshop_touchpoint set is_open = false where session_id = ?", [session_id])
        cur.execute(
            "update workshop_session set status = 'ended', ended_at = current_timestamp, revealed = true"
            " where id = ? and status = 'live'",
            [session_id],
        )


def reopen_session(store: Store, session_id: int, new_code: Callable[[], str]) -> Session:
    """Makes an ended session live again (everything closed); it keeps its code if still free."""
    with store.transaction() as cur:
        row = cur.execute("select code, status from workshop_session where id = ?", [session_id]).fetchone()
        if row is None:
            raise WorkshopError("no such workshop session")
        if row[1] != "live":
            code = _free_code(cur, new_code, keep=str(row[0]))
            cur.execute(
                "update workshop_session set status = 'live', ended_at = null, revealed = false, code = ? where id = ?",
                [code, session_id],
            )
    found = session(store, session_id)
    assert found is not None
    return found


# --- participants ---------------------------------------------------------------------------


def join(store: Store, session_id: int, token: str, name: str = "", group_id: int | None = None) -> Participant:
    """Registers a participant of a live session under a secret token kept by their browser."""
    with store.transaction() as cur:
        _require_live(cur, session_id)
        row = cur.execute(
            "insert into workshop_participant (session_id, token, name, group_id) values (?, ?, ?, ?) returning id",
            [session_id, token, name, group_id],
        ).fetchone()
    assert row is not None
    return Participant(int(row[0]), session_id, token, name, group_id)


def participant(store: Store, token: str) -> Participant | None:
    with store.cursor() as cur:
        row = cur.execute(
            "select id, session_id, token, name, group_id from workshop_participant where token = ?", [token]
        ).fetchone()
    if row is None:
        return None
    return Participant(int(row[0]), int(row[1]), str(row[2]), str(row[3]), None if row[4] is None else int(row[4]))


def update_participant(store: Store, participant_id: int, name: str, group_id: int | None) -> None:
    """Sets a participant's name and group; their votes so far take the new group too."""
    with store.transaction() as cur:
        cur.execute(
            "update workshop_participant set name = ?, group_id = ? where id = ?", [name, group_id, participant_id]
        )
        votes = "id in (select impression_id from workshop_vote where participant_id = ?)"
        rollup.retract(cur, votes, [participant_id])
        cur.execute(
            "update impression set group_id = ? where id in"
            " (select impression_id from workshop_vote where participant_id = ?)",
            [group_id, participant_id],
        )
        rollup.restore(cur, votes, [participant_id])


# --- votes: group commit ----------------------------------------------------------------------


@dataclass
class VoteRequest:
    """One participant's vote on one touchpoint; ``raw_value`` None withdraws the vote."""

    participant_id: int
    touchpoint_id: int
    raw_value: str | None
    score: float | None
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)


class _VoteQueue:
    def __init__(self) -> None:
        self.pending: list[VoteRequest] = []
        self.mutex = threading.Lock()
        self.leader = threading.Lock()


_QUEUES: weakref.WeakKeyDictionary[Store, _VoteQueue] = weakref.WeakKeyDictionary()
_QUEUES_MUTEX = threading.Lock()


def _queue(store: Store) -> _VoteQueue:
    with _QUEUES_MUTEX:
        found = _QUEUES.get(store)
        if found is None:
            found = _QUEUES[store] = _VoteQueue()
        return found


GATHER_STEP_SECONDS = 0.002
GATHER_MAX_SECONDS = 0.02


def _gather(queue: _VoteQueue) -> None:
    """Lets a burst of votes finish arriving before the leader writes them: while the queue
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


def submit_votes(store: Store, requests: Sequence[VoteRequest]) -> None:
    """Records votes; on return every request is done and ``error`` says why one was refused.

    Requests from many threads are gathered: the first to get the leader lock writes all that
    are waiting in one transaction. Later requests for the same participant and touchpoint
    win over earlier ones.
    """
    queue = _queue(store)
    with queue.mutex:
        queue.pending.extend(requests)
    for request in requests:
        if request.done.is_set():
            continue
        with queue.leader:
            if request.done.is_set():
                continue
            _gather(queue)
            with queue.mutex:
                batch, queue.pending = queue.pending, []
            if not batch:  # cannot happen while requests are only taken with their own: defensive
                continue
            try:
                _write_votes(store, batch)
            except BaseException as error:  # the whole batch failed: every waiter hears why
                for item in batch:
                    item.error = f"the vote could not be saved ({error or type(error).__name__})"
                    item.done.set()
                raise


def record_vote(
    store: Store, participant_id: int, touchpoint_id: int, raw_value: str | None, score: float | None
) -> None:
    """Records (or replaces, or with ``raw_value`` None withdraws) one vote; raises WorkshopError if refused."""
    request = VoteRequest(participant_id, touchpoint_id, raw_value, score)
    submit_votes(store, [request])
    if request.error:
        raise WorkshopError(request.error)


def _write_votes(store: Store, batch: list[VoteRequest]) -> None:
    # The votes go to DuckDB as Arrow tables: a pandas frame with text columns is sampled for
    # its types on every statement that reads it, a few milliseconds each time.
    incoming = pa.table(
        {
            "seq": pa.array(range(len(batch)), pa.int64()),
            "participant_id": pa.array([r.participant_id for r in batch], pa.int64()),
            "touchpoint_id": pa.array([r.touchpoint_id for r in batch], pa.int64()),
            "raw_value": pa.array([r.raw_value for r in batch], pa.string()),
            "score": pa.array([r.score for r in batch], pa.float64()),
        }
    )
    with store.transaction() as cur, _registered(cur, {"incoming_votes": incoming}):
        # Every request with whether it may be written: the participant's session is live and
        # the touchpoint is open in it. Only the newest request per participant and
        # touchpoint is applied; the older ones are answered as done.
        checked = cur.execute(
            "select v.seq, v.participant_id, v.touchpoint_id, v.raw_value, v.score, p.session_id, p.group_id,"
            " s.scale, o.impression_id,"
            " case when p.id is null then 'you are not part of a live workshop session'"
            "      when s.status <> 'live' then 'this workshop session has ended'"
            "      when w.is_open is not true then 'voting on this touchpoint is closed' end as refusal,"
            " row_number() over (partition by v.participant_id, v.touchpoint_id order by v.seq desc) = 1 as newest,"
            " case when o.impression_id is null and v.raw_value is not null"
            "      then nextval('impression_id') end as new_impression_id"
            " from incoming_votes v"
            " left join workshop_participant p on p.id = v.participant_id"
            " left join workshop_session s on s.id = p.session_id"
            " left join workshop_touchpoint w on w.session_id = p.session_id and w.touchpoint_id = v.touchpoint_id"
            " left join workshop_vote o on o.participant_id = v.participant_id and o.touchpoint_id = v.touchpoint_id"
        ).df()
        accepted = checked[checked["refusal"].isna() & checked["newest"]]
        withdrawn = accepted["raw_value"].isna()
        existing = accepted["impression_id"].notna()
        # Only the statements this batch needs: each costs a couple of milliseconds.
        with _registered(cur, {"accepted_votes": pa.Table.from_pandas(accepted, preserve_index=False)}):
            removed = "id in (select impression_id from accepted_votes where raw_value is null)"
            if (existing & ~withdrawn).any():
                # The leadership roll-up moves each changed vote from its old value to its new
                # one (workshop impressions carry no comment).
                rollup.shift(
                    cur,
                    "select i.touchpoint_id, i.observed_on, i.group_id, i.source, i.score, -1 as n"
                    " from impression i join accepted_votes a on i.id = a.impression_id where a.raw_value is not null"
                    " union all"
                    " select i.touchpoint_id, current_date, i.group_id, i.source, a.score, 1"
                    " from impression i join accepted_votes a on i.id = a.impression_id where a.raw_value is not null",
                    [],
                )
                cur.execute(
                    "update impression set raw_value = a.raw_value, score = a.score, observed_on = current_date,"
                    " recorded_at = current_timestamp from accepted_votes a"
                    " where impression.id = a.impression_id and a.raw_value is not null"
                )
                cur.execute(
                    "update workshop_vote set raw_value = a.raw_value, score = a.score, voted_at = current_timestamp"
                    " from accepted_votes a where workshop_vote.participant_id = a.participant_id"
                    " and workshop_vote.touchpoint_id = a.touchpoint_id and a.raw_value is not null"
                    " and a.impression_id is not null"
                )
            if (existing & withdrawn).any():
                rollup.retract(cur, removed, [])
                cur.execute(
                    "delete from impression where id in (select impression_id from accepted_votes"
                    " where raw_value is null and impression_id is not null)"
                )
                cur.execute(
                    "delete from workshop_vote using accepted_votes a"
                    " where workshop_vote.participant_id = a.participant_id"
                    " and workshop_vote.touchpoint_id = a.touchpoint_id and a.raw_value is null"
                )
            if accepted["new_impression_id"].notna().any():
                cur.execute(
                    "insert into impression (id, touchpoint_id, observed_on, raw_value, scale, score, group_id,"
                    " source, workshop_session_id)"
                    " select new_impression_id, touchpoint_id, current_date, raw_value, scale, score, group_id,"
                    " 'workshop', session_id from accepted_votes where new_impression_id is not null"
                )
                cur.execute(
                    "insert into workshop_vote (participant_id, touchpoint_id, session_id, impression_id, raw_value,"
                    " score) select participant_id, touchpoint_id, session_id, new_impression_id, raw_value, score"
                    " from accepted_votes where new_impression_id is not null"
                )
    refusals = dict(zip(checked["seq"], checked["refusal"], strict=True))
    for seq, request in enumerate(batch):
        refusal = refusals.get(seq)
        request.error = refusal if isinstance(refusal, str) else None
        request.done.set()


def participant_votes(store: Store, participant_id: int) -> dict[int, str]:
    """The participant's current vote per touchpoint (the raw value as written on the scale)."""
    with store.cursor() as cur:
        rows = cur.execute(
            "select touchpoint_id, raw_value from workshop_vote where participant_id = ?", [participant_id]
        ).fetchall()
    return {int(t): str(v) for t, v in rows}


def tally(store: Store, session_id: int, touchpoint_id: int) -> pd.DataFrame:
    """How many votes each scale point has for one touchpoint of the session, and their scores."""
    with store.cursor() as cur:
        return cur.execute(
            "select raw_value, count(*) as votes, sum(score) as total from workshop_vote"
            " where session_id = ? and touchpoint_id = ? group by raw_value",
            [session_id, touchpoint_id],
        ).df()


def totals(store: Store, session_id: int) -> dict[str, int]:
    """Participants joined, votes cast and ideas proposed in a session."""
    with store.cursor() as cur:
        row = cur.execute(
            "select (select count(*) from workshop_participant where session_id = ?),"
            " (select count(*) from workshop_vote where session_id = ?),"
            " (select count(*) from enhancement_idea where workshop_session_id = ?)",
            [session_id, session_id, session_id],
        ).fetchone()
    assert row is not None
    return {"participants": int(row[0]), "votes": int(row[1]), "ideas": int(row[2])}


# --- enhancement ideas ------------------------------------------------------------------------


def _require_participant_in_live_session(cur: duckdb.DuckDBPyConnection, participant_id: int) -> int:
    row = cur.execute(
        "select s.id, s.status from workshop_participant p join workshop_session s on s.id = p.session_id"
        " where p.id = ?",
        [participant_id],
    ).fetchone()
    if row is None:
        raise WorkshopError("you are not part of a workshop session")
    if row[1] != "live":
        raise WorkshopError("this workshop session has ended")
    return int(row[0])


def propose_idea(store: Store, participant_id: int, touchpoint_id: int, text: str, author: str = "") -> int:
    """Adds an enhancement idea for a touchpoint of the participant's live session."""
    with store.transaction() as cur:
        session_id = _require_participant_in_live_session(cur, participant_id)
        member = cur.execute(
            "select 1 from workshop_touchpoint where session_id = ? and touchpoint_id = ?", [session_id, touchpoint_id]
        ).fetchone()
        if member is None:
            raise WorkshopError("that touchpoint is not part of this session")
        return ideas.insert_idea(
            cur, touchpoint_id, text, author=author, session_id=session_id, participant_id=participant_id
        )


def vote_for_idea(store: Store, participant_id: int, idea_id: int, in_favour: bool = True) -> None:
    """Gives (or takes back) a participant's one vote for an idea of their session."""
    with store.transaction() as cur:
        session_id = _require_participant_in_live_session(cur, participant_id)
        idea = cur.execute("select workshop_session_id from enhancement_idea where id = ?", [idea_id]).fetchone()
        if idea is None or idea[0] != session_id:
            raise WorkshopError("that idea is not part of this session")
        if in_favour:
            changed = cur.execute(
                "insert into workshop_idea_vote values (?, ?) on conflict do nothing returning idea_id",
                [idea_id, participant_id],
            ).fetchall()
            step = 1
        else:
            changed = cur.execute(
                "delete from workshop_idea_vote where idea_id = ? and participant_id = ? returning idea_id",
                [idea_id, participant_id],
            ).fetchall()
            step = -1
        if changed:
            cur.execute("update enhancement_idea set votes = votes + ? where id = ?", [step, idea_id])


def session_ideas(store: Store, session_id: int, participant_id: int | None = None) -> pd.DataFrame:
    """The session's ideas, most voted first, with whether the given participant wrote or backed each."""
    with store.cursor() as cur:
        return cur.execute(
            "select e.id, e.touchpoint_id, t.name as touchpoint, e.text, e.votes, e.author,"
            " coalesce(e.workshop_participant_id = ?, false) as mine,"
            " exists (select 1 from workshop_idea_vote v where v.idea_id = e.id and v.participant_id = ?) as backed"
            " from enhancement_idea e join touchpoint t on t.id = e.touchpoint_id"
            " where e.workshop_session_id = ? order by e.votes desc, e.id",
            [participant_id, participant_id, session_id],
        ).df()
