"""The Overview's briefing download: the current view as a PPTX deck or a PDF, made on request
with a progress bar (drawing the charts takes seconds), then offered as a download."""

from __future__ import annotations

import streamlit as st

from dashboard import safe
from dashboard.briefing import BriefingError, service
from dashboard.store.scope import Scope
from dashboard.ui.cached import data_version, store

LABELS = {"pptx": "Slide deck (PPTX)", "pdf": "PDF"}


def briefing_download(scope: Scope) -> None:
    """A format choice, a button that builds the briefing of ``scope`` with progress, and the download."""
    with st.expander("Leadership briefing: download this view", icon=":material/slideshow:"):
        st.caption(
            "The figures on this page with their charts, one slide per question and speaker notes in words; "
            "the PDF carries the same pages. Building it takes a few seconds."
        )
        kind = st.radio("Format", list(LABELS), format_func=LABELS.get, horizontal=True, key="briefing_kind")
        key = ("briefing", data_version(), scope, kind)
        if st.button("Prepare the briefing", icon=":material/build:", key="briefing_build"):
            bar = st.progress(0.0, text="Starting")

            def show(share: float, text: str) -> None:
                bar.progress(share, text=text)

            try:
                data = service.briefing_of(store(), kind, scope, progress=show)
            except BriefingError as problem:
                bar.empty()
                st.error(safe.md(problem))
                return
            st.session_state["briefing_file"] = (key, data)
        ready = st.session_state.get("briefing_file")
        if ready is not None and ready[0] == key:
            st.download_button(
                f"Download the {LABELS[kind]}",
                data=ready[1],
                file_name=service.file_name(kind),
                mime=service.MEDIA_TYPES[kind],
                icon=":material/download:",
                on_click="ignore",
                key="briefing_download",
            )
