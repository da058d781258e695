"""A team member uploads a survey in a real browser, imports it, sees it counted, and undoes it."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, FilePayload, Locator, expect

from tests.browser.conftest import PROJECTOR, Server, exceptions_on, open_app, settle
from tests.survey_files import csv_bytes

SURVEY = csv_bytes(
    [
        "2026-09-01,Annual service renewal,Renewal reminder,,4,,Clear letter",
        "27/09/2026,,service visit,,5,,",
        "28/09/2026,,Service visit,,2,,Late again",
        "2026-09-02,,Service visit,,Don't know,,",
    ]
)


def test_a_team_member_uploads_previews_imports_and_undoes_a_survey(server: Server, browser: Browser):
    page = open_app(browser, f"{server.url}/upload", PROJECTOR)
    assert page.locator("h1").first.inner_text().startswith("Upload surveys")

    page.locator("input[type=file]").set_input_files(
        files=[FilePayload(name="renewal-september.csv", mimeType="text/csv", buffer=SURVEY)]
    )
    # 4, 5 and 2 could be on 1-5, 1-7, 1-10 or 0-10: the page asks instead of guessing.
    expect(page.get_by_text("The scale is a guess")).to_be_visible(timeout=30_000)
    settle(page)
    page.get_by_text("1 to 5 (1-5)", exact=True).click()
    settle(page)
    page.get_by_role("button", name="Use this scale").click()
    expect(page.get_by_text("What was detected")).to_be_visible(timeout=30_000)
    settle(page)
    metric = page.locator("[data-testid=stMetric]")

    def value(label: str) -> Locator:
        # The tile's value alone, matched whole: "3" must not pass for "13".
        return metric.filter(has_text=label).locator("[data-testid=stMetricValue]")

    expect(value("Impressions to record")).to_have_text("3")
    expect(value("Missing answers")).to_have_text("1")
    expect(value("Answers rejected")).to_have_text("0")
    expect(page.get_by_text("date: ISO year-month-day and day/month/year")).to_be_visible()

    page.get_by_role("button", name="Import 3 impressions").click()
    expect(page.get_by_text("Imported 3 impressions into Annual service renewal")).to_be_visible(timeout=30_000)
    settle(page)

    page.get_by_role("tab", name="Import history").click()
    history = page.locator("[data-testid=stDataFrame]").last
    expect(history).to_be_visible()
    page.get_by_role("button", name="Undo this import…").click()
    settle(page)
    page.get_by_role("button", name=re.compile(r"^Yes, undo import \d+$")).click()
    expect(page.get_by_text(re.compile(r"^Undone: import \d+, 3 impressions removed\.$"))).to_be_visible(timeout=30_000)
    settle(page)
    assert exceptions_on(page) == []
    page.close()
