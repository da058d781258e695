"""The form that adds or edits a touchpoint on the service cycle map."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from dashboard import domain
from dashboard.touchpoints import TouchpointFields


def touchpoint_form(
    key: str,
    current: Mapping[str, object] | None,
    submit: str,
    team_names: Mapping[int, str],
    group_names: Mapping[int, str],
) -> TouchpointFields | None:
    """The fields of a touchpoint as a form (filled with ``current`` when editing one);
    the filled-in fields once submitted, None before."""
    current = current or {}
    with st.form(key, clear_on_submit=current == {}):
        name = st.text_input("Name", value=str(current.get("name", "")))
        moment, channel, owner = _where_it_sits(current, team_names)
        chosen_groups = st.multiselect(
            "Stakeholder groups it touches",
            list(group_names),
            default=[g for g in _group_ids(current) if g in group_names],
            format_func=lambda g: group_names[g],
        )
        standard = st.text_area(
            "Standard",
            value=str(current.get("standard", "")),
            help="The behaviour expected at this contact, every time.",
        )
        target = st.slider(
            "Target impression",
            -1.0,
            1.0,
            _target(current),
            0.05,
            help="The score an impression must reach to meet the standard.",
        )
        situation, recovery = _when_it_goes_wrong(current)
        description = st.text_input("Description", value=str(current.get("description", "")))
        if not st.form_submit_button(submit, type="primary"):
            return None
    return TouchpointFields(
        name, moment or "", channel, owner, tuple(chosen_groups), description, standard, target, situation, recovery
    )


def _target(current: Mapping[str, object]) -> float:
    target: Any = current.get("target", domain.DEFAULT_TARGET)
    return float(target)


def _group_ids(current: Mapping[str, object]) -> list[int]:
    ids = current.get("group_ids", [])
    return [int(g) for g in ids] if isinstance(ids, list) else []


def _where_it_sits(current: Mapping[str, object], team_names: Mapping[int, str]) -> tuple[str | None, str, int | None]:
    """Moment, channel and owner team, side by side."""
    moments = list(domain.MOMENT_KEYS)
    team_ids: list[int | None] = [None, *team_names]
    top = st.columns(3)
    moment = top[0].selectbox(
        "Moment",
        moments,
        index=moments.index(str(current["moment"])) if "moment" in current else None,
        format_func=domain.moment_label,
        placeholder="Choose a moment",
        help=" ".join(f"{m.label}: {m.help}" for m in domain.MOMENTS),
    )
    channel = top[1].text_input("Channel", value=str(current.get("channel", "")), placeholder="e.g. Phone")
    owner_now: Any = current.get("owner_team_id")  # an id from the store, or NaN for no owner
    owner = top[2].selectbox(
        "Owner team",
        team_ids,
        index=team_ids.index(owner_now) if owner_now in team_ids else 0,
        format_func=lambda i: "—" if i is None else team_names[i],
    )
    return moment, channel, owner


def _when_it_goes_wrong(current: Mapping[str, object]) -> tuple[str | None, str]:
    """The moment-of-truth situation and the recovery plan, side by side."""
    situations = [None, *domain.SITUATION_KEYS]
    now = current.get("situation")
    low = st.columns(2)
    situation = low[0].selectbox(
        "Moment-of-truth situation",
        situations,
        index=situations.index(now) if isinstance(now, str) else 0,
        format_func=lambda s: "—" if s is None else domain.label(domain.SITUATIONS, s),
    )
    recovery = low[1].text_area(
        "Recovery plan",
        value=str(current.get("recovery_plan", "")),
        help="What we do when this contact goes wrong.",
    )
    return situation, recovery
