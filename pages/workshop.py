"""Workshop: the facilitator starts a session, shows the join code, and steps through touchpoints."""

from collections.abc import Callable

import streamlit as st

from dashboard import access, domain, safe
from dashboard import workshop as ws
from dashboard.scales import COMMON_SCALES, Scale
from dashboard.store import cycles as store_cycles
from dashboard.store import workshop as sessions_db
from dashboard.ui import cached, confirm, navigation, rights, session_report, url_state

navigation.route_through_navigation()
rights.page_needs("workshop")

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
    except (ws.WorkshopError, access.ForbiddenError) as error:
        st.session_state["workshop_error"] = str(error)


with st.expander("Start a new workshop session", expanded=sessions_db.sessions(store).empty):
    all_cycles = rights.visible(store_cycles.cycles(store))
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
            phone_url = st.text_input(
                "Address for phones",
                value=ws.base_url(st.context.url),
                help="The address phones in the room open, e.g. http://192.168.1.20:8501 or the server's public "
                "address. The join link and the QR code hold it.",
            )
            if st.button("Start session", type="primary", key="start"):
                ordered = [t for t in labels if t in chosen]
                try:
                    started = ws.start(store, cycle_id, ordered, scale, title, phone_url)
                except (ws.WorkshopError, access.ForbiddenError) as error:
                    st.error(str(error))
                else:
                    url_state.choose("session", started.id)
                    st.rerun()

listing = rights.visible_by_name(sessions_db.sessions(store))
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
if st.button("Start a new session like this one", key="again", icon=":material/content_copy:"):
    _act(lambda copied: st.query_params.__setitem__("session", str(ws.start_from(store, copied).id)), session.id)
    st.rerun()

if "workshop_error" in st.session_state:
    st.error(st.session_state.pop("workshop_error"))

items = sessions_db.session_touchpoints(store, session.id)
names = dict(zip(items["touchpoint_id"].astype(int).tolist(), items["name"], strict=True))
totals = sessions_db.totals(store, session.id)
app_url = ws.base_url(st.context.url)

if session.is_live:
    phones = ws.phone_address(session, st.context.url)
    link = ws.join_link(phones, session.code)
    left, right = st.columns([2, 1])
    with left:
        st.subheader(f"Join code: {ws.display_code(session.code)}")
        st.write("Participants open this link, or scan the code, on their phones:")
        st.code(link, language=None)
        warning = ws.address_warning(phones)
        if warning:
            st.warning(warning, icon=":material/wifi_off:")
        with st.form("phone_address"):
            typed = st.text_input("Address for phones", value=phones, help="Where phones in the room reach this app.")
            if st.form_submit_button("Save address"):
                _act(sessions_db.set_phone_url, store, session.id, ws.base_url(typed.strip()) if typed.strip() else "")
                st.rerun()
        st.link_button("Open the presenter view", ws.present_link(app_url, session), icon=":material/tv:")
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
    steps = [
        ("Previous", "previous", ":material/arrow_back:", False),
        ("Open", "open", ":material/how_to_vote:", is_open),
        ("Close", "close", ":material/block:", not is_open),
        ("Next", "next", ":material/arrow_forward:", False),
        ("Open all", "open_all", ":material/select_all:", False),
        ("Close all", "close_all", ":material/deselect:", False),
        (
            "Hide results" if session.revealed else "Reveal results",
            "hide" if session.revealed else "reveal",
            ":material/visibility:",
            False,
        ),
    ]
    buttons = st.columns(len(steps) + 1)
    for column, (label, action, icon, disabled) in zip(buttons, steps, strict=False):
        # Keys stay as before ("reveal" for both reveal and hide), so tests and habits carry over.
        key = "reveal" if action in ("reveal", "hide") else action
        if column.button(label, key=key, icon=icon, disabled=disabled, width="stretch"):
            _act(ws.apply_step, store, session, action)
            st.rerun()
    confirm.ask("End session", "end", where=buttons[-1], icon=":material/stop_circle:", width="stretch")
    if confirm.confirmed(
        "end",
        "End the session? Its join code stops working, the phones and the presenter view say so; the votes and "
        "ideas stay.",
        "End the session",
    ):
        _act(ws.apply_step, store, session, "end")
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
    edited = st.data_editor(
        ideas[["id", "touchpoint", "text", "votes", "author", "hidden"]],
        hide_index=True,
        disabled=["id", "touchpoint", "text", "votes", "author"],
        column_config={
            "id": None,
            "touchpoint": "Touchpoint",
            "text": "Idea",
            "votes": "Backers",
            "author": "Proposed by",
            "hidden": st.column_config.CheckboxColumn(
                "Hidden", help="Off the wall and the phones; its author still sees it, marked hidden."
            ),
        },
        key=f"ideas-{session.id}",
    )
    changed = edited[edited["hidden"] != ideas["hidden"]]
    flips = zip(changed["id"].astype(int).tolist(), changed["hidden"].astype(bool).tolist(), strict=True)
    for idea_id, hidden in flips:  # one click changes one row: at most a few here
        _act(ws.hide_idea, store, session.id, idea_id, hidden)
    if not changed.empty:
        st.rerun()

session_report.report_downloads(session)
