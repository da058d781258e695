"""Who is using the pages: the signed-in user (local accounts or single sign-on), or everyone as
admin in open mode. Registered with ``dashboard.access`` so the store's write checks see the same
principal the page does, fragments included.
"""

from __future__ import annotations

import os
import time

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from dashboard import access, accounts
from dashboard.store import users
from dashboard.ui import cached

_MEMO = "_access_principal"
"""Session-state key of this browser session's principal, with what it was worked out from.
A leading underscore: no widget has it, so a browser cannot set it."""

RECHECK_SECONDS = 60
"""How long a remembered principal holds without a write: an expired session ends within it."""

SSO_ROLE_ENV = "DASHBOARD_SSO_ROLE"
"""When set (``viewer``, ``editor`` or ``facilitator``), a person the identity provider signs in
who has no account yet gets one with this role on their first visit. Never ``admin``: an admin
is always made by another admin or on the command line."""

SSO_DOMAINS_ENV = "DASHBOARD_SSO_DOMAINS"
"""E-mail domains (comma-separated; ``*``: any) whose people ``DASHBOARD_SSO_ROLE`` lets in."""

SSO_SIGN_UP = access.Principal("single sign-on", "admin", "system")
"""Who adds an account on first sign-in (``DASHBOARD_SSO_ROLE``): the audit log names it."""


def sso_email() -> str | None:
    """The e-mail the identity provider vouched for, when someone is signed in there (oidc mode)."""
    if not st.user.get("is_logged_in"):
        return None
    email = st.user.get("email")
    return str(email) if email else None


def sso_role() -> str | None:
    """The role ``DASHBOARD_SSO_ROLE`` gives new single sign-on users; None when unset.

    An admin or an unknown role is refused (``ValueError``) rather than quietly read as none, and
    so is a role without ``DASHBOARD_SSO_DOMAINS``: the provider may sign in people from anywhere
    (any Google account, say), and they must not all get in.
    """
    role = os.environ.get(SSO_ROLE_ENV, "").strip().lower()
    if not role:
        return None
    if role not in access.ROLES or role == "admin":
        allowed = ", ".join(r for r in access.ROLES if r != "admin")
        raise ValueError(f"{SSO_ROLE_ENV} must be one of {allowed}, not {role!r}")
    if not sso_domains():
        raise ValueError(
            f"{SSO_ROLE_ENV} needs {SSO_DOMAINS_ENV}: the e-mail domains whose people get an account"
            " by signing in (example.org,example.com; or * for anyone the provider signs in)"
        )
    return role


def sso_domains() -> frozenset[str]:
    """The e-mail domains ``DASHBOARD_SSO_DOMAINS`` lets sign up (``*``: any), in lower case."""
    listed = os.environ.get(SSO_DOMAINS_ENV, "").replace(",", " ").split()
    return frozenset(d.strip().lstrip("@").casefold() for d in listed if d.strip().lstrip("@"))


def may_sign_up(email: str) -> bool:
    """Whether a newcomer with this address may get an account: the provider says it checked the
    address (``email_verified`` true), and its domain is allowed."""
    domains = sso_domains()
    domain = email.rpartition("@")[2].casefold()
    return sso_verified() is True and ("*" in domains or domain in domains)


def sso_verified() -> bool | None:
    """The provider's ``email_verified`` claim: None when it sends none (Microsoft Entra does not)."""
    value = st.user.get("email_verified")
    if isinstance(value, str):  # some providers send the claim as text
        return {"true": True, "false": False}.get(value.strip().lower())
    return value if isinstance(value, bool) else None


def _signed_in_key() -> str | None:
    """What identifies the person: the session cookie (local) or the e-mail (single sign-on)."""
    mode = accounts.mode()
    if mode == "local":
        return st.context.cookies.get(accounts.COOKIE)
    if mode == "oidc":
        email = sso_email()
        return None if email is None else f"oidc:{email}"
    return None


def _sso_principal(email: str) -> access.Principal | None:
    """The account for this e-mail; made first when ``DASHBOARD_SSO_ROLE`` says so and the
    address may sign up. None (no access) whenever the provider says the address is unchecked."""
    if sso_verified() is False:
        return None  # the provider says it did not check this address: anyone could have typed it
    store = cached.store()
    found = users.principal_for_email(store, email)
    role = sso_role()
    if found is not None or role is None or not may_sign_up(email):
        return found
    try:
        with access.acting_as(SSO_SIGN_UP):
            users.create(store, email, role)
    except users.UserError:
        return None  # a disabled account (or not an e-mail address): no access
    return users.principal_for_email(store, email)


def _resolve(key: str | None) -> access.Principal:
    mode = accounts.mode()
    if mode == "open":
        return access.OPEN
    if key is None:
        return access.ANONYMOUS
    if mode == "oidc":
        found = _sso_principal(key.removeprefix("oidc:"))
    else:
        store = cached.store()
        secret = accounts.unsign(key, users.signing_key(store))
        found = None if secret is None else users.session_principal(store, secret)
    return found or access.ANONYMOUS


def principal() -> access.Principal:
    """The person this page runs for, checked again whenever anything was written (a disabled
    user or a changed role takes effect on their next rerun) and at least every ``RECHECK_SECONDS``."""
    if accounts.mode() == "open":
        return access.OPEN  # nothing to look up: the workspace is not even opened for it
    key = _signed_in_key()
    # The minute too: a session that simply expires writes nothing, so no data version would notice.
    marker = (key, cached.data_version(), int(time.time() // RECHECK_SECONDS))
    memo = st.session_state.get(_MEMO)
    if memo is not None and memo[0] == marker:
        return memo[1]
    found = _resolve(key)
    st.session_state[_MEMO] = (marker, found)
    return found


def _in_a_page() -> access.Principal | None:
    return principal() if get_script_run_ctx(suppress_warning=True) is not None else None


access.register_resolver(_in_a_page)
