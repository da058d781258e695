"""The rules of a room of phones, without HTTP: rate limits, the CSRF value, the change notifier,
and which ideas a phone lists."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pandas as pd
import pytest

from dashboard import notify, room
from dashboard import workshop as ws
from dashboard.notify import LocalNotifier
from dashboard.store import Store, cycles, listen
from dashboard.store import workshop as sql
from dashboard.touchpoints import TouchpointFields
from tests import loops


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_rate_limit_allows_a_burst_then_refills_at_its_rate():
    clock = Clock()
    limit = room.RateLimiter(burst=3, per_minute=6, clock=clock)
    assert [limit.take("a") for _ in range(4)] == [True, True, True, False]
    assert limit.take("b")  # every key has its own allowance
    clock.now += 9.9  # 6 a minute: one every 10 seconds
    assert not limit.take("a")
    clock.now += 0.1
    assert limit.take("a") and not limit.take("a")
    clock.now += 3600
    assert [limit.take("a") for _ in range(4)] == [True, True, True, False]  # never more than the burst


def test_blocked_looks_at_the_allowance_without_using_it():
    limit = room.RateLimiter(burst=2, per_minute=1, clock=Clock())
    assert not limit.blocked("a") and not limit.blocked("a")
    limit.take("a")
    limit.take("a")
    assert limit.blocked("a")


def test_only_wrong_codes_use_an_addresss_allowance_so_a_whole_room_on_one_address_gets_in():
    limits = room.Limits.standard(clock=Clock())
    assert (limits.wrong_codes.burst, limits.wrong_codes.rate * 60) == (10, 10)
    assert (limits.votes.burst, limits.votes.rate * 60) == (30, 60)
    assert (limits.ideas.burst, limits.ideas.rate * 60) == (5, 6)


def test_the_csrf_value_follows_from_the_token_and_differs_between_tokens():
    assert room.csrf_value("abc") == room.csrf_value("abc")
    assert room.csrf_value("abc") != room.csrf_value("abd")
    assert len(room.csrf_value("abc")) == 32
    assert "abc" not in room.csrf_value("abc")


def test_a_waiting_phone_wakes_when_the_session_changes_and_not_for_another_session():
    notifier = LocalNotifier()
    start = notifier.version(1)

    async def scenario() -> tuple[int, int, int]:
        other = asyncio.create_task(notifier.wait_for_change(2, notifier.version(2), 0.3))
        waiting = asyncio.create_task(notifier.wait_for_change(1, start, 5))
        await asyncio.sleep(0.05)
        assert notifier.waiting() == 2
        # A step made in another thread (a Streamlit script run) wakes the waiter on its loop.
        threading.Thread(target=notifier.bump, args=(1,)).start()
        woke = await waiting
        return woke, await other, notifier.waiting()

    woke, other, left = loops.run(scenario())
    assert woke == start + 1
    assert other == notifier.version(2)  # timed out: the same version back
    assert left == 0


def test_a_phone_whose_version_is_already_old_gets_the_new_one_at_once():
    notifier = LocalNotifier()
    notifier.bump(7)
    assert loops.run(notifier.wait_for_change(7, 12345, 5)) == notifier.version(7)


def _shared(rows: list[tuple[int, int | None, bool, int]]) -> room.Shared:
    """A session's shared state holding ideas as the store lists them: id, author, hidden,
    backers (most backed first)."""
    frame = pd.DataFrame(rows, columns=["id", "author_id", "hidden", "votes"])
    ideas = frame.assign(touchpoint_id=1, touchpoint="Desk", text=frame["id"].map("idea {}".format))
    wall, own = room._walls(ideas)
    return room.Shared(1, None, [], [], wall, own, ())  # type: ignore[arg-type]


def test_a_phone_lists_the_most_backed_ideas_and_its_own_but_hidden_ones_only_to_their_author(monkeypatch):
    monkeypatch.setattr(room, "IDEAS_SHOWN", 2)
    shared = _shared([(1, 5, False, 9), (2, 6, True, 8), (3, 6, False, 7), (4, 6, False, 1), (5, 5, False, 0)])
    seen = room._ideas_for(shared, participant_id=5, backed={3})
    assert [(i["id"], i["mine"], i["backed"], i["hidden"]) for i in seen] == [
        (1, True, False, False),
        (3, False, True, False),
        (5, True, False, False),  # the wall's two, and the rest of their own
    ]
    author = room._ideas_for(shared, participant_id=6, backed=set())
    assert [(i["id"], i["mine"], i["hidden"]) for i in author] == [
        (1, False, False),
        (2, True, True),
        (3, True, False),
        (4, True, False),
    ]
    stranger = room._ideas_for(shared, participant_id=7, backed=set())
    assert [i["id"] for i in stranger] == [1, 3]
    assert "author_id" not in stranger[0]  # who wrote an idea stays on the server


@pytest.fixture
def session(store: Store) -> ws.Session:
    cycle_id = cycles.create_cycle(store, "Repair job")
    first = cycles.add_touchpoint(store, cycle_id, TouchpointFields("Quote", "make_or_break"))
    second = cycles.add_touchpoint(store, cycle_id, TouchpointFields("Visit", "keep_or_lose"))
    return ws.start(store, cycle_id, [first, second], "1-5")


def test_a_phones_state_carries_the_open_touchpoints_the_scale_and_its_own_scores(store: Store, session: ws.Session):
    the_room = room.Room(lambda: store, LocalNotifier())
    ann, token = ws.join(store, session, "Ann")
    ws.apply_step(store, session, "open")
    assert session.current_touchpoint_id is not None
    ws.vote(store, session, ann, session.current_touchpoint_id, "4")
    state = the_room.state(session.id, ann, token)
    assert {k: state[k] for k in ("code", "live", "scale", "touchpoints", "scores", "you")} == {
        "code": session.code,
        "live": True,
        "scale": ["1", "2", "3", "4", "5"],
        "touchpoints": [{"id": session.current_touchpoint_id, "name": "Quote", "standard": "", "your_score": "4"}],
        "scores": {str(session.current_touchpoint_id): "4"},
        "you": {"name": "Ann"},
    }
    assert state["csrf"] == room.csrf_value(token)


def test_the_shared_state_is_built_once_per_version_and_again_after_a_step(store: Store, session: ws.Session):
    notifier = LocalNotifier()
    the_room = room.Room(lambda: store, notifier)
    first = the_room.shared(session.id)
    assert the_room.shared(session.id) is first
    ws.apply_step(store, session, "open")  # bumps the process notifier, not this one
    assert the_room.shared(session.id) is first
    notifier.bump(session.id)
    again = the_room.shared(session.id)
    assert again is not first and [t["name"] for t in again.touchpoints] == ["Quote"]


def test_a_room_of_phones_asking_at_once_after_a_change_costs_one_build_and_one_marks_load(
    store: Store, session: ws.Session, monkeypatch: pytest.MonkeyPatch
):
    """What wakes 300 phones at once must not take 300 worker threads: the first asker reads the
    database, the others await its answer; and everybody gets their own scores."""
    notifier = LocalNotifier()
    the_room = room.Room(lambda: store, notifier)
    ws.apply_step(store, session, "open")
    people = [ws.join(store, session, f"P{n}") for n in range(40)]
    assert session.current_touchpoint_id is not None
    ws.vote(store, session, people[7][0], session.current_touchpoint_id, "2")
    notifier.bump(session.id)
    calls = {"build": 0, "marks": 0}
    build, marks = room.Room._build, sql.session_marks

    def counted_build(self: room.Room, session_id: int, version: int) -> room.Shared:
        calls["build"] += 1
        return build(self, session_id, version)

    def counted_marks(store: Store, session_id: int) -> pd.DataFrame:
        calls["marks"] += 1
        return marks(store, session_id)

    monkeypatch.setattr(room.Room, "_build", counted_build)
    monkeypatch.setattr(sql, "session_marks", counted_marks)

    async def everyone() -> list[dict[str, Any]]:
        return await asyncio.gather(*(the_room.state_async(session.id, p, t) for p, t in people))

    states = loops.run(everyone())
    assert calls == {"build": 1, "marks": 1}
    assert [s["scores"] for s in states if s["scores"]] == [{str(session.current_touchpoint_id): "2"}]
    assert {s["version"] for s in states} == {notifier.version(session.id)}


def test_a_participants_token_is_kept_only_as_its_hash(store: Store, session: ws.Session):
    ann, token = ws.join(store, session, "Ann")
    assert sql.participant(store, token) is None
    assert ws.participant_of(store, token) == ann
    assert ann.token == ws.token_hash(token) != token


def test_a_participant_proposes_at_most_twenty_ideas_in_a_session(store: Store, session: ws.Session):
    ann, _ = ws.join(store, session)
    touchpoint = session.current_touchpoint_id
    assert touchpoint is not None
    for n in range(ws.MAX_IDEAS_PER_PARTICIPANT):
        ws.propose(store, ann, touchpoint, f"Idea {n}")
    with pytest.raises(ws.WorkshopError, match="you have proposed 20 ideas"):
        ws.propose(store, ann, touchpoint, "One more")
    assert sql.totals(store, session.id)["ideas"] == 20


def test_every_facilitator_step_changes_the_session_as_named(store: Store, session: ws.Session):
    def open_flags() -> list[bool]:
        return sql.session_touchpoints(store, session.id)["is_open"].tolist()

    ws.apply_step(store, session, "open")
    assert open_flags() == [True, False]
    ws.apply_step(store, session, "close")
    assert open_flags() == [False, False]
    ws.apply_step(store, session, "open_all")
    assert open_flags() == [True, True]
    ws.apply_step(store, session, "next")
    assert open_flags() == [False, True]
    with pytest.raises(ws.WorkshopError, match="no next touchpoint"):
        ws.apply_step(store, sql.session(store, session.id), "next")  # type: ignore[arg-type]
    ws.apply_step(store, session, "reveal")
    assert sql.session(store, session.id).revealed  # type: ignore[union-attr]
    ws.apply_step(store, session, "hide")
    assert not sql.session(store, session.id).revealed  # type: ignore[union-attr]
    with pytest.raises(ws.WorkshopError, match="unknown step 'jump'"):
        ws.apply_step(store, session, "jump")
    ws.apply_step(store, session, "end")
    assert sql.session(store, session.id).status == "ended"  # type: ignore[union-attr]
    with pytest.raises(ws.SessionEndedError):
        ws.apply_step(store, session, "open")


def test_a_qr_code_pointing_at_this_machine_gets_a_warning():
    assert "Phones cannot reach 127.0.0.1" in (ws.address_warning("http://127.0.0.1:8501") or "")
    assert "Phones cannot reach localhost" in (ws.address_warning("http://localhost:8501") or "")
    assert ws.address_warning("http://192.168.1.20:8501") is None
    assert ws.address_warning("https://workshop.example.org") is None


def test_a_burst_of_idea_changes_moves_the_version_at_once_but_wakes_the_phones_once_a_little_later():
    notifier = LocalNotifier()
    start = notifier.version(3)

    async def scenario() -> tuple[list[int], float, int]:
        loop = asyncio.get_running_loop()
        waiting = asyncio.create_task(notifier.wait_for_change(3, start, 5))
        await asyncio.sleep(0.02)
        began = loop.time()
        moved = [notifier.bump(3, wake_within=0.2) for _ in range(3)]
        woke = await waiting
        return moved, loop.time() - began, woke

    moved, waited, woke = loops.run(scenario())
    assert moved == [start + 1, start + 2, start + 3]
    assert woke == start + 3  # one wake, carrying the newest version
    assert 0.15 < waited < 1.0


def test_a_deferred_wake_wakes_a_room_a_few_phones_at_a_time_and_a_step_wakes_all_at_once(monkeypatch):
    """4 phones at 4 a second, 2 at a time: an idea change wakes two after 0.2 s and two half a
    second later; a facilitator's step wakes all four at once."""
    monkeypatch.setattr(notify, "DEFERRED_WAKES_PER_SECOND", 4)
    monkeypatch.setattr(notify, "WAKE_STEP", 2)
    notifier = LocalNotifier()
    start = notifier.version(3)

    async def woken(since: int, wake_within: float) -> list[float]:
        loop = asyncio.get_running_loop()

        async def phone() -> float:
            await notifier.wait_for_change(3, since, 10)
            return loop.time() - began

        phones = [asyncio.create_task(phone()) for _ in range(4)]
        await asyncio.sleep(0.02)
        began = loop.time()
        notifier.bump(3, wake_within=wake_within)
        return sorted(await asyncio.gather(*phones))

    deferred = loops.run(woken(start, 0.2))
    step = loops.run(woken(start + 1, 0.0))
    # Timers on a busy machine fire late, never early: two phones together, not before 0.2 s,
    # the next two together half a second after them.
    first, second, third, fourth = deferred
    assert first >= 0.19 and second - first < 0.1 and fourth - third < 0.1
    assert 0.45 <= third - first < 1.0
    assert max(step) - min(step) < 0.1 and max(step) < 0.19  # together, and before a deferred wake would come


def test_a_phone_that_asks_again_after_an_idea_change_waits_for_the_deferred_wake():
    """The version moved at once, but a phone holding the version it was last woken with waits
    with the others for the one wake; a phone whose version is older than that is answered at once."""
    notifier = LocalNotifier()
    notifier.bump(5)
    announced = notifier.version(5)

    async def scenario() -> tuple[int, int, float, int]:
        loop = asyncio.get_running_loop()
        moved = notifier.bump(5, wake_within=0.3)
        began = loop.time()
        woke = await notifier.wait_for_change(5, announced, 5)
        waited = loop.time() - began
        return moved, woke, waited, await notifier.wait_for_change(5, announced - 1, 5)

    moved, woke, waited, older = loops.run(scenario())
    assert moved == woke == announced + 1
    assert 0.25 < waited < 1.0
    assert older == announced + 1


def test_a_bump_here_is_relayed_to_the_other_servers_and_their_notices_bump_here_without_echo():
    sent: list[str] = []
    notifier = LocalNotifier(relay=sent.append)
    before = notifier.version(7)
    notifier.heard("bump:7:0.0")
    assert (notifier.version(7), sent) == (before + 1, [])
    notifier.bump(7, 1.0)
    assert (notifier.version(7), sent) == (before + 2, ["bump:7:1.0"])
    for unreadable in ("gossip:1", "bump:seven:0", "marks:1,x", "bump:7:inf", "bump:7:nan", "bump:7:1e12", "bump:7:-1"):
        with pytest.raises(ValueError):
            notifier.heard(unreadable)
    assert notifier.version(7) == before + 2


def test_votes_committed_on_another_server_make_the_room_forget_those_participants_marks(
    store: Store, session: ws.Session
):
    notifier = LocalNotifier()
    the_room = room.Room(lambda: store, notifier)
    ann, token = ws.join(store, session, "Ann")
    ws.apply_step(store, session, "open")
    quote = session.current_touchpoint_id
    assert quote is not None
    ws.vote(store, session, ann, quote, "4")
    assert the_room.state(session.id, ann, token)["scores"] == {str(quote): "4"}
    ws.vote(store, session, ann, quote, "2")  # written elsewhere: this room still shows the 4 it holds
    assert the_room.state(session.id, ann, token)["scores"] == {str(quote): "4"}
    notifier.heard(f"marks:{ann.id},{ann.id + 1000}")
    assert the_room.state(session.id, ann, token)["scores"] == {str(quote): "2"}


def test_marks_notices_name_each_participant_once_in_order_and_stay_under_the_payload_limit():
    first = 10**15  # sixteen digits each
    found = listen.notices("marks", [*range(first + 699, first - 1, -1), first])
    assert len(found) == 3
    assert all(len(notice.encode()) < 8000 for notice in found)
    assert {notice.rsplit(":", 1)[0] for notice in found} == {f"{listen.ORIGIN}:marks"}
    assert [int(i) for notice in found for i in notice.rsplit(":", 1)[1].split(",")] == list(range(first, first + 700))
    assert listen.notices("marks", []) == []
