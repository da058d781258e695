"""Enhancement ideas for a touchpoint: the one write API for them (add, vote, status), and their list.

An idea moves proposed -> adopted -> made a standard, never back. Its text is cleaned by
``text.clean_text``. ``insert_idea`` works inside the caller's transaction (the demo gives its
ideas a past); the others are one transaction each, checked and recorded by ``audit.write``
under the idea's cycle. A refused write raises ``ValueError`` (``access.ForbiddenError`` when the
acting principal may not make it) with a sentence for the user and changes nothing. Ideas
proposed from workshop phones come through ``insert_idea`` too, inside the workshop's own
transaction (participants' writes are not recorded).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import domain, text
from dashboard.store import Store, audit
from dashboard.store.dialect import Cursor


def insert_idea(
    cur: Cursor,
    touchpoint_id: int,
    idea: str,
    *,
    author: str = "",
    status: str = "proposed",
    votes: int = 0,
    adopted_on: date | None = None,
    session_id: int | None = None,
    participant_id: int | None = None,
) -> int:
    """A new idea for a touchpoint; ``status``, ``votes`` and ``adopted_on`` give it a history,
    ``session_id`` and ``participant_id`` the workshop session and phone it came from."""
    cleaned = text.clean_text(idea, "idea")
    if not cleaned:
        raise ValueError("Write the idea before adding it.")
    if status not in domain.IDEA_STATUS_KEYS:
        raise ValueError(f"Unknown idea status {status!r}.")
    if votes < 0:
        raise ValueError("An idea cannot have fewer than no votes.")
    writer = text.clean_label(author, "author's name")
    if cur.execute("select count(*) from touchpoint where id = ?", [touchpoint_id]).fetchone() == (0,):
        raise ValueError("That touchpoint no longer exists.")
    row = cur.execute(
        "insert into enhancement_idea (touchpoint_id, text, status, votes, author, adopted_on, workshop_session_id,"
        " workshop_participant_id) values (?, ?, ?, ?, ?, ?, ?, ?) returning id",
        [touchpoint_id, cleaned, status, votes, writer, adopted_on, session_id, participant_id],
    ).fetchone()
    assert row is not None
    return int(row[0])


def _idea_cycle(cur: Cursor, idea_id: int) -> int | None:
    """The cycle an idea's touchpoint belongs to (None for an idea that no longer exists)."""
    row = cur.execute(
        "select t.cycle_id from enhancement_idea e join touchpoint t on t.id = e.touchpoint_id where e.id = ?",
        [idea_id],
    ).fetchone()
    return None if row is None else int(row[0])


def add_idea(store: Store, touchpoint_id: int, idea: str, author: str = "") -> int:
    """Proposes an idea for a touchpoint and returns its id."""
    with store.transaction() as cur:
        audit.write(cur, "ideas", "idea proposed", audit.touchpoint_cycles(cur, [touchpoint_id]), detail=idea)
        return insert_idea(cur, touchpoint_id, idea, author=author)


def vote_idea(store: Store, idea_id: int) -> None:
    """Counts one more vote for an idea."""
    with store.transaction() as cur:
        audit.write(cur, "ideas", "idea voted for", _idea_cycle(cur, idea_id), detail=f"idea {idea_id}")
        cur.execute("update enhancement_idea set votes = votes + 1 where id = ?", [idea_id])


def set_idea_status(
    store: Store, idea_id: int, status: str, *, on: date | None = None, new_standard: str | None = None
) -> None:
    """Moves an idea along proposed -> adopted -> made a standard (never back).

    ``on`` is the adoption date (today when omitted), kept when the idea was adopted before.
    With ``new_standard`` the idea's touchpoint gets that text as its standard, in the same
    transaction.
    """
    if status not in domain.IDEA_STATUS_KEYS:
        raise ValueError(f"Unknown idea status {status!r}.")
    standard = None if new_standard is None else text.clean_text(new_standard, "standard")
    with store.transaction() as cur:
        audit.write(cur, "ideas", f"idea moved to {status}", _idea_cycle(cur, idea_id), detail=f"idea {idea_id}")
        row = cur.execute("select status, touchpoint_id from enhancement_idea where id = ?", [idea_id]).fetchone()
        if row is None:
            raise ValueError("That idea no longer exists.")
        if domain.IDEA_STATUS_KEYS.index(status) < domain.IDEA_STATUS_KEYS.index(row[0]):
            raise ValueError(
                f"An idea that is “{domain.label(domain.IDEA_STATUSES, row[0])}” cannot go back to "
                f"“{domain.label(domain.IDEA_STATUSES, status)}”."
            )
        cur.execute(
            "update enhancement_idea set status = ?,"
            " adopted_on = case when ? = 'proposed' then null else coalesce(adopted_on, ?) end where id = ?",
            [status, status, on or date.today(), idea_id],
        )
        if standard is not None:
            cur.execute("update touchpoint set standard = ? where id = ?", [standard, row[1]])


def ideas(store: Store, touchpoint_id: int | None = None) -> pd.DataFrame:
    """Ideas (of one touchpoint, or all), most votes first."""
    with store.cursor() as cur:
        return cur.execute(
            "select id, touchpoint_id, text, status, votes, author, created_at, adopted_on from enhancement_idea"
            " where ?::integer is null or touchpoint_id = ? order by votes desc, id",
            [touchpoint_id, touchpoint_id],
        ).df()
