"""Survey import through the edge: the preview kept per session so reruns do not reread a file,
the commit with a progress bar, undo, manual entry and the import history."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.imports import pipeline
from dashboard.imports.reading import list_sheets
from dashboard.store import imports
from dashboard.ui.cached import data_version, store


@st.cache_data(show_spinner=False, max_entries=8)
def _import_history(version: int) -> pd.DataFrame:
    return imports.history(store())


def import_history() -> pd.DataFrame:
    return _import_history(data_version())


def survey_preview(
    data: bytes, digest: str, file_name: str, cycle_id: int, options: pipeline.Options
) -> pipeline.Preview:
    """The preview of one uploaded file (``digest`` its content hash), kept for this session so
    reruns do not reread it. Raises ``SurveyError`` for a file that cannot be imported.
    """
    key = ("survey_preview", digest, file_name, cycle_id, repr(options), data_version())
    kept = st.session_state.setdefault("_survey_previews", {})
    if key not in kept:
        context = imports.cycle_context(store(), cycle_id)
        kept.clear()  # one file's preview at a time in memory is plenty; the rest are recomputed
        kept[key] = pipeline.prepare(
            data,
            file_name,
            context,
            options,
            content_hash=digest,
            recall=lambda k: imports.remembered(store(), k),
        )
    preview: pipeline.Preview = kept[key]
    return preview


def workbook_sheets(data: bytes) -> list[str]:
    """The sheets of an uploaded workbook (raises ``SurveyError`` for a bad one)."""
    return list_sheets(data)


def earlier_import(content_hash: str) -> dict[str, object] | None:
    return imports.batch_for_hash(store(), content_hash)


def commit_import(preview: pipeline.Preview, imported_by: str, new_touchpoint_moment: str) -> imports.ImportResult:
    """Writes a preview with a progress bar; one transaction, all or nothing."""
    bar = st.progress(0.0, text=f"Importing {preview.file_name}…")

    def advance(share: float) -> None:
        bar.progress(share, text=f"Importing {preview.file_name}… {share:.0%}")

    result = imports.commit(
        store(), preview, imported_by=imported_by, new_touchpoint_moment=new_touchpoint_moment, progress=advance
    )
    bar.progress(1.0, text=f"Imported {preview.file_name}.")
    return result


def imported_message(result: imports.ImportResult, cycle_name: str) -> str:
    """What an import did, in one line for the page."""
    message = f"Imported {result.impressions:,} impressions into {cycle_name} (import {result.batch_id})."
    if result.created_groups:
        message += f" Created stakeholder groups: {', '.join(result.created_groups)}."
    return message


def undo_import(batch_id: int) -> int:
    return imports.undo(store(), batch_id)


def record_manual(frame: pd.DataFrame) -> int:
    return imports.record_manual(store(), frame)
