"""Where things go on a slide (and a PDF page of the same size), in inches, and the charts as
pictures through the one export layout (``charts.export``).

Both formats place the title, the text column, the chart and the table in the same boxes, so
the PPTX and the PDF look alike. Charts are drawn in one browser session: starting kaleido's
Chromium once, not once per chart, is most of a briefing's time.
"""

from __future__ import annotations

import contextlib
import io
import threading
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import kaleido
import plotly.graph_objects as go
from PIL import Image

from dashboard.briefing.content import Slide
from dashboard.charts import export

WIDTH, HEIGHT = 13.333, 7.5
"""A 16:9 slide, the shape projectors show."""
MARGIN = 0.5
TITLE_TOP, TITLE_HEIGHT = 0.3, 0.9
BODY_TOP = 1.35
BODY_BOTTOM = HEIGHT - 0.45
SIDE_WIDTH = 3.9
"""The text column beside a chart."""
PX_PER_INCH = 90
CHART_FONT_PX = 18
TITLE_PT, TEXT_PT, TABLE_PT, SMALL_PT = 30, 17, 15, 11
LINE_HEIGHT = 0.42
"""Inches a one-line paragraph of ``TEXT_PT`` takes with its spacing."""


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    width: float
    height: float


def room(slide: Slide) -> tuple[float, float]:
    """Width and height (inches) a slide's chart may take: beside the text column, or the whole body."""
    return WIDTH - 2 * MARGIN - (SIDE_WIDTH + 0.3 if slide.lines else 0), BODY_BOTTOM - BODY_TOP


def chart_box(slide: Slide, picture: bytes) -> Box:
    """The box a chart fills, the picture's own proportions kept, centred in its room."""
    room_w, room_h = room(slide)
    with Image.open(io.BytesIO(picture)) as image:
        ratio = image.width / image.height
    width = min(room_w, room_h * ratio)
    height = width / ratio
    return Box(MARGIN + (room_w - width) / 2, BODY_TOP + (room_h - height) / 2, width, height)


def text_box(slide: Slide) -> Box:
    """The text column: on the right beside a chart, the whole body otherwise."""
    if slide.figure is not None:
        return Box(WIDTH - MARGIN - SIDE_WIDTH, BODY_TOP, SIDE_WIDTH, BODY_BOTTOM - BODY_TOP)
    height = LINE_HEIGHT * len(slide.lines) if slide.table else BODY_BOTTOM - BODY_TOP
    return Box(MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, height)


def table_box(slide: Slide) -> Box:
    """Below the slide's lines of text (each one line long above a table), to the foot of the body."""
    top = BODY_TOP + (LINE_HEIGHT * len(slide.lines) + 0.15 if slide.lines else 0)
    return Box(MARGIN, top, WIDTH - 2 * MARGIN, BODY_BOTTOM - top)


def _warm_up() -> None:
    # A failure here shows again, with its message, when the charts are drawn.
    with contextlib.suppress(Exception):
        kaleido.start_sync_server(silence_warnings=True)
        go.Figure().to_image(format="png", width=10, height=10)


_BROWSER = threading.Lock()
"""kaleido's shared Chromium belongs to one drawing at a time in this process: a briefing that
finished would otherwise stop it under another (two people on the Overview at once)."""


@contextlib.contextmanager
def drawing() -> Iterator[None]:
    """Holds kaleido's shared Chromium for the caller: started at once in the background (seconds)
    while the caller reads its figures, stopped at the end, whatever happened."""
    # plotly says on every chart that kaleido's options do not apply while the shared browser
    # draws: true, and expected. A filter (idempotent), not catch_warnings, which threads share.
    warnings.filterwarnings("ignore", message="The kopts argument is ignored", category=UserWarning)
    with _BROWSER:
        warm = threading.Thread(target=_warm_up, name="kaleido-warm-up", daemon=True)
        warm.start()
        try:
            yield
        finally:
            warm.join()
            kaleido.stop_sync_server(silence_warnings=True)


def picture(slide: Slide) -> bytes | None:
    """A slide's chart as a PNG in the export layout, drawn at the size of its room on the slide so
    its type reads at about ``CHART_FONT_PX / PX_PER_INCH`` inches (14 pt) when projected."""
    if slide.figure is None:
        return None
    width, height = room(slide)
    drawn = export.for_export(slide.figure, width=round(width * PX_PER_INCH))
    tall = round(height * PX_PER_INCH)
    drawn.update_layout(height=tall, font_size=CHART_FONT_PX)
    return bytes(drawn.to_image(format="png", scale=2))


def pictures(slides: Sequence[Slide]) -> list[bytes | None]:
    """Each slide's chart as a PNG (None for a slide without one); call inside ``drawing()``."""
    return [picture(s) for s in slides]


def drawn(slides: Sequence[Slide]) -> list[bytes | None]:
    """``pictures`` in a ``drawing()`` of their own; no browser at all when no slide has a chart."""
    if all(s.figure is None for s in slides):
        return [None] * len(slides)
    with drawing():
        return pictures(slides)
