"""A leader opens the Overview in a real browser, on a projector and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, ViewportSize, expect

from tests.browser.conftest import PHONE, PROJECTOR, Server, exceptions_on, open_app


@pytest.mark.parametrize("viewport", [PROJECTOR, PHONE], ids=["projector", "phone"])
def test_a_leader_opens_the_overview_and_sees_the_kpis_and_where_the_chain_breaks(
    server: Server, browser: Browser, viewport: ViewportSize
):
    page = open_app(browser, f"{server.url}/overview", viewport)
    assert exceptions_on(page) == []
    # The run has finished; the browser may still be drawing (charts load their code lazily).
    page.locator("[data-testid=stMetric]").nth(7).wait_for()
    page.locator(".js-plotly-plot").nth(2).wait_for()
    metrics = page.locator("[data-testid=stMetric]")
    texts = metrics.all_inner_texts()
    assert any("Impressions" in t and "6,000" in t for t in texts)
    assert any(t.startswith("Mean impression") for t in texts)
    assert any(t.startswith("Net impression") for t in texts)
    assert any(t.startswith("Perfection rate") for t in texts)
    assert "The chain breaks at Make-or-Break" in page.locator("[data-testid=stAlert]").first.inner_text()
    expect(page.locator(".js-plotly-plot")).to_have_count(4, timeout=30_000)
    page.close()


def test_the_bare_address_opens_the_overview_under_its_own_url(server: Server, browser: Browser):
    page = open_app(browser, server.url, PROJECTOR)
    page.wait_for_url("**/overview")
    assert page.locator("h1").first.inner_text().startswith("Overview")
    assert exceptions_on(page) == []
    page.close()
