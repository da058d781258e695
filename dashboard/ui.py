"""The Streamlit edge: the one module of the package that imports Streamlit.

It holds the shared store (one per server process), cached reads keyed by the store's data
version (so every write refreshes them), and small widgets shared by pages. Pages call these
functions and render; they never see SQL.
"""

from __future__ import annotations

from typing import Literal

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


# --- issue 8: workshop ---

BARE_PAGES = ("join", "present")
"""Pages shown without the app's navigation: the participant's phone and the projector."""


def requested_page() -> str:
    """The last part of the address the browser asked for (``join`` for ``…/join?code=K7QM``)."""
    url = st.context.url or ""
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def navigation_position() -> Literal["sidebar", "hidden"]:
    """Hidden for the bare pages, which open from their own links (a QR code, a new tab)."""
    return "hidden" if requested_page() in BARE_PAGES else "sidebar"


def bare_page_style(font_px: int) -> None:
    """Larger type and no sidebar for the projector and the phone (fixed CSS, no user data)."""
    st.html(
        "<style>"
        f"[data-testid=stMain] p, [data-testid=stMain] li {{ font-size: {int(font_px)}px; }}"
        f"[data-testid=stMain] [data-testid=stMetricValue] p {{ font-size: {int(font_px) * 3}px; font-weight: 700; }}"
        f"[data-testid=stMain] [data-testid=stMetricLabel] p {{ font-size: {int(font_px)}px; }}"
        "[data-testid=stSidebar], [data-testid=stSidebarCollapsedControl],"
        " [data-testid=stExpandSidebarButton] { display: none; }"
        "</style>"
    )
