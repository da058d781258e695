"""Plotly figures built from small, already-aggregated frames. No Streamlit here.

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

from dashboard import domain

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
    Arrays throughout: plotly checks a list of timestamps element by element."""
    xs = np.asarray(x)
    return {
        "type": "scatter",
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


def _layout(fig: go.Figure, height: int) -> go.Figure:
    """The house style applied to a figure built up step by step (charts off the hot path)."""
    fig.update_layout(**_base_layout(height))
    fig.update_xaxes(tickfont={"size": FONT_SIZE}, title_font={"size": FONT_SIZE})
    fig.update_yaxes(tickfont={"size": FONT_SIZE}, title_font={"size": FONT_SIZE})
    return fig


def moment_scorecard(summary: pd.DataFrame, break_at: str | None) -> go.Figure:
    """Mean impression per moment in journey order, with 95% intervals and each moment's target.

    ``summary`` has ``moment, mean, mean_low, mean_high, target, n``; missing moments show as
    gaps. The moment where the chain breaks is annotated.
    """
    ordered = pd.DataFrame({"moment": list(domain.MOMENT_KEYS)}).merge(summary, on="moment", how="left")
    labels = [domain.moment_label(key) for key in ordered["moment"]]
    bars = {
        "type": "bar",
        "x": labels,
        "y": ordered["mean"],
        "marker": {
            "color": [impression_colour(v) if pd.notna(v) else "#cccccc" for v in ordered["mean"]],
            "line": {
                "color": [BREAK_COLOUR if m == break_at else "rgba(0,0,0,0)" for m in ordered["moment"]],
                "width": 4,
            },
        },
        "error_y": error_bars(ordered["mean"], ordered["mean_low"], ordered["mean_high"], color="#555555"),
        "customdata": ordered[["n"]].fillna(0),
        "hovertemplate": "%{x}<br>mean impression %{y:+.2f}<br>%{customdata[0]:,} impressions<extra></extra>",
        "name": "Mean impression",
    }
    targets = {
        "type": "scatter",
        "x": labels,
        "y": ordered["target"],
        "mode": "markers",
        "name": "Target",
        "marker": {"symbol": "line-ew", "size": 60, "line": {"width": 3, "color": TARGET_COLOUR}},
        "hovertemplate": "%{x}<br>target %{y:+.2f}<extra></extra>",
    }
    annotations = []
    if break_at is not None:
        annotations.append(
            {
                "x": domain.moment_label(break_at),
                "y": 1.0,
                "text": "Chain breaks here",
                "showarrow": False,
                "font": {"color": BREAK_COLOUR, "size": FONT_SIZE + 2},
                "yshift": 10,
            }
        )
    return figure(
        [bars, targets],
        380,
        xaxis={"title": None},
        yaxis={
            "title": "Mean impression (−1 … +1)",
            "range": [-1, 1.15],
            "zeroline": True,
            "zerolinecolor": "#999999",
            "gridcolor": "#eeeeee",
        },
        annotations=annotations,
    )


def weakest_touchpoints(summary: pd.DataFrame, limit: int = 8) -> go.Figure:
    """The touchpoints furthest below (or least above) their targets, worst at the top.

    ``summary`` has ``touchpoint, cycle, mean, mean_low, mean_high, target, gap, n``.
    """
    worst = summary.nsmallest(limit, "gap").iloc[::-1]
    # Two short lines instead of one long one, so the labels leave room for bars on a phone.
    labels = worst["touchpoint"] + "<br><span style='font-size:12px;color:#666'>" + worst["cycle"] + "</span>"
    bars = {
        "type": "bar",
        "y": labels,
        "x": worst["mean"],
        "orientation": "h",
        "marker": {"color": [impression_colour(v) for v in worst["mean"]]},
        "error_x": error_bars(worst["mean"], worst["mean_low"], worst["mean_high"], color="#555555"),
        "customdata": worst[["target", "n"]],
        "hovertemplate": "mean %{x:+.2f} (target %{customdata[0]:+.2f})<br>%{customdata[1]:,} impressions"
        "<extra></extra>",
    }
    targets = {
        "type": "scatter",
        "y": labels,
        "x": worst["target"],
        "mode": "markers",
        "marker": {"symbol": "line-ns", "size": 26, "line": {"width": 3, "color": TARGET_COLOUR}},
        "hovertemplate": "target %{x:+.2f}<extra></extra>",
    }
    return figure(
        [bars, targets],
        80 + 56 * len(worst),
        xaxis={
            "title": "Mean impression (−1 … +1)",
            "range": [-1, 1],
            "zeroline": True,
            "zerolinecolor": "#999999",
            "gridcolor": "#eeeeee",
        },
        yaxis={"title": None, "automargin": True},
    )
