"""The chart focus: what a clicked point narrowed the page to, kept in the URL (``tp``, ``month``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import leadership
from dashboard.charts import style
from dashboard.ui import filters, url_state, wide


def focus() -> leadership.Focus:
    """What a chart click narrowed the page to: from the URL (``tp`` and ``month``), else as it was
    when the visitor left the page; written back to the URL so the view can be shared."""
    found = leadership.Focus(url_state.link_id("tp", "touchpoint"), url_state.link_month("month", "month"))
    set_focus(found)
    return found


def set_focus(new: leadership.Focus) -> None:
    """Writes the focus into the URL, so a narrowed view can be shared as a link."""
    url_state.write("tp", [] if new.touchpoint_id is None else [new.touchpoint_id], remember=True)
    url_state.write("month", [] if new.month is None else [new.month.strftime("%Y-%m")], remember=True)


def clear_focus() -> None:
    """Shows everything again (the "Show everything" button)."""
    set_focus(leadership.Focus())


def _narrow(points: list[dict[str, Any]]) -> None:
    set_focus(leadership.focus_from_points(points, focus()))


def _on_select(chart_key: str, narrow: Callable[[list[dict[str, Any]]], None]) -> None:
    event = st.session_state.get(chart_key)
    narrow(event["selection"]["points"] if event else [])


def selectable_chart(
    fig: go.Figure,
    key: str,
    narrow: Callable[[list[dict[str, Any]]], None] | None = None,
    *,
    alt: str | None = None,
) -> None:
    """A chart whose clicked point narrows the page (through the focus in the URL).

    ``narrow`` takes the clicked points (none when a click cleared the selection) and records
    what they narrow the page to; by default the touchpoint and month focus above. A chart with
    a minimum width scrolls sideways on a narrower screen. ``alt`` names the chart for screen
    readers (its numbers are behind the "Show the numbers" toggle)."""
    with wide.at_least(style.min_width(fig), key):
        st.plotly_chart(
            fig,
            key=key,
            on_select=lambda: _on_select(key, narrow or _narrow),
            selection_mode="points",
            config={"displayModeBar": False},
            alt=alt,
        )


def _narrow_to_moment(points: list[dict[str, Any]]) -> None:
    moment = leadership.moment_from_points(points)
    if moment is not None:
        filters.choose("moment", [moment])


def moment_chart(fig: go.Figure, key: str, alt: str | None = None) -> None:
    """A chart of the four moments whose clicked bar narrows the page to that moment (the
    moment filter, so the filter bar shows it and the link keeps it)."""
    selectable_chart(fig, key, _narrow_to_moment, alt=alt)


def shown_focus(touchpoints: pd.DataFrame) -> leadership.Focus:
    """The focus, once its touchpoint is among ``touchpoints``, said in a note above the charts
    with a button that shows everything again."""
    current = focus()
    if current.touchpoint_id is not None and current.touchpoint_id not in set(touchpoints["touchpoint_id"]):
        current = leadership.Focus(None, current.month)
    if current:
        note, clear = st.columns([4, 1], vertical_alignment="center")
        described = leadership.describe_focus(current, touchpoints)
        note.info(f"Narrowed to **{described}**: the charts below show only that.")
        clear.button("Show everything", on_click=clear_focus, icon=":material/close:")
    return current
