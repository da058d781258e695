"""Local accounts over HTTP: the sign-in, sign-out and set-password routes and the gate that keeps
the pages from anyone not signed in. Starlette's test client over the project's own routes and
middleware on one workspace, so each test can look at the store while the routes serve it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from dashboard import access, accounts, web
from dashboard.store import Store, users
from dashboard.web.security import Policy
from dashboard.web.signin import safe_next

ORIGIN = {"origin": "http://testserver"}
PASSWORD = "correct horse battery"


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, Store]]:
    """Local mode; ann (an editor) has a password, bob (a viewer) has none yet."""
    monkeypatch.setenv("DASHBOARD_AUTH", "local")
    monkeypatch.delenv("DASHBOARD_SECRET", raising=False)
    db = tmp_path / "signin.duckdb"
    with Store(db) as store:
        users.create(store, "ann@example.org", "editor")
        users.set_password(store, "ann@example.org", PASSWORD)
        users.create(store, "bob@example.org", "viewer")
    service = web.Service(db, lambda: "http://testserver")
    service.open()
    middleware = web.middleware(Policy(hosts=("testserver",)), service=service)
    app = Starlette(routes=web.routes(service), middleware=middleware)
    try:
        with TestClient(app, follow_redirects=False) as client:
            yield client, service.store
    finally:
        service.close()


def sign_in(client: TestClient, email: str, password: str, next_path: str = "/overview") -> tuple[int, str]:
    answer = client.post(
        "/auth/sign-in", data={"email": email, "password": password, "next": next_path}, headers=ORIGIN
    )
    return answer.status_code, answer.headers.get("location", "")


def test_the_right_password_sets_a_signed_httponly_cookie_and_goes_on_to_next(served):
    client, store = served
    assert sign_in(client, "Ann@Example.org", PASSWORD, "/map?cycle=2") == (303, "/map?cycle=2")
    secret = accounts.unsign(client.cookies[accounts.COOKIE], users.signing_key(store))
    assert secret is not None
    who = users.session_principal(store, secret)
    assert who is not None
    assert (who.name, who.role, who.kind) == ("ann@example.org", "editor", "user")


def test_the_session_cookie_is_httponly_lax_and_lasts_a_week(served):
    client, _ = served
    answer = client.post("/auth/sign-in", data={"email": "ann@example.org", "password": PASSWORD}, headers=ORIGIN)
    set_cookie = answer.headers["set-cookie"]
    attributes = {part.strip().split("=")[0].lower() for part in set_cookie.split(";")[1:]}
    assert attributes == {"httponly", "max-age", "path", "samesite"}
    assert "Max-Age=604800" in set_cookie and "SameSite=lax" in set_cookie and "Path=/" in set_cookie


def test_a_wrong_password_or_unknown_user_reads_the_same_and_signs_nobody_in(served):
    client, _ = served
    for email, password in (("ann@example.org", "wrong password!"), ("nobody@example.org", PASSWORD)):
        answer = client.post("/auth/sign-in", data={"email": email, "password": password}, headers=ORIGIN)
        assert (answer.status_code, "Wrong e-mail or password." in answer.text) == (401, True)
        assert accounts.COOKIE not in client.cookies


def test_five_wrong_passwords_lock_that_account_from_that_address_even_with_the_right_one(served):
    client, store = served
    for _ in range(accounts.LOCKOUT_FAILURES):
        assert sign_in(client, "ann@example.org", "not the password")[0] == 401
    answer = client.post("/auth/sign-in", data={"email": "ann@example.org", "password": PASSWORD}, headers=ORIGIN)
    assert answer.status_code == 429
    assert "Too many wrong passwords from here; try again in up to 15 minutes." in answer.text
    # Another address is not locked: the owner elsewhere still signs in.
    assert users.sign_in(store, "ann@example.org", PASSWORD, "192.0.2.7") > 0


def test_the_lockout_ends_when_its_window_has_passed(store: Store):
    users.create(store, "ann@example.org", "editor")
    users.set_password(store, "ann@example.org", PASSWORD)
    for _ in range(accounts.LOCKOUT_FAILURES):
        with pytest.raises(accounts.SignInError):
            users.sign_in(store, "ann@example.org", "not the password", "198.51.100.1")
    with pytest.raises(accounts.SignInError, match="^too many wrong passwords"):
        users.sign_in(store, "ann@example.org", PASSWORD, "198.51.100.1")
    age = accounts.LOCKOUT_WINDOW + timedelta(seconds=1)
    with store.cursor() as cur:  # the failures as they will be once the window has passed
        cur.execute("update sign_in_failure set failed_at = failed_at - to_seconds(?)", [age.total_seconds()])
    assert users.sign_in(store, "ann@example.org", PASSWORD, "198.51.100.1") > 0


def test_a_sign_in_posted_from_another_site_is_refused_and_sets_no_cookie(served):
    client, _ = served
    data = {"email": "ann@example.org", "password": PASSWORD}
    for headers in ({"origin": "https://evil.example"}, {"referer": "https://evil.example/form"}, {}):
        answer = client.post("/auth/sign-in", data=data, headers=headers)
        assert answer.status_code == 403
    assert accounts.COOKIE not in client.cookies


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("/overview?cycle=2", "/overview?cycle=2"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("overview", "/"),
        ("/auth/sign-out", "/"),
        (None, "/"),
    ],
)
def test_next_is_kept_only_when_it_is_a_path_on_this_site(given: str | None, kept: str):
    assert safe_next(given) == kept


def test_pages_send_a_stranger_to_sign_in_and_come_back_after(served):
    client, _ = served
    answer = client.get("/impressions?cycle=2")
    assert (answer.status_code, answer.headers["location"]) == (303, "/auth/sign-in?next=%2Fimpressions%3Fcycle%3D2")
    form = client.get(answer.headers["location"])
    assert form.status_code == 200 and 'name="next" value="/impressions?cycle=2"' in form.text


def test_the_pages_websocket_is_refused_without_a_live_session(served):
    client, _ = served
    with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect("/_stcore/stream"):
        pass
    assert closed.value.code == 1008


@pytest.mark.parametrize("path", ["/healthz", "/w", "/api/v1/openapi.json", "/auth/sign-in", "/static/js/x.js"])
def test_the_participant_page_the_api_and_sign_in_stay_open(served, path: str):
    client, _ = served
    assert client.get(path).status_code != 303


@pytest.mark.parametrize("cookie", ["forged", "expired", "signed out", "disabled user"])
def test_a_forged_expired_or_ended_session_opens_no_page(served, cookie: str, monkeypatch: pytest.MonkeyPatch):
    client, store = served
    sign_in(client, "ann@example.org", PASSWORD)
    good = client.cookies[accounts.COOKIE]
    assert client.get("/overview").status_code == 404  # through the gate: no pages in this test app
    if cookie == "forged":
        client.cookies.set(accounts.COOKIE, accounts.sign("made-up secret", "not the key"))
    elif cookie == "expired":
        monkeypatch.setattr(accounts, "SESSION_DAYS", 0)
        real = accounts.unsign
        monkeypatch.setattr(accounts, "unsign", lambda c, k: real(c, k, max_age=timedelta(seconds=-1)))
    elif cookie == "signed out":
        assert client.post("/auth/sign-out", headers=ORIGIN).status_code == 303
        client.cookies.set(accounts.COOKIE, good)  # an old copy of the cookie
    else:
        with access.acting_as(access.SYSTEM):
            users.disable(store, "ann@example.org")
    assert client.get("/overview").status_code == 303


def test_a_set_password_link_works_once_and_then_signs_in(served):
    client, store = served
    link = users.invite(store, "bob@example.org")
    form = client.get(f"/auth/set-password?link={link}")
    assert form.status_code == 200 and f'value="{link}"' in form.text
    fields = {"link": link, "password": "a new long secret", "again": "a new long secret"}
    done = client.post("/auth/set-password", data=fields, headers=ORIGIN)
    assert (done.status_code, "The password of bob@example.org is set." in done.text) == (200, True)
    again = client.post(
        "/auth/set-password", data={**fields, "password": "another secret!", "again": "another secret!"}, headers=ORIGIN
    )
    assert again.status_code == 422 and "This set-password link is not valid (used, expired or replaced)" in again.text
    assert sign_in(client, "bob@example.org", "a new long secret") == (303, "/overview")


@pytest.mark.parametrize(
    ("password", "again", "message"),
    [
        ("short", "short", "A password needs at least 10 characters."),
        ("a long enough one", "a different one!", "The two passwords differ; type the same one twice."),
    ],
)
def test_a_bad_new_password_is_refused_and_the_link_still_works(served, password: str, again: str, message: str):
    client, store = served
    link = users.invite(store, "bob@example.org")
    answer = client.post(
        "/auth/set-password", data={"link": link, "password": password, "again": again}, headers=ORIGIN
    )
    assert (answer.status_code, message in answer.text) == (422, True)
    assert users.redeem(store, link, "now a good password") == "bob@example.org"


def test_outside_local_mode_there_is_no_sign_in_and_no_gate(served, monkeypatch: pytest.MonkeyPatch):
    client, _ = served
    monkeypatch.setenv("DASHBOARD_AUTH", "open")
    assert client.get("/auth/sign-in").status_code == 404
    assert client.get("/overview").status_code == 404  # no redirect: the pages are open
