"""The import editor: what was detected in a survey tool's export, and the widgets to correct it."""

from __future__ import annotations

from typing import TypedDict

import streamlit as st

from dashboard.imports import pipeline
from dashboard.ui import cached

LEAVE_OUT = "(leave this column out)"
NO_COLUMN = "(none)"


class WideChoices(TypedDict, total=False):
    """What the person chose for one uploaded file (kept in the session under its digest); each key
    is absent until chosen."""

    overrides: dict[int, str | None]
    """Column -> the touchpoint it records, or None to leave the column out."""
    comment: int | None
    group: int
    groups: dict[str, int | str]
    """A new group's name -> a group id, ``pipeline.CREATE`` or ``pipeline.NO_GROUP``."""
    scale: str
    """The spec of the scale the person picked when the answers did not settle one."""
    order: list[str]
    """Answers no known scale holds, worst first."""


def wide_layout_editor(preview: pipeline.Preview, state: WideChoices, touchpoint_names: list[str], key: str) -> None:
    """What was detected in a survey tool's export, and the widgets to correct it.

    ``state`` (kept per file in the session) collects the person's choices: ``overrides``
    {column: touchpoint or None}, ``comment`` and ``group`` columns; a choice reruns the preview.
    """
    layout = preview.layout
    if layout is None:
        return
    recalled = [f"{len(preview.recalled)} column(s) are mapped the way you corrected them then"] * bool(
        preview.recalled
    ) + [f"the {role} column is the one you chose then" for role in sorted(preview.recalled_roles)]
    if recalled:
        st.info(f"This survey was imported before: {'; '.join(recalled)}.")
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
            overrides = dict(state.get("overrides", {}))
            state["overrides"] = {**overrides, int(column): None if target == LEAVE_OUT else str(target)}
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


def import_label(preview: pipeline.Preview) -> str:
    """The Import button's label: how many impressions, and what comes along from a survey tool's columns."""
    label = f"Import {len(preview.impressions):,} impressions"
    layout = preview.layout
    if layout is None:
        return label
    along = [
        what
        for what, column in (("comments", layout.comment_column), ("stakeholder groups", layout.group_column))
        if column is not None
    ]
    return label + (f" with {' and '.join(along)}" if along else "")


CREATE_GROUP = "Create it with the import"
NO_GROUP = "Import its rows without a group"


def scale_guess(error: pipeline.ScaleGuessError, state: WideChoices, key: str) -> None:
    """The answers fit several scales: say so, list the candidates, and let the person choose one.

    The choice goes to ``state["scale"]`` (a spec) and reruns the preview; the import remembers
    it for this survey, so its next export is not asked again.
    """
    st.warning(str(error))
    picked = st.radio(
        "Which scale were these answers given on?",
        list(error.candidates),
        index=None,
        format_func=lambda scale: f"{scale} ({scale.spec})",
        key=f"scale-{key}",
        help="The scores depend on it: a 2 is the top of 0 to 2, the middle of -2 to 2, and low on 0 to 10.",
    )
    if st.button("Use this scale", key=f"use-scale-{key}", disabled=picked is None) and picked is not None:
        state["scale"] = picked.spec
        st.rerun()


def new_groups_editor(preview: pipeline.Preview, state: WideChoices, key: str) -> None:
    """Stakeholder groups the file names that do not exist yet: create each, map it to a group, or none.

    ``state["groups"]`` collects the decisions {name: group id, ``pipeline.NO_GROUP`` or
    ``pipeline.CREATE``}; creating is what happens without one.
    """
    decided: dict[str, int | str] = dict(state.get("groups", {}))
    names = list(dict.fromkeys([*preview.new_groups, *decided]))
    if not names:
        return
    frame = cached.groups()
    groups = {str(name): int(ident) for name, ident in zip(frame["name"], frame["id"], strict=True)}
    st.info(
        f"{len(names)} stakeholder group(s) in this file are new: {', '.join(names)}. They are created with the "
        "import unless you map them to an existing group or import their rows without a group."
    )
    options = [CREATE_GROUP, NO_GROUP, *groups]
    for number, name in enumerate(names):
        current = decided.get(name, pipeline.CREATE)
        shown = {pipeline.CREATE: CREATE_GROUP, pipeline.NO_GROUP: NO_GROUP}.get(str(current))
        by_id = {ident: group for group, ident in groups.items()}
        index = options.index(shown if shown else by_id.get(int(current), CREATE_GROUP))
        picked = st.selectbox(f"“{name}”", options, index=index, key=f"group-{key}-{number}")
        decided[name] = {CREATE_GROUP: pipeline.CREATE, NO_GROUP: pipeline.NO_GROUP}.get(picked) or groups[picked]
    applied = dict(state.get("groups", {}))
    changed = any(decided[name] != applied.get(name, pipeline.CREATE) for name in names)
    if changed and st.button("Apply these choices", key=f"apply-groups-{key}"):
        state["groups"] = decided
        st.rerun()
