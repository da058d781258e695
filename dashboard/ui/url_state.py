"""Page selections kept in the URL: read and checked in one place, remembered for the session.

A choice on a page (the service cycle on the map, the reputation plan's open cell, the
workshop session, a chart's focus, the filters) is written to the page's query parameters,
so the view can be shared as a link, and remembered in the session, because Streamlit drops
the query parameters when the visitor moves to another page: coming back finds the choice
still made.

Whatever a link holds is checked here. A value that does not parse, or names nothing in the
workspace, is left out with a short note on the page (never a traceback). Notes name the
parameter, never echo the link's text: a link is written by whoever shares it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TypeVar

import streamlit as st

T = TypeVar("T")
V = TypeVar("V")

_MEMORY = "_url_state"  # session state: the last choice per parameter, as the URL's texts
_PENDING = "_url_state_pending"  # session state: a choice made in code, to apply on the next run

DATE_WINDOW = (date(1900, 1, 1), date(2199, 12, 31))
"""Dates a link may carry. Further out nothing is recorded, and date arithmetic would overflow."""

_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")  # ASCII digits only: "²".isdigit() is True in Python


def note(message: str) -> None:
    """Says on the page that part of the link was left out (the message is fixed text)."""
    st.warning(message, icon=":material/link_off:")


def link_texts(param: str) -> list[str]:
    """Every value the URL holds for a parameter, as text."""
    return list(st.query_params.get_all(param))


def _memory() -> dict[str, list[str]]:
    found: dict[str, list[str]] = st.session_state.setdefault(_MEMORY, {})
    return found


def _text(param: str) -> str | None:
    """The parameter's text in the URL or, when the URL has none, the one remembered for the session."""
    return st.query_params.get(param) or next(iter(_memory().get(param, [])), None)


def parse_id(text: str) -> int | None:
    """A record id from a link's text: plain ASCII digits, else None."""
    return int(text) if _WHOLE_NUMBER.fullmatch(text) else None


def parse_date(text: str) -> date | None:
    """A day from a link's ``2026-03-31``, inside ``DATE_WINDOW``; else None."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if DATE_WINDOW[0] <= day <= DATE_WINDOW[1] else None


def parse_month(text: str) -> date | None:
    """The first day of a month from a link's ``2026-03``, inside ``DATE_WINDOW``; else None."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", text):
        return None
    return parse_date(f"{text}-01")


def _link(param: str, parse: Callable[[str], V | None], complaint: str) -> V | None:
    """The value of ``param`` as ``parse`` reads it; a value it cannot read is left out with a note."""
    text = _text(param)
    if not text:
        return None
    found = parse(text)
    if found is None:
        note(complaint)
    return found


def link_id(param: str, what: str) -> int | None:
    """A record id from the URL (``?session=12``); a value that is not one is left out with a note."""
    return _link(param, parse_id, f"The {what} in the link is not a number; it was left out.")


def link_date(param: str, what: str) -> date | None:
    """A day from the URL (``?to=2026-03-31``); anything else is left out with a note."""
    complaint = f"The {what} in the link is not a date like 2026-03-31 (between 1900 and 2199); it was left out."
    return _link(param, parse_date, complaint)


def link_month(param: str, what: str) -> date | None:
    """A month from the URL (``?month=2026-03``); anything else is left out with a note."""
    complaint = f"The {what} in the link is not a month like 2026-03 (between 1900 and 2199); it was left out."
    return _link(param, parse_month, complaint)


def link_choices(param: str, options: Iterable[T], what: str) -> list[T]:
    """The options the URL names for a parameter (matched by their text), in the link's order.

    Values that name no option are left out, with one note.
    """
    by_text = {str(option): option for option in options}
    texts = link_texts(param)
    chosen = [by_text[text] for text in texts if text in by_text]
    if len(chosen) < len(texts):
        note(f"A {what} in the link is not in this workspace; it was left out.")
    return chosen


def write(param: str, values: Sequence[object], *, remember: bool = False) -> None:
    """Puts a parameter's values into the URL (none: removes it); untouched when already so.

    ``remember`` also keeps them for the session, for ``link_*`` and ``chosen`` to find when the
    visitor comes back from another page.
    """
    texts = [str(v) for v in values]
    if remember:
        _memory()[param] = texts
    if not texts:
        st.query_params.pop(param, None)
    elif link_texts(param) != texts:
        st.query_params[param] = texts if len(texts) > 1 else texts[0]


def choose(param: str, value: object) -> None:
    """Makes ``value`` the choice for ``param`` on the next run (e.g. a cycle just created)."""
    st.session_state.setdefault(_PENDING, {})[param] = str(value)


def chosen(param: str, options: Sequence[T], widget_key: str, what: str) -> T | None:
    """The choice for a page's picker, seeded into its widget and written to the URL and memory.

    Call it just before drawing the widget with ``key=widget_key``. In order of precedence: a
    choice made in code (``choose``), the widget's own value, the link, the session's memory
    (the choice made last time, on this page or another), the first option. None when there
    are no options.
    """
    if not options:
        return None
    by_text = {str(option): option for option in options}
    pending = st.session_state.get(_PENDING, {}).pop(param, None)
    current = st.session_state.get(widget_key)
    if pending in by_text:
        value = by_text[pending]
    elif current is not None and str(current) in by_text:
        value = by_text[str(current)]
    else:
        linked = link_choices(param, options, what)
        remembered = next(iter(_memory().get(param, [])), "")
        value = linked[0] if linked else by_text.get(remembered, options[0])
    st.session_state[widget_key] = value
    write(param, [value], remember=True)
    return value


def position(param: str, options: Sequence[object]) -> int:
    """Where the session's remembered choice for ``param`` sits in ``options`` (0 if absent).

    For a picker that only follows a choice made elsewhere (its ``index``).
    """
    remembered = next(iter(_memory().get(param, [])), None)
    texts = [str(option) for option in options]
    return texts.index(remembered) if remembered in texts else 0
