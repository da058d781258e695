"""A team uploads its Qualtrics export and its Microsoft Forms workbook as downloaded, and imports both."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import Browser, FilePayload, expect

from tests.browser.conftest import PROJECTOR, Server, exceptions_on, open_app, settle
from tests.survey_files import xlsx_bytes

STEPS = ["Breakdown call", "Engineer arrival", "Repair", "Repair invoice"]


def qualtrics_csv() -> bytes:
    """Three header rows (ids, question texts, ImportId JSON) and three respondents on 1-5."""
    ids = ["StartDate", "EndDate", "RecordedDate", "ResponseId"] + [f"Q1_{i}" for i in range(1, 5)]
    texts = ["Start Date", "End Date", "Recorded Date", "Response ID"]
    texts += [f"How satisfied were you with each step of your repair? - {step}" for step in STEPS]
    json_row = [f'{{"ImportId":"{i}"}}' for i in ids]
    answers = [["5", "1", "4", "3"], ["4", "2", "", "N/A"], ["5", "1", "5", "4"]]
    rows = [ids, texts, json_row]
    for day, row in enumerate(answers, start=1):
        stamp = f"2026-10-0{day} 09:00:00"
        rows.append([stamp, stamp, stamp, f"R_{day}abc", *row])
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def forms_xlsx() -> bytes:
    """Microsoft Forms: ID, Start time, Completion time, Email, Name, then one column per statement."""
    header = ["ID", "Start time", "Completion time", "Email", "Name", "Engineer arrival", "Repair invoice"]
    rows = [
        ["1", "10/2/26 10:00:00", "10/2/26 10:03:00", "anonymous", None, "Disagree", "Agree"],
        ["2", "10/3/26 11:00:00", "10/3/26 11:02:00", "anonymous", None, "Strongly disagree", "Neutral"],
    ]
    return xlsx_bytes({"Sheet1": [header, *rows]})


def test_a_team_imports_a_qualtrics_export_and_a_microsoft_forms_workbook_into_its_cycle(
    server: Server, browser: Browser
):
    page = open_app(browser, f"{server.url}/upload", PROJECTOR)
    page.get_by_role("combobox", name="Service cycle").click()
    page.get_by_role("option", name="Repair job", exact=True).click()
    settle(page)
    page.locator("input[type=file]").set_input_files(
        files=[
            FilePayload(name="repair-qualtrics.csv", mimeType="text/csv", buffer=qualtrics_csv()),
            FilePayload(
                name="repair-forms.xlsx",
                mimeType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                buffer=forms_xlsx(),
            ),
        ]
    )
    expect(page.get_by_text("Qualtrics export (one respondent per row)")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Microsoft Forms export (one respondent per row)")).to_be_visible(timeout=60_000)
    settle(page)
    expect(page.get_by_text("Columns of the Qualtrics export and their touchpoints")).to_be_visible()

    page.get_by_role("button", name="Import 10 impressions").click()  # 12 answers, N/A and one blank skipped
    expect(page.get_by_text("Imported 10 impressions into Repair job")).to_be_visible(timeout=60_000)
    settle(page)
    page.get_by_role("button", name="Import 4 impressions").click()
    expect(page.get_by_text("Imported 4 impressions into Repair job")).to_be_visible(timeout=60_000)
    settle(page)

    page.get_by_role("tab", name="Import history").click()
    history = page.locator("[data-testid=stDataFrame]").last
    expect(history).to_be_visible()
    assert exceptions_on(page) == []
    page.close()
