"""Customer flow: how many customers each of the four moments passes on, where prospects come from,
churn and what it costs, and a moment's impressions beside its conversion.

Clicking a source narrows the page to that source's prospects and customers won; the choice
lives in the URL (``prospects_from``) with the filters, so the view can be shared as a link.
"""

import streamlit as st

from dashboard import domain, flow
from dashboard import formatting as fmt
from dashboard.charts import flow as flow_charts
from dashboard.flow import measures
from dashboard.ui import chart_focus, downloads, filters, flow_entry, navigation, questions, rights
from dashboard.ui import flow as flow_ui

navigation.route_through_navigation()
rights.page_needs("flow")

st.title("Customer flow")
st.caption(
    "How many customers each moment passes on to the next, and where they are lost. "
    "Click a source to narrow the page to the prospects it brought."
)
# Flow is counted by cycle and month only: the page takes those filters and leaves the others
# (kept in the URL for the other pages) out, impressions included, so both lenses see the same customers.
scope = flow_ui.cycles_and_dates(filters.filter_bar(fields=("cycle",)))
settings = flow_ui.settings()
everything = flow_ui.sums(scope)
view, record, setup = st.tabs(["The flow", "Record flow", "Settings"])

with record:
    st.header("Import flow files")
    flow_entry.import_files()
    st.header("Enter one month by hand")
    flow_entry.manual_entry()
    with st.expander("Flow import history"):
        flow_entry.import_history()
    with st.expander("Template"):
        flow_entry.template()

with setup:
    flow_entry.settings_form()

with view:
    if everything.empty:
        st.info("No customer flow recorded for these filters. Import a flow file or enter a month under Record flow.")
        st.stop()
    source = flow_ui.source_focus()
    if source is not None and source not in set(everything["source"]):
        source = None
    if source:
        note, clear = st.columns([4, 1], vertical_alignment="center")
        note.info(
            f"Narrowed to prospects from **{source}**: prospects and customers won count that source only; "
            "the later moments are not counted by source and stay whole."
        )
        clear.button("Show every source", on_click=flow_ui.set_source, args=(None,), icon=":material/close:")
    sums = flow_ui.sums(scope, source)
    summary = measures.overall(sums)
    kpi = st.columns(4)
    for tile, (label, name, count) in zip(
        kpi,
        (
            ("Conversion", "conversion", f"{summary['customers_won']:,} of {summary['prospects']:,} prospects won"),
            ("Churn", "churn", f"{summary['lost']:,} of {summary['active_customers']:,} active customers lost"),
            ("Repeat purchases", "repeat_rate", f"{summary['repeat_purchases']:,} per retained customer"),
            ("Referral rate", "referral_rate", f"{summary['referrals']:,} referrals per retained customer"),
        ),
        strict=True,
    ):
        low, high = summary[f"{name}_interval"] or [float("nan")] * 2
        tile.metric(
            label,
            fmt.rate(summary[name]),
            border=True,
            help=f"{count}; {fmt.interval(low, high, formatter=fmt.rate)}.",
        )

    st.header("The four moments")
    funnel = measures.funnel(sums, settings)
    st.caption(
        "Each moment's conversion: the share of the customers reaching it who pass on, with its 95% interval. "
        "The black mark is the target (Settings); red bars fall clearly short of it."
    )
    fig = flow_charts.funnel(funnel)
    st.plotly_chart(fig, config={"displayModeBar": False})
    downloads.downloads(fig, funnel, "funnel")
    st.dataframe(
        funnel.iloc[1:][["label", "base", "passed", "lost", "loss", "target_loss", "clearly_below"]],
        hide_index=True,
        column_config={
            "label": "Moment",
            "base": st.column_config.NumberColumn("Reached", format="localized"),
            "passed": st.column_config.NumberColumn("Passed on", format="localized"),
            "lost": st.column_config.NumberColumn("Did not pass on", format="localized"),
            "loss": st.column_config.NumberColumn("Loss", format="percent"),
            "target_loss": st.column_config.NumberColumn("Loss the target allows", format="percent"),
            "clearly_below": st.column_config.CheckboxColumn("Clearly short", help="Even the top of its 95% interval"),
        },
    )

    st.header("Conversion month by month")
    trend = measures.monthly(sums, "customers_won", "prospects")
    st.caption(
        "Large filled points mark months whose change from the month before holds at 95%; the rest may be noise."
    )
    fig = flow_charts.monthly_rate(trend, "Prospects won")
    st.plotly_chart(fig, config={"displayModeBar": False})
    downloads.downloads(fig, trend, "conversion-by-month")

    st.header("Where prospects come from")
    sources = measures.by_source(everything)
    st.caption(
        "Prospects per source, and how many of them became customers. Sources with too few prospects for a "
        "steady figure are grey and listed by name, not ranked. Click a source."
    )
    left, right = st.columns(2)
    with left:
        chart_focus.selectable_chart(flow_charts.source_mix(sources, source), "flow_sources", flow_ui.narrow_to_source)
    with right:
        fig = flow_charts.source_conversion(sources, source)
        chart_focus.selectable_chart(fig, "flow_source_conversion", flow_ui.narrow_to_source)
    downloads.downloads(fig, sources, "sources")

    st.header("Churn")
    churn = measures.monthly(sums, "lost", "active_customers")
    st.caption("Share of the customers active at the start of each month who left during it, with its 95% band.")
    fig = flow_charts.monthly_rate(churn, "Churn", colour="#b2182b")
    st.plotly_chart(fig, config={"displayModeBar": False})
    downloads.downloads(fig, churn, "churn-by-month")

    st.header("Referrals")
    referred = int(sources.set_index("source")["prospects"].get("Referral", 0))
    low, high = summary["referral_rate_interval"] or [float("nan")] * 2
    interval = fmt.interval(low, high, formatter=fmt.rate)
    st.markdown(
        f"Retained customers made **{summary['referrals']:,} referrals**, one for every "
        f"{summary['retained'] / max(summary['referrals'], 1):,.0f} of the {summary['retained']:,} kept ({interval}). "
        f"{referred:,} prospects came by referral: customers sending others are the Multiplier at work."
    )

    st.header("What churn cost")
    cost = measures.churn_cost(summary["lost"], settings)
    st.markdown(
        f"**{fmt.count(cost['lost'])} customers lost** in these months took about **{cost['value_lost']:,.0f}** "
        f"of value with them, and winning as many new ones costs about **{cost['replacing']:,.0f}**: "
        f"**{cost['total']:,.0f}** in all. Keeping them would have cost about {cost['keeping']:,.0f}."
    )
    st.caption(
        f"Assumptions (Settings): a customer is worth {settings.customer_value:,.0f}; winning one costs "
        f"{settings.win_cost:,.0f}, {settings.win_to_keep_ratio:g} times the cost of keeping one."
    )

    st.header("Impressions beside conversion")
    moment = st.selectbox(
        "Moment", list(flow.CONVERSIONS), index=0, format_func=domain.moment_label, key="flow_lens_moment"
    )
    passed, base, meaning = flow.CONVERSIONS[moment]
    impressions = questions.summary("moment_month", scope)
    months = measures.lens_months(impressions, measures.monthly(sums, passed, base), moment)
    verdict = measures.correlation(months["mean"], months["rate"])
    st.caption(f"Each point is a month: the moment's mean impression across, its conversion ({meaning.lower()}) up.")
    st.markdown(verdict["verdict"])
    fig = flow_charts.lenses(months, domain.moment_label(moment))
    st.plotly_chart(fig, config={"displayModeBar": False})
    downloads.downloads(fig, months, "impressions-and-conversion")
