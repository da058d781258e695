"""Workshop: the facilitator starts a session, shows the join code, and steps through touchpoints."""

from collections.abc import Callable

import streamlit as st

from dashboard import domain, safe
from dashboard import workshop as ws
from dashboard.scales import COMMON_SCALES, Scale
from dashboard.store import cycles as store_cycles
from dashboard.store import workshop as sessions_db
from dashboard.ui import cached, confirm, navigation, session_report, url_state

navigation.route_through_navigation()

st.title("Workshop")
st.caption(
    "Walk a room through a service cycle: people score each touchpoint from their phones and propose "
    "enhancement ideas. Their votes land in the workspace as impressions from the source “workshop”."
)
store = cached.store()


def _act(action: Callable[..., object], *args: object) -> None:
    """Runs one facilitator action; a refusal becomes a message instead of a traceback."""
    try:
        action(*args)
    except ws.WorkshopError as error:
        st.session_state["workshop_error"] = str(error)


with st.expander("Start a new workshop session", expanded=sessions_db.sessions(store).empty):
    all_cycles = store_cycles.cycles(store)
    if all_cycles.empty:
        st.info("The workspace has no service cycles yet. Map one first, then score it here.")
    else:
        cycle_names = dict(zip(all_cycles["id"].astype(int).tolist(), all_cycles["name"], strict=True))
        cycle_id = st.selectbox(
            "Service cycle",
            list(cycle_names),
            url_state.position("cycle", list(cycle_names)),  # the cycle last chosen on the map
            format_func=cycle_names.__getitem__,
        )
        points = store_cycles.touchpoints(store, cycle_id)
        labels = dict(zip(points["id"].astype(int).tolist(), points["name"], strict=True))
        with st.container(border=True):
            title = st.text_input("Title (optional)", placeholder="e.g. Front desk team, March")
            chosen = st.multiselect(
                "Touchpoints to score",
                list(labels),
                default=list(labels),
                format_func=labels.__getitem__,
                help="All of the cycle's touchpoints, in cycle order, unless you pick a few.",
            )
            scale = st.selectbox(
                "Scale", [s.spec for s in COMMON_SCALES], format_func=lambda spec: str(Scale.parse(spec))
            )
            if st.button("Start session", type="primary", key="start"):
                ordered = [t for t in labels if t in chosen]
                try:
                    started = ws.start(store, cycle_id, ordered, scale, title)
                except ws.WorkshopError as error:
                    st.error(str(error))
                else:
                    url_state.choose("session", started.id)
                    st.rerun()

listing = sessions_db.sessions(store)
if listing.empty:
    st.info("No workshop sessions yet. Start one above.")
    st.stop()

described = ws.session_labels(listing)
ids = list(described)
# The session is kept in the URL (?session=ID) and for the session of the browser.
url_state.chosen("session", ids, "workshop_session", "workshop session")
session_id = st.selectbox("Session", ids, format_func=described.__getitem__, key="workshop_session")
session = sessions_db.session(store, session_id)
assert session is not None

if "workshop_error" in st.session_state:
    st.error(st.session_state.pop("workshop_error"))

items = sessions_db.session_touchpoints(store, session.id)
names = dict(zip(items["touchpoint_id"].astype(int).tolist(), items["name"], strict=True))
totals = sessions_db.totals(store, session.id)
app_url = ws.base_url(st.context.url)

if session.is_live:
    link = ws.join_link(app_url, session.code)
    left, right = st.columns([2, 1])
    with left:
        st.subheader(f"Join code: {session.code}")
        st.write("Participants open this link, or scan the code, on their phones:")
        st.code(link, language=None)
        st.link_button(
            "Open the presenter view", f"{app_url}/{ws.PRESENT_PATH}?session={session.id}", icon=":material/tv:"
        )
    with right:
        st.image(ws.qr_png(link), caption="Scan to join", width=240)
else:
    st.info(f"This session has ended; its code {session.code} no longer works. Review its results below.")

counts = st.columns(3)
counts[0].metric("Participants", totals["participants"], border=True)
counts[1].metric("Votes", totals["votes"], border=True)
counts[2].metric("Enhancement ideas", totals["ideas"], border=True)

if session.is_live:
    current = session.current_touchpoint_id
    is_open = bool(items.loc[items["touchpoint_id"] == current, "is_open"].any())
    st.subheader(f"On screen: {safe.md(names.get(current or -1, '—'))} ({'open' if is_open else 'closed'} for votes)")
    buttons = st.columns(8)
    if buttons[0].button("Previous", key="previous", icon=":material/arrow_back:", width="stretch"):
        _act(ws.step_to, store, session, -1)
        st.rerun()
    if buttons[1].button("Open", key="open", icon=":material/how_to_vote:", disabled=is_open, width="stretch"):
        _act(sessions_db.set_open, store, session.id, True, current)
        st.rerun()
    if buttons[2].button("Close", key="close", icon=":material/block:", disabled=not is_open, width="stretch"):
        _act(sessions_db.set_open, store, session.id, False, current)
        st.rerun()
    if buttons[3].button("Next", key="next", icon=":material/arrow_forward:", width="stretch"):
        _act(ws.step_to, store, session, 1)
        st.rerun()
    if buttons[4].button("Open all", key="open_all", icon=":material/select_all:", width="stretch"):
        _act(sessions_db.set_open, store, session.id, True, None)
        st.rerun()
    if buttons[5].button("Close all", key="close_all", icon=":material/deselect:", width="stretch"):
        _act(sessions_db.set_open, store, session.id, False, None)
        st.rerun()
    reveal_label = "Hide results" if session.revealed else "Reveal results"
    if buttons[6].button(reveal_label, key="reveal", icon=":material/visibility:", width="stretch"):
        _act(sessions_db.set_revealed, store, session.id, not session.revealed)
        st.rerun()
    confirm.ask("End session", "end", where=buttons[7], icon=":material/stop_circle:", width="stretch")
    if confirm.confirmed(
        "end", "End the session? Its join code stops working; the votes and ideas stay.", "End the session"
    ):
        _act(sessions_db.end_session, store, session.id)
        st.rerun()
    st.caption(
        "Next and Previous put one touchpoint on the screen, open it alone and hide its results until you reveal "
        "them. Open all lets people score every touchpoint at their own pace."
    )
elif st.button("Reopen session", key="reopen", icon=":material/replay:"):
    _act(ws.reopen, store, session.id)
    st.rerun()

st.subheader("Touchpoints")
table = items.assign(
    moment=items["moment"].map(domain.moment_label),
    state=items["is_open"].map({True: "open", False: "closed"}),
)
st.dataframe(
    table[["position", "name", "moment", "state", "votes", "mean"]],
    hide_index=True,
    column_config={
        "position": st.column_config.NumberColumn("#", width="small"),
        "name": "Touchpoint",
        "moment": "Moment",
        "state": "Voting",
        "votes": "Votes",
        "mean": st.column_config.NumberColumn("Mean (−1 … +1)", format="%+.2f"),
    },
)

st.subheader("Enhancement ideas")
ideas = sessions_db.session_ideas(store, session.id)
if ideas.empty:
    st.caption("No ideas yet.")
else:
    st.dataframe(
        ideas[["touchpoint", "text", "votes", "author"]],
        hide_index=True,
        column_config={"touchpoint": "Touchpoint", "text": "Idea", "votes": "Votes", "author": "Proposed by"},
    )

session_report.report_downloads(session)
