"""Touchpoint and reputation dashboard: service cycles, touchpoints, impressions, reputation plan.

Everything in this package except ``dashboard.ui`` works without Streamlit.
"""
