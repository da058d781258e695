"""AppTest: the facilitator's page, the presenter view and the participant's page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.store import Store, cycles
from dashboard.store import workshop as sql
from tests.apptest import app

WORKSHOP, PRESENT, JOIN = "pages/workshop.py", "pages/present.py", "pages/join.py"


@pytest.fixture(autouse=True)
def _no_reroute(monkeypatch: pytest.MonkeyPatch) -> None:
    """AppTest resets ``PagesManager.uses_pages_directory`` before every run, so the page's
    ``route_through_navigation`` reruns the script on each widget interaction and swallows
    button clicks. Under AppTest the router always runs first anyway."""
    from dashboard.ui import navigation

    monkeypatch.setattr(navigation, "route_through_navigation", lambda: None)


def live_session(store: Store, code: str = "K7QM") -> sql.Session:
    """A live 1-5 session over the demo's first cycle, its first touchpoint open."""
    cycle_id = int(cycles.cycles(store)["id"].iloc[0])
    touchpoints = [int(t) for t in cycles.touchpoints(store, cycle_id)["id"]]
    session = sql.create_session(store, cycle_id, touchpoints, "1-5", lambda: code)
    sql.set_open(store, session.id, True, touchpoints[0])
    return session


def on_page(at: AppTest, page: str, **query: str) -> AppTest:
    at.run()
    at.query_params.update(query)
    return at.switch_page(page).run()


def test_the_facilitator_starts_a_session_and_gets_a_join_code_and_a_qr_code(demo_store, monkeypatch):
    at = on_page(app(demo_store.path, monkeypatch), WORKSHOP)
    assert not at.exception
    next(b for b in at.button if b.label == "Start session").click().run()
    assert not at.exception
    started = sql.sessions(demo_store)
    assert started[["status", "votes", "participants"]].values.tolist() == [["live", 0, 0]]
    code = started["code"].iloc[0]
    assert any(s.value == f"Join code: {code}" for s in at.subheader)
    assert len(at.get("image")) == 1
    assert f"join?code={code}" in at.code[0].value


def test_the_facilitator_steps_to_the_next_touchpoint_reveals_and_ends(demo_store, monkeypatch):
    session = live_session(demo_store)
    at = on_page(app(demo_store.path, monkeypatch), WORKSHOP, session=str(session.id))
    next_button = next(b for b in at.button if b.label == "Next")
    next_button.click().run()
    items = sql.session_touchpoints(demo_store, session.id)
    assert items["is_open"].tolist()[:3] == [False, True, False]
    next(b for b in at.button if b.label == "Reveal results").click().run()
    after = sql.session(demo_store, session.id)
    assert after is not None and after.revealed
    next(b for b in at.button if b.label == "End session").click().run()
    assert sql.session(demo_store, session.id).status == "live"  # type: ignore[union-attr]
    next(b for b in at.button if b.label == "End the session").click().run()
    assert not at.exception
    ended = sql.session(demo_store, session.id)
    assert ended is not None and ended.status == "ended"
    assert any("has ended" in i.value for i in at.info)


def test_the_presenter_view_hides_results_until_they_are_revealed(demo_store, monkeypatch):
    session = live_session(demo_store)
    assert session.current_touchpoint_id is not None
    voter = sql.join(demo_store, session.id, "t1")
    sql.record_vote(demo_store, voter.id, session.current_touchpoint_id, "4", 0.5)
    at = on_page(app(demo_store.path, monkeypatch), PRESENT, session=str(session.id))
    assert not at.exception
    texts = [m.value for m in at.markdown]
    assert any("1 vote · results hidden" in t for t in texts)
    assert {m.label: m.value for m in at.metric} == {"Participants": "1", "Votes so far": "1", "Enhancement ideas": "0"}
    assert len(at.get("plotly_chart")) == 0
    sql.set_revealed(demo_store, session.id, True)
    at.run()
    assert any("1 vote · mean +0.50" in m.value for m in at.markdown)
    assert len(at.get("plotly_chart")) == 1


def test_the_presenter_view_without_a_session_says_where_to_open_it(demo_store, monkeypatch):
    at = on_page(app(demo_store.path, monkeypatch), PRESENT)
    assert "Open the presenter view from the Workshop page" in at.error[0].value


def test_a_participant_joins_with_the_code_scores_the_open_touchpoint_and_changes_the_score(demo_store, monkeypatch):
    session = live_session(demo_store)
    assert session.current_touchpoint_id is not None
    at = on_page(app(demo_store.path, monkeypatch), JOIN, code="k7qm")
    assert not at.exception
    assert sql.totals(demo_store, session.id)["participants"] == 1
    pills = at.button_group
    assert len(pills) == 1
    pills[0].set_value("2").run()
    pills = at.button_group
    pills[0].set_value("5").run()
    assert not at.exception
    assert sql.tally(demo_store, session.id, session.current_touchpoint_id)[["raw_value", "votes"]].values.tolist() == [
        ["5", 1]
    ]
    assert any("Your score: 5." in s.value for s in at.success)


def test_a_participant_proposes_an_idea(demo_store, monkeypatch):
    session = live_session(demo_store)
    at = on_page(app(demo_store.path, monkeypatch), JOIN, code="K7QM")
    at.text_area[0].input("Call back the same day")
    at.button(key="add_idea").click().run()
    assert not at.exception
    assert sql.session_ideas(demo_store, session.id)["text"].tolist() == ["Call back the same day"]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ZZZZ", "No workshop session has the code ZZZZ"),
        ("hello!", "That is not a workshop code"),
    ],
    ids=["unknown", "malformed"],
)
def test_a_wrong_code_gets_a_clear_message(demo_store, monkeypatch, code, message):
    at = on_page(app(demo_store.path, monkeypatch), JOIN, code=code)
    assert not at.exception
    assert message in at.error[0].value


def test_an_ended_sessions_code_says_the_session_has_ended(demo_store, monkeypatch):
    session = live_session(demo_store)
    sql.end_session(demo_store, session.id)
    at = on_page(app(demo_store.path, monkeypatch), JOIN, code="K7QM")
    assert "has ended" in at.error[0].value
