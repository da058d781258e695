"""Real-browser journeys of signing in: through a real local OpenID provider (single sign-on),
with a local account, and a workshop participant who tries the rest of the app. Screenshots of
the sign-in screen, the no-access page and Settings at both sizes go to SCREENSHOTS when set."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from dashboard import accounts, demo, workshop
from dashboard.store import Store, users
from tests.browser.conftest import PHONE, PROJECTOR, Server, exceptions_on, settle
from tests.conftest import DEMO_END, SMALL_DEMO
from tests.servers import free_port, start_server, stop_server

ANN = "ann@example.org"
ZED = "zed@example.org"  # known to the provider, not to the workspace
SHOTS = Path(os.environ["SCREENSHOTS"]) if os.environ.get("SCREENSHOTS") else None
SIZES = {"desktop": PROJECTOR, "phone": PHONE}


def _workspace(folder: Path) -> Path:
    db = folder / "signin.duckdb"
    with Store(db) as store:
        demo.build(store, impressions=SMALL_DEMO, end=DEMO_END)
    return db


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{url} never answered; the log:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real OpenID provider on this machine (oidc-provider-mock) that knows Ann and Zed, and
    tells the app they are admins."""
    port = free_port()
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    command = [sys.executable, "-m", "oidc_provider_mock", "--port", str(port)]
    # Ann's provider claims she is an admin: the app must go by its own account (a viewer), never
    # by a role the identity token carries.
    claims = {"role": "admin", "roles": ["admin"], "groups": ["admins"]}
    for sub, email in (("ann", ANN), ("zed", ZED)):
        command += ["--user-claims", json.dumps({"sub": sub, "email": email, **claims})]
    process = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    issuer = f"http://127.0.0.1:{port}"
    _wait_for(f"{issuer}/.well-known/openid-configuration", process, log)
    try:
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory: pytest.TempPathFactory, provider: str) -> Iterator[Server]:
    """The app in single sign-on mode, where Ann has a viewer account; its ``[auth]`` settings
    in a secrets file of its own (``STREAMLIT_SECRETS_FILES``), as an operator would write them."""
    folder = tmp_path_factory.mktemp("sso")
    db = _workspace(folder)
    with Store(db) as store:
        users.create(store, ANN, "viewer")
    port = free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        'cookie_secret = "a long random string only this server knows"\n'
        'client_id = "touchpoint-dashboard"\n'
        'client_secret = "any secret the mock provider accepts"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    env = {"DASHBOARD_AUTH": "oidc", "STREAMLIT_SECRETS_FILES": str(secrets)}
    process, running = start_server(db, folder / "streamlit.log", env, port=port)
    try:
        yield Server(f"http://localhost:{port}", running.db, running.log)
    finally:
        stop_server(process)


@dataclass
class LocalApp:
    server: Server
    cookies: dict[str, str]  # e-mail: a signed session cookie value
    join_code: str


@pytest.fixture(scope="module")
def local_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalApp]:
    """The app with local accounts: an admin, a viewer (each with a live session made by the
    store, as the sign-in form would), an editor with a password, and a live workshop session."""
    folder = tmp_path_factory.mktemp("local")
    db = _workspace(folder)
    cookies = {}
    with Store(db) as store:
        for email, role in (("ada@example.org", "admin"), ("vic@example.org", "viewer")):
            secret = users.open_session(store, users.create(store, email, role))
            cookies[email] = accounts.sign(secret, users.signing_key(store))
        users.create(store, "bob@example.org", "editor")
        users.set_password(store, "bob@example.org", "correct horse battery")
        with store.cursor() as cur:
            touchpoints = [int(t[0]) for t in cur.execute("select id from touchpoint where cycle_id = 2").fetchall()]
        session = workshop.start(store, 2, touchpoints[:2], "1-5", "Repair job review")
    process, running = start_server(db, folder / "streamlit.log", {"DASHBOARD_AUTH": "local"})
    try:
        yield LocalApp(running, cookies, session.code)
    finally:
        stop_server(process)


def _browse(browser: Browser, url: str, viewport: ViewportSize, cookie: str | None = None) -> Page:
    context = browser.new_context(viewport=viewport)
    if cookie is not None:
        context.add_cookies([{"name": accounts.COOKIE, "value": cookie, "url": url}])
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid=stApp]")
    settle(page)
    return page


def _shoot(page: Page, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _sign_in_at_provider(page: Page, app: str, who: str) -> None:
    page.get_by_role("button", name="Sign in with single sign-on").click()
    page.get_by_role("button", name=who).click()  # the provider's own page: sign in as this person
    page.wait_for_url(lambda url: url.startswith(app) and "oauth2callback" not in url, wait_until="commit")
    page.wait_for_selector("[data-testid=stApp]")
    settle(page)


@pytest.mark.parametrize("size", SIZES)
def test_single_sign_on_through_a_real_provider_ends_on_the_overview_signed_in(
    sso_server: Server, browser: Browser, size: str
):
    page = _browse(browser, f"{sso_server.url}/overview", SIZES[size])
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    _shoot(page, f"sign-in-sso-{size}")
    _sign_in_at_provider(page, sso_server.url, "ann")
    page.wait_for_url(re.compile(r"/overview$"))
    settle(page)
    assert exceptions_on(page) == []
    if size == "desktop":
        expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Signed in as {ANN} · Viewer")
        expect(page.get_by_test_id("stSidebarNav")).not_to_contain_text("Upload surveys")  # a viewer's menu
        return
    top_bar = page.locator(".tpd-account")
    expect(top_bar).to_contain_text(f"Signed in as {ANN} · Viewer")
    _shoot(page, "overview-signed-in-phone")
    top_bar.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="End session").click()  # the provider's page ends its session too
    expect(page.get_by_role("button", name="Sign in with single sign-on")).to_be_visible(timeout=30_000)


def test_a_provider_user_without_an_account_is_told_whom_to_ask_and_can_sign_out(sso_server: Server, browser: Browser):
    page = _browse(browser, f"{sso_server.url}/overview", PHONE)
    _sign_in_at_provider(page, sso_server.url, "zed")
    expect(page.get_by_role("heading", name="No access yet")).to_be_visible()
    expect(page.get_by_text(f"Ask an admin to add {ZED}")).to_be_visible()
    assert page.get_by_test_id("stMetric").count() == 0
    _shoot(page, "no-account-phone")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click()  # the provider's page ends its session too
    expect(page.get_by_role("button", name="Sign in with single sign-on")).to_be_visible(timeout=30_000)


def test_a_local_account_signs_in_with_the_form_and_lands_where_it_was_going(local_app: LocalApp, browser: Browser):
    page = browser.new_page(viewport=PROJECTOR)
    page.goto(f"{local_app.server.url}/map")  # sent to the form, which brings them back after
    page.get_by_label("E-mail").fill("bob@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/map$"))
    page.wait_for_selector("[data-testid=stApp]")
    settle(page)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Signed in as bob@example.org · Editor")
    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/auth/sign-in"))
    page.goto(f"{local_app.server.url}/map")
    assert "/auth/sign-in" in page.url  # the session ended on the server, not only in this tab


@pytest.mark.parametrize("size", SIZES)
def test_before_signing_in_a_page_address_leads_to_the_sign_in_form(local_app: LocalApp, browser: Browser, size: str):
    page = browser.new_page(viewport=SIZES[size])
    page.goto(f"{local_app.server.url}/settings")
    assert page.url == f"{local_app.server.url}/auth/sign-in?next=%2Fsettings"
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_label("Password")).to_be_visible()
    _shoot(page, f"sign-in-local-{size}")


@pytest.mark.parametrize("size", SIZES)
def test_a_viewer_opening_the_upload_page_sees_why_not_and_who_they_are(
    local_app: LocalApp, browser: Browser, size: str
):
    page = _browse(browser, f"{local_app.server.url}/upload", SIZES[size], local_app.cookies["vic@example.org"])
    expect(page.get_by_role("heading", name="No access")).to_be_visible()
    expect(page.get_by_text("You do not have access to this page (Upload surveys)")).to_be_visible()
    assert page.locator("[data-testid=stFileUploader]").count() == 0
    where = page.locator(".tpd-account") if size == "phone" else page.get_by_test_id("stSidebar")
    expect(where).to_contain_text("Signed in as vic@example.org · Viewer")
    expect(where.get_by_role("button", name="Sign out")).to_be_visible()
    _shoot(page, f"no-access-{size}")


@pytest.mark.parametrize("size", SIZES)
def test_an_admin_sees_people_and_the_audit_log_on_settings(local_app: LocalApp, browser: Browser, size: str):
    page = _browse(browser, f"{local_app.server.url}/settings", SIZES[size], local_app.cookies["ada@example.org"])
    for heading in ("Sign-in", "Your account", "People", "API tokens", "Audit log"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    assert exceptions_on(page) == []
    _shoot(page, f"settings-{size}")
    for heading in ("People", "Audit log"):
        page.get_by_role("heading", name=heading).scroll_into_view_if_needed()
        _shoot(page, f"settings-{heading.lower().replace(' ', '-')}-{size}")


def test_a_workshop_participant_who_leaves_their_phone_page_meets_the_sign_in(local_app: LocalApp, browser: Browser):
    context = browser.new_context(viewport=PHONE)
    phone = context.new_page()
    phone.set_default_timeout(60_000)
    phone.goto(f"{local_app.server.url}/w/{local_app.join_code}")
    phone.get_by_label("Your name (optional)").fill("Pat")
    phone.get_by_role("button", name="Start").click()
    expect(phone.locator("#status")).not_to_have_text("Loading…")
    phone.goto(f"{local_app.server.url}/overview")
    assert phone.url == f"{local_app.server.url}/auth/sign-in?next=%2Foverview"
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()
    assert phone.locator("[data-testid=stApp]").count() == 0  # no page of the app, not even its frame
