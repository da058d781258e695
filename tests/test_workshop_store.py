"""Workshop storage: sessions, one vote per participant per touchpoint, ideas, and a room of
300 people voting at once without a vote lost or counted twice."""

from __future__ import annotations

import asyncio
import importlib
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from dashboard.store import Store, cycles, groups, ideas
from dashboard.store import workshop as sql
from dashboard.store.workshop import group_commit, votes
from dashboard.touchpoints import TouchpointFields

pytestmark = pytest.mark.both_backends

ROOM = 300


@pytest.fixture
def cycle(store: Store) -> tuple[int, list[int]]:
    """A service cycle of three touchpoints in a fresh workspace."""
    cycle_id = cycles.create_cycle(store, "Repair job")
    touchpoints = [
        cycles.add_touchpoint(store, cycle_id, TouchpointFields(name, moment))
        for name, moment in [("Booking call", "now_or_never"), ("Quote", "make_or_break"), ("Invoice", "keep_or_lose")]
    ]
    return cycle_id, touchpoints


def codes(*values: str) -> Iterator[str]:
    yield from values


def start(store: Store, cycle: tuple[int, list[int]], code: str = "ABCD") -> sql.Session:
    cycle_id, touchpoints = cycle
    return sql.create_session(store, cycle_id, touchpoints, "1-5", codes(code).__next__)


def workshop_impressions(store: Store) -> list[tuple[int, str, float, str, int]]:
    with store.cursor() as cur:
        return cur.execute(
            "select touchpoint_id, raw_value, score, source, workshop_session_id from impression"
            " where source = 'workshop' order by touchpoint_id, raw_value"
        ).fetchall()


def test_a_new_session_is_live_shows_its_first_touchpoint_and_has_nothing_open(store, cycle):
    session = start(store, cycle)
    assert session.status == "live"
    assert session.code == "ABCD"
    assert session.current_touchpoint_id == cycle[1][0]
    assert session.revealed is False
    items = sql.session_touchpoints(store, session.id)
    assert items[["touchpoint_id", "position", "is_open", "votes"]].values.tolist() == [
        [cycle[1][0], 1, False, 0],
        [cycle[1][1], 2, False, 0],
        [cycle[1][2], 3, False, 0],
    ]


def test_a_join_code_is_unique_among_live_sessions_but_an_ended_sessions_code_can_return(store, cycle):
    first = start(store, cycle, "ABCD")
    second = sql.create_session(store, cycle[0], cycle[1], "1-5", codes("ABCD", "WXYZ").__next__)
    assert second.code == "WXYZ"
    sql.end_session(store, first.id)
    third = sql.create_session(store, cycle[0], cycle[1], "1-5", codes("ABCD").__next__)
    assert third.code == "ABCD"
    assert sql.session_by_code(store, "ABCD") == third


def test_a_reopened_session_keeps_its_code_unless_a_live_session_took_it(store, cycle):
    first = start(store, cycle, "ABCD")
    sql.end_session(store, first.id)
    start(store, cycle, "ABCD")
    reopened = sql.reopen_session(store, first.id, codes("QRST").__next__)
    assert (reopened.status, reopened.code) == ("live", "QRST")


def test_touchpoints_of_another_cycle_cannot_join_a_session(store, cycle):
    other = cycles.create_cycle(store, "Renewal")
    stray = cycles.add_touchpoint(store, other, TouchpointFields("Reminder", "multiplier"))
    with pytest.raises(sql.WorkshopError, match="must belong"):
        sql.create_session(store, cycle[0], [cycle[1][0], stray], "1-5", codes("ABCD").__next__)
    assert sql.sessions(store).empty


def test_showing_a_touchpoint_opens_it_alone_and_hides_results_again(store, cycle):
    session = start(store, cycle)
    sql.set_open(store, session.id, True)
    sql.set_revealed(store, session.id, True)
    sql.show_touchpoint(store, session.id, cycle[1][1])
    items = sql.session_touchpoints(store, session.id)
    assert items["is_open"].tolist() == [False, True, False]
    after = sql.session(store, session.id)
    assert after is not None
    assert (after.current_touchpoint_id, after.revealed) == (cycle[1][1], False)


def test_a_changed_vote_replaces_the_old_one_and_a_withdrawn_vote_disappears(store, cycle):
    session = start(store, cycle)
    sql.set_open(store, session.id, True)
    alice = sql.join(store, session.id, "token-a", "Alice")
    sql.record_vote(store, alice.id, cycle[1][0], "2", -0.5)
    sql.record_vote(store, alice.id, cycle[1][0], "5", 1.0)
    sql.record_vote(store, alice.id, cycle[1][1], "3", 0.0)
    assert workshop_impressions(store) == [
        (cycle[1][0], "5", 1.0, "workshop", session.id),
        (cycle[1][1], "3", 0.0, "workshop", session.id),
    ]
    assert sql.participant_votes(store, alice.id) == {cycle[1][0]: "5", cycle[1][1]: "3"}
    sql.record_vote(store, alice.id, cycle[1][1], None, None)
    assert workshop_impressions(store) == [(cycle[1][0], "5", 1.0, "workshop", session.id)]
    assert sql.totals(store, session.id) == {"participants": 1, "votes": 1, "ideas": 0}


def test_votes_on_a_closed_touchpoint_or_an_ended_session_are_refused_and_nothing_is_written(store, cycle):
    session = start(store, cycle)
    alice = sql.join(store, session.id, "token-a")
    with pytest.raises(sql.WorkshopError, match="closed"):
        sql.record_vote(store, alice.id, cycle[1][0], "4", 0.5)
    sql.set_open(store, session.id, True)
    sql.end_session(store, session.id)
    with pytest.raises(sql.WorkshopError, match="ended"):
        sql.record_vote(store, alice.id, cycle[1][0], "4", 0.5)
    assert workshop_impressions(store) == []


def test_a_participant_group_follows_their_votes(store, cycle):
    session = start(store, cycle)
    sql.set_open(store, session.id, True)
    group = groups.add_group(store, "Front desk")
    bob = sql.join(store, session.id, "token-b")
    sql.record_vote(store, bob.id, cycle[1][0], "4", 0.5)
    sql.update_participant(store, bob.id, "Bob", group)
    with store.cursor() as cur:
        assert cur.execute("select group_id from impression where source = 'workshop'").fetchall() == [(group,)]


def test_an_idea_takes_one_vote_per_participant_and_becomes_the_touchpoints_enhancement_idea(store, cycle):
    session = start(store, cycle)
    alice = sql.join(store, session.id, "token-a", "Alice")
    bob = sql.join(store, session.id, "token-b", "Bob")
    idea = sql.propose_idea(store, alice.id, cycle[1][2], "Send the invoice with a thank-you note", "Alice")
    sql.vote_for_idea(store, bob.id, idea)
    sql.vote_for_idea(store, bob.id, idea)
    sql.vote_for_idea(store, alice.id, idea)
    sql.vote_for_idea(store, alice.id, idea, in_favour=False)
    proposed = sql.session_ideas(store, session.id, bob.id)
    assert proposed[["text", "votes", "author", "mine", "backed"]].values.tolist() == [
        ["Send the invoice with a thank-you note", 1, "Alice", False, True]
    ]
    assert ideas.ideas(store, cycle[1][2])["text"].tolist() == ["Send the invoice with a thank-you note"]


def test_a_limited_idea_list_keeps_the_most_backed_few_and_always_the_participants_own(store, cycle):
    session = start(store, cycle)
    alice = sql.join(store, session.id, "token-a", "Alice")
    bob = sql.join(store, session.id, "token-b", "Bob")
    backed = sql.propose_idea(store, alice.id, cycle[1][2], "Call back within the hour", "Alice")
    sql.propose_idea(store, alice.id, cycle[1][2], "Free coffee", "Alice")
    sql.propose_idea(store, bob.id, cycle[1][2], "Send photos", "Bob")
    sql.vote_for_idea(store, bob.id, backed)
    assert sql.session_ideas(store, session.id, bob.id, limit=1)["text"].tolist() == [
        "Call back within the hour",
        "Send photos",
    ]
    assert sql.session_ideas(store, session.id, bob.id, limit=2)["text"].tolist() == [
        "Call back within the hour",
        "Free coffee",
        "Send photos",
    ]


def test_three_hundred_people_voting_at_once_lose_no_vote_and_count_none_twice(store, cycle, monkeypatch):
    # 300 joins one after another would each wait out the writer's pause between groups.
    monkeypatch.setattr(group_commit, "BATCH_INTERVAL_SECONDS", 0.0)
    session = start(store, cycle)
    sql.set_open(store, session.id, True)
    people = [sql.join(store, session.id, f"token-{i}") for i in range(ROOM)]
    first, second = cycle[1][0], cycle[1][1]
    barrier = threading.Barrier(ROOM)
    errors: list[BaseException] = []

    def take_part(index: int) -> None:
        try:
            barrier.wait()
            person = people[index].id
            # Everyone votes 1 on the first touchpoint, then changes their mind to a point
            # that depends on who they are; on the second touchpoint they vote once.
            sql.record_vote(store, person, first, "1", -1.0)
            point = index % 5 + 1
            sql.record_vote(store, person, first, str(point), (point - 3) / 2)
            sql.record_vote(store, person, second, "4", 0.5)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=take_part, args=(i,)) for i in range(ROOM)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sql.tally(store, session.id, first).sort_values("raw_value")[["raw_value", "votes"]].values.tolist() == [
        ["1", 60],
        ["2", 60],
        ["3", 60],
        ["4", 60],
        ["5", 60],
    ]
    assert sql.tally(store, session.id, second)[["raw_value", "votes"]].values.tolist() == [["4", 300]]
    with store.cursor() as cur:
        per_touchpoint = cur.execute(
            "select touchpoint_id, count(*), count(distinct id) from impression where workshop_session_id = ?"
            " group by touchpoint_id order by touchpoint_id",
            [session.id],
        ).fetchall()
    assert per_touchpoint == [(first, 300, 300), (second, 300, 300)]


def test_the_writer_waits_for_a_burst_of_votes_but_never_longer_than_the_cap(monkeypatch: pytest.MonkeyPatch):
    """Group commit: the writer writes once the queue stops growing, or at the cap while it
    keeps growing; a lone vote waits one step. (A fake clock: each step lets time pass and,
    while the burst lasts, one more vote arrive.)"""
    queue = group_commit._VoteQueue()
    clock = {"now": 0.0, "steps": 0, "arrivals": 0}

    def sleep(seconds: float) -> None:
        clock["now"] += seconds
        clock["steps"] += 1
        if clock["arrivals"]:
            clock["arrivals"] -= 1
            queue.pending.append(sql.VoteRequest(1, 1, "3", 0.0))

    monkeypatch.setattr(time, "sleep", sleep)
    monkeypatch.setattr(time, "monotonic", lambda: clock["now"])

    group_commit._gather(queue)  # nothing arrives: one step
    assert clock["steps"] == 1

    clock.update(steps=0, arrivals=3)  # a short burst: waits it out, plus the step that sees it end
    group_commit._gather(queue)
    assert (clock["steps"], len(queue.pending)) == (4, 3)

    clock.update(steps=0, arrivals=10_000)  # a burst that goes on: stops at the cap
    group_commit._gather(queue)
    assert clock["steps"] == round(sql.GATHER_MAX_SECONDS / sql.GATHER_STEP_SECONDS)


def test_a_batch_that_dies_mid_write_tells_every_waiter_and_saves_nothing(store, cycle, monkeypatch):
    """Even an interrupt (not an Exception) must not leave a request looking saved; the writer
    goes on with the next group."""
    session = start(store, cycle)
    sql.set_open(store, session.id, True)
    person = sql.join(store, session.id, "token-x")

    class Interrupted(BaseException):
        pass

    def dies(store: Store, batch: list[sql.VoteRequest]) -> list[str | None]:
        raise Interrupted("stopped")

    monkeypatch.setattr(votes, "write_votes", dies)
    request = sql.VoteRequest(person.id, cycle[1][0], "4", 0.5)
    sql.submit_votes(store, [request])
    assert request.done.is_set()
    assert request.error == "the vote could not be saved (stopped)"
    with pytest.raises(sql.VoteNotSavedError, match="^the vote could not be saved"):
        sql.record_vote(store, person.id, cycle[1][0], "4", 0.5)
    monkeypatch.undo()
    sql.record_vote(store, person.id, cycle[1][0], "4", 0.5)
    assert sql.participant_votes(store, person.id) == {cycle[1][0]: "4"}


def test_a_vote_awaited_on_an_event_loop_is_written_and_a_refusal_raises_there(store, cycle):
    """The HTTP routes' path: the writer thread settles the loop's future."""
    session = start(store, cycle)
    sql.set_open(store, session.id, True, cycle[1][0])
    person = sql.join(store, session.id, "token-y")

    async def both() -> None:
        await sql.record_vote_async(store, person.id, cycle[1][0], "2", -0.5)
        with pytest.raises(sql.TouchpointClosedError, match="^voting on this touchpoint is closed$"):
            await sql.record_vote_async(store, person.id, cycle[1][1], "2", -0.5)

    # A loop of its own on a thread of its own: another test in this process may have left one
    # running on this thread (Playwright's).
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, both()).result()
    assert sql.participant_votes(store, person.id) == {cycle[1][0]: "2"}


def test_a_refused_change_in_a_group_leaves_the_votes_and_joins_beside_it_written(store, cycle):
    """Joins, ideas and backings ride in the votes' transaction; one refused before it wrote
    anything is answered with its reason and the rest of the group commits."""
    session = start(store, cycle)
    sql.set_open(store, session.id, True)
    ann = sql.join(store, session.id, "token-ann")
    vote = sql.VoteRequest(ann.id, cycle[1][0], "5", 1.0)
    # The package re-exports functions named like these modules: take the modules themselves.
    sessions, workshop_ideas = (importlib.import_module(f"dashboard.store.workshop.{m}") for m in ("sessions", "ideas"))
    joining = group_commit.Job(sessions._joining(session.id, "token-bob", "Bob", None))
    refused = group_commit.Job(workshop_ideas._proposing(ann.id, cycle[1][0], "Call back", "Ann", 0))
    idea = group_commit.Job(workshop_ideas._proposing(ann.id, cycle[1][1], "Send photos", "Ann", None))
    group_commit.enqueue_votes(store, [vote, joining, refused, idea])
    for write in (vote, joining, refused, idea):
        write.done.wait()
    assert vote.error is None and sql.participant_votes(store, ann.id) == {cycle[1][0]: "5"}
    assert joining.outcome() == sql.participant(store, "token-bob")
    with pytest.raises(sql.WorkshopError, match="^you have proposed 0 ideas, the most one person can in a session$"):
        refused.outcome()
    assert sql.session_ideas(store, session.id)[["id", "text"]].values.tolist() == [[idea.outcome(), "Send photos"]]


def test_backings_in_one_group_count_each_person_once_and_the_newest_request_wins(store, cycle):
    session = start(store, cycle)
    other = sql.create_session(store, cycle[0], cycle[1], "1-5", codes("WXYZ").__next__)
    ann, bob, cy = (sql.join(store, session.id, f"token-{n}") for n in ("ann", "bob", "cy"))
    stranger = sql.join(store, other.id, "token-stranger")
    idea = sql.propose_idea(store, cy.id, cycle[1][0], "Call back within the hour")
    hidden = sql.propose_idea(store, cy.id, cycle[1][1], "Free coffee")
    sql.set_hidden(store, session.id, hidden, True)
    group = [
        group_commit.BackingRequest(ann.id, idea, True),
        group_commit.BackingRequest(bob.id, idea, True),
        group_commit.BackingRequest(bob.id, idea, False),  # Bob changes his mind in the same instant
        group_commit.BackingRequest(ann.id, hidden, True),
        group_commit.BackingRequest(stranger.id, idea, True),
        group_commit.BackingRequest(ann.id, idea, True),  # a repeated tap counts once
    ]
    group_commit.enqueue_votes(store, group)
    for request in group:
        request.done.wait()
    assert [r.error for r in group] == [
        None,
        None,
        None,
        "the facilitator has taken that idea off the wall",
        "that idea is not part of this session",
        None,
    ]
    shown = sql.session_ideas(store, session.id, ann.id)
    assert shown[["text", "votes", "backed"]].values.tolist() == [["Call back within the hour", 1, True]]
    sql.vote_for_idea(store, ann.id, idea, False)
    assert sql.session_ideas(store, session.id)[["text", "votes"]].values.tolist() == [
        ["Call back within the hour", 0],
        ["Free coffee", 0],
    ]
