"""Nothing leaves the server's origin: every page works on a network that reaches only the app."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Response

from tests.browser.conftest import PROJECTOR, Server, settle

# The Streamlit pages. The participant's phone page is served by the app's own routes, not by
# Streamlit; tests/browser/test_workshop.py runs axe on it at 320 and 390 px wide.
PAGES = ["overview", "impressions", "flow", "map", "upload", "reputation", "workshop", "settings", "present"]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _visit(browser: Browser, server: Server, page_name: str) -> tuple[list[str], list[str]]:
    """Every address the page asked for, and every answer that was an error (4xx, 5xx)."""
    page = browser.new_page(viewport=PROJECTOR)
    requested: list[str] = []
    failed: list[str] = []

    def note(response: Response) -> None:
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    page.on("request", lambda request: requested.append(request.url))
    page.on("response", note)
    page.goto(f"{server.url}/{page_name}", wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid=stApp]")
    settle(page)
    page.wait_for_timeout(1500)  # charts, icons and fonts load after the run has finished
    page.close()
    return requested, failed


@pytest.mark.parametrize("page_name", PAGES)
def test_a_page_asks_nothing_of_any_other_origin(server: Server, browser: Browser, page_name: str):
    requested, _ = _visit(browser, server, page_name)
    assert requested, "the page made no requests at all"
    assert [url for url in requested if _origin(url) != server.url and not url.startswith("data:")] == []


@pytest.mark.parametrize("page_name", ["map", "overview"])
def test_a_page_opened_by_its_own_address_asks_for_nothing_that_is_not_there(
    server: Server, browser: Browser, page_name: str
):
    _, failed = _visit(browser, server, page_name)
    assert failed == []
