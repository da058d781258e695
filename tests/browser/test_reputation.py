"""A leader works the reputation plan in a real browser: picks a cell on the grid, marks it
done, sees the claim flagged as unproven, records the missing evidence, and sees the flag go."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.conftest import PHONE, PROJECTOR, Server, demo_server, exceptions_on, open_app, settle


@pytest.fixture(scope="module")
def plan_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of its own: this journey writes to the plan, which other tests must not see."""
    with demo_server(tmp_path_factory, "plan") as running:
        yield running


def choose(page: Page, label: str, option: str) -> None:
    """Picks an option of a Streamlit selectbox by the texts people see.

    A rerun that lands while the list is open closes it again, so the pick is retried.
    """
    for _ in range(3):
        page.get_by_role("combobox", name=label).click()
        wanted = page.get_by_role("option", name=option, exact=True)
        try:
            wanted.wait_for(timeout=5_000)
        except PlaywrightTimeoutError:
            settle(page)
            continue
        wanted.click()
        settle(page)
        return
    raise AssertionError(f"could not pick {option!r} in {label!r}")


def click_grid_cell(page: Page, row: int, column: int) -> None:
    """Clicks the middle of one cell of the 7 x 4 plan grid (0-based row and column)."""
    layer = page.locator(".js-plotly-plot .nsewdrag").first
    layer.wait_for()
    area = layer.bounding_box()
    assert area is not None
    page.mouse.click(area["x"] + area["width"] * (column + 0.5) / 4, area["y"] + area["height"] * (row + 0.5) / 7)
    settle(page)


def test_a_leader_marks_a_cell_done_sees_it_unproven_records_the_evidence_and_sees_the_flag_clear(
    plan_server: Server, browser: Browser
):
    page = open_app(browser, f"{plan_server.url}/reputation", PROJECTOR)
    assert exceptions_on(page) == []
    click_grid_cell(page, row=1, column=2)  # 2. Decide the reputation x Keep-or-Lose
    expect(page.locator("h3").first).to_have_text("2. Decide the reputation · Keep-or-Lose", timeout=15_000)
    settle(page)

    choose(page, "Status", "Done")
    page.get_by_role("textbox", name="Owner").fill("Customer care")
    page.get_by_role("textbox", name="Your name").fill("Dana")
    page.get_by_role("button", name="Save cell").click()
    settle(page)
    alert = page.locator("[data-testid=stAlert]").first
    expect(alert).to_contain_text("Marked done, but the data does not back it yet")
    assert "⚠" in page.locator(".js-plotly-plot").first.inner_text()

    page.get_by_role("tab", name="2 · Desired reputation").click()
    choose(page, "Group", "Business customers")
    choose(page, "Moment", "Keep-or-Lose")
    page.get_by_role("textbox", name="Desired reputation").fill("They fix it first time and explain it plainly.")
    page.get_by_role("button", name="Save statement").click()
    settle(page)
    expect(page.locator("[data-testid=stAlert]").first).to_contain_text("Done, and the data proves it.")
    assert page.get_by_text("Marked done, but the data does not back it yet").count() == 0
    assert exceptions_on(page) == []
    page.close()


def test_the_plan_page_reads_on_a_phone(plan_server: Server, browser: Browser):
    page = open_app(browser, f"{plan_server.url}/reputation", PHONE)
    assert exceptions_on(page) == []
    expect(page.locator("h1").first).to_have_text("Reputation plan")
    # plotly.js draws after the script has finished: wait for the grid rather than count at once.
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
    # The grid keeps 140 px a cell (710 px in all) and scrolls sideways inside the 390 px screen.
    scroller = page.locator(".st-key-plan_grid_scroll")
    assert scroller.evaluate("box => [box.scrollWidth >= 710, box.clientWidth < 390]") == [True, True]
    page.close()


def test_the_export_downloads_the_plan_as_csv(plan_server: Server, browser: Browser, tmp_path: Path):
    page = open_app(browser, f"{plan_server.url}/reputation", PROJECTOR)
    page.get_by_role("tab", name="Export").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    saved = tmp_path / "plan.csv"
    download.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Reputation step,Moment,Status,Owner,Due,Notes")  # the screen's words
    assert len(lines) == 29
    page.close()
