"""A facilitator runs a workshop on the demo workspace: ten phones vote at once while the
projector follows, and the totals come out exact."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, ViewportSize, expect

from tests.browser.conftest import (
    PHONE,
    PROJECTOR,
    Server,
    demo_server,
    exceptions_on,
    launch,
    settle,
)
from tests.conftest import SMALL_DEMO

PHONES = 10
SHOTS = Path("/tmp/issue8/shots")


@pytest.fixture(scope="module")
def workshop_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app on its own demo workspace: this journey writes impressions other tests count."""
    with demo_server(tmp_path_factory, "workshop") as running:
        yield running


@pytest.fixture(scope="module")
def room_browser(playwright: Playwright) -> Iterator[Browser]:
    """Chromium that keeps every tab awake: a dozen tabs share one window here, and Chromium
    slows the timers of hidden tabs to one wake-up a minute after five minutes, which would
    freeze the phones' and the projector's connections to the app."""
    launched = launch(
        playwright,
        "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows",
    )
    yield launched
    launched.close()


def open_pages(browser: Browser, url: str, viewport: ViewportSize, count: int = 1) -> list[Page]:
    """Like ``open_app`` for several pages at once: all load together, then each is awaited.

    Patient timeouts: ten phones, a projector and their refresh timers share two cores."""
    pages = []
    for _ in range(count):
        page = browser.new_page(viewport=viewport)
        page.set_default_timeout(120_000)
        page.goto(url, wait_until="commit")
        pages.append(page)
    for page in pages:
        page.wait_for_selector("[data-testid=stApp]")
        settle(page, timeout_s=120)
    return pages


def open_page(browser: Browser, url: str, viewport: ViewportSize) -> Page:
    return open_pages(browser, url, viewport)[0]


def click(page: Page, name: str) -> None:
    """Clicks the app's button whose label ends with ``name`` (icons add their own text before it)."""
    page.bring_to_front()
    page.locator("button[data-testid^=stBaseButton]").filter(has_text=re.compile(rf"{re.escape(name)}$")).click()
    settle(page, timeout_s=120)


def tap_score(page: Page, point: str) -> None:
    page.bring_to_front()
    page.locator("[data-testid=stButtonGroup] button").filter(has_text=re.compile(rf"^{point}$")).click()


def presenter_text(page: Page) -> str:
    return page.locator("[data-testid=stMain]").inner_text()


@pytest.mark.timeout(900)
def test_ten_phones_vote_at_once_and_the_presenter_view_shows_the_exact_totals(
    workshop_server: Server, room_browser: Browser
):
    browser = room_browser
    SHOTS.mkdir(parents=True, exist_ok=True)
    facilitator = open_page(browser, f"{workshop_server.url}/workshop", PROJECTOR)
    click(facilitator, "Start session")
    heading = facilitator.get_by_text(re.compile(r"^Join code: [A-Z0-9]{4}$"))
    expect(heading).to_be_visible(timeout=60_000)
    code = heading.inner_text().removeprefix("Join code: ")
    session = re.search(r"session=(\d+)", facilitator.url)
    assert session is not None, facilitator.url
    session_id = session.group(1)
    click(facilitator, "Open")
    expect(facilitator.get_by_text("(open for votes)")).to_be_visible(timeout=60_000)

    presenter = open_page(browser, f"{workshop_server.url}/present?session={session_id}", PROJECTOR)
    assert presenter.locator("[data-testid=stSidebarNav]").count() == 0
    assert f"with code {code}" in presenter_text(presenter)

    phones = open_pages(browser, f"{workshop_server.url}/join?code={code}", PHONE, PHONES)
    for phone in phones:
        assert phone.locator("[data-testid=stSidebarNav]").count() == 0
        assert exceptions_on(phone) == []
    expect(presenter.get_by_text("Participants")).to_be_visible()

    # Every phone taps its score without waiting for the others; then three change their minds.
    first = {index: str(index % 5 + 1) for index in range(PHONES)}
    final = {**first, 0: "5", 1: "5", 2: "4"}
    for index, phone in enumerate(phones):
        tap_score(phone, first[index])
    for index, phone in enumerate(phones):
        expect(phone.get_by_text(f"Your score: {first[index]}.")).to_be_visible(timeout=60_000)
    for index in (0, 1, 2):
        tap_score(phones[index], final[index])
    for index in (0, 1, 2):
        expect(phones[index].get_by_text(f"Your score: {final[index]}.")).to_be_visible(timeout=60_000)

    # The presenter view refreshes itself every 1.5 s; 15 s leaves room for a busy machine.
    expect(presenter.get_by_text(f"{PHONES} votes · results hidden")).to_be_visible(timeout=15_000)
    click(facilitator, "Reveal results")
    expect(facilitator.get_by_text("Hide results")).to_be_visible(timeout=60_000)
    expected_counts = Counter(final.values())
    mean = sum((int(v) - 3) / 2 for v in final.values()) / PHONES
    expect(presenter.get_by_text(f"{PHONES} votes · mean {mean:+.2f}".replace("-", "−"))).to_be_visible(timeout=30_000)
    expect(presenter.locator(".js-plotly-plot .bartext")).to_have_count(5, timeout=30_000)
    bars = presenter.locator(".js-plotly-plot .bartext").evaluate_all("texts => texts.map(t => t.textContent)")
    assert bars == [str(expected_counts.get(str(p), 0)) for p in range(1, 6)]
    metrics = presenter.locator("[data-testid=stMetric]").all_inner_texts()
    assert any(m.startswith("Participants") and m.endswith(str(PHONES)) for m in metrics)
    assert any(m.startswith("Votes so far") and m.endswith(str(PHONES)) for m in metrics)
    presenter.screenshot(path=str(SHOTS / "presenter-1920x1080.png"))
    phones[0].screenshot(path=str(SHOTS / "participant-390x844.png"), full_page=True)

    # The votes are impressions from the workshop, one per phone, in the workspace itself.
    click(facilitator, "End session")
    click(facilitator, "End the session")  # destructive: asked first
    expect(facilitator.get_by_text("This session has ended")).to_be_visible(timeout=60_000)
    phones[3].bring_to_front()
    expect(phones[3].get_by_text("The facilitator has ended this session")).to_be_visible(timeout=60_000)
    for page in [facilitator, presenter, *phones]:
        assert exceptions_on(page) == []
        page.close()
    overview = open_page(browser, f"{workshop_server.url}/overview", PROJECTOR)
    # Waits for the tile (the browser may still be drawing); on failure it shows what it says.
    tile = overview.locator("[data-testid=stMetric]").filter(has_text=re.compile(r"^Impressions"))
    expect(tile.locator("[data-testid=stMetricValue]")).to_have_text(f"{SMALL_DEMO + PHONES:,}", timeout=60_000)
    overview.close()


def test_a_wrong_code_gets_a_clear_message_and_no_navigation(workshop_server: Server, room_browser: Browser):
    phone = open_page(room_browser, f"{workshop_server.url}/join?code=ZZZZ", PHONE)
    assert "No workshop session has the code ZZZZ" in phone.locator("[data-testid=stAlert]").inner_text()
    assert phone.locator("[data-testid=stSidebarNav]").count() == 0
    phone.close()
