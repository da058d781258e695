"""The briefing (or a session report) as a PDF (fpdf2): one page per ``content.Slide``, laid out
in the deck's boxes, with the speaker notes printed small at the foot of the page.

Text uses DejaVu Sans when the system has it (signs such as − and “ ” need a Unicode font);
otherwise the PDF's built-in Helvetica, with those signs spelt in plain ASCII.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from dashboard.briefing import layout
from dashboard.briefing.content import Slide, Table

FONT_FILES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
)
_PLAIN = str.maketrans({"−": "-", "“": '"', "”": '"', "’": "'", "…": "...", "·": "-", "⚠": "!", "▼": "v"})
NOTES_HEIGHT = 0.75
"""Inches at the foot of a page for the notes (the deck keeps them in its notes pane)."""


class _Document(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="landscape", unit="in", format=(layout.HEIGHT, layout.WIDTH))
        self.set_auto_page_break(False)
        self.set_margins(layout.MARGIN, layout.TITLE_TOP)
        self.unicode = all(p.exists() for p in FONT_FILES)
        if self.unicode:
            self.add_font("body", "", str(FONT_FILES[0]))
            self.add_font("body", "B", str(FONT_FILES[1]))

    def use(self, points: float, bold: bool = False) -> None:
        self.set_font("body" if self.unicode else "helvetica", "B" if bold else "", points)

    def words(self, text: str) -> str:
        return text if self.unicode else text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")

    def box_text(self, box: layout.Box, lines: Sequence[str], points: float, bold: bool = False) -> None:
        """Lines in a box, one paragraph each; the type shrinks until they fit the box's height."""
        size = points
        while size > 7 and self._height(box, lines, size) > box.height:
            size -= 1
        self.use(size, bold)
        self.set_xy(box.left, box.top)
        for line in lines:
            self.set_x(box.left)
            self.multi_cell(
                box.width, size / 72 * 1.3, self.words(line), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            self.ln(size / 72 * 0.5)

    def _height(self, box: layout.Box, lines: Sequence[str], size: float) -> float:
        self.use(size)
        wrapped = 0
        for line in lines:
            found = self.multi_cell(box.width, 1, self.words(line), dry_run=True, output="LINES")
            wrapped += len(found) if isinstance(found, list) else 1
        return wrapped * size / 72 * 1.3 + len(lines) * size / 72 * 0.5


def _table(doc: _Document, box: layout.Box, table: Table) -> None:
    doc.use(layout.TABLE_PT - 2)
    doc.set_xy(box.left, box.top)
    total = sum(table.widths)
    widths = tuple(box.width * w / total for w in table.widths)
    with doc.table(
        col_widths=widths,
        width=box.width,
        line_height=0.3,
        headings_style=FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=(43, 76, 126)),
        text_align="LEFT",
        first_row_as_headings=True,
    ) as grid:
        for values in (table.header, *table.rows):
            row = grid.row()
            for value in values:
                row.cell(doc.words(value))


def _page(doc: _Document, slide: Slide, picture: bytes | None) -> None:
    doc.add_page()
    doc.box_text(
        layout.Box(layout.MARGIN, layout.TITLE_TOP, layout.WIDTH - 2 * layout.MARGIN, layout.TITLE_HEIGHT),
        [slide.title],
        layout.TITLE_PT - 4,
        bold=True,
    )
    if picture is not None:
        box = layout.chart_box(slide, picture)
        # The notes take the page's foot; the chart shrinks to keep clear of them.
        scale = min(1.0, (layout.BODY_BOTTOM - NOTES_HEIGHT - box.top) / box.height)
        doc.image(io.BytesIO(picture), x=box.left, y=box.top, w=box.width * scale, h=box.height * scale)
    if slide.lines:
        doc.box_text(layout.text_box(slide), slide.lines, layout.TEXT_PT - 2)
    if slide.table is not None:
        _table(doc, layout.table_box(slide), slide.table)
    foot = layout.Box(
        layout.MARGIN, layout.BODY_BOTTOM - NOTES_HEIGHT + 0.1, layout.WIDTH - 2 * layout.MARGIN, NOTES_HEIGHT
    )
    doc.set_text_color(90, 90, 90)
    doc.box_text(foot, [slide.notes], layout.SMALL_PT - 2)
    doc.set_text_color(0, 0, 0)


def build(slides: Sequence[Slide], pictures: Sequence[bytes | None], title: str) -> bytes:
    """The PDF's bytes: one page per slide, in the deck's layout, with the notes at the foot."""
    doc = _Document()
    doc.set_title(title)
    doc.set_creator("Touchpoint dashboard")
    for slide, picture in zip(slides, pictures, strict=True):
        _page(doc, slide, picture)
    return bytes(doc.output())
