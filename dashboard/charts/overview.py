"""The Overview's charts: the four moments against their targets and the weakest touchpoints."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import domain, safe
from dashboard.charts.leadership import NAMES, SELECTABLE
from dashboard.charts.style import BREAK_COLOUR, FONT_SIZE, TARGET_COLOUR, error_bars, figure, impression_colour


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
        # The moment's key first: a click narrows the page to that moment (chart_focus).
        "customdata": np.column_stack([ordered["moment"], ordered["n"].fillna(0)]),
        "hovertemplate": "%{x}<br>mean impression %{y:+.2f}<br>%{customdata[1]:,} impressions<extra></extra>",
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
        **SELECTABLE,
    )


def weakest_touchpoints(summary: pd.DataFrame, limit: int = 8) -> go.Figure:
    """The touchpoints furthest below (or least above) their targets, worst at the top.

    ``summary`` has ``touchpoint, cycle, mean, mean_low, mean_high, target, gap, n``.
    """
    worst = safe.chart_columns(summary.nsmallest(limit, "gap").iloc[::-1], NAMES)
    # Two short lines instead of one long one, so the labels leave room for bars on a phone.
    labels = worst["touchpoint"] + "<br><span style='font-size:12px;color:#666'>" + worst["cycle"] + "</span>"
    bars = {
        "type": "bar",
        "y": labels,
        "x": worst["mean"],
        "orientation": "h",
        "marker": {"color": [impression_colour(v) for v in worst["mean"]]},
        "error_x": error_bars(worst["mean"], worst["mean_low"], worst["mean_high"], color="#555555"),
        # [touchpoint_id, month, ...]: a click narrows the page to the touchpoint (chart_focus).
        "customdata": np.column_stack([worst["touchpoint_id"], np.full(len(worst), None), worst["target"], worst["n"]]),
        "hovertemplate": "mean %{x:+.2f} (target %{customdata[2]:+.2f})<br>%{customdata[3]:,} impressions"
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
        **SELECTABLE,
    )
