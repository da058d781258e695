"""The leadership questions, answered from the roll-ups and cached by data version."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import domain, leadership, metrics
from dashboard.store import analytics
from dashboard.store.scope import Scope
from dashboard.ui.cached import data_version, store

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
    return _summary(data_version(), question, scope)


@st.cache_data(show_spinner=False, max_entries=64)
def _period_stats(version: int, scope: Scope, periods: leadership.Periods) -> pd.DataFrame:
    return analytics.period_stats(store(), scope, periods.current, periods.previous, by_touchpoint=True)


@st.cache_data(show_spinner=False, max_entries=64)
def _changes(version: int, scope: Scope, periods: leadership.Periods, by_touchpoint: bool) -> pd.DataFrame:
    return leadership.changes(_period_stats(version, scope, periods), by_touchpoint)


def changes(scope: Scope, periods: leadership.Periods, by_touchpoint: bool = False) -> pd.DataFrame:
    """Current period against the previous one (per touchpoint at a family-wide confidence)."""
    return _changes(data_version(), scope, periods, by_touchpoint)


@st.cache_data(show_spinner=False, max_entries=64)
def _last_day(version: int, scope: Scope) -> date | None:
    return analytics.date_range(store(), scope)[1]


def last_day(scope: Scope) -> date | None:
    """The last day with impressions in scope."""
    return _last_day(data_version(), scope)


@st.cache_data(show_spinner=False, max_entries=64)
def _comments(version: int, scope: Scope, search: str) -> pd.DataFrame:
    found = analytics.comments(store(), scope, search)
    # Readable names for people; the keys stay in the database.
    found["moment"] = found["moment"].map(lambda keys: ", ".join(domain.moment_label(k) for k in keys))
    found["source"] = found["source"].map(lambda key: domain.label(domain.SOURCES, key))
    return found


def comments(scope: Scope, search: str = "") -> pd.DataFrame:
    """The newest comments in scope containing ``search``, each once with the touchpoints its response
    rated, with readable moment and source names."""
    return _comments(data_version(), scope, search.strip())
