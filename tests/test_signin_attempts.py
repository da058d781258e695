"""Password checks under load: wrong passwords neither hold up the workspace's writes nor empty
the pages' caches, the lockout holds when guesses arrive at once, an account without a password
costs the same check as any other, one address is slowed whatever accounts it tries, and the
audit log says who signed in and out."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import psycopg
import pytest
from argon2 import PasswordHasher
from starlette.applications import Starlette
from starlette.testclient import TestClient

from dashboard import accounts, web
from dashboard.store import Store, operations, users
from dashboard.store import pg as pg_store
from dashboard.web.security import Policy
from tests import pg

ORIGIN = {"origin": "http://testserver"}
PASSWORD = "correct horse battery"
ADDRESS = "198.51.100.1"


@pytest.fixture
def ann(store: Store) -> Store:
    """A workspace where ann (an editor) has a password and bob (a viewer) has none yet."""
    users.create(store, "ann@example.org", "editor")
    users.set_password(store, "ann@example.org", PASSWORD)
    users.create(store, "bob@example.org", "viewer")
    return store


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, Store]]:
    """The sign-in routes in local mode over a workspace with ann's account."""
    monkeypatch.setenv("DASHBOARD_AUTH", "local")
    db = tmp_path / "attempts.duckdb"
    with Store(db) as store:
        users.create(store, "ann@example.org", "editor")
        users.set_password(store, "ann@example.org", PASSWORD)
    service = web.Service(db, lambda: "http://testserver")
    service.open()
    middleware = web.middleware(Policy(hosts=("testserver",)), service=service)
    app = Starlette(routes=web.routes(service), middleware=middleware)
    try:
        with TestClient(app, follow_redirects=False) as client:
            yield client, service.store
    finally:
        service.close()


def _attempt(store: Store, email: str, password: str) -> str:
    try:
        users.sign_in(store, email, password, ADDRESS)
    except accounts.SignInError as refusal:
        return str(refusal)
    return "signed in"


def test_a_wrong_password_is_checked_while_another_write_holds_the_lock_and_bumps_no_version(ann: Store):
    before = ann.data_version()
    outcome: list[str] = []
    with ann._shared.write_lock:  # a long import holding the one write lock
        checker = threading.Thread(target=lambda: outcome.append(_attempt(ann, "ann@example.org", "not it at all")))
        checker.start()
        checker.join(timeout=10)
        finished = not checker.is_alive()
    checker.join()
    assert (finished, outcome, ann.data_version()) == (True, ["wrong e-mail or password"], before)
    users.open_session(ann, users.sign_in(ann, "ann@example.org", PASSWORD, ADDRESS))
    assert ann.data_version() == before  # a new session shows on no page either


def test_twenty_guesses_at_once_get_no_more_password_checks_than_the_lockout_allows(ann: Store):
    start = threading.Barrier(20)
    outcomes: list[str] = []

    def guess() -> None:
        start.wait()
        outcomes.append(_attempt(ann, "ann@example.org", "a wrong guess!"))

    guessers = [threading.Thread(target=guess) for _ in range(20)]
    for thread in guessers:
        thread.start()
    for thread in guessers:
        thread.join()
    locked = "too many wrong passwords from here; try again in up to 15 minutes"
    assert sorted(outcomes) == sorted(["wrong e-mail or password"] * 5 + [locked] * 15)


@pytest.mark.postgres
def test_on_postgresql_a_guess_waits_while_another_server_counts_the_same_pair():
    url = pg.new_database()
    try:
        with Store(url) as store:
            users.create(store, "ann@example.org", "editor")
            users.set_password(store, "ann@example.org", PASSWORD)
            outcome: list[str] = []
            checker = threading.Thread(target=lambda: outcome.append(_attempt(store, "ann@example.org", "wrong")))
            with psycopg.connect(url, autocommit=True) as other, other.transaction():
                # Another server in the middle of counting this pair's guesses.
                other.execute(
                    "select pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"sign-in ann@example.org {ADDRESS}"]
                )
                checker.start()
                checker.join(timeout=1)
                waited = checker.is_alive()
            checker.join(timeout=10)
    finally:
        pg.drop_database(url)
    assert (waited, outcome) == (True, ["wrong e-mail or password"])


@pytest.mark.postgres
def test_on_postgresql_guesses_waiting_their_turn_hold_no_connection_of_the_pool():
    url = pg.new_database()
    try:
        with Store(url) as store:
            users.create(store, "ann@example.org", "editor")
            guessers = [
                threading.Thread(target=_attempt, args=(store, "ann@example.org", "wrong"), daemon=True)
                for _ in range(3 * pg_store.POOL_MAX)
            ]
            read: list[object] = []
            with users._ATTEMPTS:  # one sign-in counting while many more arrive
                for thread in guessers:
                    thread.start()
                time.sleep(0.5)
                reader = threading.Thread(target=lambda: read.append(operations.is_empty(store)), daemon=True)
                reader.start()
                reader.join(timeout=5)  # a page's read still gets a connection at once
                read_while_counting = list(read)
            for thread in guessers:
                thread.join(timeout=30)
    finally:
        pg.drop_database(url)
    assert read_while_counting == [True]


def test_an_account_without_a_password_costs_one_argon2_check_like_any_other(
    ann: Store, monkeypatch: pytest.MonkeyPatch
):
    checks: list[str] = []

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            checks.append(str(password))
            return super().verify(hash, password)

    monkeypatch.setattr(accounts, "_HASHER", Counting())
    for email in ("ann@example.org", "bob@example.org", "nobody@example.org"):
        assert _attempt(ann, email, "a wrong guess!") == "wrong e-mail or password"
    assert checks == ["a wrong guess!"] * 3


def test_one_address_failing_on_thirty_accounts_in_a_minute_is_told_to_wait(served):
    client, _ = served
    for n in range(30):
        data = {"email": f"someone{n}@example.org", "password": PASSWORD}
        assert client.post("/auth/sign-in", data=data, headers=ORIGIN).status_code == 401
    data = {"email": "ann@example.org", "password": PASSWORD}
    answer = client.post("/auth/sign-in", data=data, headers=ORIGIN)
    assert answer.status_code == 429
    assert "Too many failed sign-ins from here; wait a minute and try again." in answer.text
    assert accounts.COOKIE not in client.cookies


def test_signing_in_and_out_are_in_the_audit_log(served):
    client, store = served
    data = {"email": "Ann@example.org", "password": PASSWORD}
    assert client.post("/auth/sign-in", data=data, headers=ORIGIN).status_code == 303
    assert client.post("/auth/sign-out", headers=ORIGIN).status_code == 303
    with store.cursor() as cur:
        rows = cur.execute(
            "select actor, role, kind, action, detail from audit_log where action like 'signed%' order by id"
        ).fetchall()
    assert rows == [
        ("ann@example.org", "editor", "users", "signed in", "from testclient"),
        ("ann@example.org", "editor", "users", "signed out", ""),
    ]
