"""The router's gate: who may see which page, the screens shown instead of a page (sign in, no
account yet, no access), and the "Signed in as" line with its Sign out.

Every page stays registered with the navigation, so its address always resolves; a page the
person may not open is hidden from the menu and, opened by its address, replaced by a short
explanation: its script never runs.
"""

from __future__ import annotations

import html
from typing import Literal
from urllib.parse import quote, urlsplit

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from dashboard import access, accounts, safe
from dashboard.ui import access as ui_access
from dashboard.ui import navigation

SIGN_IN_ROUTE = "/auth/sign-in"
SIGN_OUT_ROUTE = "/auth/sign-out"
SSO_SIGN_OUT_ROUTE = "/auth/logout"
"""Streamlit's own route behind ``st.logout``: it drops the identity cookie, then the provider's session."""


def who() -> access.Principal:
    """The person this run is for (``access.current``: tests may act as someone; pages ask ``ui.access``).

    A wrong sign-in setting (``DASHBOARD_AUTH``, ``DASHBOARD_SSO_ROLE``) stops here with its
    reason: no page is shown rather than any page shown to the wrong person.
    """
    try:
        return access.current()
    except ValueError as error:
        st.error(f"This server's sign-in setting is wrong, so no page can open: {safe.md(error)}")
        st.stop()


def may_open(principal: access.Principal, url_path: str) -> bool:
    """Whether the principal's role may open the page at ``url_path`` (``access.PAGE_NEEDS``)."""
    return principal.why_not(access.PAGE_NEEDS.get(url_path, "read")) is None


def shown(principal: access.Principal, url_path: str) -> Literal["visible", "hidden"]:
    """The page's place in the menu: listed only when the principal may open it."""
    return "visible" if may_open(principal, url_path) else "hidden"


def position(principal: access.Principal) -> Literal["sidebar", "hidden"]:
    """No menu before signing in, nor on the bare pages (the projector)."""
    return "hidden" if principal.role is None else navigation.navigation_position()


def run(page: StreamlitPage, principal: access.Principal) -> None:
    """Runs the page the navigation chose, or the screen this principal gets instead."""
    if principal.role is None:
        email = ui_access.sso_email() if accounts.mode() == "oidc" else None
        if email is not None:
            no_account_screen(email)
        else:
            sign_in_screen()
        return
    if navigation.navigation_position() == "sidebar":
        signed_in_line(principal)
    reason = principal.why_not(access.PAGE_NEEDS.get(page.url_path, "read"))
    if reason is not None:
        no_access_page(page.title, reason)
        return
    page.run()


def current_path() -> str:
    """The page address the browser asked for, path and query, to come back to after signing in."""
    parts = urlsplit(st.context.url or "")
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


def sso_configured() -> bool:
    """Whether ``.streamlit/secrets.toml`` has the ``[auth]`` section ``st.login`` needs."""
    try:
        return bool(st.secrets.get("auth"))
    except FileNotFoundError:  # no secrets file at all
        return False


def sign_in_screen() -> None:
    """What a visitor sees before signing in: the way in for this mode, and nothing else."""
    st.title("Sign in")
    st.write("This workspace is for its team only. Sign in to see the dashboard.")
    if accounts.mode() == "oidc":
        if not sso_configured():
            st.error(
                "Single sign-on is switched on but not set up: the [auth] section of "
                ".streamlit/secrets.toml is missing. Ask whoever runs this server."
            )
            return
        st.button("Sign in with single sign-on", type="primary", on_click=st.login, icon=":material/login:")
        return
    target = f"{SIGN_IN_ROUTE}?next={quote(current_path(), safe='')}"
    st.html(f'<a class="tpd-sign-in" href="{html.escape(target)}">Sign in with your e-mail and password</a>')
    st.html(_BUTTON_STYLE)
    st.caption("No account yet? An admin of this workspace can add you and send you a link to set a password.")


def no_account_screen(email: str) -> None:
    """Signed in at the identity provider, but this workspace has no (enabled) account for them."""
    st.title("No access yet")
    st.warning(
        f"You do not have access to this workspace yet. Ask an admin to add **{safe.md(email)}**.",
        icon=":material/lock:",
    )
    st.button("Sign out", on_click=st.logout, icon=":material/logout:")


def no_access_page(title: str, reason: str) -> None:
    """Shown instead of a page the principal's role may not open (reached by its address)."""
    st.title("No access")
    st.warning(f"You do not have access to this page ({safe.md(title)}): {safe.md(reason)}.", icon=":material/lock:")
    st.page_link("pages/overview.py", label="Go to the Overview", icon=":material/arrow_forward:")


def account_label(principal: access.Principal) -> str:
    """The words of the "who am I" line."""
    if principal.kind == "open":
        return "Open mode: everyone acts as admin"
    return f"Signed in as {principal.name} · {(principal.role or '').capitalize()}"


def _sign_out_html() -> str:
    if accounts.mode() == "local":
        return (
            f'<form method="post" action="{SIGN_OUT_ROUTE}" class="tpd-sign-out">'
            '<button type="submit">Sign out</button></form>'
        )
    return f'<a class="tpd-sign-out" href="{SSO_SIGN_OUT_ROUTE}">Sign out</a>'


def signed_in_line(principal: access.Principal) -> None:
    """ "Signed in as EMAIL · Role" with Sign out, in the sidebar and, on a phone, in the top bar.

    Plain HTML, not Markdown: an address in Markdown becomes a mail link."""
    label = html.escape(account_label(principal))
    sign_out = "" if principal.kind == "open" else _sign_out_html()
    with st.sidebar:
        if principal.kind != "open" and accounts.mode() == "oidc":
            st.html(f'<p class="tpd-who">{label}</p>')
            st.button("Sign out", on_click=st.logout, icon=":material/logout:", key="_sign_out")
        else:
            st.html(f'<p class="tpd-who">{label}</p>{sign_out}')
    # The sidebar folds away on a phone: the same line sits in the top bar there (CSS below).
    st.html(f'<div class="tpd-account" role="note">{label} {sign_out}</div>{_BUTTON_STYLE}')


_BUTTON_STYLE = """<style>
.tpd-sign-in, .tpd-sign-out button, a.tpd-sign-out {
  display: inline-block; padding: 0.35rem 0.9rem; border-radius: 0.5rem; font: inherit;
  border: 1px solid rgba(49, 51, 63, 0.3); background: #fff; color: inherit; text-decoration: none;
  cursor: pointer; white-space: nowrap; }
.tpd-sign-in { background: #1f5fbf; border-color: #1f5fbf; color: #fff !important; font-weight: 600; }
.tpd-sign-out { display: inline; margin: 0; }
.tpd-who { font-size: 0.875rem; color: rgba(49, 51, 63, 0.75); margin: 0 0 0.5rem; overflow-wrap: anywhere; }
.tpd-account { display: none; }
@media (max-width: 767px) {
  .tpd-account { display: flex; gap: 0.5rem; align-items: center; position: fixed; top: 0.6rem;
    left: 3.5rem; right: 4rem; z-index: 999991; font-size: 0.8rem; line-height: 1.2; }
}
[data-testid=stElementContainer]:has(> [data-testid=stHtml] .tpd-account) { margin: 0; }
</style>"""
