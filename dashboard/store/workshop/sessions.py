"""SQL for workshop sessions: sessions, their touchpoints and steps, and participants.

Join codes are unique among *live* sessions only (DuckDB has no partial unique index), which
the store keeps: writers take turns, so a code found free stays free until it is written
(PostgreSQL also enforces it with a partial unique index).
The facilitator's steps are checked and recorded by ``audit.write`` (``audit_step``); what
participants write (joining, their name and group) is not recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
from psycopg.errors import UniqueViolation

from dashboard.store import Cursor, Store, audit, rollup
from dashboard.store.dialect import staged
from dashboard.store.workshop import group_commit
from dashboard.store.workshop.errors import SessionEndedError, WorkshopError


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
    presenter_key: str = ""
    phone_url: str = ""

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
    "s.id, s.code, s.title, s.cycle_id, c.name, s.scale, s.status, s.revealed, s.current_touchpoint_id,"
    " coalesce(s.presenter_key, ''), coalesce(s.phone_url, '')"
    " from workshop_session s join service_cycle c on c.id = s.cycle_id"
)


def _session_from(row: tuple[object, ...] | None) -> Session | None:
    if row is None:
        return None
    sid, code, title, cycle_id, cycle, scale, status, revealed, current, presenter_key, phone_url = row
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
        str(presenter_key),
        str(phone_url),
    )


def _free_code(cur: Cursor, new_code: Callable[[], str], keep: str | None = None) -> str:
    """A join code no live session uses; the caller holds the write lock, so it stays free."""
    for attempt in range(51):
        code = keep if attempt == 0 and keep else new_code()
        taken = cur.execute("select 1 from workshop_session where code = ? and status = 'live'", [code]).fetchone()
        if taken is None:
            return code
    raise WorkshopError("could not find a free join code; end some live sessions and try again")


@contextmanager
def _code_taken() -> Iterator[None]:
    """PostgreSQL's partial unique index (migration 0016) refusing a live code: a writer that did not
    take the write lock made a session with it after ``_free_code`` looked. Said as the code error."""
    try:
        yield
    except UniqueViolation as error:
        raise WorkshopError("that join code was taken by another session just now; try again") from error


def audit_step(cur: Cursor, session_id: int, action: str, detail: str = "") -> None:
    """Checks and records a facilitator's step on a session, under the session's cycle."""
    row = cur.execute("select cycle_id from workshop_session where id = ?", [session_id]).fetchone()
    audit.write(cur, "workshop", action, None if row is None else int(row[0]), f"session {session_id} {detail}")


# --- sessions -------------------------------------------------------------------------------


def create_session(
    store: Store,
    cycle_id: int,
    touchpoint_ids: Sequence[int],
    scale: str,
    new_code: Callable[[], str],
    title: str = "",
    *,
    presenter_key: str = "",
    phone_url: str = "",
) -> Session:
    """Starts a live session over the given touchpoints (in the given order); none open yet.

    ``presenter_key`` is the secret the presenter link holds (a random one when left empty)."""
    if not touchpoint_ids:
        raise WorkshopError("choose at least one touchpoint")
    with store.transaction() as cur:
        audit.write(cur, "workshop", "workshop session started", cycle_id, detail=title)
        known = cur.execute(
            "select count(*) from touchpoint where cycle_id = ? and archived_at is null and id = any(?::integer[])",
            [cycle_id, list(touchpoint_ids)],
        ).fetchone()
        if known is None or int(known[0]) != len(set(touchpoint_ids)):
            raise WorkshopError("every touchpoint must belong to the chosen service cycle")
        code = _free_code(cur, new_code)
        with _code_taken():
            row = cur.execute(
                "insert into workshop_session (code, title, cycle_id, scale, current_touchpoint_id, presenter_key,"
                " phone_url) values (?, ?, ?, ?, ?,"
                " coalesce(nullif(?, ''), replace(gen_random_uuid()::varchar, '-', '')), ?) returning id",
                [code, title, cycle_id, scale, touchpoint_ids[0], presenter_key, phone_url],
            ).fetchone()
        assert row is not None
        session_id = int(row[0])
        frame = pd.DataFrame({"touchpoint_id": list(touchpoint_ids), "position": range(1, len(touchpoint_ids) + 1)})
        with staged(cur, {"incoming_items": frame}):
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


def session_by_presenter_key(store: Store, key: str) -> Session | None:
    """The session whose presenter link holds ``key`` (never found by an empty key)."""
    if not key:
        return None
    with store.cursor() as cur:
        return _session_from(cur.execute(f"select {_SESSION_COLUMNS} where s.presenter_key = ?", [key]).fetchone())


def set_phone_url(store: Store, session_id: int, url: str) -> None:
    """The address phones reach the app at, for this session's join link and QR code."""
    with store.transaction() as cur:
        audit_step(cur, session_id, "phone address set", url)
        cur.execute("update workshop_session set phone_url = ? where id = ?", [url, session_id])


def session_plan(store: Store, session_id: int) -> tuple[int, list[int], str]:
    """What a new session copies from an earlier one: its cycle, touchpoints (in order) and scale."""
    with store.cursor() as cur:
        row = cur.execute("select cycle_id, scale from workshop_session where id = ?", [session_id]).fetchone()
        if row is None:
            raise WorkshopError("no such workshop session")
        ids = cur.execute(
            "select touchpoint_id from workshop_touchpoint where session_id = ? order by position", [session_id]
        ).fetchall()
    return int(row[0]), [int(i) for (i,) in ids], str(row[1])


def open_touchpoints(store: Store, session_id: int) -> pd.DataFrame:
    """The touchpoints open for votes now, in order: what a participant's phone shows."""
    with store.cursor() as cur:
        return cur.execute(
            "select w.touchpoint_id as id, t.name, coalesce(t.standard, '') as standard from workshop_touchpoint w"
            " join touchpoint t on t.id = w.touchpoint_id where w.session_id = ? and w.is_open order by w.position",
            [session_id],
        ).df()


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
            " where w.session_id = ?"
            " group by w.touchpoint_id, w.position, w.is_open, t.name, t.moment, t.standard order by w.position",
            [session_id],
        ).df()


def _require_live(cur: Cursor, session_id: int) -> None:
    row = cur.execute("select status from workshop_session where id = ?", [session_id]).fetchone()
    if row is None:
        raise WorkshopError("no such workshop session")
    if row[0] != "live":
        raise SessionEndedError("this workshop session has ended; reopen it first")


def show_touchpoint(store: Store, session_id: int, touchpoint_id: int, *, open_it: bool = True) -> None:
    """Puts one touchpoint on the screen: only it is open (when ``open_it``), results hidden."""
    with store.transaction() as cur:
        audit_step(
            cur, session_id, "touchpoint shown" + (" and opened" if open_it else ""), f"touchpoint {touchpoint_id}"
        )
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
        audit_step(
            cur, session_id, "voting opened" if is_open else "voting closed", f"touchpoint {touchpoint_id or 'all'}"
        )
        _require_live(cur, session_id)
        cur.execute(
            "update workshop_touchpoint set is_open = ?"
            " where session_id = ? and (?::integer is null or touchpoint_id = ?)",
            [is_open, session_id, touchpoint_id, touchpoint_id],
        )


def set_revealed(store: Store, session_id: int, revealed: bool) -> None:
    with store.transaction() as cur:
        audit_step(cur, session_id, "results revealed" if revealed else "results hidden")
        cur.execute("update workshop_session set revealed = ? where id = ?", [revealed, session_id])


def end_session(store: Store, session_id: int) -> None:
    """Ends the session: voting closes, its code stops working, the results stay."""
    with store.transaction() as cur:
        audit_step(cur, session_id, "workshop session ended")
        cur.execute("update workshop_touchpoint set is_open = false where session_id = ?", [session_id])
        cur.execute(
            "update workshop_session set status = 'ended', ended_at = current_timestamp, revealed = true"
            " where id = ? and status = 'live'",
            [session_id],
        )


def reopen_session(store: Store, session_id: int, new_code: Callable[[], str]) -> Session:
    """Makes an ended session live again (everything closed); it keeps its code if still free."""
    with store.transaction() as cur:
        audit_step(cur, session_id, "workshop session reopened")
        row = cur.execute("select code, status from workshop_session where id = ?", [session_id]).fetchone()
        if row is None:
            raise WorkshopError("no such workshop session")
        if row[1] != "live":
            code = _free_code(cur, new_code, keep=str(row[0]))
            with _code_taken():
                cur.execute(
                    "update workshop_session set status = 'live', ended_at = null, revealed = false, code = ?"
                    " where id = ?",
                    [code, session_id],
                )
    found = session(store, session_id)
    assert found is not None
    return found


# --- participants ---------------------------------------------------------------------------


def join(store: Store, session_id: int, token: str, name: str = "", group_id: int | None = None) -> Participant:
    """Registers a participant of a live session under a secret token kept by their browser
    (in the room's next group commit: a whole room joins within a minute)."""
    return group_commit.run(store, _joining(session_id, token, name, group_id))


async def join_async(
    store: Store, session_id: int, token: str, name: str = "", group_id: int | None = None
) -> Participant:
    """``join`` for an event loop: waits without holding a thread."""
    return await group_commit.run_async(store, _joining(session_id, token, name, group_id))


def _joining(session_id: int, token: str, name: str, group_id: int | None) -> Callable[[Cursor], Participant]:
    def work(cur: Cursor) -> Participant:
        _require_live(cur, session_id)
        row = cur.execute(
            "insert into workshop_participant (session_id, token, name, group_id) values (?, ?, ?, ?) returning id",
            [session_id, token, name, group_id],
        ).fetchone()
        assert row is not None
        return Participant(int(row[0]), session_id, token, name, group_id)

    return work


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
