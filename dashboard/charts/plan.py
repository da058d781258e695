"""Plotly figures for the reputation plan: the 7 x 4 grid (full and compact) and progress over
time. Plain functions over small frames (``evidence.grid_frame``, ``plan.progress_over_time``).

Status colours avoid a red-green contrast: grey (not started), light blue (in progress), dark
blue (done), red (at risk). A cell the data does not back gets a thick orange frame and a
warning sign, so the flag reads without colour too.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard import domain
from dashboard.charts.style import FONT_SIZE, apply_style, figure

STATUS_COLOURS = {"not_started": "#d9d9d9", "in_progress": "#92c5de", "done": "#2166ac", "at_risk": "#b2182b"}
FLAG_COLOUR = "#e66101"
FLAG_TEXT = "⚠"
CELL_FONT = FONT_SIZE + 2
"""The full grid's cell text, large enough for a projector."""
CELL_WIDTH = 140
"""Narrowest cell of the full grid, in pixels: "Not started" at ``CELL_FONT`` fits on one line."""
STEP_LABEL_WIDTH = 150
"""Room for the step labels (two lines of about 14 characters) left of the full grid."""


def _status_scale() -> list[list[object]]:
    """A stepped colour scale: value i (0..3) gets the colour of the i-th status."""
    colours = [STATUS_COLOURS[key] for key in domain.PLAN_STATUS_KEYS]
    n = len(colours)
    scale: list[list[object]] = []
    for i, colour in enumerate(colours):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    return scale


def _two_lines(label: str) -> str:
    """Breaks a long axis label in the middle, so the grid keeps its width on a phone."""
    words = label.split(" ")
    if len(words) < 3:
        return label
    half = (len(words) + 1) // 2
    return " ".join(words[:half]) + "<br>" + " ".join(words[half:])


def _one_line(label: str) -> str:
    return label.replace("<br>", " ").replace("-or- ", "-or-")


def _matrices(grid: pd.DataFrame, columns: list[str]) -> list[list[list[object]]]:
    """Each of the grid's ``columns`` as rows (steps in order) of columns (moments in order)."""
    cells = grid.set_index(["step", "moment"]).reindex(
        pd.MultiIndex.from_product([domain.STEP_KEYS, domain.MOMENT_KEYS]), columns=columns
    )
    shape = (len(domain.STEP_KEYS), len(domain.MOMENT_KEYS))
    return [cells[column].to_numpy(dtype=object).reshape(shape).tolist() for column in columns]


def plan_grid(grid: pd.DataFrame, *, compact: bool = False) -> go.Figure:
    """The plan as a heatmap: steps down, moments across, coloured by status, flags marked.

    ``grid`` is ``evidence.grid_frame`` (28 rows). The full version carries a transparent
    marker per cell (with ``customdata = [step, moment]``) so a click selects the cell; the
    compact one (for the Overview) is small and only marks the flags.
    """
    steps = [_two_lines(f"{i}. {s.label}") for i, s in enumerate(domain.REPUTATION_STEPS, start=1)]
    moments = [m.label.replace("-or-", "-or-<br>") for m in domain.MOMENTS]
    status_index = {key: i for i, key in enumerate(domain.PLAN_STATUS_KEYS)}
    statuses, flags, labels, passed, total = _matrices(
        grid, ["status", "unproven_claim", "status_label", "evidence_passed", "evidence_total"]
    )
    z = [[status_index[str(v)] for v in row] for row in statuses]
    text, hover = _cell_texts(steps, moments, labels, passed, total, flags, compact=compact)
    n_status = len(domain.PLAN_STATUS_KEYS)
    traces: list[dict[str, object]] = [
        {
            "type": "heatmap",
            "z": z,
            "x": moments,
            "y": steps,
            "zmin": -0.5,
            "zmax": n_status - 0.5,
            "colorscale": _status_scale(),
            "showscale": False,
            "xgap": 3,
            "ygap": 3,
            "text": text,
            "texttemplate": "%{text}",
            "textfont": {"size": FONT_SIZE - 4 if compact else CELL_FONT},
            # The full grid leaves hover (and so clicks) to the transparent markers above it.
            "hovertext": hover,
            "hoverinfo": "text" if compact else "skip",
        }
    ]
    if not compact:
        traces.append(_click_layer(steps, moments, hover))
    # The compact grid (Overview) is small: smaller ticks, and no drag mode. The full grid keeps
    # the default drag mode: Streamlit then lets a click select the cell under it (with a drag
    # mode of "select" it would only select by dragging a box).
    ticks = {"tickfont": {"size": FONT_SIZE - 4}} if compact else {}
    return figure(
        traces,
        300 if compact else 620,
        xaxis={"side": "top", "title": None, "showgrid": False, "tickangle": 0, **ticks},
        yaxis={"autorange": "reversed", "title": None, "showgrid": False, **ticks},
        shapes=_flag_frames(flags, compact=compact),
        # The full grid scrolls sideways on a phone rather than squeeze its headers and words together.
        **({"dragmode": False} if compact else {"meta": {"min_width": STEP_LABEL_WIDTH + CELL_WIDTH * 4}}),
    )


Matrix = list[list[object]]
"""A value per plan cell: rows are the steps in order, columns the moments in order."""


def _cell_texts(
    steps: list[str], moments: list[str], labels: Matrix, passed: Matrix, total: Matrix, flags: Matrix, *, compact: bool
) -> tuple[list[list[str]], list[list[str]]]:
    """What each cell says (only the flag when compact) and what its hover says."""
    if compact:
        text = [["⚠" if f else "" for f in row] for row in flags]
    else:
        text = [
            [
                # Two lines in every cell: the status on one ("In progress"), the flag before it, and
                # the evidence count below, so the text fits the cell at projector size.
                (f"<b>{FLAG_TEXT}</b> " if f else "") + f"{lab}<br>{p}/{t}"
                for lab, p, t, f in zip(lr, pr, tr, fr, strict=True)
            ]
            for lr, pr, tr, fr in zip(labels, passed, total, flags, strict=True)
        ]
    hover = [
        [
            f"{_one_line(s)} · {_one_line(m)}<br>{lab}, {p} of {t} evidence items met"
            + ("<br>claimed done, not proven" if f else "")
            for m, lab, p, t, f in zip(moments, lr, pr, tr, fr, strict=True)
        ]
        for s, lr, pr, tr, fr in zip(steps, labels, passed, total, flags, strict=True)
    ]
    return text, hover


def _flag_frames(flags: Matrix, *, compact: bool) -> list[dict[str, object]]:
    """An orange frame around each flagged cell, as shapes in axis units: category i sits at i,
    so a cell spans i - 0.5 .. i + 0.5."""
    return [
        {
            "type": "rect",
            "x0": j - 0.45,
            "x1": j + 0.45,
            "y0": i - 0.42,
            "y1": i + 0.42,
            "line": {"color": FLAG_COLOUR, "width": 3 if compact else 5},
        }
        for i, row in enumerate(flags)
        for j, flagged in enumerate(row)
        if flagged
    ]


def _click_layer(steps: list[str], moments: list[str], hover: list[list[str]]) -> dict[str, object]:
    """A transparent marker per cell, carrying ``[step, moment]`` keys, so a click selects the cell."""
    return {
        "type": "scatter",
        "x": [m for _ in steps for m in moments],
        "y": [s for s in steps for _ in moments],
        "customdata": [[s, m] for s in domain.STEP_KEYS for m in domain.MOMENT_KEYS],
        "mode": "markers",
        "marker": {"size": 60, "color": "rgba(0,0,0,0)"},
        "hovertext": [text for row in hover for text in row],
        "hoverinfo": "text",
        "name": "cells",
    }


def progress_lines(progress: pd.DataFrame, by: str, as_of: date) -> go.Figure:
    """Share of cells done over time, one stepped line per moment (``by="moment"``) or step.

    ``progress`` is ``plan.progress_over_time``: ``day, <by>, done``. Keys without any cell yet
    count as 0 done; the last value is carried to ``as_of``.
    """
    terms = domain.MOMENTS if by == "moment" else domain.REPUTATION_STEPS
    cells_per_key = len(domain.REPUTATION_STEPS) if by == "moment" else len(domain.MOMENTS)
    fig = go.Figure()
    if progress.empty:
        fig.add_annotation(text="No plan changes recorded yet", showarrow=False, font={"size": FONT_SIZE})
        return apply_style(fig, 320)
    days = sorted({pd.Timestamp(d).date() for d in progress["day"]} | {as_of})
    table = progress.assign(day=[pd.Timestamp(d).date() for d in progress["day"]]).pivot_table(
        index="day", columns=by, values="done", aggfunc="sum"
    )
    table = table.reindex(days).ffill().fillna(0)
    for term in terms:
        values = table[term.key] if term.key in table.columns else pd.Series(0.0, index=table.index)
        fig.add_scatter(
            x=list(table.index),
            y=values / cells_per_key,
            mode="lines",
            line_shape="hv",
            name=term.label,
            hovertemplate=f"{term.label}<br>%{{x}}: %{{y:.0%}} done<extra></extra>",
        )
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%", title="Cells done", gridcolor="#eeeeee")
    fig.update_xaxes(title=None)
    fig = apply_style(fig, 420)
    fig.update_layout(
        showlegend=True,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "font": {"size": FONT_SIZE - 2}},
        margin={"l": 10, "r": 10, "t": 90, "b": 10},
    )
    return fig
