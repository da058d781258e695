"""The workshop's HTTP API and light page, through Starlette's test client (no server process):
codes, tokens and cookies, CSRF, rate limits, vote replacement, the session's states, and a
participant's token opening nothing beyond its own session's participant routes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from dashboard import access, room, web
from dashboard import workshop as ws
from dashboard.store import Store, cycles, groups, tokens
from dashboard.store import workshop as sql
from dashboard.touchpoints import TouchpointFields
from dashboard.web import workshop as workshop_routes
from dashboard.web.security import Policy

API = "/api/v1/workshops"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[TestClient, Store, str]]:
    """The project's routes over a small workspace (one cycle of three touchpoints, two groups),
    with a write token for the facilitator."""
    db = tmp_path / "room.duckdb"
    with Store(db) as store:
        cycle_id = cycles.create_cycle(store, "Repair job")
        for name in ("Quote", "Visit", "Invoice"):
            cycles.add_touchpoint(store, cycle_id, TouchpointFields(name, "make_or_break"))
        groups.add_group(store, "Customers")
        groups.add_group(store, "Staff")
        token = tokens.create(store, "facilitator", "facilitator")
    service = web.Service(db, lambda: "http://testserver")
    service.open()
    app = Starlette(routes=web.routes(service), middleware=web.middleware(Policy(hosts=("testserver",))))
    try:
        with TestClient(app) as client:
            yield client, service.store, token
    finally:
        service.close()


def start(client: TestClient, token: str, **body: object) -> dict[str, object]:
    answer = client.post(API, json={"cycle": "Repair job", "scale": "1-5", **body}, headers=bearer(token))
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def step(client: TestClient, token: str, code: str, action: str) -> int:
    return int(client.post(f"{API}/{code}/steps", json={"action": action}, headers=bearer(token)).status_code)


def phone(client: TestClient) -> TestClient:
    """Another browser on the same server (its own cookie jar)."""
    return TestClient(client.app)


def joined(client: TestClient, code: str, **body: str) -> tuple[TestClient, dict[str, str]]:
    """A phone that joined, and the CSRF header its page would send."""
    browser = phone(client)
    answer = browser.post(f"{API}/{code}/participants", json=body)
    assert answer.status_code == 201, answer.text
    return browser, {"X-CSRF-Token": answer.json()["csrf"]}


def test_a_phone_joins_scores_changes_and_takes_back_its_score_and_the_workspace_holds_one_impression(served):
    client, store, token = served
    code = str(start(client, token)["code"])
    assert step(client, token, code, "open") == 200
    browser, csrf = joined(client, code, name="Ann", group="customers")
    cookie = browser.cookies.get(f"workshop_{code}")
    assert cookie
    state = browser.get(f"{API}/{code}/state").json()
    quote = state["touchpoints"][0]["id"]
    assert [t["name"] for t in state["touchpoints"]] == ["Quote"]
    assert browser.put(f"{API}/{code}/votes/{quote}", json={"answer": "2"}, headers=csrf).json() == {
        "touchpoint_id": quote,
        "answer": "2",
    }
    assert browser.put(f"{API}/{code}/votes/{quote}", json={"answer": 5}, headers=csrf).json()["answer"] == "5"
    assert browser.get(f"{API}/{code}/state").json()["scores"] == {str(quote): "5"}
    with store.cursor() as cur:
        rows = cur.execute("select raw_value, source, group_id is not null from impression").fetchall()
    assert rows == [("5", "workshop", True)]
    assert browser.delete(f"{API}/{code}/votes/{quote}", headers=csrf).json() == {
        "touchpoint_id": quote,
        "answer": None,
    }
    with store.cursor() as cur:
        assert cur.execute("select count(*) from impression").fetchone() == (0,)


def test_the_participant_cookie_is_http_only_and_strict_and_the_token_never_sits_in_an_address(served):
    client, _, token = served
    code = str(start(client, token)["code"])
    answer = phone(client).post(f"{API}/{code}/participants", json={})
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert answer.json()["token"] not in answer.headers.get("location", "")


def test_a_reopened_join_link_in_the_same_browser_is_the_same_participant(served):
    client, store, token = served
    code = str(start(client, token)["code"])
    browser, _ = joined(client, code, name="Ann")
    for _ in range(20):
        again = browser.post(f"{API}/{code}/participants", json={})
        assert again.status_code == 200
        assert "Joined" not in browser.get(f"/w/{code}").text
    assert sql.totals(store, sql.session_by_code(store, code).id)["participants"] == 1  # type: ignore[union-attr]


def test_a_cookie_write_without_the_csrf_value_is_refused_and_a_bearer_token_needs_none(served):
    client, _, token = served
    code = str(start(client, token)["code"])
    step(client, token, code, "open")
    browser, _ = joined(client, code)
    quote = browser.get(f"{API}/{code}/state").json()["touchpoints"][0]["id"]
    refused = browser.put(f"{API}/{code}/votes/{quote}", json={"answer": "3"}, headers={"X-CSRF-Token": "guess"})
    assert (refused.status_code, refused.json()) == (
        403,
        {"error": "send the X-CSRF-Token value from the session's state with each change"},
    )
    program = phone(client)
    participant_token = program.post(f"{API}/{code}/participants", json={}).json()["token"]
    program.cookies.clear()
    ok = program.put(f"{API}/{code}/votes/{quote}", json={"answer": "3"}, headers=bearer(participant_token))
    assert ok.status_code == 200


@pytest.mark.parametrize(
    ("when", "status", "message"),
    [
        ("closed", 409, "voting on this touchpoint is closed"),
        ("ended", 410, "has ended"),
    ],
)
def test_a_vote_on_a_closed_touchpoint_or_an_ended_session_is_refused_with_its_status(served, when, status, message):
    client, _, token = served
    code = str(start(client, token)["code"])
    step(client, token, code, "open")
    browser, csrf = joined(client, code)
    quote = browser.get(f"{API}/{code}/state").json()["touchpoints"][0]["id"]
    step(client, token, code, "close" if when == "closed" else "end")
    answer = browser.put(f"{API}/{code}/votes/{quote}", json={"answer": "4"}, headers=csrf)
    assert answer.status_code == status
    assert message in answer.json()["error"]


def test_an_unknown_code_is_404_and_ten_wrong_codes_from_one_address_then_get_429(served):
    client, _, token = served
    code = str(start(client, token)["code"])
    statuses = [phone(client).post(f"{API}/ZZZZZZZZ/participants", json={}).status_code for _ in range(11)]
    assert statuses == [404] * 10 + [429]
    assert phone(client).get(f"/w/{code}").status_code == 429  # even the right code waits now


def test_a_whole_room_joins_from_one_venue_address_without_being_slowed(served):
    client, store, token = served
    code = str(start(client, token)["code"])
    statuses = []
    for _ in range(300):
        client.cookies.clear()  # each phone its own browser; all behind the venue's one address
        statuses.append(client.post(f"{API}/{code}/participants", json={}).status_code)
    assert statuses == [201] * 300
    assert sql.totals(store, sql.session_by_code(store, code).id)["participants"] == 300  # type: ignore[union-attr]


def test_votes_are_limited_per_participant(served, monkeypatch):
    monkeypatch.setattr(room, "now", lambda: 1000.0)  # no refill while the test taps
    client, _, token = served
    code = str(start(client, token)["code"])
    step(client, token, code, "open")
    browser, csrf = joined(client, code)
    quote = browser.get(f"{API}/{code}/state").json()["touchpoints"][0]["id"]
    statuses = [
        browser.put(f"{API}/{code}/votes/{quote}", json={"answer": str(1 + n % 5)}, headers=csrf).status_code
        for n in range(31)
    ]
    assert statuses == [200] * 30 + [429]
    other, other_csrf = joined(client, code)
    assert other.put(f"{API}/{code}/votes/{quote}", json={"answer": "1"}, headers=other_csrf).status_code == 200


def test_a_bad_participant_token_is_401_and_a_body_past_the_cap_is_413(served):
    client, _, token = served
    code = str(start(client, token)["code"])
    assert phone(client).get(f"{API}/{code}/state", headers=bearer("not-a-token")).status_code == 401
    browser, csrf = joined(client, code)
    huge = browser.post(
        f"{API}/{code}/ideas",
        content=b'{"text": "' + b"x" * 5000 + b'"}',
        headers={**csrf, "content-type": "application/json"},
    )
    assert huge.status_code == 413


def test_an_idea_hidden_by_the_facilitator_stays_visible_to_its_author_only(served):
    client, _, token = served
    code = str(start(client, token)["code"])
    ann, ann_csrf = joined(client, code, name="Ann")
    bob, bob_csrf = joined(client, code, name="Bob")
    quote = ann.get(f"{API}/{code}/state").json()["session_touchpoints"][0]["id"]
    idea = ann.post(f"{API}/{code}/ideas", json={"touchpoint_id": quote, "text": "Free coffee"}, headers=ann_csrf)
    idea_id = idea.json()["id"]
    assert bob.put(f"{API}/{code}/ideas/{idea_id}/backing", headers=bob_csrf).json() == {
        "idea_id": idea_id,
        "backed": True,
    }
    assert [(i["text"], i["votes"], i["backed"]) for i in bob.get(f"{API}/{code}/state").json()["ideas"]] == [
        ("Free coffee", 1, True)
    ]
    assert client.put(f"{API}/{code}/ideas/{idea_id}/hidden", headers=bearer(token)).status_code == 200
    assert bob.get(f"{API}/{code}/state").json()["ideas"] == []
    mine = ann.get(f"{API}/{code}/state").json()["ideas"]
    assert [(i["text"], i["mine"], i["hidden"]) for i in mine] == [("Free coffee", True, True)]


def test_a_participants_cookie_or_token_opens_nothing_beyond_its_own_sessions_participant_routes(served):
    client, _, token = served
    first = str(start(client, token)["code"])
    second = str(start(client, token)["code"])
    step(client, token, second, "open")
    browser = phone(client)
    participant_token = browser.post(f"{API}/{first}/participants", json={}).json()["token"]
    # Another session: its state, its votes, its page's participant view.
    assert browser.get(f"{API}/{second}/state").status_code == 401
    browser.cookies.set(f"workshop_{second}", participant_token)
    assert browser.get(f"{API}/{second}/state").status_code == 401
    assert 'data-joined="no"' in browser.get(f"/w/{second}").text
    assert browser.get(f"{API}/{second}/state", headers=bearer(participant_token)).status_code == 401
    # The rest of the API: data, the facilitator's routes, results.
    for method, path in [
        ("GET", "/api/v1/stats"),
        ("GET", "/api/v1/cycles"),
        ("GET", "/api/v1/impressions/summary"),
        ("GET", "/api/v1/imports"),
        ("GET", "/api/v1/backup"),
        ("POST", API),
        ("POST", f"{API}/{first}/steps"),
        ("GET", f"{API}/{first}/results"),
        ("PUT", f"{API}/{first}/ideas/1/hidden"),
    ]:
        answer = browser.request(method, path, headers=bearer(participant_token), json={"action": "end"})
        assert answer.status_code == 401, (method, path)


def test_the_state_waits_only_when_the_phone_already_has_the_newest_version(served):
    client, _, token = served
    code = str(start(client, token)["code"])
    browser, _ = joined(client, code)
    first = browser.get(f"{API}/{code}/state").json()
    step(client, token, code, "open")
    after = browser.get(f"{API}/{code}/state", params={"since": first["version"]}).json()
    assert after["version"] > first["version"] and len(after["touchpoints"]) == 1
    assert browser.get(f"{API}/{code}/state", params={"since": "x"}).status_code == 422


def test_the_facilitator_starts_from_an_earlier_session_and_reads_exact_results(served):
    client, _, token = served
    earlier = start(client, token, touchpoints=["Visit", "Quote"], scale="1-10")
    later = start(client, token, **{"from": earlier["code"]})
    assert (later["cycle"], later["scale"]) == ("Repair job", "1-10")
    code = str(later["code"])
    step(client, token, code, "open_all")
    for answer in ("7", "7", "10"):
        browser, csrf = joined(client, code)
        visit = browser.get(f"{API}/{code}/state").json()["touchpoints"][0]
        assert visit["name"] == "Visit"
        browser.put(f"{API}/{code}/votes/{visit['id']}", json={"answer": answer}, headers=csrf)
    results = client.get(f"{API}/{code}/results", headers=bearer(token)).json()
    assert results["totals"] == {"participants": 3, "votes": 3, "ideas": 0}
    assert [(a["answer"], a["votes"]) for a in results["answers"]] == [("10", 1), ("7", 2)]
    assert [t["name"] for t in results["touchpoints"]] == ["Visit", "Quote"]


def test_the_facilitators_api_needs_a_write_token(served):
    client, store, _ = served
    reader = tokens.create(store, "reader", "viewer")
    answer = client.post(API, json={"cycle": "Repair job"}, headers=bearer(reader))
    refusal = {"error": "this needs the facilitator role; your role is viewer"}
    assert (answer.status_code, answer.json()) == (403, refusal)


def test_the_light_page_serves_its_own_script_and_old_join_links_redirect_to_it(served):
    client, _, token = served
    code = str(start(client, token)["code"])
    page = client.get(f"/w/{code}")
    assert page.status_code == 200
    assert '<script src="/w/static/participant.js?v=' in page.text
    assert "http" not in page.text.split("<main", 1)[0].replace("http-equiv", "")  # nothing from elsewhere
    old = client.get(f"/join?code={code.lower()}", follow_redirects=False)
    assert (old.status_code, old.headers["location"]) == (301, f"/w/{code}")
    assert client.get("/w/static/participant.js").headers["content-type"].startswith("text/javascript")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    ended = start(client, token)["code"]
    step(client, token, str(ended), "end")
    assert client.get(f"/w/{ended}").status_code == 410
    assert "has ended" in client.get(f"/w/{ended}").text


def test_ws_display_code_groups_the_code_in_fours():
    assert ws.display_code("ABCDEFGH") == "ABCD-EFGH"


def test_a_participant_route_acts_as_that_sessions_participant_and_cannot_take_a_facilitators_step(served):
    """Whatever a participant route reaches runs as the anonymous member of its one session: a
    facilitator's step (an audited write) is refused with 403 and changes nothing."""
    client, store, token = served
    code = str(start(client, token)["code"])
    session = sql.session_by_code(store, ws.normalise_code(code) or "")
    assert session is not None

    async def who(visit: workshop_routes.Visit) -> dict[str, object]:
        acting = await visit.blocking(access.current)
        return {"kind": acting.kind, "session": acting.session_id}

    async def reveal(visit: workshop_routes.Visit) -> dict[str, object]:
        await visit.blocking(sql.set_revealed, store, visit.session.id, True)
        return {}

    the_room = room.Room(lambda: store)
    app = Starlette(
        routes=[
            Route("/probe/{code}/who", workshop_routes.participant_route(the_room, who), methods=["GET"]),
            Route("/probe/{code}/reveal", workshop_routes.participant_route(the_room, reveal), methods=["POST"]),
        ]
    )
    browser, csrf = joined(client, code)
    probe = TestClient(app, cookies=dict(browser.cookies))
    assert probe.get(f"/probe/{code}/who").json() == {"kind": "participant", "session": session.id}
    refused = probe.post(f"/probe/{code}/reveal", headers=csrf)
    assert (refused.status_code, refused.json()) == (403, {"error": "a workshop participant may only vote"})
    reread = sql.session(store, session.id)
    assert reread is not None and not reread.revealed
