"""Overview: how the business comes across, and which moment of the journey breaks."""

import streamlit as st

from dashboard import charts, domain, metrics, ui
from dashboard import formatting as fmt

ui.route_through_navigation()

st.title("Overview")
st.caption("Every impression recorded in the workspace, on one scale from −1 (poor) to +1 (excellent).")

total = ui.total_summary()
if total["n"] == 0:
    st.info("No impressions recorded yet. Once surveys or workshop votes come in, this page fills up.")
    st.stop()

kpi = st.columns(4)
kpi[0].metric(
    "Impressions", fmt.count(total["n"]), border=True, help="How many scores have been recorded across all touchpoints."
)
kpi[1].metric(
    "Mean impression",
    fmt.signed(total["mean"]),
    border=True,
    help=f"Average score on −1 … +1; {fmt.interval(total['mean_low'], total['mean_high'])}.",
)
kpi[2].metric(
    "Net impression",
    fmt.signed_percent(total["net"]),
    border=True,
    help="Share of positive impressions minus share of negative ones; "
    f"{fmt.interval(total['net_low'], total['net_high'], fmt.signed_percent)}.",
)
kpi[3].metric(
    "Perfection rate",
    fmt.percent(total["perfection"]),
    border=True,
    help="Share of impressions that reach their touchpoint's target; "
    f"{fmt.interval(total['perfection_low'], total['perfection_high'], fmt.percent)}.",
)

st.header("The four moments")
moments = ui.moment_summary()
break_at = metrics.chain_break(moments)
if break_at is None:
    st.success("The chain holds: every moment meets its target on average.")
else:
    st.warning(
        f"The chain breaks at **{domain.moment_label(break_at)}**: the first moment of the journey whose mean "
        "impression falls below its target. Customers lost here never reach the moments after it."
    )
tiles = st.columns(4)
by_moment = moments.set_index("moment")
for tile, moment in zip(tiles, domain.MOMENTS, strict=True):
    if moment.key in by_moment.index:
        row = by_moment.loc[moment.key]
        tile.metric(
            moment.label,
            fmt.signed(row["mean"]),
            delta=f"{row['gap']:+.2f} vs target",
            border=True,
            help=f"{moment.help} {fmt.count(row['n'])} impressions, perfection rate {fmt.percent(row['perfection'])}.",
        )
    else:
        tile.metric(moment.label, "—", border=True, help=f"{moment.help} No impressions yet.")
st.plotly_chart(charts.moment_scorecard(moments, break_at), config={"displayModeBar": False})

st.header("Weakest touchpoints")
st.caption("Furthest below their targets. One weak contact is enough to make a whole cycle a “second”.")
st.plotly_chart(charts.weakest_touchpoints(ui.touchpoint_summary()), config={"displayModeBar": False})
