"""Overview: how the business comes across, which moment of the journey breaks, what changed."""

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import domain, leadership, metrics
from dashboard import formatting as fmt
from dashboard.charts import leadership as leadership_charts
from dashboard.charts import overview as overview_charts
from dashboard.charts import plan as plan_charts
from dashboard.ui import cached, chart_focus, downloads, filters, navigation, questions, rights
from dashboard.ui import flow as flow_ui
from dashboard.ui.briefing import briefing_download

navigation.route_through_navigation()
rights.page_needs("overview")

st.title("Overview")
st.caption("Every impression recorded in the workspace, on one scale from −1 (poor) to +1 (excellent).")
scope = filters.filter_bar()
# A click on a touchpoint's bar narrows the whole page to it, as on the Impressions page.
scope = leadership.narrowed(scope, chart_focus.shown_focus(questions.summary("touchpoint", scope)), by_month=False)

total = questions.summary("total", scope).iloc[0]
if total["n"] == 0:
    st.info("No impressions recorded yet. Once surveys or workshop votes come in, this page fills up.")
    st.stop()

last_day = questions.last_day(scope)
assert last_day is not None
periods = leadership.periods(scope, last_day)
change = questions.changes(scope, periods).iloc[0]
window = periods.describe()

briefing_download(scope)

kpi = st.columns(4)
kpi[0].metric(
    "Impressions",
    fmt.count(total["n"]),
    delta=f"{int(change['n']):,} in the latest {periods.days} days",
    delta_color="off",
    delta_arrow="off",
    border=True,
    help="How many scores have been recorded across all touchpoints in the filters.",
)
for tile, (label, name, value, low, high, formatter, text) in zip(
    kpi[1:],
    (
        ("Mean impression", "mean", "mean", "mean_low", "mean_high", fmt.signed, "Average score on −1 … +1"),
        ("Net impression", "net", "net", "net_low", "net_high", fmt.signed_percent, "Positive minus negative share"),
        (
            "Perfection rate",
            "perfection",
            "perfection",
            "perfection_low",
            "perfection_high",
            fmt.signed_percent,
            "Share of impressions reaching their touchpoint's target",
        ),
    ),
    strict=True,
):
    delta, colour = leadership.change_delta(change, name, formatter)
    shown = fmt.percent(total[value]) if name == "perfection" else formatter(total[value])
    tile.metric(
        label,
        shown,
        delta=delta,
        delta_color=colour,
        border=True,
        help=f"{text}; {fmt.interval(total[low], total[high], formatter if name != 'perfection' else fmt.percent)}. "
        f"The change compares the {window}; it counts as significant only when its 95% interval excludes zero.",
    )

alerts = leadership.alerts(questions.changes(scope, periods, by_touchpoint=True))
tp_names = questions.summary("touchpoint", scope).set_index("touchpoint_id")
for message in leadership.alert_messages(alerts, tp_names.reset_index(), window):
    st.error(message, icon=":material/trending_down:")

st.header("The four moments")
moments = questions.summary("moment", scope)
break_at = metrics.chain_break(moments)
if break_at is None:
    st.success("The chain holds: every moment meets its target on average.")
else:
    st.warning(
        f"The chain breaks at **{domain.moment_label(break_at)}**: the first moment of the journey whose mean "
        "impression falls below its target. Customers lost here never reach the moments after it."
    )
tiles = st.columns(4)
by_moment = moments.set_index("moment").to_dict("index")
for tile, moment in zip(tiles, domain.MOMENTS, strict=True):
    if moment.key in by_moment:
        row = by_moment[moment.key]
        tile.metric(
            moment.label,
            fmt.signed(row["mean"]),
            delta=f"{row['gap']:+.2f} vs target",
            border=True,
            help=f"{moment.help} {fmt.count(row['n'])} impressions, perfection rate {fmt.percent(row['perfection'])}.",
        )
    else:
        tile.metric(moment.label, "—", border=True, help=f"{moment.help} No impressions yet.")
fig = overview_charts.moment_scorecard(moments, break_at)
st.caption("Click a moment's bar to narrow the page to that moment.")
chart_focus.moment_chart(fig, "moments", alt="Bars of the mean impression of the four moments against their targets")
downloads.downloads(fig, moments, "moments")
st.subheader("Where customers are lost, beside where impressions are weak")
flow_ui.two_lenses(moments, scope)

st.header("Reputation plan")
plan = cached.plan_grid(date.today())
unproven = int(plan["unproven_claim"].sum())
st.caption(
    "The seven reputation steps against the four moments, coloured by status. "
    + (
        f"⚠ marks {unproven} cell{'s' if unproven != 1 else ''} marked done that the data does not back."
        if unproven
        else "Every cell marked done is backed by the data."
    )
)
st.plotly_chart(
    plan_charts.plan_grid(plan, compact=True),
    config={"displayModeBar": False},
    alt="Grid of the reputation plan's status per step and moment",
)
st.page_link("pages/reputation.py", label="Open the reputation plan", icon=":material/flag:")

st.header("What makes cycles “seconds”")
st.caption("A cycle with any touchpoint below its target is a “second”, like a golf ball with one bad dimple.")
touchpoints = questions.summary("touchpoint", scope)
spoilers = leadership.seconds(touchpoints)
if spoilers.empty:
    st.success("No cycle is a second: every touchpoint meets its target on average.")
else:
    st.dataframe(
        spoilers[["cycle", "touchpoint", "moment", "mean", "target", "gap", "n", "clearly"]].assign(
            moment=spoilers["moment"].map(domain.moment_label)
        ),
        hide_index=True,
        column_config={
            "cycle": "Service cycle",
            "touchpoint": "Touchpoint",
            "moment": "Moment",
            "mean": st.column_config.NumberColumn("Mean", format="%+.2f"),
            "target": st.column_config.NumberColumn("Target", format="%+.2f"),
            "gap": st.column_config.NumberColumn("Gap", format="%+.2f"),
            "n": st.column_config.NumberColumn("Impressions", format="%d"),
            "clearly": st.column_config.CheckboxColumn("Clearly below", help="Even the top of its 95% interval"),
        },
    )

st.header("Weakest touchpoints")
st.caption(
    "Furthest below their targets. One weak contact is enough to make a whole cycle a “second”. "
    "Click a bar to narrow the page to that touchpoint."
)
fig = overview_charts.weakest_touchpoints(touchpoints)
chart_focus.selectable_chart(fig, "weakest", alt="Bars of the weakest touchpoints against their targets")
downloads.downloads(fig, touchpoints, "weakest-touchpoints")

st.header("Biggest movers")
st.caption(
    f"Change in mean impression, {window}. Coloured bars hold up at a confidence that allows for the number of "
    "touchpoints compared; grey ones may be noise."
)
up, down = leadership.movers(questions.changes(scope, periods, by_touchpoint=True))
if up.empty and down.empty:
    st.info("Not enough impressions in both periods to compare.")
else:
    moved = pd.concat([up, down]).join(tp_names[["touchpoint", "cycle"]], on="touchpoint_id")
    fig = leadership_charts.mover_bars(moved)
    chart_focus.selectable_chart(fig, "movers", alt="Bars of the biggest changes in mean impression")
    downloads.downloads(fig, moved, "movers")
