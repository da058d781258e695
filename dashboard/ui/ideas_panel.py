"""The enhancement ideas of one touchpoint on the service cycle map: list, suggest, vote, advance."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import domain, ideas
from dashboard.store import Store
from dashboard.store import ideas as store_ideas
from dashboard.ui import feedback, rights


def ideas_panel(store: Store, touchpoint_id: int, cycle_id: int, ideas_now: pd.DataFrame, standard: str) -> None:
    """A touchpoint's ideas, a form for a new one, and the vote and the next step for the one picked.

    ``ideas_now`` is ``store.ideas.ideas`` for the touchpoint of cycle ``cycle_id``; ``standard`` its
    standard now. Someone who may not work on the cycle's ideas sees them with the controls disabled.
    """
    refusal = rights.why_not("ideas", cycle_id)
    st.subheader("Enhancement ideas")
    st.caption("Ways to serve better at this touchpoint: suggest, vote, adopt, and make the best ones the standard.")
    if ideas_now.empty:
        st.caption("No ideas yet.")
    else:
        shown = ideas_now.assign(status=ideas_now["status"].map(lambda s: domain.label(domain.IDEA_STATUSES, s)))
        st.dataframe(
            shown[["text", "status", "votes", "author", "adopted_on"]],
            hide_index=True,
            width="stretch",
            column_config={
                "text": st.column_config.TextColumn("Idea", width="large"),
                "status": "Status",
                "votes": "Votes",
                "author": "Suggested by",
                "adopted_on": st.column_config.DateColumn("Adopted on"),
            },
        )
    with st.form(f"idea_{touchpoint_id}", clear_on_submit=True):
        text = st.text_area(
            "A new idea",
            placeholder="What would make this contact better for the customer?",
            disabled=refusal is not None,
            help=refusal,
        )
        author = st.text_input("Your name (optional)", disabled=refusal is not None)
        if st.form_submit_button("Add the idea", disabled=refusal is not None, help=refusal) and feedback.act(
            "Idea added.", store_ideas.add_idea, store, touchpoint_id, text, author
        ):
            st.rerun()
    if ideas_now.empty:
        return
    _work_on(store, touchpoint_id, ideas_now, standard, refusal)


def _work_on(store: Store, touchpoint_id: int, ideas_now: pd.DataFrame, standard: str, refusal: str | None) -> None:
    """The idea picked from the list: a vote for it, and the one step it may take next."""
    texts = dict(zip(ideas_now["id"].astype(int), ideas_now["text"], strict=True))
    statuses = dict(zip(ideas_now["id"].astype(int), ideas_now["status"], strict=True))
    idea_id = st.selectbox("Idea to work on", list(texts), format_func=lambda i: texts[i], key=f"pick_{touchpoint_id}")
    buttons = st.columns(3)
    locked = refusal is not None
    if buttons[0].button("Vote for it", key=f"vote_{idea_id}", disabled=locked, help=refusal) and feedback.act(
        "Vote counted.", store_ideas.vote_idea, store, idea_id
    ):
        st.rerun()
    step = ideas.next_step(statuses[idea_id])
    if step is None:
        buttons[1].caption("Already part of the standard.")
        return
    new_standard = None
    if not locked and st.checkbox(
        "Also rewrite the touchpoint's standard", key=f"upd_{idea_id}_{step.status}", value=step.rewrite_standard
    ):
        proposal = ideas.standard_with(standard, texts[idea_id])
        new_standard = st.text_area("New standard", value=proposal, key=f"std_{idea_id}_{step.status}")
    if buttons[1].button(
        step.button, key=f"adv_{idea_id}", type="primary", disabled=locked, help=refusal
    ) and feedback.act(
        f"Idea moved to “{domain.label(domain.IDEA_STATUSES, step.status)}”.",
        store_ideas.set_idea_status,
        store,
        idea_id,
        step.status,
        new_standard=new_standard,
    ):
        st.rerun()
