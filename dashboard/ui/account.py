"""Settings: how people sign in to this workspace, and the account of whoever is looking."""

from __future__ import annotations

import streamlit as st

from dashboard import access, accounts, safe
from dashboard.ui import cached

_HOW_TO_SWITCH = (
    "To change it, set `DASHBOARD_AUTH` to `open`, `oidc` or `local` where the server starts, or put "
    '`auth_mode = "local"` (or `"oidc"`) at the top of `.streamlit/secrets.toml`, then restart the server. '
    "Single sign-on also needs an `[auth]` section there (see the README)."
)


def sign_in_mode() -> None:
    """The configured sign-in mode in words, with what it means for who can do what."""
    mode = accounts.mode()
    st.header("Sign-in")
    st.write(f"**{safe.md(accounts.MODE_LABELS[mode])}**")
    if mode == "open":
        st.warning(
            "Nobody signs in: whoever can open this address can read, change and delete everything, "
            "manage tokens and download backups. Use open mode for one person on their own computer, "
            "or a trusted room on a closed network, never on a shared or public network.",
            icon=":material/lock_open:",
        )
    elif mode == "oidc":
        st.caption(
            "People sign in with your organisation's identity provider. Only those with an account "
            "here get in; an admin adds them below by their e-mail address."
        )
    else:
        st.caption(
            "People sign in with an e-mail address and a password. An admin adds them below and "
            "gives them a one-time link to set their password."
        )
    st.markdown(_HOW_TO_SWITCH)  # not a caption: code spans in its grey fail the contrast check


def _cycle_names(ids: frozenset[int] | None, everything: str) -> str:
    if ids is None:
        return everything
    frame = cached.cycles()
    names = sorted(frame.loc[frame["id"].isin(ids), "name"].tolist())
    return ", ".join(names) if names else "none"


def own_account(principal: access.Principal) -> None:
    """Who the viewer is here: their role, the cycles they see and those they may change."""
    st.header("Your account")
    if principal.kind == "open":
        st.caption("Open mode has no accounts: you act as admin.")
        return
    role = principal.role or ""
    st.write(f"**{safe.md(principal.name)}**: {safe.md(access.ROLE_LABELS.get(role, role))}.")
    st.caption(f"You see: {safe.md(_cycle_names(principal.cycles, 'every service cycle'))}.")
    if principal.may("map") and role != "admin":
        st.caption(
            "You may change: "
            f"{safe.md(_cycle_names(principal.writable, 'every service cycle you see'))} "
            "(the cycles whose touchpoints your teams own)."
        )
    st.caption("To change your role, your teams or what you see, ask an admin of this workspace.")
