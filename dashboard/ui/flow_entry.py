"""The Flow page's recording widgets: import a flow file (preview, import, history with undo),
enter one month by hand, download the template, and the flow settings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import access, domain, exports, flow
from dashboard import formatting as fmt
from dashboard.flow import files
from dashboard.imports.reading import SurveyError
from dashboard.ui import downloads, rights
from dashboard.ui import flow as flow_ui


def _file_refusal(counts: pd.DataFrame) -> str | None:
    """Why the person may not record these counts: the first cycle they name that the person may not write."""
    for cycle_id in counts["cycle_id"].dropna().astype(int).unique().tolist():
        reason = rights.why_not("flow", cycle_id)
        if reason is not None:
            return reason
    return None


def import_files() -> None:
    """Flow files: preview each, import it in one click, nothing written before that."""
    if rights.read_only("flow", what="Recording customer flow"):
        return
    uploads = st.file_uploader(
        "Flow files (CSV or XLSX)",
        type=["csv", "tsv", "txt", "xlsx", "xlsm"],
        accept_multiple_files=True,
        help="One count per row: period (2026-09 or a day in it), service_cycle, measure, source, count.",
        key="flow_files",
    )
    strict = st.toggle("Strict: refuse a file if any row is rejected", key="flow_strict")
    who = st.text_input("Your name (shown in the import history)", max_chars=80, key="flow_who")
    done: dict[str, str] = st.session_state.setdefault("flow_imports_done", {})
    for upload in uploads or []:
        data = upload.getvalue()
        digest = files.fingerprint(data)
        st.subheader(upload.name, divider="gray")
        if digest in done:
            st.success(done[digest])
            continue
        earlier = flow_ui.earlier_import(digest)
        if earlier is not None:
            st.warning(
                f"This file was already imported (flow import {earlier['id']}, {earlier['file_name']}). "
                "Importing it again would count every figure twice; undo that import first to replace it."
            )
            continue
        try:
            preview = flow_ui.preview(data, upload.name, None)
        except SurveyError as error:
            st.error(str(error))
            continue
        _preview(preview, upload.name, digest, strict, who.strip(), done)


def _preview(preview: files.Preview, name: str, digest: str, strict: bool, who: str, done: dict[str, str]) -> None:
    # Checked first: the preview would tell about figures recorded for a cycle outside the person's teams.
    forbidden = _file_refusal(preview.counts)
    if forbidden is not None:
        st.error(f"Not imported: {forbidden}", icon=":material/lock:")
        return
    kpi = st.columns(3)
    kpi[0].metric("Rows read", fmt.count(preview.rows_read), border=True)
    kpi[1].metric("Counts to record", fmt.count(len(preview.counts)), border=True)
    kpi[2].metric("Rows rejected", fmt.count(len(preview.rejected)), border=True)
    if preview.new_sources:
        st.info("Sources not among the usual ones (kept as new sources): " + ", ".join(preview.new_sources))
    adding = flow_ui.overlapping(preview.counts) if len(preview.counts) else 0
    if adding:
        st.warning(f"{adding} of these counts add to figures already recorded for the same cycle, month and measure.")
    if len(preview.rejected):
        downloads.rejected(preview.rejected, "rows", Path(name).stem, f"flow-rejected-{digest[:12]}", expanded=True)
    refusal = preview.refusal(strict=strict)
    if refusal:
        st.error(f"Not imported: {refusal}.")
        return
    if st.button(f"Import {fmt.count(len(preview.counts))} counts", type="primary", key=f"flow-import-{digest[:12]}"):
        try:
            result = flow_ui.commit(preview, who)
        except (SurveyError, access.ForbiddenError) as error:
            st.error(str(error))
            return
        done[digest] = f"Imported {fmt.count(result.counts)} counts from {name} (flow import {result.import_id})."
        st.rerun()


def import_history() -> None:
    """The flow imports, with undo; only for those who see every cycle, as an import may span several."""
    if rights.who().cycles is not None:
        st.caption("A flow import may cover several service cycles, so its history is shown to those who see them all.")
        return
    history = flow_ui.history()
    if history.empty:
        st.info("No flow files imported yet.")
        return
    st.dataframe(history, hide_index=True, width="stretch")
    standing = history[history["undone_at"].isna()]
    if standing.empty:
        return
    labels = dict(
        zip(
            standing["id"].astype(int),
            standing["id"].astype(str)
            + ": "
            + standing["file_name"]
            + " ("
            + standing["counts"].astype(str)
            + " counts)",
            strict=True,
        )
    )
    chosen = st.selectbox("Flow import to undo", list(labels), format_func=labels.__getitem__, key="flow_undo_pick")
    refusal = rights.why_not("undo")
    if st.button(
        "Undo this flow import",
        help=refusal or "Removes every count it recorded.",
        key="flow_undo",
        disabled=refusal is not None,
    ):
        try:
            removed = flow_ui.undo(int(chosen))
        except (SurveyError, access.ForbiddenError) as error:
            st.error(f"Nothing was undone: {error}.")
            return
        st.session_state["flow_imports_done"] = {}
        st.success(f"Undone: {fmt.count(removed)} counts removed.")


def manual_entry() -> None:
    """One cycle and month typed in: the counts, and prospects by source (for the cycles the person may write)."""
    if rights.read_only("flow", what="Entering customer flow"):
        return
    every = flow_ui.cycles()
    cycles = every[[rights.why_not("flow", int(c)) is None for c in every["id"]]]
    if every.empty:
        st.info("There are no service cycles yet. Map a cycle first.")
        return
    if cycles.empty:
        st.info("None of the service cycles is your teams'; you may read their flow but not record it.")
        return
    with st.form("flow-manual", clear_on_submit=True):
        left, right = st.columns(2)
        cycle = left.selectbox("Service cycle", list(cycles["name"]), key="flow_manual_cycle")
        month = right.date_input("Month (any day in it)", value=date.today(), max_value=date.today(), key="flow_month")
        st.markdown("**Prospects by source**")
        source_columns = st.columns(4)
        by_source = {
            s: int(source_columns[i % 4].number_input(s, min_value=0, step=1, key=f"flow_src_{i}"))
            for i, s in enumerate(flow.SOURCES)
        }
        st.markdown("**The other moments**")
        measure_columns = st.columns(3)
        values = {
            m.key: int(
                measure_columns[i % 3].number_input(m.label, min_value=0, step=1, help=m.help, key=f"flow_m_{m.key}")
            )
            for i, m in enumerate(flow.MEASURES[1:])
        }
        submitted = st.form_submit_button("Record these counts")
    if submitted:
        counts, rejected = files.check(files.manual_rows(cycle, month, values, by_source), flow_ui.context())
        if len(rejected):
            st.error("Nothing recorded: " + "; ".join(rejected["reason"]) + ".")
        elif counts.empty:
            st.warning("Nothing recorded: every count was zero.")
        else:
            try:
                flow_ui.record(counts, st.session_state.get("flow_who", "").strip())
            except access.ForbiddenError as error:
                rights.refused(error)
            else:
                st.success(f"Recorded {len(counts)} counts for {cycle}, {month:%B %Y}.")


def template() -> None:
    st.markdown(
        "A flow file holds one count per row: **period** (a month such as `2026-09`, or a day in it), "
        "**service_cycle**, **measure** (" + ", ".join(f"`{m}`" for m in flow.MEASURE_KEYS) + "), **source** "
        "(needed for prospects; the usual ones are " + ", ".join(flow.SOURCES) + ", or a source of your own) "
        "and **count**. Counts for the same cycle, month, measure and source add up."
    )
    st.download_button(
        "Download the template (CSV)",
        exports.to_csv_bytes(files.template_frame()),
        file_name="flow-template.csv",
        mime="text/csv",
        key="flow_template",
    )


def settings_form() -> None:
    """Targets per moment, what a customer is worth and costs to win, and carry-over per cycle."""
    refusal = rights.why_not("settings")  # workspace-wide: an admin's
    current = flow_ui.settings()
    with st.form("flow-settings"):
        columns = st.columns(3)
        targets = {
            f"target_{m}": columns[i].number_input(
                f"Target conversion, {domain.moment_label(m)}",
                0.0,
                100.0 if m != "multiplier" else 1000.0,
                float(current.target(m) or 0) * 100,
                step=1.0,
                format="%.1f",
                help=flow.CONVERSIONS[m][2] + " (percent).",
            )
            / 100
            for i, m in enumerate(flow.CONVERSIONS)
        }
        money = st.columns(3)
        value = money[0].number_input("Average value of a customer", 0.0, 1e9, current.customer_value, step=50.0)
        win = money[1].number_input("Cost of winning a new customer", 0.0, 1e9, current.win_cost, step=10.0)
        ratio = money[2].number_input(
            "Winning costs … times keeping",
            1.0,
            100.0,
            current.win_to_keep_ratio,
            step=0.5,
            help="The source texts put winning a customer at five to six times the cost of keeping one.",
        )
        if st.form_submit_button("Save the flow settings", disabled=refusal is not None, help=refusal):
            try:
                flow_ui.save_settings({**targets, "customer_value": value, "win_cost": win, "win_to_keep_ratio": ratio})
            except (ValueError, access.ForbiddenError) as error:
                st.error(str(error))
            else:
                st.success("Saved.")
    # Only the cycles the person may write are offered, and only their marks are saved.
    cycles = flow_ui.cycles()
    cycles = cycles[[rights.why_not("flow", int(c)) is None for c in cycles["id"]]]
    if cycles.empty:
        return
    carried = st.multiselect(
        "Cycles with carry-over",
        list(cycles["name"]),
        default=list(cycles.loc[cycles["carry_over"], "name"]),
        help="Customers of these cycles may decide in a later month than they first came, so a month may win more "
        "customers than it had prospects.",
        key="flow_carry_over",
    )
    if st.button("Save carry-over", key="flow_carry_save"):
        try:
            flow_ui.set_carry_over(dict(zip(cycles["id"].astype(int), cycles["name"].isin(carried), strict=True)))
        except access.ForbiddenError as error:
            rights.refused(error)
        else:
            st.success("Saved.")
