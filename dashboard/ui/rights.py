"""What the person a page runs for may see and change: the data scope applied to pickers, filters
and scopes, and the reasons shown beside the controls they may not use.

The store refuses a forbidden write anyway (``store.audit.write``); this module keeps the pages
from offering it, and keeps cycles outside the person's scope off every page. A cached read either takes
the narrowed scope among its arguments (the leadership questions, the plan's evidence) or is
narrowed here, after the cache: one person's answer is never served to another.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard import access, safe
from dashboard.store.scope import Scope
from dashboard.ui import cached


def who() -> access.Principal:
    """The person this page runs for."""
    return access.current()


def _sentence(reason: str) -> str:
    return f"{reason[:1].upper()}{reason[1:]}."


def why_not(kind: str, cycle_id: int | None = None) -> str | None:
    """Why the person may not do ``kind`` (on ``cycle_id``), said for a control's help; None when they may."""
    reason = who().why_not(kind, cycle_id)
    return None if reason is None else _sentence(reason)


def visible_ids(cycle_ids: list[int]) -> list[int]:
    """The given cycle ids narrowed to the person's data scope, in the given order."""
    return list(who().visible(cycle_ids))


def visible(frame: pd.DataFrame, column: str = "id") -> pd.DataFrame:
    """The rows of ``frame`` whose cycle (``column``) lies in the person's data scope."""
    cycles = who().cycles
    if cycles is None:
        return frame
    return frame[frame[column].isin(cycles)]


def visible_by_name(frame: pd.DataFrame, column: str = "cycle") -> pd.DataFrame:
    """The rows of ``frame`` whose cycle, named in ``column``, lies in the person's data scope (cycle
    names are unique in the workspace; a row naming no cycle, such as a deleted one's, is left out)."""
    cycles = who().cycles
    if cycles is None:
        return frame
    ids = cached.cycles()
    names = set(ids.loc[ids["id"].isin(cycles), "name"])
    return frame[frame[column].isin(names)]


def narrow(scope: Scope) -> Scope:
    """``scope`` with its cycles narrowed to the person's data scope: the cycles it names that the
    person may see, or (naming none) every cycle the person may see; never an out-of-scope cycle."""
    cycles = who().cycles
    if cycles is None:
        return scope
    chosen = [c for c in scope.cycle_ids if c in cycles] if scope.cycle_ids else sorted(cycles)
    return replace(scope, cycle_ids=tuple(chosen) or (access.NO_CYCLE,))


def read_only(kind: str, cycle_id: int | None = None, what: str = "") -> bool:
    """True, with a note saying why, when the person may not do ``kind`` here: for a whole section
    that makes no sense to someone who may not use it (``what`` names the section)."""
    reason = who().why_not(kind, cycle_id)
    if reason is not None:
        st.info(
            f"{what} is read-only for you: {reason}." if what else _sentence(reason),
            icon=":material/lock:",
        )
    return reason is not None


def refused(error: access.ForbiddenError) -> None:
    """A write the store refused, shown as a message (never a traceback)."""
    st.error(f"Not saved: {safe.md(error)}.", icon=":material/lock:")


def page_needs(page: str) -> None:
    """Stops the page, with the reason, for a person whose role may not open it (``access.PAGE_NEEDS``).

    The navigation does not list such a page; this covers a run that reaches it all the same."""
    reason = why_not(access.PAGE_NEEDS[page])
    if reason is not None:
        st.warning(f"This page is not open to you: {reason[:1].lower()}{reason[1:]}", icon=":material/lock:")
        st.stop()
