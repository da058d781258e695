"""A viewer signed in with local accounts, in a real browser: the map, the upload page, the
reputation plan and the workshop offer them no control that writes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

from dashboard import accounts, demo
from dashboard.store import Store, users
from tests.browser.conftest import PHONE, PROJECTOR, Server, exceptions_on, settle
from tests.conftest import DEMO_END, SMALL_DEMO
from tests.servers import start_server, stop_server

SCREENSHOTS = Path(os.environ.get("ROLE_SCREENSHOTS", "")) if os.environ.get("ROLE_SCREENSHOTS") else None
"""Where to keep the read-only map's screenshots for a person to look at (unset: none kept)."""

EDIT_CONTROLS = {
    "map": (
        "New service cycle",
        "Add the touchpoint",
        "Save the changes",
        "Move earlier",
        "Move later",
        "Rename",
        "Add the idea",
        "Vote for it",
        "Import the map",
    ),
    "upload": ("Record the impression", "Apply these choices", "Undo this import…", "Browse files"),
    "reputation": ("Save cell", "Save statement", "Save standard and review", "Save thresholds"),
    "workshop": ("Start session", "Reopen session", "End session", "Next", "Save address"),
}
"""Labels of the buttons that write, per page: a viewer may find none of them enabled."""


@pytest.fixture(scope="module")
def viewer_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    """The app with local accounts on a small demo workspace, and a viewer's signed session cookie."""
    folder = tmp_path_factory.mktemp("roles")
    db = folder / "roles.duckdb"
    with Store(db) as store:
        demo.build(store, impressions=SMALL_DEMO, end=DEMO_END)
        viewer = users.create(store, "vera@example.org", "viewer", name="Vera")
        cookie = accounts.sign(users.open_session(store, viewer), users.signing_key(store))
    process, running = start_server(db, folder / "streamlit.log", env={"DASHBOARD_AUTH": "local"})
    try:
        yield running, cookie
    finally:
        stop_server(process)


def signed_in(browser: Browser, server: Server, cookie: str, viewport: ViewportSize) -> BrowserContext:
    context = browser.new_context(viewport=viewport)
    context.add_cookies([{"name": accounts.COOKIE, "value": cookie, "url": server.url}])
    return context


def visit(context: BrowserContext, url: str) -> Page:
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid=stApp]")
    settle(page)
    assert exceptions_on(page) == []
    return page


def usable(page: Page, labels: tuple[str, ...]) -> list[str]:
    """The labels among ``labels`` of buttons on the page (any tab) that a click would work."""
    found = []
    for label in labels:
        buttons = page.get_by_role("button", name=label, exact=True)
        found += [label for i in range(buttons.count()) if buttons.nth(i).is_enabled()]
    return found


@pytest.mark.parametrize("path", list(EDIT_CONTROLS))
def test_a_viewer_finds_no_control_that_writes(viewer_server: tuple[Server, str], browser: Browser, path: str):
    server, cookie = viewer_server
    context = signed_in(browser, server, cookie, PROJECTOR)
    try:
        page = visit(context, f"{server.url}/{path}")
        for tab in page.get_by_role("tab").all():  # controls in tabs the viewer has not opened count too
            tab.click()
            settle(page)
        assert usable(page, EDIT_CONTROLS[path]) == []
        assert page.locator("input[type=file]:not([disabled])").count() == 0
    finally:
        context.close()


def test_the_map_reads_as_read_only_to_a_viewer_on_a_large_screen_and_a_phone(
    viewer_server: tuple[Server, str], browser: Browser
):
    server, cookie = viewer_server
    for name, viewport in (("1920x1080", PROJECTOR), ("390x844", PHONE)):
        context = signed_in(browser, server, cookie, viewport)
        try:
            page = visit(context, f"{server.url}/map")
            page.get_by_role("tab", name="Edit the cycle", exact=True).click()
            settle(page)
            note = page.get_by_role("tabpanel", name="Edit the cycle").get_by_test_id("stAlert")
            assert note.inner_text().strip().endswith("this needs the editor role; your role is viewer.")
            if SCREENSHOTS is not None:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / f"map-viewer-edit-{name}.png"), full_page=True)
                page.get_by_role("tab", name="Map", exact=True).click()
                settle(page)
                page.screenshot(path=str(SCREENSHOTS / f"map-viewer-{name}.png"), full_page=True)
                page.get_by_role("button", name="Add the idea").scroll_into_view_if_needed()
                page.screenshot(path=str(SCREENSHOTS / f"map-viewer-ideas-{name}.png"))
        finally:
            context.close()
