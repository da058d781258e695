"""Settings, for admins: API tokens. Each belongs to a person and carries at most their role
(open mode may also make tokens that belong to nobody); the token is shown once, when made."""

from __future__ import annotations

import streamlit as st

from dashboard import access, accounts, safe
from dashboard.store import tokens, users
from dashboard.ui import cached, confirm, feedback

NOBODY = "Nobody (open mode only)"
_NEW_TOKEN = "_new_token"  # noqa: S105  # a session-state key (the token just made, shown once), not a secret


def _owners() -> list[str]:
    """Who a token may belong to: every enabled person, and nobody in open mode."""
    listing = users.listing(cached.store())
    emails = listing.loc[listing["disabled_at"].isna(), "email"].tolist() if not listing.empty else []
    return ([NOBODY] if accounts.mode() == "open" else []) + emails


def _owner(email: str) -> access.Principal | None:
    return None if email == NOBODY else users.principal_for_email(cached.store(), email)


def roles_up_to(owner: access.Principal | None) -> list[str]:
    """The roles a token of this owner may have: up to theirs (any, for nobody in open mode)."""
    top = access.ROLES.index(owner.role) if owner is not None and owner.role else len(access.ROLES) - 1
    return list(access.ROLES[: top + 1])


def _listing() -> list[str]:
    """Shows the tokens; returns the names of those not revoked."""
    token_list = tokens.listing(cached.store())
    if token_list.empty:
        st.caption("No tokens yet.")
        return []
    st.dataframe(
        token_list,
        hide_index=True,
        width="stretch",
        column_config={
            "name": "Name",
            "role": "Role",
            "user": "Belongs to",
            "created_at": "Made",
            "last_used_at": "Last used",
            "revoked_at": "Revoked",
        },
    )
    return [str(n) for n in token_list.loc[token_list["revoked_at"].isna(), "name"]]


def _make_form(me: access.Principal) -> None:
    owners = _owners()
    if not owners:
        st.caption("Add a person first: every token belongs to someone.")
        return
    default = owners.index(me.name) if me.name in owners else 0
    # Outside the form, so the roles below follow the person picked.
    email = st.selectbox("The token belongs to", owners, index=default, key="token_owner")
    owner = _owner(email)
    with st.form("new_token", clear_on_submit=True):
        name = st.text_input("Name of the program or person using it")
        role = st.selectbox(
            "Role of the token",
            roles_up_to(owner),
            format_func=access.ROLE_LABELS.__getitem__,
            help="At most the role of the person it belongs to; lowering their role lowers it too.",
        )
        if st.form_submit_button("Make a token"):
            try:
                made = tokens.create(cached.store(), name, role, None if owner is None else owner.user_id)
            except (ValueError, PermissionError) as error:
                st.error(safe.md(error))
            else:
                st.session_state[_NEW_TOKEN] = made
                st.rerun()


def tokens_section(me: access.Principal) -> None:
    """The API tokens section of Settings (admins only)."""
    st.header("API tokens")
    st.caption(
        "Programs that call the HTTP API (/api/v1) send a token. A token acts for the person it "
        "belongs to, with at most their role and only the service cycles they see; disabling the "
        "person stops their tokens. A token is shown once, when it is made: copy it then."
    )
    made = st.session_state.pop(_NEW_TOKEN, None)
    if made:
        st.success("Your new token (it will not be shown again):")
        st.code(made, language=None)
    live = _listing()
    _make_form(me)
    if not live:
        return
    to_revoke = st.selectbox("Revoke a token", live, key="revoke_token")
    key = f"revoke_{to_revoke}"
    shown = safe.md(to_revoke)
    confirm.ask(f"Revoke “{shown}”", key, icon=":material/key_off:")
    if confirm.confirmed(
        key, f"Revoke the token “{shown}”? Programs using it are refused at once.", "Revoke it"
    ) and feedback.act(f"Revoked the token “{to_revoke}”.", tokens.revoke, cached.store(), to_revoke):
        st.rerun()
