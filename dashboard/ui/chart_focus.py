"""The chart focus: what a clicked point narrowed the page to, kept in the URL (``tp``, ``month``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from dashboard import leadership


def focus() -> leadership.Focus:
    """What a chart click narrowed the page to, read from the URL (``tp`` and ``month``)."""
    raw_tp, raw_month = st.query_params.get("tp"), st.query_params.get("month")
    touchpoint = int(raw_tp) if raw_tp and raw_tp.isdigit() else None
    return leadership.Focus(touchpoint, leadership.parse_month(raw_month) if raw_month else None)


def set_focus(new: leadership.Focus) -> None:
    """Writes the focus into the URL, so a narrowed view can be shared as a link."""
    for key, value in (
        ("tp", None if new.touchpoint_id is None else str(new.touchpoint_id)),
        ("month", None if new.month is None else new.month.strftime("%Y-%m")),
    ):
        if value is None:
            st.query_params.pop(key, None)
        else:
            st.query_params[key] = value


def clear_focus() -> None:
    """Shows everything again (the "Show everything" button)."""
    set_focus(leadership.Focus())


def _narrow(points: list[dict[str, Any]]) -> None:
    set_focus(leadership.focus_from_points(points, focus()))


def _on_select(chart_key: str, narrow: Callable[[list[dict[str, Any]]], None]) -> None:
    event = st.session_state.get(chart_key)
    narrow(event["selection"]["points"] if event else [])


def selectable_chart(fig: go.Figure, key: str, narrow: Callable[[list[dict[str, Any]]], None] | None = None) -> None:
    """A chart whose clicked point narrows the page (through the focus in the URL).

    ``narrow`` takes the clicked points (none when a click cleared the selection) and records
    what they narrow the page to; by default the touchpoint and month focus above."""
    st.plotly_chart(
        fig,
        key=key,
        on_select=lambda: _on_select(key, narrow or _narrow),
        selection_mode="points",
        config={"displayModeBar": False},
    )
