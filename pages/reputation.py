"""Reputation plan: the seven steps against the four moments, what people claim beside what the
data proves, the content the steps need, progress over time, and exports."""

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import cells as cells_of
from dashboard import domain, evidence, exports
from dashboard.charts import plan as plan_charts
from dashboard.charts import style
from dashboard.store import groups as store_groups
from dashboard.store import plan
from dashboard.thresholds import SETTINGS, check_settings
from dashboard.ui import cached, confirm, feedback, navigation, rights, url_state, wide

navigation.route_through_navigation()
rights.page_needs("reputation")
feedback.flash()

today = date.today()
CELL_KEY = "plan_cell"
refusal = rights.why_not("plan")  # the plan is the workspace's: one role decides who writes it
locked = refusal is not None


def review_cycles(reviews: pd.DataFrame) -> pd.DataFrame:
    """The touchpoints under review with their cycle's id (cycle names are unique in the workspace)."""
    cycles = cached.cycles()
    return reviews.assign(cycle_id=reviews["cycle"].map(dict(zip(cycles["name"], cycles["id"], strict=True))))


def save_review(touchpoint_id: int, standard: str, every: int | None, last: date | None) -> None:
    plan.set_standard(cached.store(), touchpoint_id, standard)
    plan.set_review(cached.store(), touchpoint_id, every, last)


def save_thresholds(entered: dict[str, float]) -> None:
    plan.set_settings(cached.store(), check_settings(entered))


st.title("Reputation plan")
st.caption(
    "The seven reputation steps, each carried through the four moments. Every cell shows its status as "
    "recorded and what the workspace's data can prove; a cell marked done that the data does not back is flagged."
)

cells = cached.plan_evidence(today)
grid = cached.plan_grid(today)
kpi = st.columns(4)
kpi[0].metric("Cells done", f"{int((grid['status'] == 'done').sum())} of 28", border=True)
kpi[1].metric(
    "Proven by the data", f"{int(grid['proven'].sum())} of 28", border=True, help="Every evidence item of the cell met."
)
kpi[2].metric(
    "Claimed, not proven",
    int(grid["unproven_claim"].sum()),
    border=True,
    help="Marked done, but some evidence is missing or out of date.",
)
kpi[3].metric("At risk", int((grid["status"] == "at_risk").sum()), border=True)

st.caption(
    "Each cell: its status and how many of its evidence items the data meets. An orange frame and ⚠ mark a cell "
    "marked done that the data does not back. Click a cell to open it."
)
grid_figure = plan_charts.plan_grid(grid)
with wide.at_least(style.min_width(grid_figure), "plan_grid"):
    event = st.plotly_chart(
        grid_figure,
        on_select="rerun",
        selection_mode="points",
        key="plan_grid",
        config={"displayModeBar": False},
        alt="Grid of the reputation plan: each step against each moment, with its status",
    )
points = [p for p in event.selection.points if p.get("customdata")]
if points:
    picked = ":".join(str(v) for v in points[0]["customdata"][:2])
    if picked != st.session_state.get("plan_grid_applied"):
        st.session_state["plan_grid_applied"] = picked
        url_state.choose("cell", picked)

options = [f"{c.step}:{c.moment}" for c in cells]
# The open cell is kept in the URL (?cell=step:moment) and for the session.
url_state.chosen("cell", options, CELL_KEY, "plan cell")
choice = st.selectbox(
    "Cell",
    options,
    key=CELL_KEY,
    format_func=lambda k: evidence.cell_choice_label(cells, k),
    help="Click a cell in the grid, or pick it here.",
)
step, moment = choice.split(":")
cell = evidence.find(cells, step, moment)

st.subheader(evidence.cell_choice_label(cells, choice, flag=False))
st.caption(domain.REPUTATION_STEPS[domain.STEP_KEYS.index(step)].help)
verdict = cell.verdict()
if verdict is not None:
    level, message = verdict
    {"warning": st.warning, "info": st.info, "success": st.success}[level](message)

left, right = st.columns(2)
with left, st.form(f"cell_form_{choice}"):
    status = st.selectbox(
        "Status",
        domain.PLAN_STATUS_KEYS,
        index=domain.PLAN_STATUS_KEYS.index(cell.status),
        format_func=lambda k: domain.label(domain.PLAN_STATUSES, k),
    )
    owner = st.text_input("Owner", cell.owner, max_chars=120)
    due_on = st.date_input("Due date", cell.due_on, format="YYYY-MM-DD")
    notes = st.text_area("Notes", cell.notes, max_chars=2000)
    changed_by = st.text_input("Your name", key="plan_changed_by", help="Kept in the cell's history.", max_chars=120)
    if st.form_submit_button("Save cell", type="primary", disabled=locked, help=refusal) and feedback.act(
        "",
        plan.set_plan_cell,
        cached.store(),
        step,
        moment,
        status=status,
        owner=owner.strip(),
        due_on=due_on if isinstance(due_on, date) else None,
        notes=notes.strip(),
        changed_by=changed_by.strip(),
    ):
        st.rerun()

with right:
    st.markdown("**Evidence in the data**")
    for item in cell.evidence:
        mark = ":material/check_circle:" if item.passed else ":material/cancel:"
        st.markdown(f"{mark} {item.label}: **{item.figure}**")
        if item.source == "reputation":
            st.caption("Recorded on this page, below.")
        else:
            navigation.link_to_page(item.source, f"Where this comes from: {evidence.SOURCE_TITLES[item.source]}")
    history = evidence.readable_history(plan.cell_history(cached.store(), step, moment))
    if not history.empty:
        st.markdown("**Changes to this cell**")
        st.dataframe(
            history.drop(columns=["Cell", "Notes"]),
            hide_index=True,
            column_config={"Due": st.column_config.DateColumn()},
        )

st.header("What the steps need")
tab_groups, tab_reputation, tab_standards, tab_progress, tab_export = st.tabs(
    ["1 · Stakeholder groups", "2 · Desired reputation", "4 & 7 · Standards and reviews", "Progress", "Export"]
)

with tab_groups:
    groups = store_groups.groups(cached.store())
    st.caption("The groups whose opinion of us matters.")
    st.dataframe(groups[["name", "description"]], hide_index=True)
    if navigation.page_exists("settings"):
        navigation.link_to_page("settings", "Manage stakeholder groups")
    else:
        with st.form("add_group", clear_on_submit=True):
            name = st.text_input("New group", max_chars=80)
            description = st.text_input("What sets the group apart", max_chars=300)
            # The store judges the name (empty, or taken ignoring case), as everywhere else.
            if st.form_submit_button("Add group", disabled=locked, help=refusal) and feedback.act(
                f"Added the stakeholder group “{name.strip()}”.",
                store_groups.add_group,
                cached.store(),
                name,
                description,
            ):
                st.rerun()

with tab_reputation:
    st.caption("What each group should think and say about us; a statement may hold for every moment or for one.")
    statements = plan.statements(cached.store())
    if groups.empty:
        st.info("Add a stakeholder group first.")
    else:
        shown = statements.assign(
            moment=statements["moment"].map(lambda m: domain.moment_label(m) if m else "Every moment")
        )
        st.dataframe(shown[["group_name", "moment", "text"]], hide_index=True)
        group_ids = dict(zip(groups["name"], groups["id"], strict=True))
        c1, c2 = st.columns(2)
        group_name = c1.selectbox("Group", list(group_ids), key="statement_group")
        for_moment = c2.selectbox(
            "Moment",
            ["", *domain.MOMENT_KEYS],
            key="statement_moment",
            format_func=lambda k: domain.moment_label(k) if k else "Every moment",
        )
        current = plan.statement_text(cached.store(), int(group_ids[group_name]), for_moment or None)
        text = st.text_area(
            "Desired reputation",
            current,
            key=f"statement_text_{group_name}_{for_moment}",
            max_chars=500,
            help="Leave empty and save to remove the statement.",
        )
        if current and not text.strip():  # saving nothing removes the statement: ask first
            confirm.ask("Remove the statement", "remove_statement", icon=":material/delete:", refusal=refusal)
            if confirm.confirmed(
                "remove_statement", f"Remove this statement for {group_name}?", "Remove it"
            ) and feedback.act(
                "",
                plan.set_statement,
                cached.store(),
                int(group_ids[group_name]),
                for_moment or None,
                "",
            ):
                st.rerun()
        elif st.button("Save statement", key="save_statement", disabled=locked, help=refusal) and feedback.act(
            "", plan.set_statement, cached.store(), int(group_ids[group_name]), for_moment or None, text
        ):
            st.rerun()

with tab_standards:
    reviews = review_cycles(rights.visible_by_name(plan.reviews(cached.store(), today)))
    overdue = reviews[reviews["overdue"]]
    if len(overdue):
        st.warning(f"{len(overdue)} standard review(s) overdue: " + ", ".join(overdue["name"]))
    st.dataframe(
        reviews.assign(moment=reviews["moment"].map(domain.moment_label))[
            [
                "cycle",
                "name",
                "moment",
                "standard",
                "review_every_days",
                "last_reviewed_on",
                "next_review_on",
                "overdue",
            ]
        ],
        hide_index=True,
        column_config={
            "review_every_days": st.column_config.NumberColumn("Review every (days)"),
            "last_reviewed_on": st.column_config.DateColumn("Last review"),
            "next_review_on": st.column_config.DateColumn("Next review"),
            "overdue": st.column_config.CheckboxColumn("Overdue"),
        },
    )
    if navigation.page_exists("map"):
        navigation.link_to_page("map", "Write standards on the map")
    if reviews.empty:
        st.info("No touchpoints mapped yet.")
    else:
        labels = dict(zip(reviews["id"], reviews["cycle"] + " · " + reviews["name"], strict=True))
        tp_id = st.selectbox("Touchpoint", list(labels), format_func=lambda i: labels[i], key="review_touchpoint")
        standard_now, every_now, last_now = plan.touchpoint_review(cached.store(), int(tp_id))
        with st.form(f"review_form_{tp_id}"):
            standard = st.text_area("Standard", standard_now, max_chars=1000, help="The behaviour expected here.")
            every = st.number_input(
                "Review every … days (0 = no cadence)",
                min_value=0,
                max_value=3650,
                value=every_now or 0,
            )
            last = st.date_input(
                "Last reviewed on",
                last_now,
                max_value=today,
                format="YYYY-MM-DD",
            )
            tp_cycle = cells_of.whole(reviews.set_index("id").at[tp_id, "cycle_id"])
            review_refusal = refusal or rights.why_not("map", tp_cycle)
            if st.form_submit_button(
                "Save standard and review", disabled=review_refusal is not None, help=review_refusal
            ) and feedback.act(
                "",
                save_review,
                int(tp_id),
                standard,
                int(every) or None,
                last if isinstance(last, date) else None,
            ):
                st.rerun()

with tab_progress:
    st.caption("Share of cells done over time, from every recorded change.")
    by_moment, by_step = st.columns(2)
    by_moment.markdown("**Per moment**")
    by_step.markdown("**Per reputation step**")
    by_moment.plotly_chart(
        plan_charts.progress_lines(cached.plan_progress("moment"), "moment", today),
        config={"displayModeBar": False},
        alt="Lines of the plan's progress per moment over time",
    )
    by_step.plotly_chart(
        plan_charts.progress_lines(cached.plan_progress("step"), "step", today),
        config={"displayModeBar": False},
        alt="Lines of the plan's progress per reputation step over time",
    )
    st.markdown("**Latest changes**")
    st.dataframe(
        evidence.readable_history(plan.cell_history(cached.store()).head(200)),
        hide_index=True,
        column_config={"Due": st.column_config.DateColumn()},
    )

with tab_export:
    st.caption("The whole plan with each cell's evidence, for a spreadsheet.")
    table = exports.labelled(grid.drop(columns=["step", "moment", "status"]))
    for column, suffix, mime, make in zip(
        st.columns(2),
        ("csv", "xlsx"),
        (exports.CSV_MIME, exports.XLSX_MIME),
        (lambda: exports.to_csv_bytes(table), lambda: exports.to_xlsx_bytes(table, "plan")),
        strict=True,
    ):
        # Made when clicked, not on every run of the page.
        column.download_button(
            f"Download {suffix.upper()}", data=make, file_name=f"reputation-plan.{suffix}", mime=mime, on_click="ignore"
        )

with st.expander("Thresholds the evidence is judged by"):
    current_thresholds = cached.plan_thresholds().as_dict()
    with st.form("thresholds"):
        entered = {
            s.key: st.number_input(
                s.label,
                value=int(current_thresholds[s.key]) if s.whole else current_thresholds[s.key],
                step=1 if s.whole else 0.05,
                help=s.help,
                key=f"threshold_{s.key}",
            )
            for s in SETTINGS
        }
        # The evidence thresholds change every page's verdicts: a workspace setting (admins).
        thresholds_refusal = rights.why_not("settings")
        if st.form_submit_button(
            "Save thresholds", disabled=thresholds_refusal is not None, help=thresholds_refusal
        ) and feedback.act("", save_thresholds, {k: float(v) for k, v in entered.items()}):
            st.rerun()
