"""A workshop on a PostgreSQL workspace served by two app servers, as behind a load balancer:
the facilitator runs it on server A, the presenter view is on server B, and the phones joined
through either. Their votes add up on B's projector, "Next" on A reaches every phone, and B's
Overview counts the votes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, expect

from dashboard import demo
from dashboard.store import Store
from tests import pg
from tests.browser.conftest import PROJECTOR, Server, exceptions_on
from tests.browser.test_workshop import click, confirmed, open_page, open_phone, presenter_text, tap_score
from tests.conftest import DEMO_END, SMALL_DEMO
from tests.servers import start_server, stop_server

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    """Servers A and B on one new PostgreSQL database holding the small demo."""
    pg.server_url()  # skips (or fails where PostgreSQL is required) without a cluster
    url = pg.new_database()
    folder = tmp_path_factory.mktemp("workshop-servers")
    try:
        with Store(url) as store:
            demo.build(store, impressions=SMALL_DEMO, end=DEMO_END)
        first, a = start_server(url, folder / "a.log")
        try:
            second, b = start_server(url, folder / "b.log")
            try:
                yield a, b
            finally:
                stop_server(second)
        finally:
            stop_server(first)
    finally:
        pg.drop_database(url)


@pytest.mark.timeout(300)
def test_a_workshop_run_on_one_server_with_phones_and_projector_on_both_adds_up(
    two_servers: tuple[Server, Server], browser: Browser
):
    a, b = two_servers
    facilitator = open_page(browser, f"{a.url}/workshop", PROJECTOR)
    click(facilitator, "Start session")
    heading = facilitator.get_by_text(re.compile(r"^Join code: [A-Z0-9]{4}-[A-Z0-9]{4}$"))
    expect(heading).to_be_visible(timeout=60_000)
    code = heading.inner_text().removeprefix("Join code: ").replace("-", "")
    click(facilitator, "Open")
    expect(facilitator.get_by_text("(open for votes)")).to_be_visible(timeout=60_000)
    presenter_url = facilitator.get_by_role("link", name=re.compile("Open the presenter view")).get_attribute("href")
    assert presenter_url
    shown = urlsplit(presenter_url)  # on server B, whichever address A gave it
    presenter = open_page(browser, f"{b.url}{shown.path}?{shown.query}", PROJECTOR)
    assert f"with code {code[:4]}-{code[4:]}" in presenter_text(presenter)

    scores = ["5", "4", "2", "4"]
    phones = [open_phone(browser, f"{(a, b)[n % 2].url}/w/{code}", f"Phone {n + 1}") for n in range(len(scores))]
    for phone, score in zip(phones, scores, strict=True):
        tap_score(phone, score)
    for phone, score in zip(phones, scores, strict=True):
        confirmed(phone, score)
    expect(presenter.get_by_text(f"{len(scores)} votes · results hidden")).to_be_visible(timeout=15_000)
    click(facilitator, "Reveal results")
    mean = sum((int(v) - 3) / 2 for v in scores) / len(scores)
    expect(presenter.get_by_text(f"{len(scores)} votes · mean {mean:+.2f}".replace("-", "−"))).to_be_visible(
        timeout=30_000
    )

    click(facilitator, "Next")
    name = facilitator.get_by_text(re.compile(r"^On screen: ")).inner_text().removeprefix("On screen: ")
    for phone in phones:
        expect(phone.locator("#touchpoints h3")).to_have_text([name.rsplit(" (", 1)[0]], timeout=10_000)
    for page in [facilitator, presenter]:
        assert exceptions_on(page) == []
        page.close()
    for phone in phones:
        phone.context.close()
    overview = open_page(browser, f"{b.url}/overview", PROJECTOR)
    tile = overview.locator("[data-testid=stMetric]").filter(has_text=re.compile(r"^Impressions"))
    expect(tile.locator("[data-testid=stMetricValue]")).to_have_text(f"{SMALL_DEMO + len(scores):,}", timeout=60_000)
    overview.close()
