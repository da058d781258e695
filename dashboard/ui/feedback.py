"""Feedback on writes: run one, show its conflict message, and confirm it once on the next run."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard import safe


def act(action: str, work: Callable[..., object], *args: object, **kwargs: object) -> bool:
    """Runs a write; shows its conflict message (never a traceback) and says whether it worked.

    On success the message is kept for the next run, which the caller usually starts with
    ``st.rerun()`` so every cached read sees the change.
    """
    try:
        work(*args, **kwargs)
    except ValueError as error:
        st.error(safe.md(error))  # refusals quote the names people typed
        return False
    st.session_state["_map_flash"] = action
    return True


def flash() -> None:
    """Shows (once) the confirmation left by the last successful ``act``."""
    message = st.session_state.pop("_map_flash", None)
    if message:
        st.success(safe.md(message))
