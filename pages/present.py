"""Presenter view: what the projector shows during a workshop, refreshed every second and a half."""

import streamlit as st

from dashboard import access, cells, safe
from dashboard import formatting as fmt
from dashboard import workshop as ws
from dashboard.charts import workshop as workshop_charts
from dashboard.store import workshop as sessions_db
from dashboard.ui import cached, navigation, rights

navigation.route_through_navigation()
navigation.bare_page_style(22)
rights.page_needs("present")

REFRESH_SECONDS = 1.5
store = cached.store()

# The presenter link holds the session's secret key: a counting id would show any live code to anyone.
session = sessions_db.session_by_presenter_key(store, st.query_params.get("key", ""))
# A session on a cycle outside the person's scope is told apart from no session at all by nothing.
if session is None or not rights.who().sees(session.cycle_id):
    st.error("No workshop session to present. Open the presenter view from the Workshop page.")
    st.stop()
session_id, session_cycle = session.id, session.cycle_id


def join_banner(now: sessions_db.Session) -> None:
    """The code and the QR code, drawn only while the session is live."""
    head, qr = st.columns([5, 1], vertical_alignment="center")
    # The address is the facilitator's own setting (or this server's), shown as typed.
    address = ws.phone_address(now, st.context.url)
    head.markdown(f"# Join at **{address}/{ws.PARTICIPANT_PATH}** with code **{ws.display_code(now.code)}**")
    qr.image(ws.qr_png(ws.join_link(address, now.code)), width=200)


@st.fragment(run_every=REFRESH_SECONDS)
def live_view() -> None:
    """Everything that changes while people vote; reruns by itself, alone."""
    # A fragment's rerun skips the router's check: ask again, or a signed-out or disabled person's
    # projector would keep showing the votes.
    who = rights.who()
    if not who.may(access.PAGE_NEEDS["present"]) or not who.sees(session_cycle):
        st.error("You are no longer signed in here (or may not see this session): the presenter view stopped.")
        return
    now = sessions_db.session(store, session_id)
    assert now is not None
    totals = sessions_db.totals(store, session_id)
    items = sessions_db.session_touchpoints(store, session_id)
    current = items[items["touchpoint_id"] == now.current_touchpoint_id]

    # One fragment draws the banner and the rest: an element this run does not write again is cleared,
    # whereas a fragment run that writes nothing at all left the old join code on the projector.
    if now.is_live:
        join_banner(now)
    else:
        st.markdown("# This workshop session has ended")
    counts = st.columns(3)
    counts[0].metric("Participants", fmt.count(totals["participants"]))
    counts[1].metric("Votes so far", fmt.count(totals["votes"]))
    counts[2].metric("Enhancement ideas", fmt.count(totals["ideas"]))

    chart, wall = st.columns([3, 2], gap="large")
    with chart:
        if current.empty:
            st.markdown("## Waiting for the first touchpoint…")
        else:
            row = current.iloc[0]
            state = "voting open" if row["is_open"] else "voting closed"
            st.markdown(f"## {row['position']}. {ws.markdown_safe(row['name'])} · {state}")
            dist = ws.distribution(now.scale, sessions_db.tally(store, session_id, int(row["touchpoint_id"])))
            if now.revealed:
                st.markdown(f"### {ws.votes_text(dist.total)} · mean {fmt.signed(dist.mean)} (−1 … +1)")
                st.plotly_chart(workshop_charts.vote_distribution(dist), config={"displayModeBar": False})
            else:
                st.markdown(f"### {ws.votes_text(dist.total)} · results hidden until voting ends")
    with wall:
        st.markdown("## Ideas wall")
        ideas = sessions_db.session_ideas(store, session_id)
        ideas = ideas[~ideas["hidden"]].head(8)
        if ideas.empty:
            st.markdown("No ideas yet: add yours from your phone.")
        for idea in ideas.itertuples():
            with st.container(border=True):
                st.markdown(f"**{ws.votes_text(cells.whole(idea.votes))}** · {ws.markdown_safe(str(idea.text))}")
                st.caption(safe.md(idea.touchpoint))


live_view()
