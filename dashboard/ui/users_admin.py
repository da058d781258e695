"""Settings, for admins: the people who may sign in, their roles, teams and data scope, their
one-time set-password links, and disabling an account.

The page shows these controls to admins only; the store refuses them for anyone else anyway
(``audit.write`` under the "users" kind).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from dashboard import access, accounts, safe
from dashboard.store import Store, users
from dashboard.store import groups as store_groups
from dashboard.ui import cached, confirm, feedback, rights

LINK_ROUTE = "/auth/set-password"
_NEW_LINK = "_new_set_password_link"  # session state: (email, link) to show once


def set_password_link(secret: str) -> str:
    """The address a new user opens to set their password (absolute when the page knows its own)."""
    parts = urlsplit(st.context.url or "")
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    return f"{origin}{LINK_ROUTE}?link={secret}"


def _show_new_link() -> None:
    made = st.session_state.pop(_NEW_LINK, None)
    if made:
        email, link = made
        st.success(
            f"Send this one-time link to {safe.md(email)}; it sets their password and works once, "
            "within a week. It is not shown again."
        )
        st.code(link, language=None)


def _options() -> tuple[dict[int, str], dict[int, str]]:
    """Teams and service cycles by id, for the pickers."""
    teams = store_groups.teams(cached.store())
    cycles = rights.visible(cached.cycles())  # an admin limited to some cycles names only those
    return (
        dict(zip(teams["id"].astype(int), teams["name"], strict=True)),
        dict(zip(cycles["id"].astype(int), cycles["name"], strict=True)),
    )


EVERY = "Every service cycle"
ONLY = "Only the service cycles picked"
_SCOPE_CHOICES = (EVERY, ONLY)


def scope_value(choice: str, picked: Iterable[int], kept: Iterable[int] = ()) -> list[int]:
    """The data scope to save ([]: every cycle) from the form's choice and picks.

    ``kept`` are the cycles of the stored scope that the picker does not offer (a deleted cycle's
    id): they stay, so saving never widens a scope by leaving them out. Every cycle must be chosen
    as such; "only" with nothing picked, or picks beside "every", is refused (``ValueError``)."""
    chosen = sorted({*picked, *kept}) if choice == ONLY else []
    if choice == ONLY and not chosen:
        raise ValueError("Pick at least one service cycle, or choose “every service cycle”.")
    if choice == EVERY and list(picked):
        raise ValueError("Choose “only the service cycles picked”, or clear the picks to let them see every cycle.")
    return chosen


def _scope_inputs(key: str, cycles: dict[int, str], stored: list[int]) -> tuple[str, list[int]]:
    """The "Sees" choice and the cycle picker, set to the stored scope."""
    choice = st.radio(
        "Sees", _SCOPE_CHOICES, index=1 if stored else 0, key=f"{key}_choice", horizontal=True, help=_SCOPE_HELP
    )
    picked = st.multiselect(
        "Sees only these service cycles",
        list(cycles),
        default=[c for c in stored if c in cycles],
        format_func=cycles.__getitem__,
        key=key,
    )
    return choice, picked


def _add_user(store: Store, email: str, name: str, role: str, teams: list[int], scope: tuple[str, list[int]]) -> None:
    """Adds the account, then makes its first set-password link (kept to show on the next run).
    Under single sign-on nobody needs a password: the identity provider vouches for them."""
    users.create(store, email, role, name=name, teams=teams, cycles=scope_value(*scope))
    if accounts.mode() != "oidc":
        st.session_state[_NEW_LINK] = (email.strip(), set_password_link(users.invite(store, email)))


def _listing_table(listing: pd.DataFrame) -> None:
    shown = listing.assign(
        teams=listing["teams"].map(lambda names: ", ".join(names) or "none"),
        cycles=listing["cycles"].map(lambda names: ", ".join(names) or "every cycle"),
        status=listing["disabled_at"].map(lambda at: "disabled" if pd.notna(at) else "active")
        # Under single sign-on nobody has a password here, so its absence says nothing.
        + listing["has_password"].map(lambda has: "" if has or accounts.mode() == "oidc" else ", no password yet"),
    )
    st.dataframe(
        shown[["email", "name", "role", "teams", "cycles", "status", "created_at"]],
        hide_index=True,
        width="stretch",
        column_config={
            "email": "E-mail",
            "name": "Name",
            "role": "Role",
            "teams": "Teams (may change their cycles)",
            "cycles": "Sees",
            "status": "Status",
            "created_at": "Added",
        },
    )


def _add_form(store: Store, teams: dict[int, str], cycles: dict[int, str]) -> None:
    with st.form("add_user", clear_on_submit=True):
        st.subheader("Add a person")
        email = st.text_input("E-mail address")
        name = st.text_input("Name (optional)", key="add_user_name")
        role = st.selectbox("Role", access.ROLES, format_func=access.ROLE_LABELS.__getitem__, key="add_user_role")
        picked_teams = st.multiselect(
            "Teams", list(teams), format_func=teams.__getitem__, key="add_user_teams", help=_TEAMS_HELP
        )
        scope = _scope_inputs("add_user_cycles", cycles, [])
        if st.form_submit_button("Add the person") and feedback.act(
            f"Added {email.strip()} as {role}.", _add_user, store, email, name, role, picked_teams, scope
        ):
            st.rerun()


_TEAMS_HELP = "An editor or facilitator may change the service cycles whose touchpoints these teams own."
_SCOPE_HELP = "Every service cycle, or only those picked (then pick at least one)."


def _ids(names: list[str], by_id: dict[int, str]) -> list[int]:
    return [i for i, n in by_id.items() if n in set(names)]


def _change_forms(store: Store, row: pd.Series, teams: dict[int, str], cycles: dict[int, str]) -> None:
    email = str(row["email"])
    with st.form(f"role_{email}"):
        role = st.selectbox(
            "Role",
            access.ROLES,
            index=access.ROLES.index(str(row["role"])),
            format_func=access.ROLE_LABELS.__getitem__,
            key=f"role_pick_{email}",
            help="Lowering a role lowers their tokens' roles too.",
        )
        if st.form_submit_button("Change the role") and feedback.act(
            f"{email} is now {role}.", users.set_role, store, email, role
        ):
            st.rerun()
    with st.form(f"scope_{email}"):
        picked_teams = st.multiselect(
            "Teams",
            list(teams),
            default=_ids(list(row["teams"]), teams),
            format_func=teams.__getitem__,
            key=f"teams_pick_{email}",
            help=_TEAMS_HELP,
        )
        stored = users.scope_of(store, email)
        choice, picked = _scope_inputs(f"cycles_pick_{email}", cycles, stored)
        if st.form_submit_button("Save teams and scope") and feedback.act(
            f"Saved the teams and scope of {email}.",
            _save_scope,
            store,
            email,
            picked_teams,
            (choice, picked, [c for c in stored if c not in cycles]),
        ):
            st.rerun()


def _save_scope(store: Store, email: str, teams: list[int], scope: tuple[str, list[int], list[int]]) -> None:
    users.set_scope(store, email, teams, scope_value(*scope))


def _link_and_disable(store: Store, email: str, me: access.Principal) -> None:
    new_link = accounts.mode() != "oidc"  # under single sign-on nobody has a password here
    if new_link and st.button("Make a new set-password link", key=f"invite_{email}", help="Older links stop working."):
        try:
            link = set_password_link(users.invite(store, email))
        except (ValueError, PermissionError) as error:
            st.error(safe.md(error))
        else:
            st.session_state[_NEW_LINK] = (email, link)
            st.rerun()
    if email == me.name:
        st.caption("You cannot disable your own account here: ask another admin.")
        return
    key = f"disable_{email}"
    confirm.ask(f"Disable {safe.md(email)}", key, icon=":material/person_off:")
    if confirm.confirmed(
        key,
        f"Disable {safe.md(email)}? They are signed out at once and their API tokens stop working.",
        "Disable the account",
    ) and feedback.act(f"Disabled {email}.", users.disable, store, email):
        st.rerun()


def users_section(me: access.Principal) -> None:
    """The people section of Settings (admins only)."""
    store = cached.store()
    st.header("People")
    st.caption(
        "Who may sign in, with which role, for which teams, and which service cycles they see. "
        "A new person gets a one-time link to set their password (with single sign-on they just sign in)."
    )
    _show_new_link()
    listing = users.listing(store)
    teams, cycles = _options()
    if listing.empty:
        st.caption("Nobody has an account yet.")
    else:
        _listing_table(listing)
    _add_form(store, teams, cycles)
    active = listing.loc[listing["disabled_at"].isna()] if not listing.empty else listing
    if active.empty:
        return
    st.subheader("Change a person")
    email = st.selectbox("Person", active["email"].tolist(), key="change_user")
    row = active.loc[active["email"] == email].iloc[0]
    _change_forms(store, row, teams, cycles)
    _link_and_disable(store, str(email), me)
