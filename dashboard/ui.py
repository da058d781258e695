"""The Streamlit edge: the one module of the package that imports Streamlit.

It holds the shared store (one per server process), cached reads keyed by the store's data
version (so every write refreshes them), and small widgets shared by pages. Pages call these
functions and render; they never see SQL.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from dashboard import demo, metrics
from dashboard.store import Store, database_path, impressions, workspace
from dashboard.store.scope import EVERYTHING, Scope


def route_through_navigation() -> None:
    """Makes sure this page runs inside the router; call it first thing on every page.

    Streamlit treats an app with a ``pages/`` folder as an old-style multipage app until the
    entry script has called ``st.navigation`` once in the server process. A first visitor
    who opens a page's own URL (a shared link, the join link of a workshop) would get that
    page without the router: no page config, the wrong navigation. Flipping the flag and
    rerunning sends the same URL through ``streamlit_app.py``; page URLs equal their file
    names, so the page is found again.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


@st.cache_resource(show_spinner="Opening the workspace…")
def store() -> Store:
    """The workspace for this server; on the very first start, the demo business is built."""
    path = database_path()
    first_start = not path.exists()
    opened = Store(path)
    if first_start:
        demo.build(opened)
    return opened


def _version() -> int:
    return store().data_version()


@st.cache_data(show_spinner=False, max_entries=64)
def _total_summary(version: int, scope: Scope) -> pd.DataFrame:
    return metrics.summarise(impressions.total_stats(store(), scope))


@st.cache_data(show_spinner=False, max_entries=64)
def _moment_summary(version: int, scope: Scope) -> pd.DataFrame:
    return metrics.summarise(impressions.moment_stats(store(), scope))


@st.cache_data(show_spinner=False, max_entries=64)
def _touchpoint_summary(version: int, scope: Scope) -> pd.DataFrame:
    return metrics.summarise(impressions.touchpoint_stats(store(), scope))


@st.cache_data(show_spinner=False, max_entries=8)
def _counts(version: int) -> dict[str, int]:
    return workspace.counts(store())


def total_summary(scope: Scope = EVERYTHING) -> pd.Series:
    """Every metric over the impressions in scope, as one row."""
    return _total_summary(_version(), scope).iloc[0]


def moment_summary(scope: Scope = EVERYTHING) -> pd.DataFrame:
    return _moment_summary(_version(), scope)


def touchpoint_summary(scope: Scope = EVERYTHING) -> pd.DataFrame:
    return _touchpoint_summary(_version(), scope)


def counts() -> dict[str, int]:
    return _counts(_version())


# --- issue 3: service cycle map ---
from dashboard import maps as _maps  # noqa: E402
from dashboard.store import maps as _store_maps  # noqa: E402


@st.cache_data(show_spinner=False, max_entries=32)
def _cycle_map(version: int, cycle_id: int) -> pd.DataFrame:
    return metrics.summarise(_store_maps.cycle_touchpoint_stats(store(), cycle_id))


@st.cache_data(show_spinner=False, max_entries=8)
def _chain_breaks(version: int) -> dict[str, str | None]:
    return _maps.chain_breaks(metrics.summarise(_store_maps.cycle_moment_stats(store())))


@st.cache_data(show_spinner=False, max_entries=32)
def _touchpoint_trend(version: int, touchpoint_id: int) -> pd.DataFrame:
    return metrics.summarise(_store_maps.monthly_trend(store(), touchpoint_id))


def cycle_map(cycle_id: int) -> pd.DataFrame:
    """Every active touchpoint of a cycle in order, with its metrics (NaN where it has none)."""
    return _cycle_map(_version(), cycle_id)


def chain_breaks() -> dict[str, str | None]:
    """Where the chain breaks in each service cycle that has impressions."""
    return _chain_breaks(_version())


def touchpoint_trend(touchpoint_id: int) -> pd.DataFrame:
    return _touchpoint_trend(_version(), touchpoint_id)


def act(action: str, work, *args, **kwargs) -> bool:  # type: ignore[no-untyped-def]
    """Runs a write; shows its conflict message (never a traceback) and says whether it worked.

    On success the message is kept for the next run, which the caller usually starts with
    ``st.rerun()`` so every cached read sees the change.
    """
    try:
        work(*args, **kwargs)
    except ValueError as error:
        st.error(str(error))
        return False
    st.session_state["_map_flash"] = action
    return True


def flash() -> None:
    """Shows (once) the confirmation left by the last successful ``act``."""
    message = st.session_state.pop("_map_flash", None)
    if message:
        st.success(message)
