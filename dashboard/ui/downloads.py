"""Download buttons for a chart and its data; files are made only when a button is clicked."""

from __future__ import annotations

import shutil

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import exports


@st.cache_resource
def _png_browser() -> str | None:
    """The browser kaleido will use for PNG export, or None when the machine has none."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def downloads(fig: go.Figure | None, frame: pd.DataFrame, name: str) -> None:
    """Download buttons for a chart: PNG (made on click), and its data as CSV and XLSX.

    Files are made only when a button is clicked, so reruns stay fast.
    """
    with st.popover("Download", icon=":material/download:"):
        if fig is None:
            pass
        elif _png_browser() is None:
            st.caption("PNG export needs Chromium on the server (apt-get install chromium); data downloads work.")
        else:
            st.download_button(
                "Chart as PNG",
                data=lambda: fig.to_image(format="png", width=1400, scale=1),
                file_name=f"{name}.png",
                mime="image/png",
                on_click="ignore",
                key=f"png_{name}",
            )
        st.download_button(
            "Data as CSV",
            data=lambda: exports.to_csv_bytes(frame),
            file_name=f"{name}.csv",
            mime=exports.CSV_MIME,
            on_click="ignore",
            key=f"csv_{name}",
        )
        st.download_button(
            "Data as XLSX",
            data=lambda: exports.to_xlsx_bytes(frame, name),
            file_name=f"{name}.xlsx",
            mime=exports.XLSX_MIME,
            on_click="ignore",
            key=f"xlsx_{name}",
        )
