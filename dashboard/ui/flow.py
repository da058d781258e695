"""Customer flow at the edge: cached reads keyed by data version, the clicked source kept in the
URL (``prospects_from``), the writes with their messages, and the Overview's two lenses."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import domain, flow
from dashboard import formatting as fmt
from dashboard.flow import files, measures, service
from dashboard.store import flow as flow_store
from dashboard.store.scope import Scope
from dashboard.ui.cached import data_version, store

SOURCE_PARAM = "prospects_from"


@st.cache_data(show_spinner=False, max_entries=64)
def _sums(
    version: int, start: date | None, end: date | None, cycle_ids: tuple[int, ...], sources: tuple[str, ...]
) -> pd.DataFrame:
    return flow_store.sums(store(), start, end, cycle_ids, sources)


def sums(scope: Scope, source: str | None = None) -> pd.DataFrame:
    """Flow counts in the filters' months and cycles (``store.flow.sums``), narrowed to a source."""
    return _sums(data_version(), scope.start, scope.end, scope.cycle_ids, (source,) if source else ())


@st.cache_data(show_spinner=False, max_entries=8)
def _settings(version: int) -> flow.Settings:
    return flow_store.settings(store())


def settings() -> flow.Settings:
    return _settings(data_version())


@st.cache_data(show_spinner=False, max_entries=8)
def _cycles(version: int) -> pd.DataFrame:
    return flow_store.cycles(store())


def cycles() -> pd.DataFrame:
    """Service cycles with their carry-over mark."""
    return _cycles(data_version())


@st.cache_data(show_spinner=False, max_entries=8)
def _history(version: int) -> pd.DataFrame:
    return flow_store.history(store())


def history() -> pd.DataFrame:
    return _history(data_version())


def cycles_and_dates(scope: Scope) -> Scope:
    """The part of the filters that applies to flow: service cycles and dates."""
    return Scope(start=scope.start, end=scope.end, cycle_ids=scope.cycle_ids)


def source_focus() -> str | None:
    """The source a click narrowed the page to, from the URL."""
    return st.query_params.get(SOURCE_PARAM) or None


def set_source(source: str | None) -> None:
    if source:
        st.query_params[SOURCE_PARAM] = source
    else:
        st.query_params.pop(SOURCE_PARAM, None)


def narrow_to_source(points: list[dict[str, Any]]) -> None:
    """A click on a source chart: the clicked source, or nothing when the selection was cleared."""
    chosen = next(iter(points), None)
    data = list(chosen.get("customdata") or []) if chosen else []
    set_source(str(data[0]) if data else None)


def preview(data: bytes, file_name: str, sheet: str | None) -> files.Preview:
    """The preview of an uploaded flow file, kept for this session so reruns do not reread it."""
    key = (files.fingerprint(data), file_name, sheet, data_version())
    kept = st.session_state.setdefault("_flow_previews", {})
    if key not in kept:
        kept.clear()
        kept[key] = service.preview(store(), data, file_name, sheet=sheet)
    found: files.Preview = kept[key]
    return found


def overlapping(counts: pd.DataFrame) -> int:
    return flow_store.overlapping(store(), counts)


def earlier_import(content_hash: str) -> dict[str, Any] | None:
    return flow_store.import_for_hash(store(), content_hash)


def commit(preview: files.Preview, imported_by: str) -> flow_store.FlowImportResult:
    return flow_store.commit(store(), preview, imported_by=imported_by)


def undo(import_id: int) -> int:
    return flow_store.undo(store(), import_id)


def record(counts: pd.DataFrame, entered_by: str) -> int:
    return flow_store.record(store(), counts, entered_by)


def save_settings(values: dict[str, float]) -> None:
    flow_store.set_settings(store(), values)


def set_carry_over(marks: dict[int, bool]) -> None:
    flow_store.set_carry_over(store(), marks)


def context() -> files.Context:
    return service.context(store())


def lenses_frame(moments: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """Each moment's mean impression and target beside its conversion and target (the Overview)."""
    funnel = measures.funnel(sums(scope), settings())
    by_moment = moments.set_index("moment").reindex(list(domain.MOMENT_KEYS))
    return pd.DataFrame(
        {
            "moment": domain.MOMENT_KEYS,
            "label": funnel["label"],
            "mean": by_moment["mean"].to_numpy(),
            "impression_gap": by_moment["gap"].to_numpy(),
            "conversion": funnel["rate"].to_numpy(),
            "conversion_target": funnel["target"].to_numpy(),
            "conversion_gap": (funnel["rate"] - funnel["target"]).to_numpy(),
            "clearly_below": funnel["clearly_below"].to_numpy(),
        }
    )


def two_lenses(moments: pd.DataFrame, scope: Scope) -> None:
    """The Overview's second lens: where customers are lost, beside where impressions are weak."""
    frame = lenses_frame(moments, scope)
    if frame["conversion"].isna().all():
        st.caption(
            "No customer flow recorded for these filters: record it on the Flow page to see where customers are lost."
        )
        return
    losing = frame.dropna(subset=["conversion_gap"]).sort_values("conversion_gap").iloc[0]
    weakest = frame.dropna(subset=["impression_gap"])
    text = (
        f"Customers are lost most at **{losing['label']}** (conversion {fmt.percent(losing['conversion'])}, "
        f"target {fmt.percent(losing['conversion_target'])})"
    )
    if not weakest.empty:
        weak = weakest.sort_values("impression_gap").iloc[0]
        same = "the same moment" if weak["moment"] == losing["moment"] else f"**{weak['label']}**"
        text += f"; impressions are weakest against their target at {same} (mean {fmt.signed(weak['mean'])})."
    st.markdown(text)
    shown = frame.assign(
        conversion=frame["conversion"].map(fmt.percent), conversion_target=frame["conversion_target"].map(fmt.percent)
    )
    st.dataframe(
        shown[["label", "mean", "impression_gap", "conversion", "conversion_target", "clearly_below"]],
        hide_index=True,
        column_config={
            "label": "Moment",
            "mean": st.column_config.NumberColumn("Mean impression", format="%+.2f"),
            "impression_gap": st.column_config.NumberColumn("vs target", format="%+.2f"),
            "conversion": st.column_config.TextColumn("Conversion", help="Now-or-Never is where prospects come in"),
            "conversion_target": "Target conversion",
            "clearly_below": st.column_config.CheckboxColumn("Clearly below", help="Even the top of its 95% interval"),
        },
    )
