"""Figures for the workshop's presenter view: big, high-contrast, readable from the back."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.charts.style import impression_colour
from dashboard.workshop import Distribution

PROJECTOR_FONT = 28


def vote_distribution(dist: Distribution, height: int = 460) -> go.Figure:
    """One bar per scale point (worst left), coloured from poor (red) to good (blue), counts on top."""
    steps = max(len(dist.points) - 1, 1)
    colours = [impression_colour(-1 + 2 * i / steps) for i in range(len(dist.points))]
    fig = go.Figure(
        go.Bar(
            x=list(dist.points),
            y=list(dist.votes),
            marker={"color": colours, "line": {"color": "#222222", "width": 1}},
            text=[str(v) for v in dist.votes],
            textposition="outside",
            textfont={"size": PROJECTOR_FONT},
            cliponaxis=False,
            hovertemplate="%{x}: %{y} votes<extra></extra>",
        )
    )
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        font={"size": PROJECTOR_FONT, "color": "#111111"},
        showlegend=False,
        plot_bgcolor="white",
        paper_bgcolor="white",
    )
    fig.update_xaxes(type="category", tickfont={"size": PROJECTOR_FONT, "color": "#111111"})
    fig.update_yaxes(visible=False, range=[0, max(max(dist.votes, default=0), 1) * 1.25])
    return fig
