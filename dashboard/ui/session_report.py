"""The facilitator's hand-out: a workshop session's report as PDF or XLSX, made when clicked."""

from __future__ import annotations

import streamlit as st

from dashboard.briefing import service, session_report
from dashboard.store.workshop import Session
from dashboard.ui.cached import store


def report_downloads(session: Session) -> None:
    """Download buttons for the session's report (the PDF draws its pages only when clicked)."""
    st.subheader("Session report")
    st.caption(
        "Participants, how the room voted on each touchpoint, the room against customer surveys (blind spots "
        "flagged) and the ideas with their votes."
    )
    left, right = st.columns(2)
    name = f"workshop-{session.code}"
    left.download_button(
        "Report as PDF",
        data=lambda: session_report.pdf_bytes(session_report.of_session(store(), session)),
        file_name=f"{name}.pdf",
        mime=service.MEDIA_TYPES["pdf"],
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        key="session_report_pdf",
    )
    right.download_button(
        "Report as XLSX",
        data=lambda: session_report.xlsx_bytes(session_report.of_session(store(), session)),
        file_name=f"{name}.xlsx",
        mime=service.MEDIA_TYPES["xlsx"],
        icon=":material/table:",
        on_click="ignore",
        key="session_report_xlsx",
    )
