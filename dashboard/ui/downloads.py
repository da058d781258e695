"""Download buttons for a chart and its data; files are made only when a button is clicked."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import exports
from dashboard import formatting as fmt
from dashboard.charts import export


@st.cache_resource
def _can_draw() -> bool:
    """Whether PNG export can work here, checked once per server."""
    return export.can_draw()


def downloads(fig: go.Figure | None, frame: pd.DataFrame, name: str, title: str | None = None) -> None:
    """Download buttons for a chart: PNG (made on click), and its data as CSV and XLSX.

    The PNG is drawn in the export layout (``charts.export``) under ``title``, by default the
    file name in words ("moment-trends": "Moment trends"). Files are made only when a button
    is clicked, so reruns stay fast. The data files speak the screen's language
    (``exports.labelled``). Beside them, a toggle shows the same numbers as a table: the
    chart's text alternative for anyone who cannot see it.
    """
    table, files = st.columns([3, 1], vertical_alignment="center")
    if fig is not None and table.toggle("Show the numbers", key=f"table_{name}", help="The chart's data as a table."):
        st.dataframe(exports.labelled(frame), hide_index=True)
    with files.popover("Download", icon=":material/download:"):
        if fig is None:
            pass
        elif not _can_draw():
            st.caption("PNG export needs Chromium on the server (apt-get install chromium); data downloads work.")
        else:
            st.download_button(
                "Chart as PNG",
                data=lambda: export.png_bytes(fig, title or name.replace("-", " ").capitalize()),
                file_name=f"{name}.png",
                mime="image/png",
                on_click="ignore",
                key=f"png_{name}",
            )
        st.download_button(
            "Data as CSV",
            data=lambda: exports.to_csv_bytes(exports.labelled(frame)),
            file_name=f"{name}.csv",
            mime=exports.CSV_MIME,
            on_click="ignore",
            key=f"csv_{name}",
        )
        st.download_button(
            "Data as XLSX",
            data=lambda: exports.to_xlsx_bytes(exports.labelled(frame), name),
            file_name=f"{name}.xlsx",
            mime=exports.XLSX_MIME,
            on_click="ignore",
            key=f"xlsx_{name}",
        )


def rejected(frame: pd.DataFrame, what: str, file_stem: str, key: str, *, expanded: bool = False) -> None:
    """The rows or answers an import would reject, with their reasons: the first 500 on screen,
    all of them as a CSV download. ``what`` names them ("rows", "answers")."""
    with st.expander(f"Rejected {what} ({fmt.count(len(frame))})", expanded=expanded):
        st.dataframe(frame.head(500), hide_index=True, width="stretch")
        st.download_button(
            f"Download the rejected {what} (CSV)",
            exports.to_csv_bytes(frame),
            file_name=f"{file_stem}-rejected.csv",
            mime="text/csv",
            key=key,
        )
