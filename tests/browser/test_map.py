"""A team member maps a new service cycle in a real browser and sees it drawn in their order."""

from __future__ import annotations

from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import PHONE, PROJECTOR, Server, exceptions_on, open_app, settle

TOUCHPOINTS = (
    ("Shop window", "Now-or-Never"),
    ("Test drive", "Make-or-Break"),
    ("Price talk", "Make-or-Break"),
    ("First service", "Keep-or-Lose"),
    ("Referral card", "Multiplier"),
)


def form(page: Page, heading: str) -> Locator:
    return page.get_by_test_id("stForm").filter(has_text=heading)


def choose(page: Page, selectbox: Locator, option: str) -> None:
    # Centred first: a selectbox at the very bottom of the window opens no visible list.
    selectbox.evaluate("element => element.scrollIntoView({block: 'center'})")
    selectbox.locator("input").click()
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def submit(page: Page, button: Locator) -> None:
    button.click()
    settle(page)
    assert exceptions_on(page) == []


def flash(page: Page, message: str) -> None:
    """Waits for the confirmation a successful edit leaves at the top of the page."""
    expect(page.get_by_test_id("stAlert").first).to_have_text(message, timeout=30_000)
    settle(page)


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()
    settle(page)


def drawn_order(page: Page) -> list[str]:
    """The touchpoint labels of the journey map, top to bottom, read from the drawn figure."""
    page.locator(".js-plotly-plot").first.wait_for()  # plotly.js draws after the script finishes
    labels = page.evaluate("() => document.querySelectorAll('.js-plotly-plot')[0].data[1].y")
    return [str(label) for label in labels]


def test_a_team_member_maps_a_cycle_reorders_it_records_ideas_and_sees_it_drawn_in_that_order(
    server: Server, browser: Browser
):
    page = open_app(browser, f"{server.url}/map", PROJECTOR)
    page.get_by_role("button", name="New service cycle").click()  # beside the cycle picker
    new = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Create the cycle"))
    new.get_by_label("Name of the cycle").fill("Car purchase")
    submit(page, new.get_by_role("button", name="Create the cycle"))
    flash(page, "Created the service cycle “Car purchase”.")

    open_tab(page, "Edit the cycle")
    add = form(page, "Add the touchpoint")
    for name, moment in TOUCHPOINTS:
        add.get_by_label("Name").fill(name)
        choose(page, add.get_by_test_id("stSelectbox").first, moment)
        submit(page, add.get_by_role("button", name="Add the touchpoint"))
        flash(page, f"Added “{name}”.")

    # Price talk comes before the test drive: move it one place earlier.
    mover = page.get_by_test_id("stSelectbox").filter(has_text="Touchpoint to move")
    choose(page, mover, "Price talk")
    submit(page, page.get_by_role("button", name="Move earlier"))
    flash(page, "Moved “Price talk”.")

    open_tab(page, "Map")
    assert drawn_order(page) == [
        "1. Shop window",
        "2. Price talk",
        "3. Test drive",
        "4. First service",
        "5. Referral card",
    ]

    picker = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("Touchpoint", exact=True)).first
    choose(page, picker, "2. Price talk")
    for idea in ("Show the full price on one page", "Offer a coffee while we talk"):
        ideas = form(page, "Add the idea")
        ideas.get_by_label("A new idea").fill(idea)
        submit(page, ideas.get_by_role("button", name="Add the idea"))
        flash(page, "Idea added.")
    work_on = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("Idea to work on", exact=True))
    work_on.evaluate("element => element.scrollIntoView({block: 'center'})")
    work_on.locator("input").click()
    page.get_by_role("option").first.wait_for()
    assert sorted(page.get_by_role("option").all_inner_texts()) == [
        "Offer a coffee while we talk",
        "Show the full price on one page",
    ]
    page.close()

    phone = open_app(browser, f"{server.url}/map", PHONE)
    choose(phone, phone.get_by_test_id("stSelectbox").first, "Car purchase")
    assert drawn_order(phone)[1] == "2. Price talk"
    assert exceptions_on(phone) == []
    phone.close()
