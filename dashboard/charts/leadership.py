"""Plotly figures for the leadership views, from small frames built by ``dashboard.leadership``.

Every clickable chart carries ``customdata = [touchpoint_id, month]`` on its points (null for
the part it does not choose), which ``leadership.focus_from_points`` reads back. Plotly can
select points only on point-like traces, so the heatmap is drawn as a real heatmap with a
layer of invisible square markers on top that receives the clicks.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import domain, safe
from dashboard.charts.style import BREAK_COLOUR, DIVERGING, TARGET_COLOUR, band, error_bars, figure, impression_colour

NEGATIVE, NEUTRAL, POSITIVE = "#b2182b", "#d9d9d9", "#2166ac"
MOMENT_COLOURS = {
    "now_or_never": "#1b9e77",
    "make_or_break": "#d95f02",
    "keep_or_lose": "#7570b3",
    "multiplier": "#e7298a",
}
NAMES = ("label", "touchpoint_name", "touchpoint", "cycle", "stakeholder_group")
"""Columns of names people typed: escaped before a chart shows them (``safe.chart``)."""
ROW_HEIGHT = 30
MONTH_WIDTH = 36
"""Narrowest column of the heatmap, in pixels: on a phone it scrolls sideways rather than go below."""
HEATMAP_FRAME_WIDTH = 300
"""Room for the row labels (26 characters) and the colour bar beside the heatmap's columns."""
LABEL_LIMIT = 26
"""Longest row label: long ones crowd the cells out on a phone; the hover keeps the whole name."""
_PALETTE = [impression_colour(-1 + 2 * i / 40) for i in range(41)]


def _colour(score: float) -> str:
    """``style.impression_colour`` from a 41-step table: sampling the scale costs ~3 ms a call."""
    if math.isnan(score):
        return "#cccccc"
    return _PALETTE[round((max(-1.0, min(1.0, score)) + 1) * 20)]


# Layout of the clickable charts: a click picks the nearest point, however far; no drag-to-zoom
# that would fight the click.
SELECTABLE: dict[str, object] = {
    "clickmode": "event+select",
    "hovermode": "closest",
    "hoverdistance": -1,
    "dragmode": False,
}


def _vline(x: object, line: dict[str, object]) -> dict[str, object]:
    """A vertical line across the whole plot at ``x`` (what ``add_vline`` draws), as a shape."""
    return {"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain", "line": line}


def _hline(y: object, line: dict[str, object]) -> dict[str, object]:
    return {"type": "line", "x0": 0, "x1": 1, "xref": "x domain", "y0": y, "y1": y, "yref": "y", "line": line}


def _month_text(month: object) -> str:
    return pd.Timestamp(str(month)).strftime("%Y-%m-%d")


def heatmap(cells: pd.DataFrame, focus_touchpoint: int | None = None, focus_month: date | None = None) -> go.Figure:
    """Touchpoints (rows, in journey order) by month, coloured by mean impression.

    ``cells`` is ``leadership.heatmap_frame`` output. The focused cell gets a dark outline.
    """
    # Names escaped after shortening, so no entity is cut in half.
    full = safe.chart_series(cells["label"])
    cells = cells.assign(label=safe.chart_series(_row_labels(cells)))
    labels = cells.drop_duplicates("row").sort_values("row")["label"].tolist()
    months = sorted(cells["month"].unique())
    month_names = {m: pd.Timestamp(m).strftime("%b %Y") for m in months}
    traces = _heatmap_cells(cells, full, month_names)
    if focus_touchpoint is not None and focus_month is not None:
        traces.extend(_focused_cell(cells, focus_touchpoint, focus_month))
    return figure(
        traces,
        120 + ROW_HEIGHT * len(labels),
        xaxis={"categoryorder": "array", "categoryarray": list(month_names.values()), "title": None, "tickangle": -45},
        yaxis={"categoryorder": "array", "categoryarray": labels[::-1], "automargin": True, "title": None},
        plot_bgcolor="#f4f4f4",
        meta={"min_width": HEATMAP_FRAME_WIDTH + MONTH_WIDTH * len(months)},
        **SELECTABLE,
    )


def _row_labels(cells: pd.DataFrame) -> pd.Series:
    """Rows read "touchpoint" (the cycle is in the hover and in the row order); a name used in
    two cycles keeps its cycle so the rows stay apart. Long labels are shortened."""
    rows = cells.drop_duplicates("row")
    shared = rows.loc[rows.duplicated("touchpoint_name", keep=False), "touchpoint_name"]
    text = cells["touchpoint_name"].where(~cells["touchpoint_name"].isin(shared), cells["label"]).astype(str)
    return text.where(text.str.len() <= LABEL_LIMIT, text.str[: LABEL_LIMIT - 1] + "…")


def _heatmap_cells(cells: pd.DataFrame, full: pd.Series, month_names: dict[object, str]) -> list[dict[str, object]]:
    """The coloured cells, and over them a layer of invisible markers that receives the clicks."""
    # Arrays rather than lists of Python objects: plotly checks lists element by element.
    month_text = cells["month"].map(month_names)
    x = month_text.to_numpy(dtype=object)
    y = cells["label"].to_numpy(dtype=object)
    hover = full + "<br>" + month_text + ": " + cells["mean"].map("{:+.2f}".format) + " · "
    hover = hover + cells["n"].map("{:,}".format) + " impressions"
    return [
        {
            "type": "heatmap",
            "x": x,
            "y": y,
            "z": cells["mean"].to_numpy(),
            "zmin": -1,
            "zmax": 1,
            "colorscale": DIVERGING,
            "colorbar": {"title": {"text": "Mean"}, "thickness": 12},
            "hoverinfo": "skip",
            "xgap": 1,
            "ygap": 1,
        },
        {
            "type": "scatter",
            "x": x,
            "y": y,
            "mode": "markers",
            # Small and invisible: with hoverdistance -1 a click anywhere picks the nearest cell.
            "marker": {"symbol": "square", "size": 6, "color": "rgba(0,0,0,0.01)"},
            "selected": {"marker": {"color": "rgba(0,0,0,0.01)"}},
            "unselected": {"marker": {"opacity": 1}},
            "customdata": np.column_stack(
                [
                    cells["touchpoint_id"].astype(int).to_numpy(dtype=object),
                    cells["month"].map(_month_text).to_numpy(dtype=object),
                ]
            ),
            "text": hover.to_numpy(dtype=object),
            "hovertemplate": "%{text}<extra></extra>",
            "name": "cells",
        },
    ]


def _focused_cell(cells: pd.DataFrame, touchpoint: int, month: date) -> list[dict[str, object]]:
    """A dark outline around the focused cell; nothing when it is not on the heatmap."""
    hit = cells[(cells["touchpoint_id"] == touchpoint) & (pd.to_datetime(cells["month"]) == pd.Timestamp(month))]
    if hit.empty:
        return []
    return [
        {
            "type": "scatter",
            "x": [pd.Timestamp(month).strftime("%b %Y")],
            "y": [hit["label"].iloc[0]],
            "mode": "markers",
            "marker": {"symbol": "square-open", "size": 26, "line": {"width": 3, "color": "#000000"}},
            "hoverinfo": "skip",
            "name": "focus",
        }
    ]


def moment_trends(trends: pd.DataFrame, focus_month: date | None = None) -> go.Figure:
    """Mean impression per moment and month, each line with its 95% band.

    ``trends`` is ``summarise`` output with ``moment, month``.
    """
    traces: list[dict[str, object]] = []
    for key in domain.MOMENT_KEYS:
        rows = trends[trends["moment"] == key].sort_values("month")
        if rows.empty:
            continue
        colour = MOMENT_COLOURS[key]
        months = pd.to_datetime(rows["month"])
        traces.append(
            band(
                months.to_numpy(),
                rows["mean_low"].fillna(rows["mean"]),
                rows["mean_high"].fillna(rows["mean"]),
                colour + "33",
                showlegend=False,
                legendgroup=key,
            )
        )
        traces.append(
            {
                "type": "scatter",
                "x": months,
                "y": rows["mean"],
                "mode": "lines+markers",
                "name": domain.moment_label(key),
                "legendgroup": key,
                "line": {"color": colour, "width": 3},
                "customdata": [[None, _month_text(m)] for m in months],
                "text": [
                    f"{domain.moment_label(key)}: {m:+.2f} ({n:,})"
                    for m, n in zip(rows["mean"], rows["n"], strict=True)
                ],
                "hovertemplate": "%{x|%b %Y}<br>%{text}<extra></extra>",
            }
        )
    shapes = []
    if focus_month is not None:
        shapes.append(_vline(pd.Timestamp(focus_month).timestamp() * 1000, {"color": TARGET_COLOUR, "dash": "dot"}))
    return figure(
        traces,
        420,
        xaxis={"title": None, "dtick": "M1", "tickformat": "%b %Y", "tickangle": -45},
        yaxis={
            "range": [-1, 1],
            "title": "Mean impression",
            "zeroline": True,
            "zerolinecolor": "#999999",
            "gridcolor": "#eee",
        },
        shapes=shapes,
        showlegend=True,
        legend={"orientation": "h", "y": 1.12, "x": 0},
        **SELECTABLE,
    )


def diverging_shares(shares: pd.DataFrame) -> go.Figure:
    """Negative share to the left of zero, positive to the right, neutral split across it."""
    shares = safe.chart_columns(shares, NAMES)
    rows = shares.iloc[::-1]
    half_neutral = rows["neutral_share"] / 2
    custom = [[int(t), None] for t in rows["touchpoint_id"]]
    traces = [
        {
            "type": "bar",
            "y": rows["label"],
            "x": values,
            "base": base,
            "orientation": "h",
            "name": name,
            "marker": {"color": colour},
            "customdata": custom,
            "text": [f"{v:.0%}" for v in values],
            "hovertemplate": "%{y}<br>" + name + " %{text}<extra></extra>",
            "textposition": "none",
        }
        for name, values, base, colour in (
            ("Negative", rows["negative_share"], -half_neutral - rows["negative_share"], NEGATIVE),
            ("Neutral", rows["neutral_share"], -half_neutral, NEUTRAL),
            ("Positive", rows["positive_share"], half_neutral, POSITIVE),
        )
    ]
    return figure(
        traces,
        110 + ROW_HEIGHT * len(rows),
        xaxis={
            "range": [-1, 1],
            "tickformat": ".0%",
            "title": "Share of impressions",
            "zeroline": True,
            "gridcolor": "#eee",
        },
        yaxis={"title": None, "automargin": True},
        barmode="overlay",
        showlegend=True,
        legend={"orientation": "h", "y": 1.05, "x": 0},
        **SELECTABLE,
    )


def group_comparison(groups: pd.DataFrame, flagged: set[int]) -> go.Figure:
    """Mean impression per touchpoint, one marker per stakeholder group on the same row.

    ``groups`` is ``summarise`` output with ``label, touchpoint_id, stakeholder_group``;
    rows in ``flagged`` (touchpoint ids) are marked where the gap between groups matters.
    """
    groups = safe.chart_columns(groups, NAMES)
    labels = groups.drop_duplicates("touchpoint_id")["label"].tolist()
    marked = {lab: f"⚠ {lab}" for lab in groups.loc[groups["touchpoint_id"].isin(flagged), "label"]}
    traces = [
        {
            "type": "scatter",
            "x": rows["mean"],
            "y": [marked.get(lab, lab) for lab in rows["label"]],
            "mode": "markers",
            "name": str(name),
            "marker": {"size": 14, "line": {"width": 1, "color": "#333"}},
            "error_x": error_bars(rows["mean"], rows["mean_low"], rows["mean_high"], thickness=1),
            "customdata": [[int(t), None] for t in rows["touchpoint_id"]],
            "text": [f"{name}: {m:+.2f} ({n:,})" for m, n in zip(rows["mean"], rows["n"], strict=True)],
            "hovertemplate": "%{y}<br>%{text}<extra></extra>",
        }
        for name, rows in groups.groupby("stakeholder_group", sort=True)
    ]
    order = [marked.get(lab, lab) for lab in labels][::-1]
    return figure(
        traces,
        110 + ROW_HEIGHT * len(labels),
        xaxis={
            "range": [-1, 1],
            "title": "Mean impression",
            "zeroline": True,
            "zerolinecolor": "#999",
            "gridcolor": "#eee",
        },
        yaxis={"categoryorder": "array", "categoryarray": order, "automargin": True, "title": None},
        showlegend=True,
        legend={"orientation": "h", "y": 1.05, "x": 0},
        **SELECTABLE,
    )


def priority_quadrant(priorities: pd.DataFrame, focus_touchpoint: int | None = None) -> go.Figure:
    """Importance (x) against mean impression (y); the weak, important corner is "Fix first"."""
    priorities = safe.chart_columns(priorities, NAMES)
    split = float(priorities["importance"].median())
    target = float(priorities["target"].mean())
    points = {
        "type": "scatter",
        "x": priorities["importance"],
        "y": priorities["mean"],
        "mode": "markers",
        "marker": {
            "size": [22 if t == focus_touchpoint else 14 for t in priorities["touchpoint_id"]],
            "color": [_colour(v) for v in priorities["mean"]],
            "line": {
                "width": [3 if t == focus_touchpoint else 1 for t in priorities["touchpoint_id"]],
                "color": "#222",
            },
        },
        "customdata": [[int(t), None] for t in priorities["touchpoint_id"]],
        "text": priorities["label"] + "<br>" + priorities["quadrant"],
        "hovertemplate": "%{text}<br>importance %{x:.1%}<br>mean %{y:+.2f}<extra></extra>",
    }
    x_max = float(priorities["importance"].max()) * 1.1 if len(priorities) else 1.0
    corners = [
        {
            "x": x,
            "y": y,
            "text": text,
            "showarrow": False,
            "xanchor": anchor,
            "font": {"color": BREAK_COLOUR if text == "Fix first" else "#666"},
        }
        for text, x, y, anchor in (
            ("Fix first", x_max, -0.95, "right"),
            ("Keep it up", x_max, 0.95, "right"),
            ("Watch", 0, -0.95, "left"),
            ("Maintain", 0, 0.95, "left"),
        )
    ]
    basis = priorities["importance_basis"].iloc[0] if len(priorities) else "volume"
    return figure(
        [points],
        460,
        xaxis={"range": [0, x_max], "tickformat": ".0%", "title": f"Importance ({basis}: share of impressions)"},
        yaxis={"range": [-1, 1], "title": "Mean impression", "gridcolor": "#eee"},
        shapes=[
            _vline(split, {"color": "#999", "dash": "dot"}),
            _hline(target, {"color": TARGET_COLOUR, "dash": "dot"}),
        ],
        annotations=corners,
        **SELECTABLE,
    )


def mover_bars(changes: pd.DataFrame) -> go.Figure:
    """Change in mean impression per touchpoint with its interval; solid bars are significant."""
    changes = safe.chart_columns(changes, NAMES)
    rows = changes.sort_values("mean_change")
    labels = rows["touchpoint"] + " · " + rows["cycle"]
    colours = [
        (POSITIVE if c > 0 else NEGATIVE) if s else "#bbbbbb"
        for c, s in zip(rows["mean_change"], rows["mean_significant"], strict=True)
    ]
    bars = {
        "type": "bar",
        "y": labels,
        "x": rows["mean_change"],
        "orientation": "h",
        "marker": {"color": colours},
        "error_x": error_bars(rows["mean_change"], rows["mean_change_low"], rows["mean_change_high"], color="#555"),
        # [touchpoint_id, month, ...]: a click narrows the page to the touchpoint (chart_focus).
        "customdata": np.column_stack(
            [rows["touchpoint_id"], np.full(len(rows), None), rows["previous_mean"], rows["mean"]]
        ),
        "hovertemplate": "%{y}<br>change %{x:+.2f} (from %{customdata[2]:+.2f} to %{customdata[3]:+.2f})"
        "<extra></extra>",
    }
    return figure(
        [bars],
        80 + 40 * len(rows),
        **SELECTABLE,
        xaxis={"title": "Change in mean impression", "zeroline": True, "zerolinecolor": "#666", "gridcolor": "#eee"},
        yaxis={"title": None, "automargin": True},
    )
