"""Real browser: the presenter view stops showing the votes once the person who opened it signs
out, although only its fragment reruns (the router's check runs only on a full page run)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, expect

from dashboard import accounts, demo, workshop
from dashboard.store import Store, users
from dashboard.web import signin
from tests.browser.conftest import PROJECTOR, Server, exceptions_on, settle
from tests.conftest import DEMO_END, SMALL_DEMO
from tests.servers import start_server, stop_server

STOPPED = "You are no longer signed in here (or may not see this session): the presenter view stopped."


@dataclass
class Presenting:
    server: Server
    cookie: str  # Fay's signed session cookie
    link: str  # the presenter view's address


@pytest.fixture(scope="module")
def presenting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Presenting]:
    """Local accounts; Fay, a facilitator with a live session (made by the store, as the sign-in
    form would), runs a workshop on the Repair job."""
    folder = tmp_path_factory.mktemp("present")
    db = folder / "present.duckdb"
    with Store(db) as store:
        demo.build(store, impressions=SMALL_DEMO, end=DEMO_END)
        secret = users.open_session(store, users.create(store, "fay@example.org", "facilitator"))
        cookie = accounts.sign(secret, users.signing_key(store))
        with store.cursor() as cur:
            touchpoints = [int(t[0]) for t in cur.execute("select id from touchpoint where cycle_id = 2").fetchall()]
        session = workshop.start(store, 2, touchpoints[:2], "1-5", "Repair job review")
    process, running = start_server(db, folder / "streamlit.log", {"DASHBOARD_AUTH": "local"})
    try:
        yield Presenting(running, cookie, workshop.present_link(running.url, session))
    finally:
        stop_server(process)


def test_the_presenter_view_stops_when_its_person_signs_out_in_another_tab(
    browser: Browser, presenting: Presenting
) -> None:
    context = browser.new_context(viewport=PROJECTOR)
    context.add_cookies([{"name": accounts.COOKIE, "value": presenting.cookie, "url": presenting.server.url}])
    projector = context.new_page()
    projector.set_default_timeout(60_000)
    projector.goto(presenting.link, wait_until="domcontentloaded")
    settle(projector)
    expect(projector.get_by_text("Votes so far")).to_be_visible()

    other_tab = context.new_page()
    other_tab.goto(f"{presenting.server.url}{signin.SIGN_OUT}", wait_until="domcontentloaded")
    other_tab.get_by_role("button", name="Sign out").click()

    expect(projector.get_by_text(STOPPED)).to_be_visible(timeout=15_000)
    expect(projector.get_by_text("Votes so far")).to_have_count(0)
    assert exceptions_on(projector) == []
    context.close()
