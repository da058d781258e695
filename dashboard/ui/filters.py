"""The shared filter bar of the leadership pages; its state lives in the URL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import domain
from dashboard.store import analytics
from dashboard.store import cycles as _store_cycles
from dashboard.store import groups as _store_groups
from dashboard.store.scope import Scope
from dashboard.ui import rights, url_state
from dashboard.ui.cached import data_version, store

FILTER_KEYS = ("from", "to", "cycle", "moment", "channel", "group", "team", "source")
_MULTI = {
    "cycle": "Service cycle",
    "moment": "Moment",
    "channel": "Channel",
    "group": "Stakeholder group",
    "team": "Team",
    "source": "Source",
}
_APPLIED = "_leadership_filters"  # session state: the filters in force, the URL mirrors them


@st.cache_data(show_spinner=False, max_entries=8)
def _filter_options(version: int) -> dict[str, Any]:
    s = store()
    first, last = analytics.date_range(s)

    def names(frame: pd.DataFrame) -> dict[int, str]:
        return dict(zip(frame["id"].astype(int), frame["name"], strict=True))

    return {
        "cycle": names(_store_cycles.cycles(s)),
        "moment": {m.key: m.label for m in domain.MOMENTS},
        "channel": {c: c for c in analytics.channels(s)},
        "group": names(_store_groups.groups(s)),
        "team": names(_store_groups.teams(s)),
        "source": {t.key: t.label for t in domain.SOURCES},
        "first": first,
        "last": last,
    }


@st.cache_data(show_spinner=False, max_entries=32)
def _scoped_dates(version: int, cycle_ids: tuple[int, ...]) -> tuple[date | None, date | None]:
    return analytics.date_range(store(), Scope(cycle_ids=cycle_ids))


def _in_scope(options: dict[str, Any]) -> dict[str, Any]:
    """The options with the cycles outside the person's data scope left out (after the cache,
    which every person shares), so neither the picker nor a link can name them; the dates span
    the impressions of the person's cycles."""
    who = rights.who()
    if who.cycles is None:
        return options
    shown = rights.visible_ids(list(options["cycle"]))
    first, last = _scoped_dates(data_version(), who.cycle_filter)
    return {**options, "cycle": {c: options["cycle"][c] for c in shown}, "first": first, "last": last}


def _parse_url_filters(options: dict[str, Any]) -> dict[str, Any]:
    """Filter values from the link; what names nothing in the workspace is left out with a note.

    A date beyond the impressions recorded means the same as no date (the widget's full range).
    """
    values: dict[str, Any] = {
        key: url_state.link_choices(key, options[key], label.lower()) for key, label in _MULTI.items()
    }
    first, last = options["first"], options["last"]
    start = url_state.link_date("from", "first day")
    end = url_state.link_date("to", "last day")
    values["from"] = start if start and first and start > first else None
    values["to"] = end if end and last and end < last else None
    return values


def _date_bounds(options: dict[str, Any], applied: dict[str, Any]) -> tuple[date, date]:
    first, last = options["first"], options["last"]
    start = min(max(applied["from"] or first, first), last)
    end = max(min(applied["to"] or last, last), start)
    return start, end


def _take_widget_values(options: dict[str, Any], applied: dict[str, Any]) -> dict[str, Any]:
    """The filters as the widgets now hold them (a widget absent from the session keeps its value)."""
    new = dict(applied)
    for key in _MULTI:
        if f"filter_{key}" in st.session_state:
            new[key] = [v for v in st.session_state[f"filter_{key}"] if v in options[key]]
    dates = st.session_state.get("filter_dates")
    if options["first"] is not None and isinstance(dates, tuple | list) and len(dates) == 2:
        # A full range means "no date filter", so the view keeps up as new impressions arrive.
        new["from"] = dates[0] if dates[0] > options["first"] else None
        new["to"] = dates[1] if dates[1] < options["last"] else None
    return new


def _seed_widgets(options: dict[str, Any], applied: dict[str, Any]) -> None:
    """Puts the filters into the widgets' session state before they are drawn.

    Done on every run: a widget on another page is another widget to Streamlit, and this is
    how the filters follow the leader from page to page. A date range the leader is halfway
    through picking (one day chosen) is left alone.
    """
    for key in _MULTI:
        st.session_state[f"filter_{key}"] = list(applied[key])
    dates = st.session_state.get("filter_dates")
    picking = isinstance(dates, tuple | list) and len(dates) == 1
    if options["first"] is not None and not picking:
        st.session_state["filter_dates"] = _date_bounds(options, applied)


def _clear_filters() -> None:
    st.session_state[_APPLIED] = dict.fromkeys(FILTER_KEYS)
    for key in _MULTI:
        st.session_state[_APPLIED][key] = []
    for key in (*(f"filter_{k}" for k in _MULTI), "filter_dates"):
        st.session_state.pop(key, None)


def _write_url(applied: dict[str, Any]) -> None:
    for key in FILTER_KEYS:
        value = applied[key]
        url_state.write(key, ([value.isoformat()] if value else []) if key in ("from", "to") else value)


def _active_text(active: int) -> str:
    """The line under the closed panel that says the page is filtered."""
    return f"{active} filter{'s' if active != 1 else ''} active: the figures below cover only what they select."


def choose(key: str, values: list[Any]) -> None:
    """Sets one filter as if the leader had picked ``values`` (a chart click narrowing the page).

    For callbacks: they run before the filter bar draws its widgets, which then show the choice."""
    st.session_state[f"filter_{key}"] = list(values)


def _labeller(labels: dict[Any, Any]) -> Callable[[Any], str]:
    return lambda value: str(labels.get(value, value))


def filter_bar(fields: tuple[str, ...] = tuple(_MULTI)) -> Scope:
    """The shared filters of the leadership pages; returns the scope they select.

    ``fields`` are the multi-choice filters a page draws (the Flow page has no use for
    touchpoint filters); the others keep their values, in the URL and in the scope.

    The filters live in the URL, so a view can be shared as a link: a new session starts from
    the link's query parameters, and every change is written back to them. Within a session
    the filters also follow the leader from page to page.
    """
    options = _in_scope(_filter_options(data_version()))
    applied = st.session_state.get(_APPLIED)
    if applied is None:
        applied = _parse_url_filters(options)
        for key in (*(f"filter_{k}" for k in _MULTI), "filter_dates"):
            st.session_state.pop(key, None)
    new = _take_widget_values(options, applied)
    _seed_widgets(options, new)
    active = sum(bool(new[k]) for k in _MULTI if k in fields) + bool(new["from"] or new["to"])
    # The title stays the same whatever is chosen: a new title is a new panel to the browser, which
    # would close it after every change. The count of active filters shows beneath it instead.
    with st.expander("Filters", expanded=False):
        columns = st.columns(4)
        if options["first"] is not None:
            columns[0].date_input(
                "Dates",
                min_value=options["first"],
                max_value=options["last"],
                key="filter_dates",
                help="First and last day of the impressions to include.",
            )
        shown = [(key, label) for key, label in _MULTI.items() if key in fields]
        for column, (key, label) in zip([*columns[1:], *columns], shown, strict=False):
            allowed = options[key]
            column.multiselect(
                label,
                options=list(allowed),
                format_func=_labeller(allowed),
                key=f"filter_{key}",
                placeholder="All",
            )
        st.button("Clear filters", on_click=_clear_filters, disabled=not active, key="filter_clear")
    if active:
        st.caption(_active_text(active))
    st.session_state[_APPLIED] = new
    _write_url(new)
    return rights.narrow(
        Scope(
            start=new["from"],
            end=new["to"],
            cycle_ids=tuple(new["cycle"]),
            moments=tuple(new["moment"]),
            channels=tuple(new["channel"]),
            group_ids=tuple(new["group"]),
            team_ids=tuple(new["team"]),
            sources=tuple(new["source"]),
        )
    )
