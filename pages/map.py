"""Service cycle map: a cycle's touchpoints in order, the impression each leaves, and ideas to enhance them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import domain, maps
from dashboard import formatting as fmt
from dashboard.charts import map as map_charts
from dashboard.store import maps as store_maps
from dashboard.store import workspace
from dashboard.store.maps import TouchpointFields
from dashboard.ui import cached, feedback, navigation

navigation.route_through_navigation()

NO_CHART_BAR = {"displayModeBar": False}

st.title("Service cycle map")
st.caption(
    "A service cycle is a repeating journey a customer takes with us. Each step is a touchpoint; "
    "each touchpoint leaves an impression, from −1 (poor) to +1 (excellent)."
)
feedback.flash()
store = cached.store()


def new_cycle_form() -> None:
    with st.form("new_cycle", clear_on_submit=True, border=True):
        st.markdown("**New service cycle**")
        name = st.text_input("Name of the cycle", placeholder="e.g. Repair job")
        about = st.text_input("What it covers (optional)")
        if st.form_submit_button("Create the cycle") and feedback.act(
            f"Created the service cycle “{name.strip()}”.", store_maps.create_cycle, store, name, about
        ):
            st.session_state["map_cycle_name"] = " ".join(name.split())
            st.rerun()


cycles = workspace.cycles(store)
if cycles.empty:
    st.info("No service cycles yet. Create the first one, then list its touchpoints in order.")
    new_cycle_form()
    st.stop()

names = list(cycles["name"])
wanted = st.session_state.pop("map_cycle_name", None)
if wanted in names:
    st.session_state["map_cycle"] = wanted
elif st.session_state.get("map_cycle") not in names:
    st.session_state["map_cycle"] = names[0]
cycle_name = st.selectbox("Service cycle", names, key="map_cycle")
cycle = cycles.set_index("name").loc[cycle_name]
cycle_id = int(cycle["id"])
if cycle["description"]:
    st.caption(str(cycle["description"]))

summary = cached.cycle_map(cycle_id)
teams = workspace.teams(store)
groups = workspace.groups(store)
team_names = dict(zip(teams["id"].astype(int), teams["name"], strict=True))
group_names = dict(zip(groups["id"].astype(int), groups["name"], strict=True))
tp_names = dict(zip(summary["touchpoint_id"].astype(int), summary["touchpoint"], strict=True))
order = list(tp_names)

# Keyed and tracked, so the open tab stays open when an edit reruns the page.
map_tab, edit_tab, file_tab = st.tabs(["Map", "Edit the cycle", "Map files"], key="map_tab", on_change="rerun")


# --- the map ---------------------------------------------------------------------------------


def picked_on_chart(event: object) -> int | None:
    """The touchpoint id of the point clicked on the journey map, if any."""
    points = event["selection"]["points"] if event else []  # type: ignore[index]
    for point in points:
        data = point.get("customdata")
        if isinstance(data, list | tuple) and data:
            return int(data[0])
    return None


def show_detail(touchpoint_id: int) -> None:
    record = store_maps.touchpoint(store, touchpoint_id)
    row = summary.set_index("touchpoint_id").loc[touchpoint_id]
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
        fmt.signed(float(record["target"])),
        border=True,
        help="The score an impression must reach to meet the standard.",
    )
    situation = record["situation"]
    facts = pd.DataFrame(
        {
            "": [
                "Moment",
                "Channel",
                "Owner team",
                "Stakeholder groups",
                "Standard",
                "Moment of truth",
                "Recovery plan",
                "Description",
            ],
            "Value": [
                domain.moment_label(str(record["moment"])),
                record["channel"] or "—",
                record["owner"] or "—",
                ", ".join(group_names.get(g, "?") for g in record["group_ids"]) or "—",  # type: ignore[union-attr]
                record["standard"] or "not written yet",
                domain.label(domain.SITUATIONS, situation) if isinstance(situation, str) else "—",
                record["recovery_plan"] or "—",
                record["description"] or "—",
            ],
        }
    )
    st.dataframe(facts, hide_index=True, width="stretch")

    ideas = workspace.ideas(store, touchpoint_id)
    trend = cached.touchpoint_trend(touchpoint_id)
    left, right = st.columns(2)
    with left:
        st.markdown("**Monthly trend** (dotted lines: ideas adopted)")
        if trend.empty:
            st.caption("No impressions yet.")
        else:
            adopted = ideas[ideas["status"] != "proposed"]
            st.plotly_chart(
                map_charts.touchpoint_trend(trend, adopted, float(record["target"])),
                config=NO_CHART_BAR,
                key=f"trend_{touchpoint_id}",
            )
    with right:
        st.markdown("**How the impressions spread** (on the common scale)")
        distribution = store_maps.score_distribution(store, touchpoint_id)
        if distribution.empty:
            st.caption("No impressions yet.")
        else:
            st.plotly_chart(
                map_charts.score_distribution(distribution), config=NO_CHART_BAR, key=f"dist_{touchpoint_id}"
            )
    comments = store_maps.recent_comments(store, touchpoint_id)
    st.markdown("**Recent comments**")
    if comments.empty:
        st.caption("No comments yet.")
    else:
        st.dataframe(
            comments,
            hide_index=True,
            width="stretch",
            column_config={
                "observed_on": st.column_config.DateColumn("Date"),
                "score": st.column_config.NumberColumn("Score", format="%+.2f"),
                "answer": "Answer",
                "stakeholder_group": "Group",
                "comment": st.column_config.TextColumn("Comment", width="large"),
            },
        )
    show_ideas(touchpoint_id, ideas, str(record["standard"]))


def show_ideas(touchpoint_id: int, ideas: pd.DataFrame, standard: str) -> None:
    st.subheader("Enhancement ideas")
    st.caption("Ways to serve better at this touchpoint: suggest, vote, adopt, and make the best ones the standard.")
    if ideas.empty:
        st.caption("No ideas yet.")
    else:
        shown = ideas.assign(status=[domain.label(domain.IDEA_STATUSES, s) for s in ideas["status"]])
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
        text = st.text_area("A new idea", placeholder="What would make this contact better for the customer?")
        author = st.text_input("Your name (optional)")
        if st.form_submit_button("Add the idea") and feedback.act(
            "Idea added.", store_maps.add_idea, store, touchpoint_id, text, author
        ):
            st.rerun()
    if ideas.empty:
        return
    texts = dict(zip(ideas["id"].astype(int), ideas["text"], strict=True))
    statuses = dict(zip(ideas["id"].astype(int), ideas["status"], strict=True))
    idea_id = st.selectbox("Idea to work on", list(texts), format_func=lambda i: texts[i], key=f"pick_{touchpoint_id}")
    status = statuses[idea_id]
    buttons = st.columns(3)
    if buttons[0].button("Vote for it", key=f"vote_{idea_id}") and feedback.act(
        "Vote counted.", store_maps.vote_idea, store, idea_id
    ):
        st.rerun()
    nxt = {"proposed": "adopted", "adopted": "standard"}.get(status)
    if nxt is None:
        buttons[1].caption("Already part of the standard.")
        return
    update = st.checkbox("Also rewrite the touchpoint's standard", key=f"upd_{idea_id}_{nxt}", value=nxt == "standard")
    new_standard = None
    if update:
        proposal = f"{standard} {texts[idea_id]}".strip() if standard else texts[idea_id]
        new_standard = st.text_area("New standard", value=proposal, key=f"std_{idea_id}_{nxt}")
    label = "Adopt it" if nxt == "adopted" else "Make it a standard"
    if buttons[1].button(label, key=f"adv_{idea_id}", type="primary") and feedback.act(
        f"Idea moved to “{domain.label(domain.IDEA_STATUSES, nxt)}”.",
        store_maps.set_idea_status,
        store,
        idea_id,
        nxt,
        new_standard=new_standard,
    ):
        st.rerun()


with map_tab:
    if summary.empty:
        st.info("This cycle has no touchpoints yet. Add them under “Edit the cycle”, or import a map file.")
    else:
        break_at = cached.chain_breaks().get(cycle_name)
        position = maps.break_position(summary, break_at)
        if summary["n"].sum() == 0:
            st.info("No impressions recorded for this cycle yet: the map shows its touchpoints in grey.")
        elif break_at is None:
            st.success("The chain holds: no moment of this cycle falls below its target on average.")
        else:
            spoiler = summary.set_index("position").loc[position, "touchpoint"] if position else ""
            st.warning(
                f"The chain breaks at {domain.moment_label(break_at)}, the first moment of this cycle "
                f"below its target; “{spoiler}” is furthest short there."
            )
        late = maps.moments_out_of_order(summary)
        if late:
            st.caption(f"Placed after a later moment: {', '.join(late)}. Check the order under “Edit the cycle”.")
        event = st.plotly_chart(
            map_charts.journey_map(summary, break_at),
            on_select="rerun",
            selection_mode="points",
            key=f"journey_{cycle_id}",
            config=NO_CHART_BAR,
        )
        st.caption(
            "Colour: mean impression (red poor, blue good; hollow grey: none yet). Size: number of impressions. "
            "A thick black ring and “below target”: the touchpoint falls short of its standard. Click one to open it."
        )
        st.subheader("The impression curve")
        st.caption("Mean impression at each step, with its 95% confidence band; the dashed line is the target.")
        st.plotly_chart(map_charts.impression_curve(summary, position), config=NO_CHART_BAR, key=f"curve_{cycle_id}")

        st.subheader("Touchpoint detail")
        clicked = picked_on_chart(event)
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


def touchpoint_form(key: str, current: dict[str, object] | None, submit: str) -> TouchpointFields | None:
    """The fields of a touchpoint as a form; the filled-in fields once submitted."""
    current = current or {}
    moments = list(domain.MOMENT_KEYS)
    situations = [None, *domain.SITUATION_KEYS]
    team_ids: list[int | None] = [None, *team_names]
    with st.form(key, clear_on_submit=current == {}):
        name = st.text_input("Name", value=str(current.get("name", "")))
        top = st.columns(3)
        moment = top[0].selectbox(
            "Moment",
            moments,
            index=moments.index(str(current["moment"])) if "moment" in current else None,
            format_func=domain.moment_label,
            placeholder="Choose a moment",
            help=" ".join(f"{m.label}: {m.help}" for m in domain.MOMENTS),
        )
        channel = top[1].text_input("Channel", value=str(current.get("channel", "")), placeholder="e.g. Phone")
        owner = top[2].selectbox(
            "Owner team",
            team_ids,
            index=team_ids.index(current.get("owner_team_id")) if current.get("owner_team_id") in team_ids else 0,  # type: ignore[arg-type]
            format_func=lambda i: "—" if i is None else team_names[i],
        )
        chosen_groups = st.multiselect(
            "Stakeholder groups it touches",
            list(group_names),
            default=[g for g in current.get("group_ids", []) if g in group_names],  # type: ignore[attr-defined]
            format_func=lambda g: group_names[g],
        )
        standard = st.text_area(
            "Standard",
            value=str(current.get("standard", "")),
            help="The behaviour expected at this contact, every time.",
        )
        target = st.slider(
            "Target impression",
            -1.0,
            1.0,
            float(current.get("target", domain.DEFAULT_TARGET)),
            0.05,  # type: ignore[arg-type]
            help="The score an impression must reach to meet the standard.",
        )
        low = st.columns(2)
        now = current.get("situation")
        situation = low[0].selectbox(
            "Moment-of-truth situation",
            situations,
            index=situations.index(now) if isinstance(now, str) else 0,
            format_func=lambda s: "—" if s is None else domain.label(domain.SITUATIONS, s),
        )
        recovery = low[1].text_area(
            "Recovery plan",
            value=str(current.get("recovery_plan", "")),
            help="What we do when this contact goes wrong.",
        )
        description = st.text_input("Description", value=str(current.get("description", "")))
        if not st.form_submit_button(submit, type="primary"):
            return None
    return TouchpointFields(
        name, moment or "", channel, owner, tuple(chosen_groups), description, standard, target, situation, recovery
    )


with edit_tab:
    st.subheader("Add a touchpoint")
    st.caption("New touchpoints join the end of the cycle; move them into place below.")
    added = touchpoint_form(f"add_tp_{cycle_id}", None, "Add the touchpoint")
    if added is not None and feedback.act(
        f"Added “{added.name.strip()}”.", store_maps.add_touchpoint, store, cycle_id, added
    ):
        st.rerun()

    if order:
        st.subheader("Order")
        st.dataframe(
            summary.assign(step=range(1, len(summary) + 1), moment=[domain.moment_label(m) for m in summary["moment"]])[
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
                f"Moved “{tp_names[mover]}”.", store_maps.set_order, store, cycle_id, maps.moved(order, mover, offset)
            ):
                st.rerun()

        st.subheader("Change or remove a touchpoint")
        target_id = st.selectbox("Touchpoint", order, format_func=lambda i: tp_names[i], key=f"edit_pick_{cycle_id}")
        record = store_maps.touchpoint(store, target_id)
        changed = touchpoint_form(f"edit_tp_{target_id}", record, "Save the changes")
        if changed is not None and feedback.act(
            f"Saved “{changed.name.strip()}”.", store_maps.update_touchpoint, store, target_id, changed
        ):
            st.rerun()
        confirm_key = f"confirm_archive_{cycle_id}"
        if st.button(f"Delete “{tp_names[target_id]}”", key=f"delete_{target_id}"):
            count = store_maps.impression_count(store, target_id)
            if count == 0:
                if feedback.act(f"Deleted “{tp_names[target_id]}”.", store_maps.delete_touchpoint, store, target_id):
                    st.rerun()
            else:
                st.session_state[confirm_key] = target_id
        if st.session_state.get(confirm_key) == target_id:
            st.warning(
                f"“{tp_names[target_id]}” has {fmt.count(store_maps.impression_count(store, target_id))} recorded "
                "impressions. It will be archived instead: it leaves the map and the figures, its impressions "
                "stay stored, and you can restore it at any time."
            )
            yes, no = st.columns(2)
            if yes.button("Archive it", key=f"archive_{target_id}", type="primary"):
                st.session_state.pop(confirm_key)
                if feedback.act(f"Archived “{tp_names[target_id]}”.", store_maps.archive_touchpoint, store, target_id):
                    st.rerun()
            if no.button("Keep it", key=f"keep_{target_id}"):
                st.session_state.pop(confirm_key)
                st.rerun()

    archived = store_maps.archived_touchpoints(store, cycle_id)
    if not archived.empty:
        st.subheader("Archived touchpoints")
        for rec in archived.to_dict("records"):
            line = st.columns([3, 1])
            kept = fmt.count(rec["impressions"])
            line[0].write(f"{rec['name']} · {domain.moment_label(rec['moment'])} · {kept} impressions kept")
            if line[1].button("Restore", key=f"restore_{rec['id']}") and feedback.act(
                f"Restored “{rec['name']}” at the end of the cycle.",
                store_maps.restore_touchpoint,
                store,
                int(rec["id"]),
            ):
                st.rerun()

    st.subheader("The cycle itself")
    with st.form(f"rename_{cycle_id}"):
        new_name = st.text_input("Name of the cycle", value=cycle_name)
        new_about = st.text_input("What it covers", value=str(cycle["description"]))
        if st.form_submit_button("Rename") and feedback.act(
            "Cycle saved.", store_maps.rename_cycle, store, cycle_id, new_name, new_about
        ):
            st.session_state["map_cycle_name"] = " ".join(new_name.split())
            st.rerun()
    if st.button(f"Delete the cycle “{cycle_name}”", key=f"delete_cycle_{cycle_id}"):
        st.session_state["confirm_cycle"] = cycle_id
    if st.session_state.get("confirm_cycle") == cycle_id:
        st.warning("Delete this cycle with all its touchpoints and ideas? A cycle with impressions cannot be deleted.")
        if st.button("Yes, delete the cycle", key=f"delete_cycle_yes_{cycle_id}", type="primary"):
            st.session_state.pop("confirm_cycle")
            if feedback.act(f"Deleted the cycle “{cycle_name}”.", store_maps.delete_cycle, store, cycle_id):
                st.session_state.pop("map_cycle", None)
                st.rerun()
    new_cycle_form()


# --- map files -------------------------------------------------------------------------------

with file_tab:
    st.subheader("Export")
    st.caption(
        "One row per touchpoint, in order: " + ", ".join(maps.REQUIRED) + ", then " + ", ".join(maps.OPTIONAL) + "."
    )
    stem = "".join(ch if ch.isalnum() else "-" for ch in cycle_name.lower()).strip("-") or "cycle"
    down = st.columns(2)
    down[0].download_button(
        "This cycle as CSV", maps.export_bytes(store, f"{stem}.csv", cycle_id), f"{stem}.csv", "text/csv"
    )
    down[1].download_button(
        "This cycle as XLSX",
        maps.export_bytes(store, f"{stem}.xlsx", cycle_id),
        f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    st.subheader("Import")
    st.caption(
        "A cycle that already exists is updated: touchpoints are added, moved and edited, never duplicated. "
        "Touchpoints the file leaves out stay, after the listed ones. Unknown teams and groups are created."
    )
    upload = st.file_uploader("Map file (CSV or XLSX)", type=["csv", "xlsx"], key="map_upload")
    if upload is not None:
        data = upload.getvalue()
        try:
            planned = maps.plan_import(store, upload.name, data)
        except maps.MapFileError as error:
            st.error("The map file was not imported; nothing was written. Fix these rows and upload it again.")
            st.dataframe(pd.DataFrame(error.problems, columns=["Row", "Problem"]), hide_index=True, width="stretch")
        else:
            st.markdown("**What the import changes**")
            st.dataframe(pd.DataFrame({"Change": planned.changes}), hide_index=True, width="stretch")
            if st.button("Import the map", type="primary") and feedback.act(
                "Map imported: " + "; ".join(planned.changes), maps.import_map, store, upload.name, data
            ):
                st.session_state["map_cycle_name"] = str(planned.rows["service_cycle"].iloc[0])
                st.rerun()
