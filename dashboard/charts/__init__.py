"""Plotly figures, one module per page family, all in the house style of ``charts.style``.

Each function takes a small, already-aggregated frame and returns a figure; no Streamlit here.
"""
