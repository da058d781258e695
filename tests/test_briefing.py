"""The leadership briefing (PPTX and PDF) and the workshop session report: the slides expected,
speaker notes, nothing outside a slide, the Overview's figures in the file, and bad input
refused with a message and no file left behind."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from dashboard import cli
from dashboard import workshop as ws
from dashboard.briefing import BriefingError, content, figures, service, session_report
from dashboard.store import Store, cycles, impressions
from dashboard.store import workshop as sql
from dashboard.store.scope import Scope
from dashboard.touchpoints import TouchpointFields
from tests.apptest import open_page

SLIDES = [
    "Leadership briefing",
    "Headline figures",
    "The four moments",
    "Customer flow through the moments",
    "Conversion by source",
    "Churn month by month",
    "What makes cycles “seconds”",
    "Biggest movers",
    "Alerts: significant drops",
    "Reputation plan: claimed versus proven",
    "Journey map: Annual service renewal",
    "Journey map: New installation",
    "Journey map: Repair job",
    "Open enhancement ideas, by votes",
]


@pytest.fixture(scope="module")
def files(demo_db: Path) -> dict[str, bytes]:
    """The demo workspace's briefing as a deck and a PDF, built once (drawing charts takes seconds)."""
    with Store(demo_db) as store:
        return service.briefings(store, service.FORMATS, Scope())


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_deck_has_the_expected_slides_each_with_notes_and_every_shape_inside_the_slide(
    files: dict[str, bytes],
) -> None:
    deck = Presentation(io.BytesIO(files["pptx"]))
    titles = [slide.shapes[0].text_frame.text for slide in deck.slides]
    assert titles == SLIDES
    assert all(len(slide.notes_slide.notes_text_frame.text) > 40 for slide in deck.slides)
    outside = [
        (i, shape.name)
        for i, slide in enumerate(deck.slides)
        for shape in slide.shapes
        if shape.left < 0
        or shape.top < 0
        or shape.left + shape.width > deck.slide_width
        or shape.top + shape.height > deck.slide_height
    ]
    assert outside == []
    charted = [
        title
        for title, slide in zip(titles, deck.slides, strict=True)
        if any(shape.shape_type == MSO_SHAPE_TYPE.PICTURE for shape in slide.shapes)
    ]
    assert charted == [SLIDES[i] for i in (2, 3, 4, 5, 7, 9, 10, 11, 12)]


def test_the_pdf_has_the_same_pages_and_the_overviews_kpi_figures(
    files: dict[str, bytes], demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _pdf_text(files["pdf"])
    assert len(PdfReader(io.BytesIO(files["pdf"])).pages) == len(SLIDES)
    overview = open_page(demo_db, monkeypatch, "pages/overview.py")
    tiles = {metric.label: metric.value for metric in overview.metric[:4]}
    assert list(tiles) == ["Impressions", "Mean impression", "Net impression", "Perfection rate"]
    for label, value in tiles.items():
        assert f"{label}\n{value}" in text or f"{label} {value}" in text, (label, value)
    deck = Presentation(io.BytesIO(files["pptx"]))
    table = next(shape.table for shape in deck.slides[1].shapes if shape.has_table)
    assert [table.cell(r, 1).text for r in range(1, 5)] == list(tiles.values())


def test_long_touchpoint_names_are_shortened_at_a_word_break() -> None:
    assert content.shorten("Appointment confirmation by text message and e-mail", 30) == "Appointment confirmation by…"
    assert content.shorten("Invoice", 30) == "Invoice"


def test_an_empty_workspace_a_period_without_impressions_and_an_unknown_cycle_are_refused(
    store: Store, demo_store: Store
) -> None:
    with pytest.raises(BriefingError, match="The workspace holds no impressions yet"):
        service.briefing(store, "pdf")
    with pytest.raises(BriefingError, match="No impressions from 2020-01-01 to 2020-01-31 for Repair job"):
        service.briefing(demo_store, "pdf", start=date(2020, 1, 1), end=date(2020, 1, 31), cycle="repair JOB")
    with pytest.raises(BriefingError, match="There is no service cycle “Boiler”. Service cycles: Annual service"):
        service.briefing(demo_store, "pptx", cycle="Boiler")


def test_the_briefing_command_leaves_no_file_behind_when_it_refuses(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "briefing.pptx"
    assert cli.main(["briefing", str(out), "--db", str(demo_db), "--cycle", "Boiler"]) == 1
    assert capsys.readouterr().err.startswith("error: There is no service cycle “Boiler”.")
    assert cli.main(["briefing", str(out), "--db", str(demo_db), "--from", "2020-01-01", "--to", "2020-01-31"]) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def session(store: Store) -> Iterator[sql.Session]:
    """A finished session on two touchpoints, four participants, and customer surveys beside it.

    Quote: surveys 0.5 and 1.0 in turn (10, mean +0.75); the room votes 2, 2, 1, 2 on 1-5
    (-0.5, -0.5, -1, -0.5: mean -0.63), a gap of -1.38: a blind spot.
    Booking call: surveys the same; the room 4, 5, 4, 5 (mean +0.75): no gap.
    """
    cycle = cycles.create_cycle(store, "Repair job")
    call = cycles.add_touchpoint(store, cycle, TouchpointFields("Booking call", "now_or_never"))
    quote = cycles.add_touchpoint(store, cycle, TouchpointFields("Quote", "make_or_break"))
    surveys = pd.DataFrame({"touchpoint_id": [call] * 10 + [quote] * 10, "score": [0.5, 1.0] * 10})
    surveys = surveys.assign(observed_on=date(2026, 9, 1), group_id=None, source="survey", comment=None, scale="-1..1")
    impressions.record_impressions(store, surveys.assign(raw_value=surveys["score"].astype(str)))
    started = ws.start(store, cycle, [call, quote], "1-5", "Front desk")
    sql.set_open(store, started.id, True)
    for i, (on_call, on_quote) in enumerate([("4", "2"), ("5", "2"), ("4", "1"), ("5", "2")]):
        person = sql.join(store, started.id, f"token-{i}", f"Person {i + 1}")
        ws.vote(store, started, person, call, on_call)
        ws.vote(store, started, person, quote, on_quote)
        if i == 0:
            idea = ws.propose(store, person, quote, "Send the quote the same day")
        sql.vote_for_idea(store, person.id, idea, True)
    yield started


def test_the_session_report_compares_the_room_with_surveys_and_flags_blind_spots(
    store: Store, session: sql.Session
) -> None:
    report = session_report.gather(store, session.code.lower())
    shown = report.touchpoints.round(2)
    assert shown[["touchpoint", "votes", "spread", "mean", "survey_mean", "gap", "blind_spot"]].values.tolist() == [
        ["Booking call", 4, "1: 0, 2: 0, 3: 0, 4: 2, 5: 2", 0.75, 0.75, 0.0, False],
        ["Quote", 4, "1: 1, 2: 3, 3: 0, 4: 0, 5: 0", -0.62, 0.75, -1.38, True],
    ]
    assert report.participants["name"].tolist() == ["Person 1", "Person 2", "Person 3", "Person 4"]
    assert report.ideas[["text", "votes"]].values.tolist() == [["Send the quote the same day", 4]]
    text = _pdf_text(session_report.pdf_bytes(report))
    assert "Blind spots: Quote." in text and "Send the quote the same day" in text
    book = openpyxl.load_workbook(io.BytesIO(session_report.xlsx_bytes(report)))
    assert book.sheetnames == ["Participants", "Touchpoints", "Ideas"]
    with pytest.raises(BriefingError, match="No workshop session has the code “ZZZZ”"):
        session_report.gather(store, "ZZZZ")


def test_a_long_touchpoint_name_is_shortened_on_the_slide_and_given_in_full_in_its_notes(store: Store) -> None:
    long_name = "Appointment confirmation by text message and e-mail the day before"
    cycle = cycles.create_cycle(store, "Repair job")
    touchpoint = cycles.add_touchpoint(store, cycle, TouchpointFields(long_name, "make_or_break"))
    scores = pd.DataFrame({"touchpoint_id": touchpoint, "score": [-0.5, 0.0] * 5})
    scores = scores.assign(observed_on=date(2026, 9, 1), group_id=None, source="survey", comment=None, scale="-1..1")
    impressions.record_impressions(store, scores.assign(raw_value=scores["score"].astype(str)))
    scope, names = figures.scope_for(store, None, None, None)
    seconds = next(
        s
        for s in content.slides(figures.gather(store, scope, names, date(2026, 9, 30)), date(2026, 9, 30))
        if s.title == "What makes cycles “seconds”"
    )
    assert seconds.table is not None
    assert seconds.table.rows == (
        ("Appointment confirmation by text…", "Repair job", "Make-or-Break", "−0.25", "+0.50", "yes"),
    )
    assert seconds.notes.endswith(f"Full names: {long_name}.")
