"""The map page's "Map files" tab: a cycle's map out as CSV or XLSX, and a map file in, with what
it would change shown first. Only cycles the person may change are imported into."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from dashboard import exports, maps, text
from dashboard.store import Store
from dashboard.store import cycles as store_cycles
from dashboard.ui import feedback, rights, url_state


def export_section(store: Store, cycle_id: int, cycle_name: str) -> None:
    """Download buttons for the cycle's map, made when clicked."""
    st.subheader("Export")
    st.caption(
        "One row per touchpoint, in order: " + ", ".join(maps.REQUIRED) + ", then " + ", ".join(maps.OPTIONAL) + "."
    )
    stem = exports.file_stem(cycle_name, fallback="cycle")
    for column, suffix, mime in zip(st.columns(2), ("csv", "xlsx"), (exports.CSV_MIME, exports.XLSX_MIME), strict=True):
        column.download_button(
            f"This cycle as {suffix.upper()}",
            # Made when clicked, not on every run of the page.
            data=partial(maps.export_bytes, store, f"{stem}.{suffix}", cycle_id),
            file_name=f"{stem}.{suffix}",
            mime=mime,
            on_click="ignore",
        )


def _show_cycle_named(store: Store, name: str) -> None:
    """Makes the cycle a map file named the one the page shows next (names match as the store matches them)."""
    after = store_cycles.cycles(store)
    for found in after.loc[after["name"].map(text.key) == text.key(name), "id"].head(1):
        url_state.choose("cycle", int(found))


def _refusal(store: Store, named: pd.Series) -> str | None:
    """Why the person may not import into a cycle the file names (an existing one outside their
    teams or their scope); checked before the preview, which would show that cycle's touchpoints."""
    existing = store_cycles.cycles(store)
    keys = set(named.map(text.key))
    for cycle_id in existing.loc[existing["name"].map(text.key).isin(keys), "id"].astype(int).tolist():
        reason = rights.why_not("map", cycle_id)
        if reason is not None:
            return reason
    return None


def _show_problems(error: maps.MapFileError) -> None:
    if all(row == 0 for row, _ in error.problems):  # the file as a whole was refused: no rows to list
        st.error("The map file was not imported; nothing was written. " + error.problems[0][1])
    else:
        st.error("The map file was not imported; nothing was written. Fix these rows and upload it again.")
        st.dataframe(pd.DataFrame(error.problems, columns=["Row", "Problem"]), hide_index=True, width="stretch")


def import_section(store: Store) -> None:
    """A map file in: checked, its changes shown, imported on a click."""
    st.subheader("Import")
    if rights.read_only("map", what="Importing map files"):
        return
    st.caption(
        "A cycle that already exists is updated: touchpoints are added, moved and edited, never duplicated. "
        "Touchpoints the file leaves out stay, after the listed ones. Unknown teams and groups are created."
    )
    upload = st.file_uploader("Map file (CSV or XLSX)", type=["csv", "xlsx"], key="map_upload")
    if upload is None:
        return
    data = upload.getvalue()
    try:
        planned = maps.plan_import(store, upload.name, data)
    except maps.MapFileError as error:
        _show_problems(error)
        return
    refusal = _refusal(store, planned.rows["service_cycle"])
    if refusal is not None:
        st.error(f"The map file was not imported; nothing was written. {refusal}", icon=":material/lock:")
        return
    st.markdown("**What the import changes**")
    st.dataframe(pd.DataFrame({"Change": planned.changes}), hide_index=True, width="stretch")
    if st.button("Import the map", type="primary") and feedback.act(
        "Map imported: " + "; ".join(planned.changes), maps.import_map, store, upload.name, data
    ):
        _show_cycle_named(store, str(planned.rows["service_cycle"].iloc[0]))
        st.rerun()
