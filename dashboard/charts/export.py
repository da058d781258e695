"""One layout for every chart that leaves the screen as a picture: PNG downloads and reports.

Screen figures keep 10 px margins, because Streamlit's chart theme grows them to fit the tick
labels and titles in the browser. A static export gets no such help, so month labels, the
minus of ``-0.5`` and long touchpoint names were cut off. ``for_export`` gives a copy of a
figure room of its own: margins that grow to fit labels (``automargin``), titles clear of the
ticks, a legend above the plot, a white page and a fixed size. ``png_bytes`` draws it with
kaleido (which uses the system Chromium).
"""

from __future__ import annotations

import shutil

import plotly.graph_objects as go

from dashboard.charts.style import FONT_SIZE

WIDTH = 1400
MIN_HEIGHT = 420
MARGIN = {"l": 80, "r": 40, "t": 90, "b": 80}
"""The least room around the plot; ``automargin`` adds what the labels need on top."""
COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]
TITLE_GAP = 14
"""Pixels between an axis title and its tick labels."""


def for_export(fig: go.Figure, title: str | None = None, width: int = WIDTH) -> go.Figure:
    """A copy of ``fig`` laid out for a static picture ``width`` pixels wide; ``title`` on top.

    The figure on screen is left as it was: pages reuse it on the next run.
    """
    out = go.Figure(fig)
    height = max(int(out.layout.height or 0), MIN_HEIGHT)
    out.update_layout(
        width=width,
        height=height + (40 if title else 0),
        margin=MARGIN,
        paper_bgcolor="white",
        font={"size": FONT_SIZE, "color": "#1d232b"},
        title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": FONT_SIZE + 6}} if title else None,
        # Streamlit's theme colours series on screen; a picture needs its own (ColorBrewer Dark2).
        colorway=COLOURS,
        # A legend sits in a row of its own above the plot, never over the lines or the title.
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
    )
    out.update_xaxes(automargin=True, title_standoff=TITLE_GAP, tickfont_size=FONT_SIZE)
    out.update_yaxes(automargin=True, title_standoff=TITLE_GAP, tickfont_size=FONT_SIZE)
    return out


def png_bytes(fig: go.Figure, title: str | None = None, scale: float = 2) -> bytes:
    """``fig`` as a PNG in the export layout; ``scale`` 2 keeps text sharp when printed."""
    exported = for_export(fig, title)
    return bytes(exported.to_image(format="png", scale=scale))


def can_draw() -> bool:
    """Whether this machine has a browser kaleido can draw with (PNG export needs one)."""
    return any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome", "chrome"))
