"""Figures for the service cycle map: the journey map, the impression curve, one touchpoint's story.

Colour is the mean impression on the shared diverging RdBu scale (red poor, blue good, pale
near neutral), which stays readable with common colour-vision deficiencies. Anything that
must not be missed (below target, where the chain breaks) is also shown by shape and words,
never by colour alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import domain
from dashboard.charts import BREAK_COLOUR, DIVERGING, FONT_SIZE, TARGET_COLOUR, _layout, impression_colour

NO_DATA = "#d9d9d9"
LANES = [m.label for m in domain.MOMENTS]


def _size(n: pd.Series) -> np.ndarray:
    """Marker diameters 18..56 px, area growing with the number of impressions."""
    counts = n.to_numpy(dtype=float)
    top = counts.max() if counts.size and counts.max() > 0 else 1.0
    return 18 + 38 * np.sqrt(counts / top)


def journey_map(summary: pd.DataFrame, break_at: str | None = None) -> go.Figure:
    """Touchpoints in cycle order (x) in one lane per moment (y).

    ``summary`` is ``metrics.summarise`` over ``cycle_touchpoint_stats``: ``touchpoint_id,
    touchpoint, position, moment, n, mean, target, weak`` in position order. Colour = mean
    impression, size = volume; a touchpoint below its target gets a thick black ring and a
    "below target" label. Each point carries its touchpoint id as ``customdata[0]``.
    """
    frame = summary.reset_index(drop=True)
    step = list(range(1, len(frame) + 1))
    lanes = [domain.moment_label(m) for m in frame["moment"]]
    has_data = frame["n"] > 0
    below = frame["weak"].astype(bool)
    labels = [
        f"{name}<br><b>below target</b>" if is_below else str(name)
        for name, is_below in zip(frame["touchpoint"], below, strict=True)
    ]
    fig = go.Figure()
    fig.add_scatter(
        x=step,
        y=lanes,
        mode="lines",
        line={"color": "#bbbbbb", "width": 2, "dash": "dot"},
        hoverinfo="skip",
        name="sequence",
    )
    fig.add_scatter(
        x=step,
        y=lanes,
        mode="markers+text",
        text=labels,
        textposition="top center",
        textfont={"size": FONT_SIZE - 2},
        marker={
            "size": _size(frame["n"]),
            "color": frame["mean"].where(has_data, 0.0),
            "colorscale": DIVERGING,
            "cmin": -1,
            "cmax": 1,
            "colorbar": {"title": {"text": "Mean<br>impression"}, "thickness": 14, "len": 0.8},
            "line": {
                "color": [TARGET_COLOUR if b else "#777777" for b in below],
                "width": [5 if b else 1 for b in below],
            },
            "symbol": ["circle" if d else "circle-open" for d in has_data],
        },
        customdata=np.column_stack(
            [frame["touchpoint_id"], frame["n"], frame["mean"].fillna(np.nan), frame["target"], frame["position"]]
        ),
        hovertemplate="%{text}<br>step %{customdata[4]} · %{y}<br>mean impression %{customdata[2]:+.2f}"
        " (target %{customdata[3]:+.2f})<br>%{customdata[1]:,} impressions<extra></extra>",
        name="touchpoints",
    )
    if break_at is not None:
        fig.add_annotation(
            x=1,
            xref="paper",
            xanchor="right",
            y=domain.moment_label(break_at),
            text="◀ chain breaks here",
            showarrow=False,
            font={"color": BREAK_COLOUR, "size": FONT_SIZE},
            bgcolor="rgba(255,255,255,0.8)",
        )
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=LANES[::-1],
        range=[-0.6, 3.8],
        title=None,
        gridcolor="#eeeeee",
        fixedrange=True,
    )
    fig.update_xaxes(
        title="Step in the cycle",
        tickmode="array",
        tickvals=step,
        range=[0.4, len(step) + 0.6],
        showgrid=False,
        fixedrange=True,
    )
    fig = _layout(fig, 520)
    fig.update_layout(clickmode="event+select", dragmode=False)
    return fig


def impression_curve(summary: pd.DataFrame, break_position: int | None = None) -> go.Figure:
    """Mean impression along the sequence of touchpoints with its 95% band and each target.

    ``summary`` as for ``journey_map``; ``break_position`` marks where the chain breaks.
    """
    frame = summary.reset_index(drop=True)
    x = list(range(1, len(frame) + 1))
    fig = go.Figure()
    fig.add_scatter(
        x=x + x[::-1],
        y=list(frame["mean_high"]) + list(frame["mean_low"])[::-1],
        fill="toself",
        fillcolor="rgba(33,102,172,0.15)",
        line={"width": 0},
        hoverinfo="skip",
        name="95% interval",
    )
    fig.add_scatter(
        x=x,
        y=frame["target"],
        mode="lines",
        line={"color": TARGET_COLOUR, "dash": "dash", "width": 2},
        name="Target",
        hovertemplate="target %{y:+.2f}<extra></extra>",
    )
    fig.add_scatter(
        x=x,
        y=frame["mean"],
        mode="lines+markers",
        line={"color": "#2166ac", "width": 3},
        marker={
            "size": 14,
            "color": [impression_colour(v) if pd.notna(v) else NO_DATA for v in frame["mean"]],
            "line": {"color": "#333333", "width": 1},
        },
        customdata=np.column_stack([frame["touchpoint"], frame["n"]]),
        hovertemplate="%{customdata[0]}<br>mean %{y:+.2f}<br>%{customdata[1]:,} impressions<extra></extra>",
        name="Mean impression",
    )
    if break_position is not None:
        fig.add_vline(x=break_position, line={"color": BREAK_COLOUR, "width": 3})
        fig.add_annotation(
            x=break_position,
            y=1.08,
            text="chain breaks here",
            showarrow=False,
            font={"color": BREAK_COLOUR, "size": FONT_SIZE},
        )
    fig.update_xaxes(
        tickmode="array", tickvals=x, ticktext=list(frame["touchpoint"]), tickangle=-30, title=None, automargin=True
    )
    fig.update_yaxes(range=[-1, 1.15], zeroline=True, zerolinecolor="#999999", title="Mean impression (−1 … +1)")
    fig = _layout(fig, 420)
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": 1.12, "x": 0})
    return fig


def touchpoint_trend(trend: pd.DataFrame, adopted: pd.DataFrame, target: float) -> go.Figure:
    """Monthly mean impression with its 95% band, the target, and a line where an idea was adopted.

    ``trend`` is ``summarise`` over ``monthly_trend`` (``month, mean, mean_low, mean_high, n``);
    ``adopted`` has ``adopted_on, text`` for ideas adopted or made a standard.
    """
    months = list(pd.to_datetime(trend["month"]))
    fig = go.Figure()
    fig.add_scatter(
        x=months + months[::-1],
        y=list(trend["mean_high"]) + list(trend["mean_low"])[::-1],
        fill="toself",
        fillcolor="rgba(33,102,172,0.15)",
        line={"width": 0},
        hoverinfo="skip",
        name="95% interval",
    )
    fig.add_scatter(
        x=months,
        y=trend["mean"],
        mode="lines+markers",
        line={"color": "#2166ac", "width": 3},
        customdata=trend[["n"]],
        hovertemplate="%{x|%b %Y}<br>mean %{y:+.2f}<br>%{customdata[0]:,} impressions<extra></extra>",
        name="Mean impression",
    )
    fig.add_hline(y=target, line={"color": TARGET_COLOUR, "dash": "dash", "width": 2})
    for when, text in zip(adopted["adopted_on"], adopted["text"], strict=True):
        if pd.isna(when):
            continue
        stamp = pd.Timestamp(when)
        fig.add_vline(x=stamp.timestamp() * 1000, line={"color": "#1b7837", "width": 2, "dash": "dot"})
        short = text if len(text) <= 40 else text[:39] + "…"
        fig.add_annotation(
            x=stamp, y=1.05, text=f"adopted: {short}", showarrow=False, font={"color": "#1b7837", "size": FONT_SIZE - 2}
        )
    fig.update_yaxes(range=[-1, 1.15], zeroline=True, zerolinecolor="#999999", title="Mean impression")
    fig.update_xaxes(title=None)
    return _layout(fig, 360)


def score_distribution(distribution: pd.DataFrame) -> go.Figure:
    """How many impressions gave each answer, lowest first, coloured by the answer's score.

    ``distribution`` has ``answer, scale, score, n``.
    """
    several_scales = distribution["scale"].nunique() > 1
    labels = [
        f"{a} ({s})" if several_scales else str(a)
        for a, s in zip(distribution["answer"], distribution["scale"], strict=True)
    ]
    fig = go.Figure()
    fig.add_bar(
        x=labels,
        y=distribution["n"],
        marker_color=[impression_colour(v) for v in distribution["score"]],
        marker_line={"color": "#555555", "width": 1},
        customdata=distribution[["score"]],
        hovertemplate="%{x}<br>%{y:,} impressions<br>score %{customdata[0]:+.2f}<extra></extra>",
    )
    fig.update_xaxes(type="category", title="Answer")
    fig.update_yaxes(title="Impressions", gridcolor="#eeeeee")
    return _layout(fig, 320)
