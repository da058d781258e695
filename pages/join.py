"""Join: a participant's phone during a workshop. Shows this one session and nothing else."""

import streamlit as st

from dashboard import cells, safe
from dashboard import workshop as ws
from dashboard.scales import Scale
from dashboard.store import groups as store_groups
from dashboard.store import workshop as sessions_db
from dashboard.ui import cached, navigation

navigation.route_through_navigation()
navigation.bare_page_style(18)

REFRESH_SECONDS = 2.0
store = cached.store()

st.title("Workshop")


def code_form() -> None:
    with st.form("enter_code"):
        typed = st.text_input("Workshop code", max_chars=8, placeholder="e.g. K7QM")
        if st.form_submit_button("Join", type="primary", key="join"):
            st.query_params.clear()
            st.query_params["code"] = typed
            st.rerun()
    st.stop()


code_text = st.query_params.get("code", "")
if not code_text:
    code_form()
try:
    session = ws.find_session(store, code_text)
except ws.WorkshopError as error:
    st.error(str(error))
    code_form()

# The participant's secret token lives in the address, so a reload keeps the same person
# (and the same votes) instead of joining again.
token = st.query_params.get("p", "")
participant = sessions_db.participant(store, token) if token else None
if participant is None or participant.session_id != session.id:
    try:
        participant = sessions_db.join(store, session.id, ws.new_token())
    except ws.WorkshopError as error:
        st.error(str(error))
        st.stop()
    st.query_params["p"] = participant.token

with st.expander(f"You: {participant.name or 'anonymous'} (add your name and group, optional)"):
    groups = store_groups.groups(store)
    group_names = dict(zip(groups["id"].astype(int).tolist(), groups["name"], strict=True))
    with st.form("about_you"):
        name = st.text_input("Name", value=participant.name, max_chars=ws.MAX_NAME_LENGTH)
        options: list[int | None] = [None, *group_names]
        group = st.selectbox(
            "Group",
            options,
            index=options.index(participant.group_id) if participant.group_id in options else 0,
            format_func=lambda g: "—" if g is None else group_names[g],
        )
        if st.form_submit_button("Save", key="save_about_you"):
            sessions_db.update_participant(store, participant.id, ws.clean_name(name), group)
            st.rerun()

me = participant
scale_points = Scale.parse(session.scale).points


@st.fragment(run_every=REFRESH_SECONDS)
def voting() -> None:
    """The open touchpoints with the participant's own votes; follows the facilitator by itself."""
    now = sessions_db.session(store, session.id)
    if now is None or not now.is_live:
        st.info("The facilitator has ended this session. Thank you for taking part!")
        return
    items = sessions_db.session_touchpoints(store, session.id)
    open_items = items[items["is_open"]]
    mine = sessions_db.participant_votes(store, me.id)
    if open_items.empty:
        st.info("Nothing is open for votes right now. Watch the screen: this page follows along.")
        return
    for item in open_items.itertuples():
        touchpoint_id = cells.whole(item.touchpoint_id)
        current_vote = mine.get(touchpoint_id)
        with st.container(border=True):
            st.subheader(safe.md(item.name))
            if item.standard:
                st.caption(f"Standard: {safe.md(item.standard)}")
            key = f"vote-{session.id}-{touchpoint_id}"
            # Seeded once from the stored vote, never through ``default``: a default that changes
            # with each vote would give the widget a new identity and drop the next tap.
            if key not in st.session_state:
                st.session_state[key] = current_vote
            choice = st.pills("Your score", scale_points, key=key, help="Tap again to take the score back.")
            if choice != current_vote:
                try:
                    ws.vote(store, now, me, touchpoint_id, choice)
                except ws.WorkshopError as error:
                    st.error(str(error))
                else:
                    current_vote = choice
            if current_vote is None:
                st.caption("Not scored: skip it if you have no view.")
            else:
                st.success(
                    f"Your score: {current_vote}. You can change it while voting is open.",
                    icon=":material/check_circle:",
                )


voting()


@st.fragment
def ideas() -> None:
    """Proposing an enhancement idea and backing other people's."""
    st.header("Enhancement ideas")
    items = sessions_db.session_touchpoints(store, session.id)
    labels = dict(zip(items["touchpoint_id"].astype(int).tolist(), items["name"], strict=True))
    now = sessions_db.session(store, session.id)
    first = now.current_touchpoint_id if now and now.current_touchpoint_id in labels else next(iter(labels))
    with st.form("idea", clear_on_submit=True):
        touchpoint_id = st.selectbox(
            "For touchpoint", list(labels), index=list(labels).index(first), format_func=labels.__getitem__
        )
        text = st.text_area("Your idea", max_chars=ws.MAX_IDEA_LENGTH, placeholder="How could we serve better here?")
        if st.form_submit_button("Add idea", type="primary", key="add_idea"):
            try:
                ws.propose(store, me, touchpoint_id, text)
            except ws.WorkshopError as error:
                st.error(str(error))
            else:
                st.toast("Idea added. Thank you!")
    st.button("Refresh ideas", key="refresh_ideas", icon=":material/refresh:")
    for idea in sessions_db.session_ideas(store, session.id, me.id).itertuples():
        with st.container(border=True):
            st.text(f"{idea.text}")
            st.caption(f"{safe.md(idea.touchpoint)} · {idea.votes} votes{' · your idea' if idea.mine else ''}")
            if not idea.mine:
                backed = bool(idea.backed)
                if st.button("Backed ✓" if backed else "Back this idea", key=f"back-{idea.id}"):
                    try:
                        sessions_db.vote_for_idea(store, me.id, cells.whole(idea.id), in_favour=not backed)
                    except ws.WorkshopError as error:
                        st.error(str(error))
                    st.rerun(scope="fragment")


ideas()
