"""The import history on the Upload page: readable columns, and an undo that asks first and
acts only on the import the person saw.

An undo carries the id of the import shown when its button was drawn (in its confirmation key,
``ui/confirm.py``), never the selection as it stands when the click arrives: another session may have undone that
import in between, and the list would then have moved on to the next one.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import access
from dashboard import formatting as fmt
from dashboard.imports.reading import SurveyError
from dashboard.store import imports
from dashboard.ui import cached, confirm, rights
from dashboard.ui.cached import store
from dashboard.ui.importing import import_history

OUTCOME = "_undo_outcome"
"""Session key: (kind, message) left by the last undo for the next run to show."""

COLUMNS = {
    "id": st.column_config.NumberColumn("Import", format="%d"),
    "file": st.column_config.TextColumn("File"),
    "cycle": st.column_config.TextColumn("Service cycle"),
    "imported": st.column_config.DatetimeColumn("Imported", format="D MMM YYYY, HH:mm"),
    "by": st.column_config.TextColumn("Imported by"),
    "rows_read": st.column_config.NumberColumn("Rows read", help="Rows of the file below its header."),
    "impressions": st.column_config.NumberColumn("Impressions recorded"),
    "rejected": st.column_config.NumberColumn("Answers rejected"),
    "missing": st.column_config.NumberColumn("Missing answers", help="Blank, N/A, Don't know and the like."),
    "status": st.column_config.TextColumn("Status"),
}


def readable(history: pd.DataFrame) -> pd.DataFrame:
    """The history as the page shows it: no raw column names, a status instead of an empty undo time."""
    undone = history["undone_at"]
    status = pd.Series("In effect", index=history.index, dtype=object)
    status[undone.notna()] = "Undone " + undone[undone.notna()].dt.strftime("%d %b %Y, %H:%M")
    return pd.DataFrame(
        {
            "id": history["id"],
            "file": history["file_name"],
            "cycle": history["cycle"].fillna("(deleted cycle)"),
            "imported": history["imported_at"],
            "by": history["imported_by"].replace("", "-"),
            "rows_read": history["rows_read"],
            "impressions": history["impressions"],
            "rejected": history["rejected"],
            "missing": history["missing_answers"],
            "status": status,
        }
    )


_PICK = "undo-pick"
_NEWEST = "undo-newest"
"""Session keys: the import chosen for undo, and the newest import when it was chosen."""


def _key(batch_id: int) -> str:
    """The undo's confirmation key: it names the import, so the question is about what was shown."""
    return f"undo-import-{batch_id}"


def _undo(batch_id: int) -> None:
    """Undoes exactly ``batch_id``; the store refuses one that is gone or undone already."""
    try:
        removed = imports.undo(store(), batch_id)
    except (SurveyError, access.ForbiddenError) as error:
        st.session_state[OUTCOME] = ("error", f"Nothing was undone: {error}.")
        return
    st.session_state["imports_done"] = {}
    st.session_state[OUTCOME] = ("success", f"Undone: import {batch_id}, {fmt.count(removed)} impressions removed.")


def _with_cycle_ids(history: pd.DataFrame) -> pd.DataFrame:
    """The history with each import's cycle id (from its name, unique in the workspace; none for a deleted cycle)."""
    cycles = cached.cycles()
    ids = dict(zip(cycles["name"], cycles["id"].astype(int), strict=True))
    return history.assign(cycle_id=history["cycle"].map(ids))


def history_panel() -> None:
    """The history table of the cycles the person may see, and undo for the imports still in effect
    (with a confirmation; disabled, saying why, where the person may not undo)."""
    kind, message = st.session_state.pop(OUTCOME, (None, ""))
    if kind == "error":
        st.error(message)
    elif kind == "success":
        st.success(message)
    history = _with_cycle_ids(rights.visible_by_name(import_history()))
    if history.empty:
        st.info("No imports yet.")
        return
    st.dataframe(readable(history), hide_index=True, width="stretch", column_config=COLUMNS)
    standing = history[history["undone_at"].isna()]
    labels = {
        int(ident): f"Import {ident}: {name} ({fmt.count(float(n))} impressions)"
        for ident, name, n in zip(standing["id"], standing["file_name"], standing["impressions"], strict=True)
    }
    asked = next((int(i) for i in history["id"] if confirm.asking(_key(int(i)))), None)
    if asked is not None and asked not in labels:
        confirm.cancel()
        st.error(
            f"Import {asked} is no longer in effect (it was undone, perhaps in another window). "
            "Nothing was changed; the list below is up to date."
        )
    elif asked is not None:
        name, recorded = standing.loc[standing["id"] == asked, ["file_name", "impressions"]].iloc[0]
        question = (
            f"Undo import {asked} ({name}, {fmt.count(float(recorded))} impressions)? Every impression it "
            "recorded is removed; the history keeps its row."
        )
        if confirm.confirmed(_key(asked), question, f"Yes, undo import {asked}"):
            _undo(asked)
            st.rerun()
        return
    if not labels:
        st.caption("Every import has been undone; none is left to undo.")
        return
    # A new import (made here or elsewhere) becomes the one offered: a pick kept from before it
    # would otherwise stay on an older import, one click away from undoing the wrong file.
    newest = max(labels)
    if newest > st.session_state.get(_NEWEST, newest - 1):
        st.session_state[_PICK] = newest
    st.session_state[_NEWEST] = newest
    batch = st.selectbox("Import to undo", list(labels), format_func=labels.__getitem__, key=_PICK)
    # The key names the import shown: a click acts on it even if the list moved on meanwhile.
    cycle_id = standing.loc[standing["id"] == batch, "cycle_id"].iloc[0]
    refusal = rights.why_not("undo", None if pd.isna(cycle_id) else int(cycle_id))
    confirm.ask("Undo this import…", _key(int(batch)), refusal=refusal)
