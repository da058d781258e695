"""A leader downloads the briefing of the Overview's view as a PDF, watching it being prepared."""

from __future__ import annotations

import io
from pathlib import Path

from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from tests.browser.conftest import PROJECTOR, exceptions_on, open_app, settle
from tests.servers import Server


def test_a_leader_downloads_the_briefing_pdf_from_the_overview(server: Server, browser: Browser, tmp_path: Path):
    page = open_app(browser, f"{server.url}/overview", PROJECTOR)
    page.get_by_text("Leadership briefing: download this view").click()
    # The choice must have reached the app before Prepare: on a busy machine a click during the
    # page's rerun was lost and a slide deck came instead.
    pdf = page.get_by_role("radio", name="PDF")
    for _ in range(3):
        page.get_by_text("PDF", exact=True).click()
        settle(page)
        if pdf.is_checked():
            break
    expect(pdf).to_be_checked()
    page.get_by_role("button", name="Prepare the briefing").click()
    download_button = page.get_by_role("button", name="Download the PDF")
    expect(download_button).to_be_visible(timeout=120_000)
    with page.expect_download() as download:
        download_button.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".pdf" and saved.name.startswith("briefing-")
    reader = PdfReader(io.BytesIO(saved.read_bytes()))
    assert reader.pages[0].extract_text().startswith("Leadership briefing")
    tiles = page.get_by_test_id("stMetricValue").all_inner_texts()[:4]
    text = "\n".join(p.extract_text() for p in reader.pages[:2])
    assert all(value in text for value in tiles), (tiles, text)
    assert exceptions_on(page) == []
    page.close()
