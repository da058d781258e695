"""The house style of every chart: ``figure()``, axes, error bars, interval bands and colours.

Charts are plotly figures built from small, already-aggregated frames; no Streamlit here.
Colours: impressions use a diverging red-blue scale centred on 0 (ColorBrewer RdBu, which
stays distinguishable with the common colour-vision deficiencies), so red always means a
poor impression and blue a good one. Type is large enough to read on a projector.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import get_colorscale, sample_colorscale

DIVERGING = "RdBu"
FONT_SIZE = 16
BREAK_COLOUR = "#b2182b"
TARGET_COLOUR = "#333333"
_DIVERGING_SCALE = get_colorscale(DIVERGING)  # resolved once: looking the name up costs ~3 ms a call


def impression_colour(score: float) -> str:
    """The colour of a mean impression on the shared diverging scale (-1 red .. +1 blue)."""
    return str(sample_colorscale(_DIVERGING_SCALE, [(max(-1.0, min(1.0, score)) + 1) / 2])[0])


def error_bars(value: pd.Series, low: pd.Series, high: pd.Series, **style: object) -> dict[str, object]:
    """Asymmetric error bars reaching from each value down to ``low`` and up to ``high``."""
    return {"type": "data", "symmetric": False, "array": high - value, "arrayminus": value - low, **style}


def band(x: Any, low: Any, high: Any, colour: str, **extra: object) -> dict[str, object]:
    """An interval drawn as a filled band, out along ``high`` and back along ``low``; no hover.
    Arrays throughout: plotly checks a list of timestamps element by element. Lines only:
    plotly's default for a short trace adds a marker at every corner, loose dots around the line."""
    xs = np.asarray(x)
    return {
        "type": "scatter",
        "mode": "lines",
        "x": np.concatenate([xs, xs[::-1]]),
        "y": np.concatenate([np.asarray(high), np.asarray(low)[::-1]]),
        "fill": "toself",
        "fillcolor": colour,
        "line": {"width": 0},
        "hoverinfo": "skip",
        **extra,
    }


def _base_layout(height: int) -> dict[str, object]:
    return {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "font": {"size": FONT_SIZE},
        "showlegend": False,
        "plot_bgcolor": "white",
    }


def axis(title: str | None = None, **settings: object) -> dict[str, object]:
    """An axis whose tick labels and title can be read on a projector. The sizes sit on the axis
    itself: Streamlit's chart theme replaces the layout-wide font."""
    return {"title": {"text": title, "font": {"size": FONT_SIZE}}, "tickfont": {"size": FONT_SIZE}, **settings}


def figure(
    traces: Sequence[Mapping[str, Any]],
    height: int,
    *,
    xaxis: Mapping[str, Any] | None = None,
    yaxis: Mapping[str, Any] | None = None,
    **layout: Any,
) -> go.Figure:
    """A figure in the house style, built in one pass from trace and axis dicts.

    Plotly checks every property as it is set: one constructor call checks each once, where
    ``add_*`` and ``update_*`` calls walk the figure again each time (4x slower for these
    charts, and the leadership pages draw nine of them per run). ``xaxis``/``yaxis`` go
    through ``axis``; ``layout`` is merged over the house layout.
    """
    return go.Figure(
        data=list(traces),
        layout={**_base_layout(height), "xaxis": axis(**(xaxis or {})), "yaxis": axis(**(yaxis or {})), **layout},
    )


def min_width(fig: go.Figure) -> int | None:
    """The narrowest width, in pixels, the figure stays readable at (``layout.meta["min_width"]``).

    Plotly shrinks a figure to its container; below this width a narrower screen (a phone)
    scrolls the chart sideways instead (``ui.wide.at_least``). None: any width will do.
    """
    meta = fig.layout.meta
    found = meta.get("min_width") if isinstance(meta, dict) else None
    return int(found) if found else None


def apply_style(fig: go.Figure, height: int) -> go.Figure:
    """The house style applied to a figure built up step by step (charts off the hot path)."""
    fig.update_layout(**_base_layout(height))
    fig.update_xaxes(tickfont={"size": FONT_SIZE}, title_font={"size": FONT_SIZE})
    fig.update_yaxes(tickfont={"size": FONT_SIZE}, title_font={"size": FONT_SIZE})
    return fig
