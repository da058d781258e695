"""A leader filters the Overview, narrows the Impressions page with a click, and shares the link."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.browser.conftest import PHONE, PROJECTOR, Server, exceptions_on, open_app, settle

ACTIVE = "1 filter active: the figures below cover only what they select."


def _choose(page: Page, label: str, option: str) -> None:
    """Picks an option in the multiselect with the given label, then closes its list."""
    box = page.locator("[data-testid=stMultiSelect]").filter(has_text=label)
    box.locator("input").click()
    page.get_by_role("option", name=option).click()
    page.keyboard.press("Escape")
    settle(page)


def _narrowed_to(page: Page) -> str:
    return page.locator("[data-testid=stAlert]").filter(has_text="Narrowed to").inner_text()


def test_a_leader_filters_clicks_a_heatmap_cell_and_shares_the_narrowed_view(server: Server, browser: Browser):
    page = open_app(browser, f"{server.url}/overview", PROJECTOR)
    page.get_by_text("Filters", exact=True).click()
    _choose(page, "Moment", "Keep-or-Lose")
    assert "moment=keep_or_lose" in page.url
    expect(page.get_by_text(ACTIVE)).to_be_visible()
    # The panel keeps its title, so it stays open for the next filter.
    assert page.locator("[data-testid=stExpander] details").first.evaluate("details => details.open")

    page.locator("[data-testid=stSidebarNav] a", has_text="Impressions").click()
    page.wait_for_url(re.compile(r"/impressions"))
    settle(page)
    assert "moment=keep_or_lose" in page.url
    heatmap = page.locator("[data-testid=stPlotlyChart]").first
    cells = heatmap.locator(".scatterlayer .trace").first.locator("path.point")
    cells.first.wait_for(state="attached")
    assert cells.count() > 0
    cells.nth(0).click(force=True)
    page.wait_for_url(re.compile(r"tp=\d+.*month=\d{4}-\d{2}|month=\d{4}-\d{2}.*tp=\d+"))
    settle(page)
    narrowed = _narrowed_to(page)
    # The line names the clicked cell: a touchpoint of a cycle, and the month in the address.
    in_url = re.search(r"month=(\d{4}-\d{2})", page.url)
    assert in_url is not None, page.url
    month = datetime.strptime(in_url.group(1), "%Y-%m").strftime("%B %Y")
    assert re.fullmatch(rf"Narrowed to .+ · .+, {month}: the charts below show only that\.", narrowed.strip())
    comments = page.locator("[data-testid=stDataFrame]").last
    expect(comments).to_be_visible()
    assert exceptions_on(page) == []

    shared = open_app(browser, page.url, PROJECTOR)
    assert _narrowed_to(shared) == narrowed
    expect(shared.get_by_text(ACTIVE)).to_be_visible()
    assert "moment=keep_or_lose" in shared.url
    assert exceptions_on(shared) == []
    shared.close()
    page.close()


@pytest.mark.parametrize("viewport", [PROJECTOR, PHONE], ids=["projector", "phone"])
def test_the_impressions_page_draws_every_chart_without_an_error(
    server: Server, browser: Browser, viewport: ViewportSize
):
    page = open_app(browser, f"{server.url}/impressions", viewport)
    assert exceptions_on(page) == []
    page.locator(".js-plotly-plot").nth(4).wait_for()
    assert page.locator("[data-testid=stPlotlyChart]").count() == 5
    # The heatmap keeps 36 px a month: on a phone it scrolls sideways instead of squeezing the months.
    months = page.evaluate("() => document.querySelectorAll('.js-plotly-plot')[0].layout.xaxis.categoryarray.length")
    width = page.locator(".st-key-heatmap_inner").evaluate("box => box.getBoundingClientRect().width")
    assert width >= 300 + 36 * months
    page.close()
