"""Upload surveys: preview what a file will record, import it in one click, undo an import."""

from datetime import date
from pathlib import Path

import streamlit as st

from dashboard import access, cells, domain, exports
from dashboard import formatting as fmt
from dashboard.imports import dates, pipeline
from dashboard.imports.reading import SurveyError
from dashboard.scales import COMMON_SCALES, Scale
from dashboard.ui import cached, downloads, import_editor, import_history, importing, navigation, rights, url_state

navigation.route_through_navigation()
rights.page_needs("upload")

DETECT = "Recognise from the answers"
SKIP_LABEL = "Skip these rows"
CREATE_LABEL = "Add as a new touchpoint"
ORDER_LABELS = {dates.AUTO: "Recognise", dates.DAY_FIRST: "Day first (27/09)", dates.MONTH_FIRST: "Month first (09/27)"}

st.title("Upload surveys")
st.caption(
    "Bring in survey answers as impressions. Nothing is written until you press Import, and every import "
    "can be undone later."
)

cycles = rights.visible(cached.cycles())
if cycles.empty:
    st.info("There are no service cycles yet. Map a cycle and its touchpoints first, then upload its surveys.")
    st.stop()

cycle_ids = dict(zip(cycles["name"], cycles["id"], strict=True))
cycle_name = st.selectbox(
    "Service cycle",
    list(cycle_ids),
    url_state.position("cycle", list(cycle_ids.values())),
    help="The impressions are recorded on this cycle's map.",
)
cycle_id = int(cycle_ids[cycle_name])
# An editor sees the cycles of other teams too, read-only: the controls that write say why they are off.
refusal = rights.why_not("import", cycle_id)
touchpoints = cached.cycle_touchpoints(cycle_id)
touchpoint_ids = dict(zip(touchpoints["name"], touchpoints["id"], strict=True))

import_tab, history_tab, manual_tab, template_tab = st.tabs(
    ["Import files", "Import history", "Record one impression", "Template"]
)

with import_tab:
    files = st.file_uploader(
        "Survey files (CSV, TSV or XLSX)",
        type=["csv", "tsv", "txt", "xlsx", "xlsm"],
        accept_multiple_files=True,
        disabled=refusal is not None,
        help=refusal
        or "The long format (one impression per row: date, touchpoint, answer, ...) or a survey tool's export "
        "as downloaded (Qualtrics, SurveyMonkey, Google Forms, Microsoft Forms, Typeform, LimeSurvey, Alchemer, "
        "or a sheet whose column headers name the touchpoints).",
    )
    with st.expander("Import options"):
        scale_choice = st.selectbox(
            "Scale of the answers",
            [DETECT, *(s.spec for s in COMMON_SCALES), "Other…"],
            help="Used for rows that do not name their own scale. When the answers do not settle it, each file "
            "asks you to choose.",
        )
        if scale_choice == "Other…":
            custom = st.text_input("Scale", placeholder="1-4, -3..3 or labels:Poor|Fair|Good")
            scale_choice = custom or DETECT
        order = st.radio(
            "Dates such as 03/04/2026",
            list(ORDER_LABELS),
            format_func=ORDER_LABELS.__getitem__,
            horizontal=True,
        )
        strict = st.toggle("Strict: refuse a file if any row is rejected or it names new groups", value=False)
        new_moment = st.selectbox(
            "Moment of touchpoints added during an import",
            domain.MOMENT_KEYS,
            format_func=domain.moment_label,
            index=2,
        )
        imported_by = st.text_input("Your name (shown in the import history)", max_chars=80)
    try:
        chosen_scale = None if scale_choice == DETECT else Scale.parse(scale_choice)
    except ValueError as error:
        st.error(str(error))
        st.stop()

    done: dict[str, str] = st.session_state.setdefault("imports_done", {})
    for number, upload in enumerate(files or []):
        data = upload.getvalue()
        digest = pipeline.content_hash_of(data)
        st.subheader(upload.name, divider="gray")
        if digest in done:
            st.success(done[digest])
            continue
        earlier = importing.earlier_import(digest)
        if earlier is not None:
            st.warning(
                f"This file was already imported (import {earlier['id']}, {earlier['file_name']}, "
                f"{earlier['imported_at']:%d %b %Y %H:%M}). Importing it again would count every answer twice, "
                "so it is left out. Undo that import first to replace it."
            )
            continue
        sheet = None
        if Path(upload.name).suffix.lower() in (".xlsx", ".xlsm"):
            try:
                sheets = importing.workbook_sheets(data)
            except SurveyError as error:
                st.error(str(error))
                continue
            if len(sheets) > 1:
                first = pipeline.likely_sheet(data, sheets)
                sheet = st.selectbox("Sheet", sheets, index=first, key=f"sheet-{number}-{digest[:12]}")
        name_map: dict[str, int | str] = st.session_state.setdefault(f"names-{digest}", {})
        wide: import_editor.WideChoices = st.session_state.setdefault(f"wide-{digest}", {})
        options = pipeline.Options(
            scale=Scale.parse(str(wide["scale"])) if "scale" in wide else chosen_scale,
            date_order=order,
            name_map=dict(name_map),
            group_map=dict(wide.get("groups", {})),
            sheet=sheet,
            overrides=tuple(sorted(dict(wide.get("overrides", {})).items())),
            comment_column=wide.get("comment"),
            group_column=wide.get("group"),
            label_order=tuple(wide.get("order", ())),
        )
        try:
            with st.spinner(f"Reading {upload.name}…"):
                preview = importing.survey_preview(data, digest, upload.name, cycle_id, options)
        except pipeline.UnknownLabelsError as error:
            st.warning(str(error))
            picked_order = st.multiselect(
                "The answers from worst to best (pick them in that order)", error.labels, key=f"order-{digest[:12]}"
            )
            if st.button("Use this order", key=f"use-order-{digest[:12]}", disabled=not picked_order):
                wide["order"] = list(picked_order)
                st.rerun()
            continue
        except pipeline.ScaleGuessError as error:
            import_editor.scale_guess(error, wide, key=digest[:12])
            continue
        except SurveyError as error:
            st.error(str(error))
            continue

        with st.container(border=True):
            st.markdown("**What was detected**")
            st.table({"": list(preview.detected), "Detected": list(preview.detected.values())}, border="horizontal")
        if preview.layout is not None:
            import_editor.wide_layout_editor(preview, wide, list(touchpoint_ids), key=digest[:12])
        import_editor.new_groups_editor(preview, wide, key=digest[:12])
        figures = preview.figures()
        for column, (label, count, help_text) in zip(st.columns(len(figures)), figures, strict=True):
            column.metric(label, fmt.count(count), border=True, help=help_text)
        if len(preview.per_touchpoint):
            st.dataframe(preview.per_touchpoint, hide_index=True, width="stretch")

        if len(preview.unmatched):
            st.warning(
                f"{len(preview.unmatched)} touchpoint name(s) match nothing on the map of {cycle_name}. "
                "Choose what to do with each; until then their rows are rejected."
            )
            choices = [SKIP_LABEL, CREATE_LABEL, *touchpoint_ids]
            for row in preview.unmatched.itertuples():
                picked = st.selectbox(
                    f"“{row.name}” ({fmt.count(cells.whole(row.rows))} rows)",
                    choices,
                    key=f"map-{digest[:12]}-{row.Index}",
                )
                if picked == SKIP_LABEL:
                    name_map.pop(str(row.name), None)
                else:
                    name_map[str(row.name)] = pipeline.CREATE if picked == CREATE_LABEL else int(touchpoint_ids[picked])
            if st.button("Apply these choices", key=f"apply-{digest[:12]}"):
                st.rerun()
        if name_map and st.button("Forget my choices for unmatched names", key=f"reset-{digest[:12]}"):
            name_map.clear()
            st.rerun()

        if len(preview.rejected):
            downloads.rejected(preview.rejected, "answers", Path(upload.name).stem, f"rejected-{digest[:12]}")

        refusal = preview.refusal(strict=strict)
        if refusal:
            st.error(f"Not imported: {refusal}.")
            continue
        if st.button(import_editor.import_label(preview), type="primary", key=f"import-{digest[:12]}"):
            try:
                result = importing.commit_import(preview, imported_by.strip(), new_moment)
            except (SurveyError, access.ForbiddenError) as error:
                st.error(str(error))
                continue
            done[digest] = importing.imported_message(result, cycle_name)
            st.rerun()

with history_tab:
    import_history.history_panel()

with manual_tab:
    if not touchpoint_ids:
        st.info(f"{cycle_name} has no touchpoints yet.")
    else:
        manual_scale = Scale.parse(
            st.selectbox("Scale", [s.spec for s in COMMON_SCALES], key="manual-scale", format_func=str)
        )
        groups = cached.groups()
        group_ids = dict(zip(groups["name"], groups["id"], strict=True))
        with st.form("manual-entry", clear_on_submit=True):
            touchpoint = st.selectbox("Touchpoint", list(touchpoint_ids))
            observed_on = st.date_input("Date", value=date.today(), max_value=date.today())
            answer = st.select_slider("Answer", options=list(manual_scale.points))
            group = st.selectbox("Stakeholder group", ["(none)", *group_ids])
            comment = st.text_area("Comment", max_chars=2000)
            if st.form_submit_button("Record the impression", disabled=refusal is not None, help=refusal):
                try:
                    frame = pipeline.manual_impression(
                        int(touchpoint_ids[touchpoint]),
                        observed_on,
                        str(answer),
                        manual_scale,
                        int(group_ids[group]) if group in group_ids else None,
                        comment,
                    )
                except SurveyError as error:
                    st.error(str(error))
                else:
                    try:
                        importing.record_manual(frame)
                    except access.ForbiddenError as error:
                        rights.refused(error)
                    else:
                        st.success(f"Recorded {answer} for {touchpoint}.")

with template_tab:
    st.markdown(
        "The long format holds one impression per row. **date**, **touchpoint** and **answer** are required; "
        "**service_cycle** may be left empty (the cycle chosen above is used), **group** names a stakeholder "
        "group, **scale** gives the row's own scale (such as `0-10` or `labels:Poor|Fair|Good`), and "
        "**comment** is kept exactly as written. A group the workspace does not have yet is created with the "
        "import (or mapped, as you choose in the preview)."
    )
    left, right = st.columns(2)
    left.download_button(
        "Download the template (CSV)",
        exports.to_csv_bytes(pipeline.template_frame()),
        file_name="impressions-template.csv",
        mime="text/csv",
    )
    right.download_button(
        "Download a filled example (CSV)",
        exports.to_csv_bytes(pipeline.example_frame(cycle_name, list(touchpoint_ids))),
        file_name="impressions-example.csv",
        mime="text/csv",
    )
