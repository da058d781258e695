"""Impressions: where impressions are strong or weak, how they move, and what people say.

Clicking a heatmap cell, a bar, a group marker or a quadrant point narrows the charts below
it (and the comments) to that touchpoint and month; the focus lives in the URL with the
filters, so the narrowed view can be shared as a link.
"""

import streamlit as st

from dashboard import leadership, metrics
from dashboard.charts import leadership as leadership_charts
from dashboard.ui import chart_focus, downloads, filters, navigation, questions, rights

navigation.route_through_navigation()
rights.page_needs("impressions")

st.title("Impressions")
st.caption(
    "Where impressions are strong or weak, month by month. Click a chart to narrow the page to what you clicked."
)
scope = filters.filter_bar()
touchpoints = questions.summary("touchpoint", scope)
if touchpoints.empty:
    st.info("No impressions match these filters. Widen the filters, or record impressions first.")
    st.stop()

focus = chart_focus.shown_focus(touchpoints)

st.header("Month by month")
st.caption("Mean impression per touchpoint and month, rows grouped by service cycle and moment. Click a cell.")
cells = leadership.heatmap_frame(questions.summary("touchpoint_month", scope), touchpoints)
fig = leadership_charts.heatmap(cells, focus.touchpoint_id, focus.month)
chart_focus.selectable_chart(fig, "heatmap", alt="Heatmap of the mean impression per touchpoint and month")
downloads.downloads(fig, cells.drop(columns=["row"]), "heatmap")

st.header("Trends per moment")
st.caption("Monthly mean impression of each moment with its 95% band; where bands overlap, a change may be noise.")
trends = questions.summary("moment_month", leadership.narrowed(scope, focus, by_month=False))
fig = leadership_charts.moment_trends(trends, focus.month)
chart_focus.selectable_chart(fig, "trends", alt="Lines of each moment's monthly mean impression with 95% bands")
downloads.downloads(fig, trends, "moment-trends")

focused = leadership.narrowed(scope, focus)
in_focus = questions.summary("touchpoint", focused)

st.header("Negative, neutral, positive")
st.caption("Share of impressions below, at and above the middle of the scale, per touchpoint.")
shares = leadership.shares(in_focus)
fig = leadership_charts.diverging_shares(shares)
chart_focus.selectable_chart(fig, "shares", alt="Bars of negative, neutral and positive shares per touchpoint")
downloads.downloads(fig, shares, "shares")

st.header("Stakeholder groups side by side")
groups = leadership.group_frame(questions.summary("group_touchpoint", focused), in_focus)
gaps = leadership.group_gaps(groups, confidence=metrics.family_confidence(len(in_focus)))
flagged = gaps[gaps["flagged"]]
st.caption(
    "Mean impression of each stakeholder group with its interval. ⚠ marks touchpoints where two groups differ by "
    "0.1 or more and the difference holds at a confidence that allows for the number of touchpoints compared."
)
if groups.empty:
    st.info("None of these impressions carries a stakeholder group.")
else:
    fig = leadership_charts.group_comparison(groups, set(flagged["touchpoint_id"]))
    chart_focus.selectable_chart(fig, "groups", alt="Mean impression of each stakeholder group per touchpoint")
    between = gaps.rename(columns={"gap": "group_gap", "gap_low": "group_gap_low", "gap_high": "group_gap_high"})
    downloads.downloads(fig, groups.merge(between, on="touchpoint_id", how="left"), "groups")

st.header("Where to act first")
st.caption(
    "Importance against performance. Importance is each touchpoint's share of impressions, until impressions "
    "record who gave them (then: how closely it moves with that person's overall impression)."
)
priorities = leadership.priorities(
    questions.summary("touchpoint", leadership.narrowed(scope, focus, by_touchpoint=False))
)
fig = leadership_charts.priority_quadrant(priorities, focus.touchpoint_id)
chart_focus.selectable_chart(fig, "quadrant", alt="Touchpoints by importance and mean impression")
downloads.downloads(fig, priorities, "priorities")

st.header("Comments")
search = st.text_input("Search comments", placeholder="A word or phrase, e.g. late", max_chars=100)
found = questions.comments(focused, search)
st.caption(f"The newest {len(found)} comments matching the filters{' and the search' if search.strip() else ''}.")
st.dataframe(
    found,
    hide_index=True,
    column_config={
        "observed_on": st.column_config.DateColumn("Day"),
        "touchpoint": st.column_config.TextColumn("Touchpoints rated", help="Every touchpoint the response rated."),
        "cycle": "Service cycle",
        "moment": "Moments",
        "stakeholder_group": "Stakeholder group",
        "source": "Source",
        "score": st.column_config.NumberColumn("Score", format="%+.2f", help="The mean of the response's scores."),
        "comment": st.column_config.TextColumn("Comment", width="large"),
    },
)
downloads.downloads(None, found, "comments")
