"""SQL for a workshop's enhancement ideas: proposing, backing, hiding from the wall.

An idea from a workshop is an ``enhancement_idea`` like any other (it shows on the map), with
the session and participant it came from. ``workshop_idea_vote`` holds one backing per
participant per idea; ``enhancement_idea.votes`` keeps the count.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from dashboard.store import Cursor, Store
from dashboard.store import ideas as idea_store
from dashboard.store.workshop import group_commit
from dashboard.store.workshop.errors import SessionEndedError, WorkshopError
from dashboard.store.workshop.sessions import audit_step


def _require_participant_in_live_session(cur: Cursor, participant_id: int) -> int:
    row = cur.execute(
        "select s.id, s.status from workshop_participant p join workshop_session s on s.id = p.session_id"
        " where p.id = ?",
        [participant_id],
    ).fetchone()
    if row is None:
        raise WorkshopError("you are not part of a workshop session")
    if row[1] != "live":
        raise SessionEndedError("this workshop session has ended")
    return int(row[0])


def propose_idea(
    store: Store, participant_id: int, touchpoint_id: int, text: str, author: str = "", *, limit: int | None = None
) -> int:
    """Adds an enhancement idea for a touchpoint of the participant's live session (in the room's
    next group commit). With ``limit``, a participant who has proposed that many ideas in the
    session is refused."""
    return group_commit.run(store, _proposing(participant_id, touchpoint_id, text, author, limit))


async def propose_idea_async(
    store: Store, participant_id: int, touchpoint_id: int, text: str, author: str = "", *, limit: int | None = None
) -> int:
    """``propose_idea`` for an event loop: waits without holding a thread."""
    return await group_commit.run_async(store, _proposing(participant_id, touchpoint_id, text, author, limit))


def _proposing(
    participant_id: int, touchpoint_id: int, text: str, author: str, limit: int | None
) -> Callable[[Cursor], int]:
    def work(cur: Cursor) -> int:  # every refusal comes before the insert (see group_commit.Job)
        session_id = _require_participant_in_live_session(cur, participant_id)
        member = cur.execute(
            "select 1 from workshop_touchpoint where session_id = ? and touchpoint_id = ?", [session_id, touchpoint_id]
        ).fetchone()
        if member is None:
            raise WorkshopError("that touchpoint is not part of this session")
        if limit is not None:
            count = cur.execute(
                "select count(*) from enhancement_idea where workshop_participant_id = ?", [participant_id]
            ).fetchone()
            if count is not None and int(count[0]) >= limit:
                raise WorkshopError(f"you have proposed {limit} ideas, the most one person can in a session")
        return idea_store.insert_idea(
            cur, touchpoint_id, text, author=author, session_id=session_id, participant_id=participant_id
        )

    return work


def vote_for_idea(store: Store, participant_id: int, idea_id: int, in_favour: bool = True) -> None:
    """Gives (or takes back) a participant's one vote for an idea of their session (in the room's
    next group commit, with every other backing waiting: ``backings``)."""
    group_commit.back(store, participant_id, idea_id, in_favour)


async def vote_for_idea_async(store: Store, participant_id: int, idea_id: int, in_favour: bool = True) -> None:
    """``vote_for_idea`` for an event loop: waits without holding a thread."""
    await group_commit.back_async(store, participant_id, idea_id, in_favour)


def set_hidden(store: Store, session_id: int, idea_id: int, hidden: bool) -> None:
    """Takes an idea off the wall (or puts it back); only its author still sees it, marked hidden."""
    with store.transaction() as cur:
        audit_step(
            cur, session_id, "idea taken off the wall" if hidden else "idea put back on the wall", f"idea {idea_id}"
        )
        found = cur.execute(
            "update enhancement_idea set hidden = ? where id = ? and workshop_session_id = ? returning id",
            [hidden, idea_id, session_id],
        ).fetchall()
        if not found:
            raise WorkshopError("that idea is not part of this session")


def session_ideas(
    store: Store, session_id: int, participant_id: int | None = None, *, limit: int | None = None
) -> pd.DataFrame:
    """The session's ideas, most backed first, with whether the given participant wrote or backed each.

    Hidden ideas are left out, except for their author (``hidden`` says so) and for the
    facilitator's list (no participant given). ``limit`` keeps the first few of the others; the
    participant's own ideas always come along."""
    with store.cursor() as cur:
        return cur.execute(
            "select id, touchpoint_id, touchpoint, text, votes, author, author_id, mine, hidden, backed from ("
            " select e.id, e.touchpoint_id, t.name as touchpoint, e.text, e.votes, e.author,"
            " e.workshop_participant_id as author_id,"
            " coalesce(e.workshop_participant_id = ?, false) as mine, coalesce(e.hidden, false) as hidden,"
            " exists (select 1 from workshop_idea_vote v where v.idea_id = e.id and v.participant_id = ?) as backed,"
            " row_number() over (order by e.votes desc, e.id) as rank"
            " from enhancement_idea e join touchpoint t on t.id = e.touchpoint_id"
            " where e.workshop_session_id = ?"
            " and (?::integer is null or not coalesce(e.hidden, false) or e.workshop_participant_id = ?)) ranked"
            " where ?::integer is null or rank <= ? or mine order by votes desc, id",
            [participant_id, participant_id, session_id, participant_id, participant_id, limit, limit],
        ).df()
