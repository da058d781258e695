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

from dashboard import domain, safe
from dashboard import formatting as fmt
from dashboard.charts.style import (
    BREAK_COLOUR,
    DIVERGING,
    FONT_SIZE,
    TARGET_COLOUR,
    apply_style,
    band,
    error_bars,
    impression_colour,
)

BAND_COLOUR = "rgba(33,102,172,0.15)"
NO_DATA = "#d9d9d9"
NO_DATA_RING = "#757575"  # grey that keeps 4.6:1 contrast against the white page
LANES = [m.label for m in domain.MOMENTS]


def _size(n: pd.Series) -> np.ndarray:
    """Marker diameters 14..40 px, area growing with the number of impressions."""
    counts = n.to_numpy(dtype=float)
    top = counts.max() if counts.size and counts.max() > 0 else 1.0
    return 14 + 26 * np.sqrt(counts / top)


def step_labels(summary: pd.DataFrame) -> list[str]:
    """``"4. Engineer arrival ▼ below target"``: the step, the name, and a shortfall in words."""
    steps = pd.Series(np.arange(1, len(summary) + 1), index=summary.index).astype(str)
    shortfall = np.where(summary["weak"].astype(bool), " ▼ below target", "")
    names = safe.chart_columns(summary[["touchpoint"]], ["touchpoint"])["touchpoint"]
    return (steps + ". " + names + shortfall).tolist()


def journey_map(summary: pd.DataFrame, break_at: str | None = None) -> go.Figure:
    """Touchpoints in cycle order (top to bottom), each in the column of its moment.

    ``summary`` is ``metrics.summarise`` over ``cycle_touchpoint_stats``: ``touchpoint_id,
    touchpoint, position, moment, n, mean, target, weak`` in position order. Colour = mean
    impression, size = volume; a touchpoint below its target gets a thick black ring and
    "below target" in its label; the moment where the chain breaks is shaded and named.
    Steps run down the page so the map stays legible on a phone. Each touchpoint point
    carries its id as ``customdata[0]``.
    """
    frame = summary.reset_index(drop=True)
    labels = step_labels(frame)
    lanes = frame["moment"].map(domain.moment_label).tolist()
    fig = go.Figure()
    if break_at is not None:
        _mark_the_break(fig, domain.MOMENT_KEYS.index(break_at))
    fig.add_scatter(
        x=lanes,
        y=labels,
        mode="lines",
        line={"color": "#bbbbbb", "width": 2, "dash": "dot"},
        hoverinfo="skip",
        name="sequence",
    )
    fig.add_scatter(
        x=lanes,
        y=labels,
        mode="markers",
        marker=_touchpoint_markers(frame),
        customdata=np.column_stack([frame["touchpoint_id"], frame["n"], frame["mean"], frame["target"]]),
        hovertemplate="%{y}<br>%{x}<br>mean impression %{customdata[2]:+.2f}"
        " (target %{customdata[3]:+.2f})<br>%{customdata[1]:,} impressions<extra></extra>",
        name="touchpoints",
    )
    _mark_no_impressions(fig, frame, lanes, labels)
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=LANES,
        range=[-0.5, len(LANES) - 0.5],
        side="top",
        tickvals=LANES,
        ticktext=[label.replace("-or-", "-or-<br>") for label in LANES],
        title=None,
        gridcolor="#eeeeee",
        fixedrange=True,
    )
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=labels[::-1],
        title=None,
        showgrid=False,
        automargin=True,
        fixedrange=True,
    )
    fig = apply_style(fig, 190 + 46 * len(frame))
    fig.update_layout(clickmode="event+select", dragmode=False, margin={"t": 70, "b": 110})
    return fig


def _mark_the_break(fig: go.Figure, lane: int) -> None:
    """Shades the moment's column where the chain breaks and names it below the map."""
    fig.add_shape(
        type="rect",
        xref="x",
        yref="paper",
        x0=lane - 0.5,
        x1=lane + 0.5,
        y0=0,
        y1=1,
        fillcolor="rgba(178,24,43,0.08)",
        line={"color": BREAK_COLOUR, "width": 2, "dash": "dot"},
        layer="below",
    )
    fig.add_annotation(
        x=lane,
        xref="x",
        y=0,
        yref="paper",
        yanchor="top",
        text="chain breaks here",
        showarrow=False,
        font={"color": BREAK_COLOUR, "size": FONT_SIZE - 2},
    )


def _mark_no_impressions(fig: go.Figure, frame: pd.DataFrame, lanes: list[str], labels: list[str]) -> None:
    """Hollow grey rings where a touchpoint has no impressions yet (a new cycle's whole map).

    A colour scale colours an open marker's ring too, as the value 0: white on white. So the
    rings are a trace of their own in plain grey, without hover; the touchpoint trace below
    keeps its (invisible) points there, so hovering and clicking work as everywhere else."""
    empty = (frame["n"] == 0).to_numpy()
    if not empty.any():
        return
    fig.add_scatter(
        x=np.asarray(lanes, dtype=object)[empty],
        y=np.asarray(labels, dtype=object)[empty],
        mode="markers",
        marker={"symbol": "circle-open", "size": 16, "color": NO_DATA_RING, "line": {"width": 3}},
        hoverinfo="skip",
        name="no impressions yet",
    )


def _touchpoint_markers(frame: pd.DataFrame) -> dict[str, object]:
    """Colour = mean impression, size = volume, a thick black ring below target; invisible
    without impressions (``_mark_no_impressions`` draws those)."""
    has_data = frame["n"] > 0
    below = frame["weak"].astype(bool)
    return {
        "size": _size(frame["n"]),
        "opacity": np.where(has_data, 1.0, 0.0).tolist(),
        "color": frame["mean"].where(has_data, 0.0),
        "colorscale": DIVERGING,
        "cmin": -1,
        "cmax": 1,
        "colorbar": {
            "title": {"text": "Mean impression", "side": "top"},
            "orientation": "h",
            "thickness": 12,
            "len": 0.9,
            "y": -0.1,
            "yanchor": "top",
        },
        "line": {
            "color": np.where(below, TARGET_COLOUR, "#777777").tolist(),
            "width": np.where(below, 5, 1).tolist(),
        },
    }


def impression_curve(summary: pd.DataFrame, break_position: int | None = None) -> go.Figure:
    """Mean impression along the sequence of touchpoints with its 95% band and each target.

    ``summary`` as for ``journey_map``; ``break_position`` marks where the chain breaks.
    """
    frame = safe.chart_columns(summary.reset_index(drop=True), ["touchpoint"])
    x = list(range(1, len(frame) + 1))
    fig = go.Figure()
    fig.add_trace(band(x, frame["mean_low"], frame["mean_high"], BAND_COLOUR, name="95% interval"))
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
        tickmode="array",
        tickvals=x,
        ticktext=[f"{i}. {n}" for i, n in zip(x, frame["touchpoint"], strict=True)],
        tickangle=-45,
        title=None,
        automargin=True,
    )
    fig.update_yaxes(range=[-1, 1.15], zeroline=True, zerolinecolor="#999999", title="Mean impression (−1 … +1)")
    return apply_style(fig, 420)


def touchpoint_trend(trend: pd.DataFrame, adopted: pd.DataFrame, target: float) -> go.Figure:
    """Monthly mean impression with its 95% band, the target, and a line where an idea was adopted.

    ``trend`` is ``summarise`` over ``monthly_trend`` (``month, mean, mean_low, mean_high, n``);
    ``adopted`` has ``adopted_on, text`` for ideas adopted or made a standard.
    """
    months = list(pd.to_datetime(trend["month"]))
    fig = go.Figure()
    single = len(months) == 1
    if not single:  # one month has no band to draw: its interval is an error bar on the point
        fig.add_trace(band(months, trend["mean_low"], trend["mean_high"], BAND_COLOUR, name="95% interval"))
    fig.add_scatter(
        x=months,
        y=trend["mean"],
        mode="lines+markers",
        line={"color": "#2166ac", "width": 3},
        marker={"size": 10},
        error_y=error_bars(trend["mean"], trend["mean_low"], trend["mean_high"], color="#2166ac", width=8)
        if single
        else None,
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
        short = safe.chart(text if len(text) <= 40 else text[:39] + "…")
        fig.add_annotation(
            x=stamp, y=1.05, text=f"adopted: {short}", showarrow=False, font={"color": "#1b7837", "size": FONT_SIZE - 2}
        )
    fig.update_yaxes(range=[-1, 1.15], zeroline=True, zerolinecolor="#999999", title="Mean impression")
    # Months on the axis, half a month of room either side: left to itself, plotly spreads a
    # single month over milliseconds.
    half_month = pd.Timedelta(days=15)
    fig.update_xaxes(
        title=None,
        type="date",
        tickformat="%b %Y",
        dtick="M1" if len(months) <= 12 else "M3",
        range=[months[0] - half_month, months[-1] + half_month],
    )
    return apply_style(fig, 360)


def score_distribution(distribution: pd.DataFrame) -> go.Figure:
    """How many impressions fell in each tenth of the common scale, coloured by where it lies.

    ``distribution`` has ``low, high, n`` per band (from ``score_distribution`` in the store);
    bands on the common scale let answers from different survey scales share one chart.
    """
    mid = (distribution["low"] + distribution["high"]) / 2
    labels = [
        f"{fmt.signed(lo, 1)} … {fmt.signed(hi, 1)}"
        for lo, hi in zip(distribution["low"], distribution["high"], strict=True)
    ]
    fig = go.Figure()
    fig.add_bar(
        x=labels,
        y=distribution["n"],
        marker_color=[impression_colour(v) for v in mid],
        marker_line={"color": "#555555", "width": 1},
        hovertemplate="score %{x}<br>%{y:,} impressions<extra></extra>",
    )
    fig.update_xaxes(type="category", title="Score (−1 … +1)", tickangle=-45)
    fig.update_yaxes(title="Impressions", gridcolor="#eeeeee")
    return apply_style(fig, 340)
