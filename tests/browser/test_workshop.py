"""A facilitator runs a workshop on the demo workspace: twelve phones on the light participant
page vote at once, change and take back scores, add and back an idea, while the projector
follows; the totals come out exact on the presenter view and in the workspace."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, ViewportSize, expect

from tests.browser.conftest import PHONE, PROJECTOR, Server, demo_server, exceptions_on, launch, settle
from tests.conftest import SMALL_DEMO

PHONES = 12
SMALL_PHONE: ViewportSize = {"width": 320, "height": 568}
SHOTS = Path("/tmp/issue15/shots")
AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"  # scripts/ensure-axe.sh


@pytest.fixture(scope="module")
def workshop_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app on its own demo workspace: this journey writes impressions other tests count."""
    with demo_server(tmp_path_factory, "workshop") as running:
        yield running


@pytest.fixture(scope="module")
def room_browser(playwright: Playwright) -> Iterator[Browser]:
    """Chromium that keeps every tab awake: hidden tabs' timers would otherwise slow down."""
    launched = launch(
        playwright,
        "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows",
    )
    yield launched
    launched.close()


def open_pages(browser: Browser, url: str, viewport: ViewportSize, count: int = 1) -> list[Page]:
    """Streamlit pages, loaded together and each awaited (patient: they share two cores)."""
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


def open_phone(browser: Browser, url: str, name: str, viewport: ViewportSize = PHONE) -> Page:
    """A phone of its own (its own cookies), joined to the session on the light page."""
    context: BrowserContext = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    page.get_by_label("Your name (optional)").fill(name)
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#status")).not_to_have_text("Loading…")
    return page


def click(page: Page, name: str) -> None:
    """Clicks the app's button whose label ends with ``name`` (icons add their own text before it)."""
    page.bring_to_front()
    page.locator("button[data-testid^=stBaseButton]").filter(has_text=re.compile(rf"{re.escape(name)}$")).click()
    settle(page, timeout_s=120)


def tap_score(page: Page, point: str) -> None:
    page.locator("#touchpoints button.point").filter(has_text=re.compile(rf"^{point}$")).click()


def confirmed(page: Page, point: str) -> None:
    expect(page.get_by_text(f"Your score: {point} ✓ saved")).to_be_visible()


def presenter_text(page: Page) -> str:
    return page.locator("[data-testid=stMain]").inner_text()


def serious_axe_findings(page: Page) -> list[str]:
    """axe-core's serious and critical WCAG 2 A/AA findings on the page as it stands."""
    assert AXE.exists(), f"no axe-core at {AXE}: run `make test` (scripts/ensure-axe.sh installs tests/browser/axe)"
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id + ': ' + v.help)"
    )
    return list(found)


@pytest.mark.timeout(300)
def test_twelve_phones_vote_at_once_and_the_presenter_and_the_workspace_show_the_exact_totals(
    workshop_server: Server, room_browser: Browser
):
    browser = room_browser
    SHOTS.mkdir(parents=True, exist_ok=True)
    facilitator = open_page(browser, f"{workshop_server.url}/workshop", PROJECTOR)
    click(facilitator, "Start session")
    heading = facilitator.get_by_text(re.compile(r"^Join code: [A-Z0-9]{4}-[A-Z0-9]{4}$"))
    expect(heading).to_be_visible(timeout=60_000)
    code = heading.inner_text().removeprefix("Join code: ")
    join_link = facilitator.locator("[data-testid=stCode]").first.inner_text().strip()
    assert join_link.endswith(f"/w/{code.replace('-', '')}")
    click(facilitator, "Open")
    expect(facilitator.get_by_text("(open for votes)")).to_be_visible(timeout=60_000)
    presenter_link = facilitator.get_by_role("link", name=re.compile("Open the presenter view"))
    presenter_url = presenter_link.get_attribute("href")
    assert presenter_url and "key=" in presenter_url and "session=" not in presenter_url
    presenter = open_page(browser, presenter_url, PROJECTOR)
    assert f"with code {code}" in presenter_text(presenter)

    phones = [open_phone(browser, join_link, f"Phone {n + 1}") for n in range(PHONES)]
    # Every phone taps without waiting for the others; three change their minds, one takes it back.
    first = {n: str(n % 5 + 1) for n in range(PHONES)}
    for n, phone in enumerate(phones):
        tap_score(phone, first[n])
    for n, phone in enumerate(phones):
        confirmed(phone, first[n])
    final = {**first, 0: "5", 1: "5", 2: "4"}
    for n in (0, 1, 2):
        tap_score(phones[n], final[n])
    tap_score(phones[11], first[11])  # the same score again takes it back
    del final[11]
    for n in (0, 1, 2):
        confirmed(phones[n], final[n])
    expect(phones[11].get_by_text("Not scored yet")).to_be_visible()

    # An idea from one phone reaches the others by itself; four of them back it.
    phones[0].get_by_label("Your idea").fill("More chairs in the waiting room")
    phones[0].get_by_role("button", name="Add idea").click()
    expect(phones[0].get_by_text("Idea added. Thank you!")).to_be_visible()
    for phone in phones[1:5]:
        phone.get_by_role("button", name="Back this idea").click()
    for phone in phones[1:5]:
        expect(phone.get_by_role("button", name="Backed ✓")).to_be_visible()

    votes = len(final)
    expect(presenter.get_by_text(f"{votes} votes · results hidden")).to_be_visible(timeout=15_000)
    click(facilitator, "Reveal results")
    mean = sum((int(v) - 3) / 2 for v in final.values()) / votes
    expect(presenter.get_by_text(f"{votes} votes · mean {mean:+.2f}".replace("-", "−"))).to_be_visible(timeout=30_000)
    expect(presenter.locator(".js-plotly-plot .bartext")).to_have_count(5, timeout=30_000)
    bars = presenter.locator(".js-plotly-plot .bartext").evaluate_all("texts => texts.map(t => t.textContent)")
    counts = Counter(final.values())
    assert bars == [str(counts.get(str(p), 0)) for p in range(1, 6)]
    expect(presenter.get_by_text("4 votes · More chairs in the waiting room")).to_be_visible(timeout=15_000)
    metrics = presenter.locator("[data-testid=stMetric]").all_inner_texts()
    assert any(m.startswith("Participants") and m.endswith(str(PHONES)) for m in metrics)
    presenter.screenshot(path=str(SHOTS / "presenter-1920x1080.png"))
    phones[0].screenshot(path=str(SHOTS / "participant-390x844.png"), full_page=True)

    # "Next" reaches the phones by themselves.
    click(facilitator, "Next")
    second = facilitator.get_by_text(re.compile(r"^On screen: ")).inner_text()
    name = second.removeprefix("On screen: ").rsplit(" (", 1)[0]
    for phone in phones:
        expect(phone.locator("#touchpoints h3")).to_have_text([name], timeout=10_000)

    # Ending asks first; then the phones and the projector say so, and the code is gone.
    click(facilitator, "End session")
    click(facilitator, "End the session")
    expect(facilitator.get_by_text("This session has ended")).to_be_visible(timeout=60_000)
    for phone in phones:
        expect(phone.get_by_text(f"The workshop session {code} has ended.")).to_be_visible(timeout=10_000)
    expect(presenter.get_by_text("This workshop session has ended")).to_be_visible(timeout=15_000)
    expect(presenter.locator("[data-testid=stMain]")).not_to_contain_text(code, timeout=15_000)
    for page in [facilitator, presenter]:
        assert exceptions_on(page) == []
        page.close()
    for phone in phones:
        phone.context.close()
    overview = open_page(browser, f"{workshop_server.url}/overview", PROJECTOR)
    tile = overview.locator("[data-testid=stMetric]").filter(has_text=re.compile(r"^Impressions"))
    expect(tile.locator("[data-testid=stMetricValue]")).to_have_text(f"{SMALL_DEMO + votes:,}", timeout=60_000)
    overview.close()


def test_the_light_page_is_fine_on_small_phones_with_no_serious_accessibility_findings(
    workshop_server: Server, room_browser: Browser
):
    facilitator = open_page(room_browser, f"{workshop_server.url}/workshop", PROJECTOR)
    if not facilitator.get_by_text("Touchpoints to score").is_visible():  # the form folds once a session exists
        facilitator.get_by_text("Start a new workshop session").click()
    click(facilitator, "Start session")
    click(facilitator, "Open")
    link = facilitator.locator("[data-testid=stCode]").first.inner_text().strip()
    facilitator.close()
    for size, label in ((SMALL_PHONE, "320x568"), (PHONE, "390x844")):
        # bypass_csp lets the test put axe into the page; the app itself never runs inline scripts.
        context = room_browser.new_context(viewport=size, bypass_csp=True)
        page = context.new_page()
        page.goto(link)
        assert serious_axe_findings(page) == []
        page.screenshot(path=str(SHOTS / f"join-{label}.png"), full_page=True)
        page.get_by_role("button", name="Start").click()
        expect(page.locator("#touchpoints button.point")).to_have_count(5)
        tap_score(page, "4")
        confirmed(page, "4")
        assert serious_axe_findings(page) == []
        # Nothing wider than the screen, and tap targets a thumb can hit.
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
        box = page.locator("#touchpoints button.point").first.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44
        page.screenshot(path=str(SHOTS / f"vote-{label}.png"), full_page=True)
        context.close()


def test_a_wrong_code_gets_a_clear_message_on_the_light_page(workshop_server: Server, room_browser: Browser):
    page = room_browser.new_page(viewport=PHONE)
    page.goto(f"{workshop_server.url}/join?code=ZZZZ")
    assert page.url.endswith("/w/ZZZZ")
    expect(page.get_by_role("alert")).to_contain_text("No workshop session has the code 'ZZZZ'")
    page.close()
