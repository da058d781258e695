"""Settings, for admins: the audit log (who wrote what, and when), filtered by person, kind of
action and date, and downloaded as CSV or XLSX with the project's download buttons."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from dashboard import access
from dashboard.store import audit
from dashboard.ui import cached, downloads, rights

EVERYONE = "Everyone"
EVERY_KIND = "Every kind"
SHOWN_ROWS = 1_000
"""Rows on screen; the downloads hold every row the filters select (up to ``audit.entries``' limit)."""

KIND_LABELS = {
    "read": "Reading",
    "import": "Imports",
    "undo": "Undoing imports",
    "map": "Map edits",
    "ideas": "Ideas",
    "plan": "Reputation plan",
    "flow": "Customer flow",
    "workshop": "Workshops",
    "settings": "Settings",
    "users": "People and roles",
    "tokens": "API tokens",
    "backup": "Backups",
    "delete": "Deletions",
}

COLUMN_LABELS = {
    "at": "When",
    "actor": "Who",
    "role": "Role",
    "kind": "Kind",
    "action": "What",
    "cycle": "Service cycle",
    "detail": "Detail",
}


def _kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def audit_section() -> None:
    """The audit log with its filters and downloads (admins only)."""
    store = cached.store()
    st.header("Audit log")
    st.caption("Every change to this workspace, newest first: who made it, with which role, and when.")
    person, kind, period = st.columns([2, 2, 2])
    actor = person.selectbox("Person", [EVERYONE, *audit.actors(store)], key="audit_actor")
    chosen_kind = kind.selectbox("Kind", [EVERY_KIND, *access.NEEDS], format_func=_kind_label, key="audit_kind")
    today = date.today()
    picked = period.date_input("Dates", (today - timedelta(days=30), today), key="audit_dates")
    start, end = (picked[0], picked[-1]) if isinstance(picked, tuple) and picked else (None, None)
    entries = audit.entries(
        store,
        actor=None if actor == EVERYONE else actor,
        kind=None if chosen_kind == EVERY_KIND else chosen_kind,
        start=start,
        end=end,
    )
    # An admin limited to some cycles reads only their rows: a row without a cycle (a cycle
    # added, a setting) may name others in its detail.
    entries = rights.visible_by_name(entries)
    if entries.empty:
        st.caption("Nothing recorded for these filters.")
        return
    st.dataframe(
        entries.head(SHOWN_ROWS),
        hide_index=True,
        width="stretch",
        column_config={
            **COLUMN_LABELS,
            "at": st.column_config.DatetimeColumn(COLUMN_LABELS["at"], format="YYYY-MM-DD HH:mm:ss"),
        },
    )
    if len(entries) > SHOWN_ROWS:
        st.caption(f"The newest {SHOWN_ROWS:,} of {len(entries):,} entries are shown; the downloads hold them all.")
    # Columns in words first: the download helper then keeps every one of them as it is.
    downloads.downloads(None, entries.rename(columns=COLUMN_LABELS), "audit-log")
