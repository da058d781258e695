"""Destructive actions (delete, end, remove) ask before they act.

The action's own button is a plain, secondary one: it only asks. The question appears with a
confirming button and a Cancel button; the action runs on the confirming click alone. Neither
is ever the page's primary button, which stays for the action the page is there for.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

_ASKING = "_confirm_asking"  # session state: the key of the action whose question is open


def _open(key: str) -> None:
    st.session_state[_ASKING] = key


def cancel() -> None:
    """Closes the open question (as its Cancel button does)."""
    st.session_state.pop(_ASKING, None)


def asking(key: str) -> bool:
    """Whether the question of ``ask(…, key)`` is open."""
    return bool(st.session_state.get(_ASKING) == key)


def ask(
    label: str,
    key: str,
    *,
    where: Any = None,
    icon: str | None = None,
    width: Any = "content",
    refusal: str | None = None,
) -> None:
    """The destructive action's button; a click opens its question (``confirmed`` shows it).

    ``where`` is the container to draw in (a column), the page by default. ``refusal`` (why the
    person may not do it, ``rights.why_not``) disables the button and becomes its help.
    """
    (where or st).button(
        label,
        key=key,
        icon=icon,
        width=width,
        on_click=_open,
        args=(key,),
        disabled=refusal is not None,
        help=refusal,
    )


def confirmed(key: str, question: str, yes_label: str) -> bool:
    """Shows the open question of ``ask(…, key)``; True on the run its confirming button was clicked.

    Only one question is open at a time: asking another closes this one.
    """
    if not asking(key):
        return False
    with st.container(border=True):
        st.warning(question, icon=":material/help:")
        yes, no = st.columns(2)
        clicked = yes.button(yes_label, key=f"{key}_yes", width="stretch")
        no.button("Cancel", key=f"{key}_cancel", on_click=cancel, width="stretch")
    if clicked:
        cancel()
    return clicked
