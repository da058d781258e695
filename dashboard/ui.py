"""The Streamlit edge: the one module of the package that imports Streamlit.

It holds the shared store (one per server process), cached reads keyed by the store's data
version (so every write refreshes them), and small widgets shared by pages. Pages call these
functions and render; they never see SQL.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.pages_manager import PagesManager

from dashboard import demo, domain, evidence, exports, leadership, metrics
from dashboard import maps as _maps
from dashboard.imports import pipeline
from dashboard.store import Store, analytics, database_path, imports, impressions, plan, workspace
from dashboard.store import maps as _store_maps
from dashboard.store.scope import EVERYTHING, Scope
from dashboard.surveys import reading

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
    """The preview of one uploaded file (``digest`` its content hash), kept for this session so
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
            recall=lambda k: imports.remembered(store(), k),
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


# --- issue 3: service cycle map ---


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


# --- issue 6: leadership views ---
# The shared filter bar (its state lives in the URL), the chart focus set by clicks, cached
# readers for the leadership questions, and download buttons for every chart.

FILTER_KEYS = ("from", "to", "cycle", "moment", "channel", "group", "team", "source")
_MULTI = {
    "cycle": "Service cycle",
    "moment": "Moment",
    "channel": "Channel",
    "group": "Stakeholder group",
    "team": "Team",
    "source": "Source",
}
_APPLIED = "_leadership_filters"  # session state: the filters in force, the URL mirrors them


@st.cache_data(show_spinner=False, max_entries=8)
def _filter_options(version: int) -> dict[str, Any]:
    s = store()
    first, last = analytics.date_range(s)

    def names(frame: pd.DataFrame) -> dict[int, str]:
        return dict(zip(frame["id"].astype(int), frame["name"], strict=True))

    return {
        "cycle": names(workspace.cycles(s)),
        "moment": {m.key: m.label for m in domain.MOMENTS},
        "channel": {c: c for c in analytics.channels(s)},
        "group": names(workspace.groups(s)),
        "team": names(workspace.teams(s)),
        "source": {t.key: t.label for t in domain.SOURCES},
        "first": first,
        "last": last,
    }


def _parse_url_filters(options: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Filter values from the query parameters; unknown values are dropped and reported."""
    params = st.query_params
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, label in _MULTI.items():
        allowed = options[key]
        chosen = []
        for raw in params.get_all(key):
            value: object = int(raw) if raw.isdigit() and key in ("cycle", "group", "team") else raw
            if value in allowed:
                chosen.append(value)
            else:
                problems.append(f"{label} “{raw}” in the link is not in this workspace; it was left out.")
        values[key] = chosen
    for key in ("from", "to"):
        text = params.get(key)
        parsed = None
        if text:
            try:
                parsed = date.fromisoformat(text)
            except ValueError:
                problems.append(f"The date “{text}” in the link is not a date like 2026-03-31; it was left out.")
        values[key] = parsed
    return values, problems


def _date_bounds(options: dict[str, Any], applied: dict[str, Any]) -> tuple[date, date]:
    first, last = options["first"], options["last"]
    start = min(max(applied["from"] or first, first), last)
    end = max(min(applied["to"] or last, last), start)
    return start, end


def _take_widget_values(options: dict[str, Any], applied: dict[str, Any]) -> dict[str, Any]:
    """The filters as the widgets now hold them (a widget absent from the session keeps its value)."""
    new = dict(applied)
    for key in _MULTI:
        if f"filter_{key}" in st.session_state:
            new[key] = [v for v in st.session_state[f"filter_{key}"] if v in options[key]]
    dates = st.session_state.get("filter_dates")
    if options["first"] is not None and isinstance(dates, tuple | list) and len(dates) == 2:
        # A full range means "no date filter", so the view keeps up as new impressions arrive.
        new["from"] = dates[0] if dates[0] > options["first"] else None
        new["to"] = dates[1] if dates[1] < options["last"] else None
    return new


def _seed_widgets(options: dict[str, Any], applied: dict[str, Any]) -> None:
    """Puts the filters into the widgets' session state before they are drawn.

    Done on every run: a widget on another page is another widget to Streamlit, and this is
    how the filters follow the leader from page to page. A date range the leader is halfway
    through picking (one day chosen) is left alone.
    """
    for key in _MULTI:
        st.session_state[f"filter_{key}"] = list(applied[key])
    dates = st.session_state.get("filter_dates")
    picking = isinstance(dates, tuple | list) and len(dates) == 1
    if options["first"] is not None and not picking:
        st.session_state["filter_dates"] = _date_bounds(options, applied)


def _clear_filters() -> None:
    st.session_state[_APPLIED] = dict.fromkeys(FILTER_KEYS)
    for key in _MULTI:
        st.session_state[_APPLIED][key] = []
    for key in (*(f"filter_{k}" for k in _MULTI), "filter_dates"):
        st.session_state.pop(key, None)


def _write_url(applied: dict[str, Any]) -> None:
    for key in FILTER_KEYS:
        value = applied[key]
        text = ([value.isoformat()] if value else []) if key in ("from", "to") else [str(v) for v in value]
        if text:
            if st.query_params.get_all(key) != text:
                st.query_params[key] = text
        elif key in st.query_params:
            del st.query_params[key]


def _labeller(labels: dict[Any, Any]) -> Callable[[Any], str]:
    return lambda value: str(labels.get(value, value))


def filter_bar() -> Scope:
    """The shared filters of the leadership pages; returns the scope they select.

    The filters live in the URL, so a view can be shared as a link: a new session starts from
    the link's query parameters, and every change is written back to them. Within a session
    the filters also follow the leader from page to page.
    """
    options = _filter_options(_version())
    applied = st.session_state.get(_APPLIED)
    if applied is None:
        applied, problems = _parse_url_filters(options)
        for problem in problems:
            st.warning(problem)
        for key in (*(f"filter_{k}" for k in _MULTI), "filter_dates"):
            st.session_state.pop(key, None)
    new = _take_widget_values(options, applied)
    _seed_widgets(options, new)
    active = sum(bool(new[k]) for k in _MULTI) + bool(new["from"] or new["to"])
    with st.expander(f"Filters · {active} active" if active else "Filters", expanded=False):
        columns = st.columns(4)
        if options["first"] is not None:
            columns[0].date_input(
                "Dates",
                min_value=options["first"],
                max_value=options["last"],
                key="filter_dates",
                help="First and last day of the impressions to include.",
            )
        for column, (key, label) in zip([*columns[1:], *columns], _MULTI.items(), strict=False):
            allowed = options[key]
            column.multiselect(
                label,
                options=list(allowed),
                format_func=_labeller(allowed),
                key=f"filter_{key}",
                placeholder="All",
            )
        st.button("Clear filters", on_click=_clear_filters, disabled=not active, key="filter_clear")
    st.session_state[_APPLIED] = new
    _write_url(new)
    return Scope(
        start=new["from"],
        end=new["to"],
        cycle_ids=tuple(new["cycle"]),
        moments=tuple(new["moment"]),
        channels=tuple(new["channel"]),
        group_ids=tuple(new["group"]),
        team_ids=tuple(new["team"]),
        sources=tuple(new["source"]),
    )


def focus() -> leadership.Focus:
    """What a chart click narrowed the page to, read from the URL (``tp`` and ``month``)."""
    raw_tp, raw_month = st.query_params.get("tp"), st.query_params.get("month")
    touchpoint = int(raw_tp) if raw_tp and raw_tp.isdigit() else None
    return leadership.Focus(touchpoint, leadership.parse_month(raw_month) if raw_month else None)


def set_focus(new: leadership.Focus) -> None:
    for key, value in (
        ("tp", None if new.touchpoint_id is None else str(new.touchpoint_id)),
        ("month", None if new.month is None else new.month.strftime("%Y-%m")),
    ):
        if value is None:
            st.query_params.pop(key, None)
        else:
            st.query_params[key] = value


def clear_focus() -> None:
    set_focus(leadership.Focus())


def _on_select(chart_key: str) -> None:
    event = st.session_state.get(chart_key)
    points = event["selection"]["points"] if event else []
    set_focus(leadership.focus_from_points(points, focus()))


def selectable_chart(fig: go.Figure, key: str) -> None:
    """A chart whose clicked point narrows the page (through the focus in the URL)."""
    st.plotly_chart(
        fig,
        key=key,
        on_select=lambda: _on_select(key),
        selection_mode="points",
        config={"displayModeBar": False},
    )


@st.cache_resource
def _png_browser() -> str | None:
    """The browser kaleido will use for PNG export, or None when the machine has none."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def downloads(fig: go.Figure | None, frame: pd.DataFrame, name: str) -> None:
    """Download buttons for a chart: PNG (made on click), and its data as CSV and XLSX.

    Files are made only when a button is clicked, so reruns stay fast.
    """
    with st.popover("Download", icon=":material/download:"):
        if fig is None:
            pass
        elif _png_browser() is None:
            st.caption("PNG export needs Chromium on the server (apt-get install chromium); data downloads work.")
        else:
            st.download_button(
                "Chart as PNG",
                data=lambda: fig.to_image(format="png", width=1400, scale=1),
                file_name=f"{name}.png",
                mime="image/png",
                on_click="ignore",
                key=f"png_{name}",
            )
        st.download_button(
            "Data as CSV",
            data=lambda: exports.to_csv_bytes(frame),
            file_name=f"{name}.csv",
            mime="text/csv",
            on_click="ignore",
            key=f"csv_{name}",
        )
        st.download_button(
            "Data as XLSX",
            data=lambda: exports.to_xlsx_bytes(frame, name),
            file_name=f"{name}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            on_click="ignore",
            key=f"xlsx_{name}",
        )


_QUESTIONS: dict[str, Callable[..., pd.DataFrame]] = {
    "total": analytics.total_stats,
    "moment": analytics.moment_stats,
    "touchpoint": analytics.touchpoint_stats,
    "touchpoint_month": analytics.touchpoint_month_stats,
    "moment_month": analytics.moment_month_stats,
    "group_touchpoint": analytics.group_touchpoint_stats,
}


@st.cache_data(show_spinner=False, max_entries=128)
def _summary(version: int, question: str, scope: Scope) -> pd.DataFrame:
    return metrics.summarise(_QUESTIONS[question](store(), scope))


def summary(question: str, scope: Scope) -> pd.DataFrame:
    """``metrics.summarise`` of one of the roll-up questions (see ``_QUESTIONS``), cached."""
    return _summary(_version(), question, scope)


@st.cache_data(show_spinner=False, max_entries=64)
def _period_stats(version: int, scope: Scope, periods: leadership.Periods) -> pd.DataFrame:
    return analytics.period_stats(store(), scope, periods.current, periods.previous, by_touchpoint=True)


@st.cache_data(show_spinner=False, max_entries=64)
def _changes(version: int, scope: Scope, periods: leadership.Periods, by_touchpoint: bool) -> pd.DataFrame:
    stats = _period_stats(version, scope, periods)
    if not by_touchpoint:  # the statistics add up: one query serves both views
        stats = stats.groupby("period", as_index=False)[list(metrics.STAT_COLUMNS)].sum()
    on = ["touchpoint_id"] if by_touchpoint else []
    current = stats[stats["period"] == "current"].drop(columns="period")
    previous = stats[stats["period"] == "previous"].drop(columns="period")
    if not by_touchpoint:
        current, previous = current.assign(all=1), previous.assign(all=1)
        on = ["all"]
    tests = max(len(current), 1) if by_touchpoint else 1
    return metrics.compare(current, previous, on, metrics.family_confidence(tests))


def changes(scope: Scope, periods: leadership.Periods, by_touchpoint: bool = False) -> pd.DataFrame:
    """Current period against the previous one (per touchpoint at a family-wide confidence)."""
    return _changes(_version(), scope, periods, by_touchpoint)


@st.cache_data(show_spinner=False, max_entries=64)
def _last_day(version: int, scope: Scope) -> date | None:
    return analytics.date_range(store(), scope)[1]


def last_day(scope: Scope) -> date | None:
    """The last day with impressions in scope."""
    return _last_day(_version(), scope)


@st.cache_data(show_spinner=False, max_entries=64)
def _comments(version: int, scope: Scope, search: str) -> pd.DataFrame:
    found = analytics.comments(store(), scope, search)
    # Readable names for people; the keys stay in the database.
    found["moment"] = found["moment"].map(domain.moment_label)
    found["source"] = found["source"].map(lambda key: domain.label(domain.SOURCES, key))
    return found


def comments(scope: Scope, search: str = "") -> pd.DataFrame:
    return _comments(_version(), scope, search.strip())


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
