"""Workshop logic: join codes, links, stepping through touchpoints, votes on the session's scale."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard import workshop as ws
from dashboard.store import Store, cycles
from dashboard.store import workshop as sql
from dashboard.touchpoints import TouchpointFields


def test_a_join_code_has_eight_characters_none_of_which_can_be_mistaken_for_another():
    codes = {ws.new_code() for _ in range(500)}
    assert all(len(code) == 8 for code in codes)
    assert set("".join(codes)) <= set(ws.CODE_ALPHABET)
    assert not set("0O1IL") & set(ws.CODE_ALPHABET)
    assert len(codes) == 500
    # 31 ** 8 codes: at 10 wrong guesses a minute per address, one live code in a day of guessing
    # from 1,000 addresses has odds of about 1 in 59,000.
    assert len(ws.CODE_ALPHABET) ** ws.CODE_LENGTH == 852_891_037_441
    assert ws.display_code("K7QMX2PA") == "K7QM-X2PA"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("k7qm-x2pa", "K7QMX2PA"),
        (" K7QM X2PA ", "K7QMX2PA"),
        ("k7qm", "K7QM"),
        (" K7-QM ", "K7QM"),
        ("K7Q", None),
        ("K7Q0", None),
        ("K7QMX2P", None),
        ("K7QMX2PO", None),
        ("", None),
        (None, None),
    ],
)
def test_a_typed_code_is_read_the_way_the_person_meant_it(typed, meant):
    assert ws.normalise_code(typed) == meant


def test_the_join_link_leads_to_the_light_participant_page_and_carries_the_code():
    assert ws.join_link("http://room.example:8501/workshop", "K7QMX2PA") == "http://room.example:8501/w/K7QMX2PA"
    assert ws.join_link("https://app.example/", "K7QMX2PA") == "https://app.example/w/K7QMX2PA"
    assert ws.base_url("http://room.example:8501/present?session=3") == "http://room.example:8501"


def test_the_qr_code_is_a_png_image():
    assert ws.qr_png("http://room.example/join?code=K7QM")[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("current", "step", "expected"),
    [(None, 1, 11), (11, 1, 12), (12, -1, 11), (13, 1, None), (11, -1, None), (99, 1, 11)],
)
def test_next_and_previous_walk_the_sessions_touchpoints_and_stop_at_either_end(current, step, expected):
    assert ws.neighbour([11, 12, 13], current, step) == expected


def test_the_distribution_lists_every_scale_point_and_the_mean_of_the_scores():
    tally = pd.DataFrame({"raw_value": ["2", "5"], "votes": [1, 3], "total": [-0.5, 3.0]})
    dist = ws.distribution("1-5", tally)
    assert dist == ws.Distribution(("1", "2", "3", "4", "5"), (0, 1, 0, 0, 3), 0.625)
    empty = ws.distribution("labels:Poor|Fair|Good", tally.iloc[0:0])
    assert (empty.points, empty.votes, math.isnan(empty.mean)) == (("Poor", "Fair", "Good"), (0, 0, 0), True)


def test_idea_text_cannot_smuggle_markdown_onto_the_projector():
    assert ws.markdown_safe("![x](http://evil) *bold*") == r"\!\[x\]\(http\:\/\/evil\) \*bold\*"


def test_a_vote_is_read_on_the_sessions_scale_and_an_answer_off_the_scale_is_refused(store: Store):
    cycle_id = cycles.create_cycle(store, "Repair job")
    touchpoint = cycles.add_touchpoint(store, cycle_id, TouchpointFields("Quote", "make_or_break"))
    session = ws.start(store, cycle_id, [touchpoint], "labels:Poor|Fair|Good")
    sql.set_open(store, session.id, True)
    person = sql.join(store, session.id, "token")
    ws.vote(store, session, person, touchpoint, "good")
    assert sql.participant_votes(store, person.id) == {touchpoint: "Good"}
    with pytest.raises(ws.WorkshopError, match="not on the scale"):
        ws.vote(store, session, person, touchpoint, "Superb")
    with store.cursor() as cur:
        assert cur.execute("select raw_value, scale, score from impression").fetchall() == [
            ("Good", "labels:Poor|Fair|Good", 1.0)
        ]


def test_a_wrong_or_ended_session_code_gets_a_clear_message(store: Store):
    cycle_id = cycles.create_cycle(store, "Repair job")
    touchpoint = cycles.add_touchpoint(store, cycle_id, TouchpointFields("Quote", "make_or_break"))
    session = ws.start(store, cycle_id, [touchpoint], "1-5")
    assert ws.find_session(store, session.code.lower()) == session
    with pytest.raises(ws.WorkshopError, match="not a workshop code"):
        ws.find_session(store, "hello")
    sql.end_session(store, session.id)
    with pytest.raises(ws.WorkshopError, match="has ended"):
        ws.find_session(store, session.code)


def test_stepping_opens_the_next_touchpoint_alone(store: Store):
    cycle_id = cycles.create_cycle(store, "Repair job")
    first, second = (
        cycles.add_touchpoint(store, cycle_id, TouchpointFields(n, "keep_or_lose")) for n in ("Visit", "Invoice")
    )
    session = ws.start(store, cycle_id, [first, second], "1-5")
    assert ws.step_to(store, session, 1) == second
    items = sql.session_touchpoints(store, session.id)
    assert items[["touchpoint_id", "is_open"]].values.tolist() == [[first, False], [second, True]]
    moved = sql.session(store, session.id)
    assert moved is not None
    assert ws.step_to(store, moved, 1) is None


def test_an_empty_or_overlong_idea_is_refused(store: Store):
    cycle_id = cycles.create_cycle(store, "Repair job")
    touchpoint = cycles.add_touchpoint(store, cycle_id, TouchpointFields("Quote", "make_or_break"))
    session = ws.start(store, cycle_id, [touchpoint], "1-5")
    person = sql.join(store, session.id, "token")
    with pytest.raises(ws.WorkshopError, match="Write the idea"):
        ws.propose(store, person, touchpoint, "   ")
    with pytest.raises(ws.WorkshopError, match="at most 280 characters"):
        ws.propose(store, person, touchpoint, "x" * 281)
    assert sql.session_ideas(store, session.id).empty


def test_a_session_reads_as_code_cycle_title_status_and_votes_and_skips_a_missing_title():
    listing = pd.DataFrame(
        {
            "id": [9, 4],
            "code": ["K7QM", "AB23"],
            "title": ["Front desk, March", None],
            "cycle": ["Repair job", "New installation"],
            "status": ["live", "ended"],
            "votes": [12, 0],
        }
    )
    assert ws.session_labels(listing) == {
        9: "K7QM · Repair job · Front desk, March · live · 12 votes",
        4: "AB23 · New installation · ended · 0 votes",
    }
