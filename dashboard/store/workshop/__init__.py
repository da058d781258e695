"""SQL for workshop sessions, one module per concept, re-exported here so callers write
``from dashboard.store import workshop as sql`` and ``sql.record_vote(...)``.

- ``sessions``: sessions, their touchpoints and steps, participants, totals;
- ``votes``: votes (impressions, source ``workshop``) and tallies;
- ``group_commit``: the queue and the writer thread that write the room's votes, joins and
  ideas in groups;
- ``errors``: why a workshop write was refused;
- ``ideas``: enhancement ideas proposed, backed and hidden in a session.
"""

from dashboard.store.workshop.errors import SessionEndedError, TouchpointClosedError, WorkshopError
from dashboard.store.workshop.group_commit import (
    GATHER_MAX_SECONDS,
    GATHER_STEP_SECONDS,
    VoteNotSavedError,
    VoteRequest,
    record_vote,
    record_vote_async,
    submit_votes,
)
from dashboard.store.workshop.ideas import (
    propose_idea,
    propose_idea_async,
    session_ideas,
    set_hidden,
    vote_for_idea,
    vote_for_idea_async,
)
from dashboard.store.workshop.sessions import (
    Participant,
    Session,
    create_session,
    end_session,
    join,
    join_async,
    open_touchpoints,
    participant,
    reopen_session,
    session,
    session_by_code,
    session_by_presenter_key,
    session_plan,
    session_touchpoints,
    sessions,
    set_open,
    set_phone_url,
    set_revealed,
    show_touchpoint,
    totals,
    update_participant,
)
from dashboard.store.workshop.votes import (
    participant_marks,
    participant_votes,
    session_marks,
    session_tallies,
    tally,
)

__all__ = [
    "GATHER_MAX_SECONDS",
    "GATHER_STEP_SECONDS",
    "Participant",
    "Session",
    "SessionEndedError",
    "TouchpointClosedError",
    "VoteNotSavedError",
    "VoteRequest",
    "WorkshopError",
    "create_session",
    "end_session",
    "join",
    "join_async",
    "open_touchpoints",
    "participant",
    "participant_marks",
    "participant_votes",
    "propose_idea",
    "propose_idea_async",
    "record_vote",
    "record_vote_async",
    "reopen_session",
    "session",
    "session_by_code",
    "session_by_presenter_key",
    "session_ideas",
    "session_marks",
    "session_plan",
    "session_tallies",
    "session_touchpoints",
    "sessions",
    "set_hidden",
    "set_open",
    "set_phone_url",
    "set_revealed",
    "show_touchpoint",
    "submit_votes",
    "tally",
    "totals",
    "update_participant",
    "vote_for_idea",
    "vote_for_idea_async",
]
