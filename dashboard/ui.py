"""The Streamlit edge: the one module of the package that imports Streamlit.

It holds the shared store (one per server process), cached reads keyed by the store's data
version (so every write refreshes them), and small widgets shared by pages. Pages call these
functions and render; they never see SQL.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.pages_manager import PagesManager

from dashboard import demo, evidence, metrics
from dashboard.store import Store, database_path, imports, impressions, plan, workspace
from dashboard.store.scope import EVERYTHING, Scope
from dashboard.surveys import pipeline, reading

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"


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


# --- issue 4: survey import ---


@st.cache_data(show_spinner=False, max_entries=8)
def _cycles(version: int) -> pd.DataFrame:
    return workspace.cycles(store())


@st.cache_data(show_spinner=False, max_entries=16)
def _cycle_touchpoints(version: int, cycle_id: int) -> pd.DataFrame:
    return workspace.touchpoints(store(), cycle_id)


@st.cache_data(show_spinner=False, max_entries=8)
def _groups(version: int) -> pd.DataFrame:
    return workspace.groups(store())


@st.cache_data(show_spinner=False, max_entries=8)
def _import_history(version: int) -> pd.DataFrame:
    return imports.history(store())


def cycles() -> pd.DataFrame:
    """Service cycles: ``id, name, description, touchpoints``."""
    return _cycles(_version())


def cycle_touchpoints(cycle_id: int) -> pd.DataFrame:
    return _cycle_touchpoints(_version(), cycle_id)


def groups() -> pd.DataFrame:
    return _groups(_version())


def import_history() -> pd.DataFrame:
    return _import_history(_version())


def survey_preview(
    data: bytes, digest: str, file_name: str, cycle_id: int, options: pipeline.Options
) -> pipeline.Preview:
    """The preview of one uploaded file (``digest`` its fingerprint), kept for this session so
    reruns do not reread it. Raises ``SurveyError`` for a file that cannot be imported.
    """
    key = ("survey_preview", digest, file_name, cycle_id, repr(options), _version())
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
            recall=lambda k: imports.remembered_mapping(store(), k),
        )
    preview: pipeline.Preview = kept[key]
    return preview


def workbook_sheets(data: bytes) -> list[str]:
    """The sheets of an uploaded workbook (raises ``SurveyError`` for a bad one)."""
    return reading.list_sheets(data)


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


def undo_import(batch_id: int) -> int:
    return imports.undo(store(), batch_id)


def record_manual(frame: pd.DataFrame) -> int:
    return imports.record_manual(store(), frame)


# --- issue 7: reputation plan ---


@st.cache_data(show_spinner=False, max_entries=16)
def _plan_evidence(version: int, as_of: date) -> list[evidence.CellEvidence]:
    thresholds = evidence.Thresholds.from_settings(plan.settings(store()))
    figures = plan.evidence_figures(store(), as_of, thresholds.recent_days)
    return evidence.assess(figures, workspace.plan_cells(store()), thresholds)


def plan_evidence(as_of: date) -> list[evidence.CellEvidence]:
    """The 28 plan cells, each with what the data proves on ``as_of``."""
    return _plan_evidence(_version(), as_of)


@st.cache_data(show_spinner=False, max_entries=16)
def _plan_progress(version: int, by: str) -> pd.DataFrame:
    return plan.progress_over_time(store(), by)


def plan_progress(by: str) -> pd.DataFrame:
    return _plan_progress(_version(), by)


def plan_thresholds() -> evidence.Thresholds:
    return evidence.Thresholds.from_settings(plan.settings(store()))


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


def plan_grid(as_of: date) -> pd.DataFrame:
    """The 28 cells as one frame (``evidence.grid_frame``), ready for ``charts_plan.plan_grid``;
    the Overview draws it with ``compact=True``."""
    return evidence.grid_frame(plan_evidence(as_of))


# --- issue 5: survey-tool exports ---

LEAVE_OUT = "(leave this column out)"
NO_COLUMN = "(none)"


def wide_layout_editor(
    preview: pipeline.Preview, state: dict[str, object], touchpoint_names: list[str], key: str
) -> None:
    """What was detected in a survey tool's export, and the widgets to correct it.

    ``state`` (kept per file in the session) collects the person's choices: ``overrides``
    {column: touchpoint or None}, ``comment`` and ``group`` columns; a choice reruns the preview.
    """
    layout = preview.layout
    if layout is None:
        return
    if preview.recalled:
        st.info(
            f"This survey was imported before: {len(preview.recalled)} column(s) are mapped the way you corrected "
            "them then."
        )
    with st.expander(f"Columns of the {layout.tool_name} export and their touchpoints", expanded=True):
        st.dataframe(pipeline.layout_table(layout), hide_index=True, width="stretch")
        if layout.touchpoints_without_column:
            st.caption("Touchpoints no column records: " + ", ".join(layout.touchpoints_without_column))
        choices = pipeline.column_choices(layout)
        left, middle, right = st.columns([3, 3, 1], vertical_alignment="bottom")
        column = left.selectbox("Column", list(choices), format_func=choices.__getitem__, key=f"col-{key}")
        current = layout.mapping.get(int(column))
        options = [LEAVE_OUT, *touchpoint_names]
        target = middle.selectbox(
            "Records the touchpoint",
            options,
            index=options.index(current) if current in options else 0,
            key=f"tp-{key}-{column}",
        )
        if right.button("Apply", key=f"apply-col-{key}", help="Remembered for this survey when you import it."):
            overrides = dict(state.get("overrides", {}))  # type: ignore[call-overload]
            overrides[int(column)] = None if target == LEAVE_OUT else str(target)
            state["overrides"] = overrides
            st.rerun()
        free = [c.column_index for c in layout.free_text_columns]
        if layout.comment_column is not None and layout.comment_column not in free:
            free.insert(0, layout.comment_column)
        comment_options = [None, *free]
        picked = st.selectbox(
            "Comment column (free text kept with each impression)",
            comment_options,
            index=comment_options.index(layout.comment_column),
            format_func=lambda c: NO_COLUMN if c is None else choices[c],
            key=f"comment-{key}",
        )
        rating = set(layout.mapping)
        group_options = [c for c in choices if c not in rating and c != layout.date_column]
        group_pick = st.selectbox(
            "Stakeholder group column",
            [None, *group_options],
            index=([None, *group_options].index(layout.group_column) if layout.group_column in group_options else 0),
            format_func=lambda c: NO_COLUMN if c is None else choices[c],
            key=f"group-{key}",
        )
        if picked != layout.comment_column or (group_pick is not None and group_pick != layout.group_column):
            state["comment"] = picked
            if group_pick is not None:
                state["group"] = group_pick
            st.rerun()
