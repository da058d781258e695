"""The briefing as a PowerPoint deck (python-pptx): one slide per ``content.Slide``, with
speaker notes, every shape inside the slide, text that wraps inside its box."""

from __future__ import annotations

import io
from collections.abc import Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.presentation import Presentation as PresentationFile
from pptx.slide import Slide as PptxSlide
from pptx.text.text import TextFrame
from pptx.util import Inches, Pt

from dashboard.briefing import layout
from dashboard.briefing.content import Slide, Table

INK = RGBColor(0x1D, 0x23, 0x2B)
HEADER_FILL = RGBColor(0x2B, 0x4C, 0x7E)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)


def _fill(frame: TextFrame, lines: Sequence[str], size: int, *, bold: bool = False, colour: RGBColor = INK) -> None:
    frame.word_wrap = True
    # Should a viewer's font run wider than ours, PowerPoint and LibreOffice shrink the text to the box.
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.space_after = Pt(size * 0.5)
        paragraph.font.size = Pt(size)
        paragraph.font.bold = bold
        paragraph.font.color.rgb = colour


def _text(page: PptxSlide, box: layout.Box, lines: Sequence[str], size: int, *, bold: bool = False) -> None:
    shape = page.shapes.add_textbox(Inches(box.left), Inches(box.top), Inches(box.width), Inches(box.height))
    _fill(shape.text_frame, lines, size, bold=bold)


def _table(page: PptxSlide, box: layout.Box, table: Table) -> None:
    rows = len(table.rows) + 1
    row_height = min(box.height / rows, 0.55)
    shape = page.shapes.add_table(
        rows, len(table.header), Inches(box.left), Inches(box.top), Inches(box.width), Inches(row_height * rows)
    )
    grid = shape.table
    total = sum(table.widths)
    for i, width in enumerate(table.widths):
        grid.columns[i].width = Inches(box.width * width / total)
    for r, values in enumerate([table.header, *table.rows]):
        grid.rows[r].height = Inches(row_height)
        for c, value in enumerate(values):
            cell = grid.cell(r, c)
            cell.text = value
            paragraph = cell.text_frame.paragraphs[0]
            paragraph.font.size = Pt(layout.TABLE_PT)
            paragraph.font.bold = r == 0
            paragraph.font.color.rgb = WHITE if r == 0 else INK
            if r == 0:
                cell.fill.solid()
                cell.fill.fore_color.rgb = HEADER_FILL


def _slide(deck: PresentationFile, slide: Slide, picture: bytes | None) -> None:
    page = deck.slides.add_slide(deck.slide_layouts[6])  # blank: every box is ours
    title = layout.Box(layout.MARGIN, layout.TITLE_TOP, layout.WIDTH - 2 * layout.MARGIN, layout.TITLE_HEIGHT)
    _text(page, title, [slide.title], layout.TITLE_PT, bold=True)
    if picture is not None:
        box = layout.chart_box(slide, picture)
        page.shapes.add_picture(
            io.BytesIO(picture), Inches(box.left), Inches(box.top), Inches(box.width), Inches(box.height)
        )
    if slide.lines:
        _text(page, layout.text_box(slide), slide.lines, layout.TEXT_PT)
    if slide.table is not None:
        _table(page, layout.table_box(slide), slide.table)
    page.notes_slide.notes_text_frame.text = slide.notes


def build(slides: Sequence[Slide], pictures: Sequence[bytes | None]) -> bytes:
    """The deck's bytes: 16:9, one slide per entry, each with its notes."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(layout.WIDTH), Inches(layout.HEIGHT)
    for slide, picture in zip(slides, pictures, strict=True):
        _slide(deck, slide, picture)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
