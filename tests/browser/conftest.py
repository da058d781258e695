"""Real-browser fixtures: the app server (tests/servers.py) on a free port against a temporary
workspace, and headless Chromium (Debian's, at /usr/bin/chromium) driven by Playwright."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, ViewportSize, sync_playwright

from dashboard import demo
from dashboard.store import Store
from tests import servers
from tests.conftest import DEMO_END, SMALL_DEMO
from tests.servers import start_server, stop_server

ROOT = Path(__file__).resolve().parents[2]
Server = servers.Server
"""The running app: its URL, workspace file and log (re-exported for the journeys)."""
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROJECTOR = ViewportSize(width=1920, height=1080)
PHONE = ViewportSize(width=390, height=844)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@contextmanager
def demo_server(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Server]:
    """The app on a fresh small demo workspace of its own, stopped afterwards. Journeys that
    write (plan, workshop) take their own, so the counts other tests read stay put."""
    folder = tmp_path_factory.mktemp(name)
    db = folder / f"{name}.duckdb"
    with Store(db) as store:
        demo.build(store, impressions=SMALL_DEMO, end=DEMO_END)
    process, running = start_server(db, folder / "streamlit.log")
    try:
        yield running
    finally:
        stop_server(process)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app on a small demo workspace, for the whole browser session."""
    with demo_server(tmp_path_factory, "browser") as running:
        yield running


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """One Playwright driver per test process: its sync API cannot run twice at once."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: run ./scripts/ensure-chromium.sh (make test does)")
    with sync_playwright() as driver:
        yield driver


def launch(playwright: Playwright, *extra_args: str) -> Browser:
    """The system Chromium, headless, with the flags this machine needs (and any extra ones)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args])


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = launch(playwright)
    yield launched
    launched.close()


def settle(page: Page, timeout_s: float = 60) -> None:
    """Waits until the app has finished its run (three calm polls in a row), never on sleeps."""
    deadline = time.monotonic() + timeout_s
    calm = 0
    while time.monotonic() < deadline:
        state = page.evaluate(
            "() => document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state')"
        )
        calm = calm + 1 if state == "notRunning" else 0
        if calm >= 3:
            return
        page.wait_for_timeout(200)
    raise AssertionError("the app never finished running")


def open_app(browser: Browser, url: str, viewport: ViewportSize) -> Page:
    page = browser.new_page(viewport=viewport)
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid=stApp]")
    settle(page)
    return page


def exceptions_on(page: Page) -> list[str]:
    return page.locator("[data-testid=stException]").all_inner_texts()
