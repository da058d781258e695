"""Service cycle map: a cycle's touchpoints in order, the impression each leaves, and ideas to enhance them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cells, domain, maps, safe, touchpoints
from dashboard import formatting as fmt
from dashboard.charts import map as map_charts
from dashboard.store import cycle_stats
from dashboard.store import cycles as store_cycles
from dashboard.store import groups as store_groups
from dashboard.store import ideas as store_ideas
from dashboard.ui import cached, confirm, feedback, map_files, navigation, rights, url_state
from dashboard.ui.ideas_panel import ideas_panel
from dashboard.ui.touchpoint_form import touchpoint_form

navigation.route_through_navigation()
rights.page_needs("map")

NO_CHART_BAR = {"displayModeBar": False}

st.title("Service cycle map")
st.caption(
    "A service cycle is a repeating journey a customer takes with us. Each step is a touchpoint; "
    "each touchpoint leaves an impression, from −1 (poor) to +1 (excellent)."
)
feedback.flash()
store = cached.store()


def create_and_show(name: str, about: str) -> None:
    """Creates a cycle and makes it the one the page shows next."""
    url_state.choose("cycle", store_cycles.create_cycle(store, name, about))


def new_cycle_form() -> None:
    with st.form("new_cycle", clear_on_submit=True, border=False):
        name = st.text_input("Name of the cycle", placeholder="e.g. Repair job")
        about = st.text_input("What it covers (optional)")
        if st.form_submit_button("Create the cycle") and feedback.act(
            f"Created the service cycle “{name.strip()}”.", create_and_show, name, about
        ):
            st.rerun()


cycles = rights.visible(store_cycles.cycles(store))
new_cycle_refusal = rights.why_not("map")
if cycles.empty and new_cycle_refusal is not None:
    st.info("There are no service cycles to show you yet.")
    st.stop()
if cycles.empty:
    st.info("No service cycles yet. Create the first one, then list its touchpoints in order.")
    with st.container(border=True):
        new_cycle_form()
    st.stop()

cycle_names = dict(zip(cycles["id"].astype(int), cycles["name"], strict=True))
# The cycle is kept in the URL (?cycle=ID) and for the session: it stays chosen across pages.
cycle_id = int(url_state.chosen("cycle", list(cycle_names), "map_cycle", "service cycle") or 0)
picker, adder = st.columns([4, 1], vertical_alignment="bottom")
picker.selectbox("Service cycle", list(cycle_names), format_func=cycle_names.__getitem__, key="map_cycle")
with adder.popover(
    "New service cycle",
    icon=":material/add:",
    width="stretch",
    disabled=new_cycle_refusal is not None,
    help=new_cycle_refusal,
):
    new_cycle_form()
cycle = cycles.set_index("id").loc[cycle_id]
cycle_name = cycle_names[cycle_id]
if cycle["description"]:
    st.caption(str(cycle["description"]))

summary = cached.cycle_map(cycle_id)
teams = store_groups.teams(store)
groups = store_groups.groups(store)
team_names = dict(zip(teams["id"].astype(int), teams["name"], strict=True))
group_names = dict(zip(groups["id"].astype(int), groups["name"], strict=True))
tp_names = dict(zip(summary["touchpoint_id"].astype(int), summary["touchpoint"], strict=True))
order = list(tp_names)

# Keyed and tracked, so the open tab stays open when an edit reruns the page.
map_tab, edit_tab, file_tab = st.tabs(["Map", "Edit the cycle", "Map files"], key="map_tab", on_change="rerun")


# --- the map ---------------------------------------------------------------------------------


def show_detail(touchpoint_id: int) -> None:
    """The opened touchpoint: its figures, facts, trend, spread, comments and ideas."""
    record = store_cycles.touchpoint(store, touchpoint_id)
    show_figures(summary.set_index("touchpoint_id").loc[[touchpoint_id]].iloc[0], cells.number(record["target"]))
    st.dataframe(touchpoints.facts(record, group_names), hide_index=True, width="stretch")
    ideas_now = store_ideas.ideas(store, touchpoint_id)
    show_charts(touchpoint_id, ideas_now, cells.number(record["target"]))
    show_comments(touchpoint_id)
    ideas_panel(store, touchpoint_id, cycle_id, ideas_now, str(record["standard"]))


def show_figures(row: pd.Series, target: float) -> None:
    cols = st.columns(4)
    cols[0].metric(
        "Mean impression", fmt.signed(row["mean"]), border=True, help=fmt.interval(row["mean_low"], row["mean_high"])
    )
    cols[1].metric("Impressions", fmt.count(row["n"]), border=True)
    cols[2].metric(
        "Perfection rate",
        fmt.percent(row["perfection"]),
        border=True,
        help="Share of impressions that reach the target.",
    )
    cols[3].metric(
        "Target",
        fmt.signed(target),
        border=True,
        help="The score an impression must reach to meet the standard.",
    )


def show_charts(touchpoint_id: int, ideas_now: pd.DataFrame, target: float) -> None:
    trend = cached.touchpoint_trend(touchpoint_id)
    left, right = st.columns(2)
    with left:
        st.markdown("**Monthly trend** (dotted lines: ideas adopted)")
        if trend.empty:
            st.caption("No impressions yet.")
        else:
            adopted = ideas_now[ideas_now["status"] != "proposed"]
            st.plotly_chart(
                map_charts.touchpoint_trend(trend, adopted, target),
                config=NO_CHART_BAR,
                key=f"trend_{touchpoint_id}",
                alt="Monthly mean impression of this touchpoint with its 95% interval and target",
            )
    with right:
        st.markdown("**How the impressions spread** (on the common scale)")
        distribution = cycle_stats.score_distribution(store, touchpoint_id)
        if distribution.empty:
            st.caption("No impressions yet.")
        else:
            st.plotly_chart(
                map_charts.score_distribution(distribution),
                config=NO_CHART_BAR,
                key=f"dist_{touchpoint_id}",
                alt="Bars of how many impressions fell in each tenth of the scale",
            )


def show_comments(touchpoint_id: int) -> None:
    comments = cycle_stats.recent_comments(store, touchpoint_id)
    st.markdown("**Recent comments**")
    if comments.empty:
        st.caption("No comments yet.")
        return
    st.dataframe(
        comments,
        hide_index=True,
        width="stretch",
        column_config={
            "observed_on": st.column_config.DateColumn("Date"),
            "score": st.column_config.NumberColumn("Score", format="%+.2f"),
            "answer": "Answer",
            "stakeholder_group": "Group",
            "rated": st.column_config.TextColumn(
                "Response rated", help="The comment is the response's, about any of these."
            ),
            "comment": st.column_config.TextColumn("Comment", width="large"),
        },
    )


with map_tab:
    if summary.empty:
        st.info("This cycle has no touchpoints yet. Add them under “Edit the cycle”, or import a map file.")
    else:
        break_at = cached.chain_breaks().get(cycle_name)
        position = maps.break_position(summary, break_at)
        level, message = maps.chain_verdict(summary, break_at)
        {"info": st.info, "success": st.success, "warning": st.warning}[level](message)
        late = maps.moments_out_of_order(summary)
        if late:
            named = ", ".join(safe.md(n) for n in late)
            st.caption(f"Placed after a later moment: {named}. Check the order under “Edit the cycle”.")
        event = st.plotly_chart(
            map_charts.journey_map(summary, break_at),
            on_select="rerun",
            selection_mode="points",
            key=f"journey_{cycle_id}",
            config=NO_CHART_BAR,
            alt="Map of the cycle's touchpoints in order, each in its moment's column, coloured by mean impression",
        )
        st.caption(
            "Colour: mean impression (red poor, blue good; hollow grey: none yet). Size: number of impressions. "
            "A thick black ring and “below target”: the touchpoint falls short of its standard. Click one to open it."
        )
        st.subheader("The impression curve")
        st.caption("Mean impression at each step, with its 95% confidence band; the dashed line is the target.")
        st.plotly_chart(
            map_charts.impression_curve(summary, position),
            config=NO_CHART_BAR,
            key=f"curve_{cycle_id}",
            alt="Line of the mean impression at each step of the cycle against its target",
        )

        st.subheader("Touchpoint detail")
        clicked = touchpoints.picked(event.selection.points if event else [])
        pick_key = f"map_tp_{cycle_id}"
        if clicked is not None and clicked != st.session_state.get(f"{pick_key}_clicked"):
            st.session_state[f"{pick_key}_clicked"] = clicked
            st.session_state[pick_key] = clicked
        if st.session_state.get(pick_key) not in tp_names:
            st.session_state[pick_key] = order[0]
        chosen = st.selectbox(
            "Touchpoint", order, format_func=lambda i: f"{order.index(i) + 1}. {tp_names[i]}", key=pick_key
        )
        show_detail(int(chosen))


# --- editing ---------------------------------------------------------------------------------


def order_section() -> None:
    st.subheader("Order")
    st.dataframe(
        summary.assign(step=range(1, len(summary) + 1), moment=summary["moment"].map(domain.moment_label))[
            ["step", "touchpoint", "moment", "channel", "owner"]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "step": "Step",
            "touchpoint": "Touchpoint",
            "moment": "Moment",
            "channel": "Channel",
            "owner": "Owner team",
        },
    )
    row = st.columns([3, 1, 1])
    mover = row[0].selectbox(
        "Touchpoint to move", order, format_func=lambda i: tp_names[i], key=f"move_pick_{cycle_id}"
    )
    for column, label, offset in ((row[1], "Move earlier", -1), (row[2], "Move later", +1)):
        if column.button(label, key=f"move_{offset}_{cycle_id}", width="stretch") and feedback.act(
            f"Moved “{tp_names[mover]}”.", store_cycles.set_order, store, cycle_id, maps.moved(order, mover, offset)
        ):
            st.rerun()


def change_or_remove_section() -> None:
    st.subheader("Change or remove a touchpoint")
    target_id = st.selectbox("Touchpoint", order, format_func=lambda i: tp_names[i], key=f"edit_pick_{cycle_id}")
    record = store_cycles.touchpoint(store, target_id)
    changed = touchpoint_form(f"edit_tp_{target_id}", record, "Save the changes", team_names, group_names)
    if changed is not None and feedback.act(
        f"Saved “{changed.name.strip()}”.", store_cycles.update_touchpoint, store, target_id, changed
    ):
        st.rerun()
    name, key = tp_names[target_id], f"delete_{target_id}"
    # Deleting needs the admin role; archiving (a touchpoint with impressions) only the map's.
    kept = store_cycles.impression_count(store, target_id)
    removal = touchpoints.removal(kept)
    refusal = rights.why_not("delete" if removal == "delete" else "map", cycle_id)
    confirm.ask(f"Delete “{safe.md(name)}”", key, icon=":material/delete:", refusal=refusal)
    if removal == "delete":
        question, yes, work, done = (
            f"Delete “{safe.md(name)}” and its ideas? It has no impressions yet. This cannot be undone.",
            "Delete it",
            store_cycles.delete_touchpoint,
            "Deleted",
        )
    else:
        question, yes, work, done = (
            f"“{safe.md(name)}” has {fmt.count(kept)} recorded impressions. It will be archived instead: it leaves the "
            "map and the figures, its impressions stay stored, and you can restore it at any time.",
            "Archive it",
            store_cycles.archive_touchpoint,
            "Archived",
        )
    if confirm.confirmed(key, question, yes) and feedback.act(f"{done} “{name}”.", work, store, target_id):
        st.rerun()


def archived_section() -> None:
    archived = store_cycles.archived_touchpoints(store, cycle_id)
    if archived.empty:
        return
    st.subheader("Archived touchpoints")
    for rec in archived.to_dict("records"):
        line = st.columns([3, 1])
        kept = fmt.count(rec["impressions"])
        line[0].write(f"{safe.md(rec['name'])} · {domain.moment_label(rec['moment'])} · {kept} impressions kept")
        if line[1].button("Restore", key=f"restore_{rec['id']}") and feedback.act(
            f"Restored “{rec['name']}” at the end of the cycle.", store_cycles.restore_touchpoint, store, int(rec["id"])
        ):
            st.rerun()


def cycle_section() -> None:
    st.subheader("The cycle itself")
    with st.form(f"rename_{cycle_id}"):
        new_name = st.text_input("Name of the cycle", value=cycle_name)
        new_about = st.text_input("What it covers", value=str(cycle["description"]))
        if st.form_submit_button("Rename") and feedback.act(
            "Cycle saved.", store_cycles.rename_cycle, store, cycle_id, new_name, new_about
        ):
            st.rerun()
    key = f"delete_cycle_{cycle_id}"
    refusal = rights.why_not("delete", cycle_id)
    confirm.ask(f"Delete the cycle “{safe.md(cycle_name)}”", key, icon=":material/delete:", refusal=refusal)
    if not confirm.asking(key):
        return
    kept = cycle_stats.cycle_impression_count(store, cycle_id)
    if touchpoints.removal(kept) == "archive":
        confirm.cancel()  # nothing to confirm: say why once
        st.warning(
            f"This cycle has {fmt.count(kept)} recorded impressions, which are never deleted, so the cycle stays. "
            "Archive its touchpoints instead, or rename it."
        )
    elif confirm.confirmed(
        key, "Delete this cycle with all its touchpoints and ideas? This cannot be undone.", "Yes, delete the cycle"
    ) and feedback.act(f"Deleted the cycle “{cycle_name}”.", store_cycles.delete_cycle, store, cycle_id):
        st.rerun()


def add_section() -> None:
    st.subheader("Add a touchpoint")
    st.caption("New touchpoints join the end of the cycle; move them into place below.")
    added = touchpoint_form(f"add_tp_{cycle_id}", None, "Add the touchpoint", team_names, group_names)
    if added is not None and feedback.act(
        f"Added “{added.name.strip()}”.", store_cycles.add_touchpoint, store, cycle_id, added
    ):
        st.rerun()


# Someone who may not change this cycle sees the map and its files, and here only why.
with edit_tab:
    if not rights.read_only("map", cycle_id, "This cycle"):
        add_section()
        if order:
            order_section()
            change_or_remove_section()
        archived_section()
        cycle_section()


# --- map files -------------------------------------------------------------------------------

with file_tab:
    map_files.export_section(store, cycle_id, cycle_name)
    map_files.import_section(store)
