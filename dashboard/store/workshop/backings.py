"""SQL for backing ideas in a group: every backing (or taking back) waiting, in one set of statements.

``workshop_idea_vote`` holds one backing per participant per idea and ``enhancement_idea.votes``
the count. A group carries the room's backings of one moment (``group_commit``); the newest
request per participant and idea wins, as with votes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import pyarrow as pa

from dashboard.store.dialect import Cursor, staged

NOT_A_PARTICIPANT = "you are not part of a workshop session"
ENDED = "this workshop session has ended"
NOT_IN_SESSION = "that idea is not part of this session"
HIDDEN = "the facilitator has taken that idea off the wall"

# Each request with why it is refused (null: accepted), whether it is the newest of its
# participant and idea, and whether that participant backs the idea now.
_CHECKED = (
    "select b.seq, b.participant_id, b.idea_id, b.in_favour,"
    " case when p.id is null then ? when s.status <> 'live' then ?"
    "      when e.id is null or e.workshop_session_id is distinct from p.session_id then ?"
    "      when b.in_favour and coalesce(e.hidden, false) then ? end as refusal,"
    " row_number() over (partition by b.participant_id, b.idea_id order by b.seq desc) = 1 as newest,"
    " v.idea_id is not null as backed_now"
    " from incoming_backings b"
    " left join workshop_participant p on p.id = b.participant_id"
    " left join workshop_session s on s.id = p.session_id"
    " left join enhancement_idea e on e.id = b.idea_id"
    " left join workshop_idea_vote v on v.idea_id = b.idea_id and v.participant_id = b.participant_id"
)
_ACCEPTED = f"with accepted as (select * from ({_CHECKED}) checked where refusal is null and newest) "  # noqa: S608 fixed SQL
_REASONS = [NOT_A_PARTICIPANT, ENDED, NOT_IN_SESSION, HIDDEN]


class Backing(Protocol):
    """One backing to write (``in_favour`` False takes it back)."""

    participant_id: int
    idea_id: int
    in_favour: bool


def write_backings(cur: Cursor, batch: Sequence[Backing]) -> list[str | None]:
    """Writes a group of backings inside the caller's transaction; per request, in order, None
    (done, or replaced by a later one of the same group) or why it was refused."""
    incoming = pa.table(
        {
            "seq": pa.array(range(len(batch)), pa.int64()),
            "participant_id": pa.array([b.participant_id for b in batch], pa.int64()),
            "idea_id": pa.array([b.idea_id for b in batch], pa.int64()),
            "in_favour": pa.array([b.in_favour for b in batch], pa.bool_()),
        }
    )
    with staged(cur, {"incoming_backings": incoming}):
        refusals = dict(cur.execute(f"select seq, refusal from ({_CHECKED}) checked", _REASONS).fetchall())  # noqa: S608 fixed SQL
        # The counts move first, while ``backed_now`` still says what was backed before.
        cur.execute(
            _ACCEPTED + "update enhancement_idea set votes = votes + d.delta from (select idea_id,"  # noqa: S608 fixed SQL
            " sum(case when in_favour and not backed_now then 1 when not in_favour and backed_now then -1"
            " else 0 end) as delta from accepted group by idea_id) d"
            " where enhancement_idea.id = d.idea_id and d.delta <> 0",
            _REASONS,
        )
        cur.execute(
            _ACCEPTED + "insert into workshop_idea_vote select idea_id, participant_id from accepted"  # noqa: S608 fixed SQL
            " where in_favour and not backed_now",
            _REASONS,
        )
        cur.execute(
            _ACCEPTED + "delete from workshop_idea_vote using accepted a"  # noqa: S608 fixed SQL
            " where workshop_idea_vote.idea_id = a.idea_id and workshop_idea_vote.participant_id = a.participant_id"
            " and not a.in_favour and a.backed_now",
            _REASONS,
        )
    return [refusals.get(seq) for seq in range(len(batch))]
