"""The pages under the server's Content-Security-Policy: they draw their charts with nothing
blocked but the navigation icon Streamlit fetches from Google's font server, and every run
counts in /metrics."""

from __future__ import annotations

import re
import urllib.request

from playwright.sync_api import Browser, ConsoleMessage

from tests.browser.conftest import PROJECTOR, Server, exceptions_on, settle

GOOGLE_ICON = "https://fonts.gstatic.com/"


def test_the_charts_draw_under_the_content_security_policy(server: Server, browser: Browser):
    page = browser.new_page(viewport=PROJECTOR)
    blocked: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text and GOOGLE_ICON not in message.text:
            blocked.append(message.text)

    page.on("console", note)
    for path in ("/overview", "/map"):
        page.goto(server.url + path, wait_until="domcontentloaded")
        page.wait_for_selector("[data-testid=stApp]")
        settle(page)
        page.wait_for_selector(".js-plotly-plot .main-svg")
        assert exceptions_on(page) == [], path
    page.close()
    assert blocked == []


def test_page_runs_are_counted_in_the_metrics(server: Server, browser: Browser):
    page = browser.new_page(viewport=PROJECTOR)
    page.goto(server.url + "/overview", wait_until="domcontentloaded")
    settle(page)
    page.close()
    with urllib.request.urlopen(server.url + "/metrics", timeout=10) as response:
        text = response.read().decode()
    runs = re.search(r"^dashboard_script_runs_total (\S+)$", text, re.MULTILINE)
    assert runs is not None and float(runs.group(1)) >= 1
