"""Page routing: running every page inside the router, links between pages, and the bare pages
(the participant's phone and the projector) shown without the navigation."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.pages_manager import PagesManager

from dashboard import telemetry

PAGES_DIR = Path(__file__).resolve().parent.parent.parent / "pages"
FAVICON = Path(__file__).resolve().parent / "assets" / "favicon.png"
"""The browser tab's icon, served by the app itself: a ``:material/…:`` icon would make every
page fetch it from fonts.gstatic.com, which an offline or locked-down network refuses."""


def count_run() -> None:
    """Counts one script run for ``/metrics`` (the router runs on every rerun of every page)."""
    telemetry.SCRIPT_RUNS.inc()


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


def page_exists(url_path: str) -> bool:
    """Whether the app ships a page with this URL path (page files are named after it)."""
    return (PAGES_DIR / f"{url_path}.py").is_file()


def link_to_page(url_path: str, label: str) -> None:
    """A link to another page when the app has it; plain text otherwise, never an error."""
    if page_exists(url_path):
        try:
            st.page_link(f"pages/{url_path}.py", label=label, icon=":material/arrow_forward:")
            return
        except StreamlitAPIException:
            pass  # the file exists but the router does not list it (yet)
    st.caption(f"{label} (that page is not part of this app yet)")


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
