"""Charts of the Flow page: the funnel of the four moments, a rate month by month, the sources of
prospects, and a moment's impressions against its conversion. Built from the small frames of
``dashboard.flow.measures`` in one constructor call each (``style.figure``).

The source charts are clickable: their points carry the source's name as ``customdata``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.leadership import MOMENT_COLOURS, SELECTABLE
from dashboard.charts.style import BREAK_COLOUR, TARGET_COLOUR, band, error_bars, figure

UNCERTAIN_COLOUR = "#bbbbbb"
RATE_COLOUR = "#2166ac"


def _text(value: float) -> str:
    return "—" if np.isnan(value) else f"{value:.0%}"


def funnel(frame: pd.DataFrame) -> go.Figure:
    """The four moments top to bottom: each one's conversion with its 95% interval, the target
    as a black mark, moments clearly below target in red. Now-or-Never is where prospects come
    in, so its bar is the whole (100%) and reads as a count."""
    rows = frame.iloc[::-1]  # plotly draws the first category at the bottom
    entry = rows["moment"] == "now_or_never"
    rate = rows["rate"].where(~entry, 1.0)
    colours = [
        "#cccccc" if e else (BREAK_COLOUR if c else MOMENT_COLOURS[m])
        for e, c, m in zip(entry, rows["clearly_below"], rows["moment"], strict=True)
    ]
    labels = [
        f"{c:,.0f} prospects come in"
        if e
        else (f"{_text(r)}: {p:,.0f} of {b:,.0f}" if not np.isnan(r) else "not recorded")
        for e, r, p, b, c in zip(entry, rows["rate"], rows["passed"], rows["base"], rows["count"], strict=True)
    ]
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "y": rows["label"],
            "x": rate,
            "marker": {"color": colours},
            "error_x": error_bars(rate, rows["low"], rows["high"], color="#333"),
            "text": labels,
            "textposition": "auto",
            "insidetextanchor": "start",
            "hovertemplate": "%{y}: %{text}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "markers",
            "y": rows["label"],
            "x": rows["target"],
            "marker": {"symbol": "line-ns", "size": 28, "line": {"width": 4, "color": TARGET_COLOUR}},
            "hovertemplate": "target %{x:.0%}<extra></extra>",
        },
    ]
    return figure(
        traces,
        300,
        xaxis={"title": "Conversion (share that passes on)", "tickformat": ".0%", "range": [0, 1.05]},
        yaxis={"title": None},
    )


def monthly_rate(frame: pd.DataFrame, title: str, colour: str = RATE_COLOUR) -> go.Figure:
    """A rate month by month with its 95% band; months whose change from the month before holds
    (its interval excludes zero) are drawn as large filled markers, the others small and hollow."""
    months = pd.to_datetime(frame["period"])
    significant = frame["significant"].to_numpy(dtype=bool)
    traces: list[dict[str, object]] = [
        band(months.to_numpy(), frame["low"].fillna(frame["rate"]), frame["high"].fillna(frame["rate"]), colour + "33"),
        {
            "type": "scatter",
            "x": months,
            "y": frame["rate"],
            "mode": "lines+markers",
            "line": {"color": colour, "width": 3},
            "marker": {
                "size": np.where(significant, 13, 7),
                "symbol": np.where(significant, "circle", "circle-open"),
                "color": colour,
            },
            "text": [
                f"{r:.1%} ({p:,} of {b:,})" + (f"; {c:+.1%} vs the month before, significant" if s else "")
                for r, p, b, c, s in zip(
                    frame["rate"], frame["passed"], frame["base"], frame["change"], significant, strict=True
                )
            ],
            "hovertemplate": "%{x|%b %Y}: %{text}<extra></extra>",
        },
    ]
    return figure(
        traces,
        340,
        xaxis={"title": None, "tickformat": "%b %Y"},
        yaxis={"title": title, "tickformat": ".0%", "rangemode": "tozero", "gridcolor": "#eee"},
    )


def source_mix(frame: pd.DataFrame, focus: str | None) -> go.Figure:
    """Prospects per source (bars, largest first) with each source's share. Click a bar."""
    rows = frame.sort_values("prospects")
    colours = [BREAK_COLOUR if s == focus else ("#4d4d4d" if focus is None else "#bdbdbd") for s in rows["source"]]
    return figure(
        [
            {
                "type": "bar",
                "orientation": "h",
                "y": rows["source"],
                "x": rows["prospects"],
                "marker": {"color": colours},
                "customdata": rows[["source"]].to_numpy(),
                "text": [f"{p:,} ({s:.0%})" for p, s in zip(rows["prospects"], rows["share"], strict=True)],
                "textposition": "auto",
                "hovertemplate": "%{y}: %{text}<extra></extra>",
            }
        ],
        max(260, 34 * len(rows) + 80),
        xaxis={"title": "Prospects"},
        yaxis={"title": None},
        **SELECTABLE,
    )


def source_conversion(frame: pd.DataFrame, focus: str | None) -> go.Figure:
    """Conversion per source with its 95% interval: ranked sources best first, then sources with
    too few prospects to rank (grey, hollow, in name order). Click a point."""
    rows = frame.iloc[::-1]
    uncertain = rows["uncertain"].to_numpy(dtype=bool)
    colours = np.where(uncertain, UNCERTAIN_COLOUR, RATE_COLOUR)
    colours = np.where(rows["source"].to_numpy() == focus, BREAK_COLOUR, colours)
    labels = [f"{s} (too few to rank)" if u else s for s, u in zip(rows["source"], uncertain, strict=True)]
    return figure(
        [
            {
                "type": "scatter",
                "mode": "markers",
                "y": labels,
                "x": rows["rate"],
                "error_x": error_bars(rows["rate"], rows["low"], rows["high"], color="#555"),
                "marker": {"size": 14, "color": colours, "symbol": np.where(uncertain, "circle-open", "circle")},
                "customdata": rows[["source"]].to_numpy(),
                "text": [
                    f"{r:.0%} of {p:,} prospects won" for r, p in zip(rows["rate"], rows["prospects"], strict=True)
                ],
                "hovertemplate": "%{y}: %{text}<extra></extra>",
            }
        ],
        max(260, 34 * len(rows) + 80),
        xaxis={"title": "Conversion", "tickformat": ".0%", "rangemode": "tozero", "gridcolor": "#eee"},
        yaxis={"title": None},
        **SELECTABLE,
    )


def lenses(frame: pd.DataFrame, moment_label: str) -> go.Figure:
    """A moment's months as points: mean impression across, conversion up (``month, mean, rate``)."""
    months = pd.to_datetime(frame["month"])
    return figure(
        [
            {
                "type": "scatter",
                "mode": "markers+text",
                "x": frame["mean"],
                "y": frame["rate"],
                "text": months.dt.strftime("%b %y"),
                "textposition": "top center",
                "textfont": {"size": 12},
                "marker": {"size": 12, "color": RATE_COLOUR},
                "hovertemplate": "%{text}: mean impression %{x:+.2f}, conversion %{y:.1%}<extra></extra>",
            }
        ],
        360,
        xaxis={"title": f"Mean impression at {moment_label}", "zeroline": True, "gridcolor": "#eee"},
        yaxis={"title": "Conversion", "tickformat": ".0%", "gridcolor": "#eee"},
    )
