"""Charts that need a minimum width: on a narrower screen (a phone) they scroll sideways."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st


@contextmanager
def at_least(min_width: int | None, key: str) -> Iterator[None]:
    """Draws what is inside at least ``min_width`` pixels wide; a narrower screen scrolls it sideways.

    Two keyed containers: the outer one scrolls, the inner one keeps the width, and the chart
    inside stretches to the inner one. ``None`` draws as usual. (The CSS is fixed text and a
    whole number: no user data.)
    """
    if not min_width:
        yield
        return
    st.html(
        f"<style>.st-key-{key}_scroll {{ overflow-x: auto; }}"
        f" .st-key-{key}_inner {{ min-width: {int(min_width)}px; }}</style>"
    )
    with st.container(key=f"{key}_scroll"), st.container(key=f"{key}_inner"):
        yield
