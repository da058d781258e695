"""A team uploads a flow file, sees the funnel, clicks a source and sees the page narrow to it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, FilePayload, Locator, ViewportSize, expect

from tests.browser.conftest import PHONE, PROJECTOR, Server, demo_server, exceptions_on, open_app, settle

# A source of the team's own, far larger than any other, so its bar is the last one drawn.
FLOW_FILE = (
    b"period,service_cycle,measure,source,count\n"
    b"2026-09,Repair job,prospects,Trade fair,10000\n"
    b"2026-09,Repair job,customers_won,Trade fair,4000\n"
)


@pytest.fixture(scope="module")
def flow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app on a fresh demo workspace of its own: this journey writes flow counts."""
    with demo_server(tmp_path_factory, "flow") as running:
        yield running


def test_a_team_uploads_a_flow_file_sees_the_funnel_and_narrows_to_a_source(flow_server: Server, browser: Browser):
    page = open_app(browser, f"{flow_server.url}/flow", PROJECTOR)
    page.get_by_role("tab", name="Record flow").click()
    page.locator("input[type=file]").set_input_files(
        files=[FilePayload(name="trade-fair.csv", mimeType="text/csv", buffer=FLOW_FILE)]
    )
    page.get_by_role("button", name="Import 2 counts").click()
    expect(page.get_by_text("Imported 2 counts from trade-fair.csv (flow import 1).")).to_be_visible(timeout=30_000)
    settle(page)

    page.get_by_role("tab", name="The flow").click()
    charts = page.locator("[data-testid=stPlotlyChart]")
    funnel = charts.nth(0)
    expect(funnel.locator(".ytick").filter(has_text="Make-or-Break")).to_be_visible()
    expect(funnel.get_by_text(re.compile(r"^\d+%: [\d,]+ of [\d,]+$")).first).to_be_visible()

    bars = charts.nth(2).locator(".barlayer path")  # prospects by source, smallest first
    expect(bars.last).to_be_attached()
    bars.last.click(force=True)
    page.wait_for_url(re.compile(r"prospects_from=Trade(\+|%20)fair"))
    settle(page)
    narrowed = page.locator("[data-testid=stAlert]").filter(has_text="Narrowed to")
    expect(narrowed).to_contain_text("Narrowed to prospects from Trade fair")

    def value(label: str) -> Locator:
        return page.locator("[data-testid=stMetric]").filter(has_text=label).locator("[data-testid=stMetricValue]")

    expect(value("Conversion")).to_have_text("40%")  # 4,000 of 10,000: that source alone
    assert exceptions_on(page) == []
    page.close()


@pytest.mark.parametrize("viewport", [PROJECTOR, PHONE], ids=["projector", "phone"])
def test_the_flow_page_draws_every_chart_without_an_error(server: Server, browser: Browser, viewport: ViewportSize):
    page = open_app(browser, f"{server.url}/flow", viewport)
    page.locator(".js-plotly-plot").nth(5).wait_for()
    assert page.locator("[data-testid=stPlotlyChart]").count() == 6
    assert exceptions_on(page) == []
    page.close()
