"""Workshop votes, written by group commit, and what they add up to.

A workshop vote is an impression (source ``workshop``, ``workshop_session_id`` set), so it
shows on the map and the dashboards like any other. ``workshop_vote`` holds one row per
participant per touchpoint that points at that impression: a changed vote updates the
impression in place, a withdrawn vote deletes it, so nothing is ever counted twice.

Votes arrive in bursts, so they are written in groups (``group_commit``): ``write_votes``
writes one group in one transaction with a handful of set-based statements.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.store import Store, dialect, rollup
from dashboard.store.dialect import Cursor, staged

NOT_A_PARTICIPANT = "you are not part of a live workshop session"
ENDED = "this workshop session has ended"
CLOSED = "voting on this touchpoint is closed"


class Vote(Protocol):
    """One vote to write (``raw_value`` None withdraws it)."""

    participant_id: int
    touchpoint_id: int
    raw_value: str | None
    score: float | None


def _incoming(batch: Sequence[Vote]) -> pa.Table:
    # The votes go to DuckDB as Arrow tables: a pandas frame with text columns is sampled for
    # its types on every statement that reads it, a few milliseconds each time.
    return pa.table(
        {
            "seq": pa.array(range(len(batch)), pa.int64()),
            "participant_id": pa.array([r.participant_id for r in batch], pa.int64()),
            "touchpoint_id": pa.array([r.touchpoint_id for r in batch], pa.int64()),
            "raw_value": pa.array([r.raw_value for r in batch], pa.string()),
            "score": pa.array([r.score for r in batch], pa.float64()),
        }
    )


def _checked(cur: Cursor) -> pa.Table:
    """Every incoming request with whether it may be written: the participant's session is live
    and the touchpoint is open in it. Only the newest request per participant and touchpoint is
    marked ``newest``; the older ones are answered as done."""
    return dialect.arrow(
        cur,
        "select v.seq, v.participant_id, v.touchpoint_id, v.raw_value, v.score, p.session_id, p.group_id,"
        " s.scale, o.impression_id,"
        " case when p.id is null then ?"
        "      when s.status <> 'live' then ?"
        "      when w.is_open is not true then ? end as refusal,"
        " row_number() over (partition by v.participant_id, v.touchpoint_id order by v.seq desc) = 1 as newest,"
        " case when o.impression_id is null and v.raw_value is not null"
        "      then nextval('impression_id') end as new_impression_id"
        " from incoming_votes v"
        " left join workshop_participant p on p.id = v.participant_id"
        " left join workshop_session s on s.id = p.session_id"
        " left join workshop_touchpoint w on w.session_id = p.session_id and w.touchpoint_id = v.touchpoint_id"
        " left join workshop_vote o on o.participant_id = v.participant_id and o.touchpoint_id = v.touchpoint_id",
        [NOT_A_PARTICIPANT, ENDED, CLOSED],
    )


def _change(cur: Cursor) -> None:
    """Changed votes: the impression and the vote row take the new value in place."""
    # The leadership roll-up moves each changed vote from its old value to its new one
    # (workshop impressions carry no comment).
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


def _withdraw(cur: Cursor) -> None:
    """Withdrawn votes: the impression leaves the roll-ups and the table, and so does the vote row."""
    rollup.retract(cur, "id in (select impression_id from accepted_votes where raw_value is null)", [])
    cur.execute(
        "delete from impression where id in (select impression_id from accepted_votes"
        " where raw_value is null and impression_id is not null)"
    )
    cur.execute(
        "delete from workshop_vote using accepted_votes a"
        " where workshop_vote.participant_id = a.participant_id"
        " and workshop_vote.touchpoint_id = a.touchpoint_id and a.raw_value is null"
    )


def _add(cur: Cursor) -> None:
    """First votes: a new impression each, and the vote row pointing at it."""
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


def write_votes(cur: Cursor, batch: Sequence[Vote]) -> list[str | None]:
    """Writes a group of votes inside the caller's transaction; per vote, in order, None
    (written, or replaced by a later vote of the same group) or why it was refused."""
    with staged(cur, {"incoming_votes": _incoming(batch)}):
        checked = _checked(cur)
        # Arrow from end to end: a pandas frame here and back cost about 8 ms of CPU a group.
        accepted = checked.filter(pc.and_(pc.is_null(checked["refusal"]), checked["newest"]))
        withdrawn = pc.is_null(accepted["raw_value"])
        existing = pc.is_valid(accepted["impression_id"])
        # Only the statements this batch needs: each costs a couple of milliseconds.
        with staged(cur, {"accepted_votes": accepted}):
            if pc.any(pc.and_(existing, pc.invert(withdrawn))).as_py():
                _change(cur)
            if pc.any(pc.and_(existing, withdrawn)).as_py():
                _withdraw(cur)
            if pc.any(pc.is_valid(accepted["new_impression_id"])).as_py():
                _add(cur)
    refusals = dict(zip(checked["seq"].to_pylist(), checked["refusal"].to_pylist(), strict=True))
    return [refusals.get(seq) for seq in range(len(batch))]


def participant_votes(store: Store, participant_id: int) -> dict[int, str]:
    """The participant's current vote per touchpoint (the raw value as written on the scale)."""
    with store.cursor() as cur:
        rows = cur.execute(
            "select touchpoint_id, raw_value from workshop_vote where participant_id = ?", [participant_id]
        ).fetchall()
    return {int(t): str(v) for t, v in rows}


def participant_marks(store: Store, participant_id: int) -> tuple[dict[int, str], set[int]]:
    """A participant's scores per touchpoint and the ideas they back, in one query (a phone asks often)."""
    with store.cursor() as cur:
        rows = cur.execute(
            "select touchpoint_id, raw_value from workshop_vote where participant_id = ?"
            " union all select idea_id, null from workshop_idea_vote where participant_id = ?",
            [participant_id, participant_id],
        ).fetchall()
    scores = {int(t): str(v) for t, v in rows if v is not None}
    return scores, {int(i) for i, v in rows if v is None}


def session_marks(store: Store, session_id: int) -> pd.DataFrame:
    """Every participant of a session with their scores and backings, one row each (``kind``:
    ``p`` the participant, ``v`` a score on touchpoint ``item``, ``b`` a backing of idea ``item``).
    One query for a whole room, instead of one per phone when the facilitator moves on."""
    with store.cursor() as cur:
        return cur.execute(
            "select id as participant_id, 'p' as kind, null::bigint as item, null::varchar as answer"
            " from workshop_participant where session_id = ?"
            " union all select participant_id, 'v', touchpoint_id, raw_value from workshop_vote where session_id = ?"
            " union all select v.participant_id, 'b', v.idea_id, null from workshop_idea_vote v"
            " join workshop_participant p on p.id = v.participant_id where p.session_id = ?",
            [session_id, session_id, session_id],
        ).df()


def tally(store: Store, session_id: int, touchpoint_id: int) -> pd.DataFrame:
    """How many votes each scale point has for one touchpoint of the session, and their scores."""
    with store.cursor() as cur:
        return cur.execute(
            "select raw_value, count(*) as votes, sum(score) as total from workshop_vote"
            " where session_id = ? and touchpoint_id = ? group by raw_value",
            [session_id, touchpoint_id],
        ).df()


def session_tallies(store: Store, session_id: int) -> pd.DataFrame:
    """Every touchpoint's votes per scale point in one session (the results an API caller reads)."""
    with store.cursor() as cur:
        return cur.execute(
            "select touchpoint_id, raw_value, count(*) as votes, sum(score) as total from workshop_vote"
            " where session_id = ? group by touchpoint_id, raw_value order by touchpoint_id, raw_value",
            [session_id],
        ).df()
