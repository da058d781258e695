"""Who is using the pages: the signed-in user (local accounts or single sign-on), or everyone as
admin in open mode. Registered with ``dashboard.access`` so the store's write checks see the same
principal the page does, fragments included.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from dashboard import access, accounts
from dashboard.store import users
from dashboard.ui import cached

_MEMO = "_access_principal"
"""Session-state key of this browser session's principal, with what it was worked out from.
A leading underscore: no widget has it, so a browser cannot set it."""


def _signed_in_key() -> str | None:
    """What identifies the person: the session cookie (local) or the e-mail (single sign-on)."""
    mode = accounts.mode()
    if mode == "local":
        return st.context.cookies.get(accounts.COOKIE)
    if mode == "oidc" and st.user.is_logged_in:
        return f"oidc:{st.user.get('email') or ''}"
    return None


def _resolve(key: str | None) -> access.Principal:
    mode = accounts.mode()
    if mode == "open":
        return access.OPEN
    if key is None:
        return access.ANONYMOUS
    store = cached.store()
    if mode == "oidc":
        found = users.principal_for_email(store, key.removeprefix("oidc:"))
    else:
        secret = accounts.unsign(key, users.signing_key(store))
        found = None if secret is None else users.session_principal(store, secret)
    return found or access.ANONYMOUS


def principal() -> access.Principal:
    """The person this page runs for, checked again whenever anything was written (a disabled
    user or a changed role takes effect on their next rerun)."""
    key = _signed_in_key()
    marker = (key, cached.data_version())
    memo = st.session_state.get(_MEMO)
    if memo is not None and memo[0] == marker:
        return memo[1]
    found = _resolve(key)
    st.session_state[_MEMO] = (marker, found)
    return found


def _in_a_page() -> access.Principal | None:
    return principal() if get_script_run_ctx(suppress_warning=True) is not None else None


access.register_resolver(_in_a_page)
