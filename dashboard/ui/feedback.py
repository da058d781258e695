"""Feedback on writes: run one, show its conflict message, and confirm it once on the next run."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard import access, safe


def act(action: str, work: Callable[..., object], *args: object, **kwargs: object) -> bool:
    """Runs a write; shows its conflict or refusal message (never a traceback) and says whether it worked.

    On success the message (``action``, unless empty) is kept for the next run, which the caller usually starts with
    ``st.rerun()`` so every cached read sees the change.
    """
    try:
        work(*args, **kwargs)
    except ValueError as error:
        st.error(safe.md(error))  # refusals quote the names people typed
        return False
    except access.ForbiddenError as error:  # the store's own check, behind every disabled control
        st.error(safe.md(error), icon=":material/lock:")
        return False
    if action:  # an empty action confirms nothing: the page shows the change itself
        st.session_state["_map_flash"] = action
    return True


def flash() -> None:
    """Shows (once) the confirmation left by the last successful ``act``."""
    message = st.session_state.pop("_map_flash", None)
    if message:
        st.success(safe.md(message))
