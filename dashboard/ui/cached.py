"""The shared store (one per server process) and cached reads of the workspace, the map and the
plan. Every cached read takes the store's data version as an argument, so any write refreshes it.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import access, evidence, metrics
from dashboard import maps as _maps
from dashboard.flow import service as flow_service
from dashboard.store import Store, cycle_stats, plan
from dashboard.store import cycles as _store_cycles
from dashboard.store import groups as _store_groups
from dashboard.thresholds import Thresholds
from dashboard.workspace_file import open_workspace


@st.cache_resource(show_spinner="Opening the workspace…")
def store() -> Store:
    """The workspace for this server; on the very first start, the demo business is built."""
    return open_workspace()


def data_version() -> int:
    """The store's data version: the first argument of every cached read."""
    return store().data_version()


@st.cache_data(show_spinner=False, max_entries=8)
def _cycles(version: int) -> pd.DataFrame:
    return _store_cycles.cycles(store())


@st.cache_data(show_spinner=False, max_entries=16)
def _cycle_touchpoints(version: int, cycle_id: int) -> pd.DataFrame:
    return _store_cycles.touchpoints(store(), cycle_id)


@st.cache_data(show_spinner=False, max_entries=8)
def _groups(version: int) -> pd.DataFrame:
    return _store_groups.groups(store())


def cycles() -> pd.DataFrame:
    """Service cycles: ``id, name, description, touchpoints``."""
    return _cycles(data_version())


def cycle_touchpoints(cycle_id: int) -> pd.DataFrame:
    """The active touchpoints of one cycle, in order."""
    return _cycle_touchpoints(data_version(), cycle_id)


def groups() -> pd.DataFrame:
    """The stakeholder groups: ``id, name, description``."""
    return _groups(data_version())


@st.cache_data(show_spinner=False, max_entries=16)
def _plan_evidence(version: int, as_of: date, cycle_ids: tuple[int, ...]) -> list[evidence.CellEvidence]:
    return flow_service.plan_evidence(store(), as_of, cycle_ids)


def plan_evidence(as_of: date) -> list[evidence.CellEvidence]:
    """The 28 plan cells, each with what the data of the person's cycles proves on ``as_of``
    (cached per data scope: one person's figures are never served to another)."""
    return _plan_evidence(data_version(), as_of, access.current().cycle_filter)


@st.cache_data(show_spinner=False, max_entries=16)
def _plan_progress(version: int, by: str) -> pd.DataFrame:
    return plan.progress_over_time(store(), by)


def plan_progress(by: str) -> pd.DataFrame:
    """Share of plan cells done over time, per ``"moment"`` or per ``"step"``."""
    return _plan_progress(data_version(), by)


def plan_thresholds() -> Thresholds:
    """The thresholds the evidence is judged by, as stored (read fresh: they change rarely)."""
    return Thresholds.from_settings(plan.settings(store()))


def plan_grid(as_of: date) -> pd.DataFrame:
    """The 28 cells as one frame (``evidence.grid_frame``), ready for ``charts.plan.plan_grid``;
    the Overview draws it with ``compact=True``."""
    return evidence.grid_frame(plan_evidence(as_of))


@st.cache_data(show_spinner=False, max_entries=32)
def _cycle_map(version: int, cycle_id: int) -> pd.DataFrame:
    return metrics.summarise(cycle_stats.cycle_touchpoint_stats(store(), cycle_id))


@st.cache_data(show_spinner=False, max_entries=8)
def _chain_breaks(version: int) -> dict[str, str | None]:
    return _maps.chain_breaks(metrics.summarise(cycle_stats.cycle_moment_stats(store())))


@st.cache_data(show_spinner=False, max_entries=32)
def _touchpoint_trend(version: int, touchpoint_id: int) -> pd.DataFrame:
    return metrics.summarise(cycle_stats.monthly_trend(store(), touchpoint_id))


def cycle_map(cycle_id: int) -> pd.DataFrame:
    """Every active touchpoint of a cycle in order, with its metrics (NaN where it has none)."""
    return _cycle_map(data_version(), cycle_id)


def chain_breaks() -> dict[str, str | None]:
    """Where the chain breaks in each service cycle that has impressions."""
    return _chain_breaks(data_version())


def touchpoint_trend(touchpoint_id: int) -> pd.DataFrame:
    """One touchpoint's metrics month by month."""
    return _touchpoint_trend(data_version(), touchpoint_id)
