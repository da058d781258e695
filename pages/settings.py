"""Settings: how people sign in and who they are here; for editors, the stakeholder groups and the
teams that own touchpoints; for admins, people, API tokens, backups, alerts and the audit log.

Each section shows only to a role that may use it; the store refuses the writes of anyone else."""

from __future__ import annotations

import streamlit as st

from dashboard import access, safe
from dashboard.store import groups as store_groups
from dashboard.store import operations
from dashboard.ui import (
    account,
    alert_settings,
    audit_view,
    cached,
    confirm,
    feedback,
    gate,
    navigation,
    tokens_admin,
    users_admin,
)

navigation.route_through_navigation()

st.title("Settings")
feedback.flash()
store = cached.store()
me = gate.who()
account.sign_in_mode()
account.own_account(me)

KINDS = (
    (
        "group",
        "Stakeholder groups",
        "stakeholder group",
        "The groups whose opinion of us matters, e.g. tenants or installers.",
    ),
    ("team", "Teams", "team", "The teams that own touchpoints and keep their standards."),
)

for kind, title, noun, about in KINDS if me.may("map") else ():
    st.header(title)
    st.caption(about)
    usage = store_groups.named_usage(store, kind)
    columns = ["name", "description", "touchpoints"] + (["impressions"] if kind == "group" else [])
    if usage.empty:
        st.caption(f"No {noun}s yet.")
    else:
        st.dataframe(
            usage[columns],
            hide_index=True,
            width="stretch",
            column_config={
                "name": "Name",
                "description": "Description",
                "touchpoints": "Touchpoints",
                "impressions": "Impressions",
            },
        )
    with st.form(f"add_{kind}", clear_on_submit=True):
        name = st.text_input(f"New {noun}")
        description = st.text_input("Description (optional)", key=f"add_{kind}_about")
        if st.form_submit_button(f"Add the {noun}") and feedback.act(
            f"Added the {noun} “{name.strip()}”.", store_groups.add_named, store, kind, name, description
        ):
            st.rerun()
    if usage.empty:
        continue
    names = dict(zip(usage["id"].astype(int), usage["name"], strict=True))
    abouts = dict(zip(usage["id"].astype(int), usage["description"], strict=True))
    chosen = st.selectbox(f"Change a {noun}", list(names), format_func=names.__getitem__, key=f"pick_{kind}")
    renaming = me.why_not("settings")  # a group or team spans every cycle: renaming one is an admin's
    if renaming is not None:
        st.caption(f"Renaming a {noun} changes it on every service cycle: {renaming}.")
    with st.form(f"edit_{kind}_{chosen}"):
        new_name = st.text_input("Name", value=names[chosen])
        new_about = st.text_input("Description", value=abouts[chosen])
        if st.form_submit_button("Save", disabled=renaming is not None) and feedback.act(
            f"Saved the {noun} “{new_name.strip()}”.",
            store_groups.rename_named,
            store,
            kind,
            chosen,
            new_name,
            new_about,
        ):
            st.rerun()
    key = f"delete_{kind}_{chosen}"
    if not me.may_write("delete"):  # a group or team spans every cycle: not for a scoped admin
        continue
    confirm.ask(f"Delete “{safe.md(names[chosen])}”", key, icon=":material/delete:")
    if confirm.confirmed(
        key, f"Delete the {noun} “{safe.md(names[chosen])}”? This cannot be undone.", "Delete it"
    ) and (feedback.act(f"Deleted the {noun} “{names[chosen]}”.", store_groups.delete_named, store, kind, chosen)):
        st.rerun()

if not me.may("admin"):
    st.stop()  # what follows is for admins only: people, tokens, backups, alerts, the audit log

if me.cycles is not None:
    # People, tokens, backups and alert rules reach every cycle: a scoped admin could widen their own scope.
    st.info(
        "People, API tokens, backups and alert rules concern the whole workspace. You see only some "
        "service cycles, so an admin who sees them all looks after these."
    )
    audit_view.audit_section()
    st.stop()

users_admin.users_section(me)
tokens_admin.tokens_section(me)

st.header("Backup")
st.caption(
    "A consistent copy of the whole workspace in one database file, taken while the app keeps serving. "
    "Put it back with: python -m dashboard restore FILE"
)
st.download_button(
    "Download a backup",
    # Streamlit makes the bytes later, on a thread of its own: it must still act as this person.
    data=access.deferred(lambda: operations.backup_bytes(store)),
    file_name=operations.BACKUP_FILE_NAME,
    mime="application/octet-stream",
    on_click="ignore",
)

alert_settings.alert_rules()
alert_settings.team_contacts()
audit_view.audit_section()
