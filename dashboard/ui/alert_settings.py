"""Settings: alert rules (which drops of a touchpoint's mean count as alerts, and who hears of
them) and each team's contact addresses, which the email digest uses."""

from __future__ import annotations

import streamlit as st

from dashboard import alerting, safe
from dashboard.store import reports
from dashboard.ui import confirm, feedback
from dashboard.ui.cached import store


def _rule_form(rule: alerting.Rule) -> None:
    new = rule.id == 0
    with st.form(f"alert_rule_{rule.id}", clear_on_submit=new):
        name = st.text_input("Rule name", value=rule.name)
        significant = st.checkbox(
            "Only drops that hold at 95%",
            value=rule.significant_only,
            help="The fall's interval must exclude zero, allowing for the number of touchpoints compared.",
        )
        left, right = st.columns(2)
        drop = left.number_input(
            "Smallest fall in mean impression",
            0.0,
            2.0,
            rule.min_drop,
            0.05,
            format="%.2f",
            help="On the −1 … +1 scale, where one point of a 1-5 survey is 0.5: 0.10 is a fifth of such a point.",
        )
        count = right.number_input(
            "Fewest impressions in each period",
            0,
            1_000_000,
            rule.min_count,
            5,
            help="Both the current and the previous period need at least this many.",
        )
        owners = st.checkbox("Tell the owner team's contacts about their own touchpoints", value=rule.notify_owners)
        addresses = st.text_area(
            "Leadership addresses (one per line): they get every alert of this rule with the headline figures",
            value="\n".join(rule.addresses),
        )
        if st.form_submit_button("Add the rule" if new else "Save the rule"):
            try:
                wanted = alerting.Rule(
                    rule.id, name, significant, float(drop), int(count), owners, alerting.split_addresses(addresses)
                )
            except ValueError as problem:
                st.error(safe.md(problem))
                return
            if feedback.act(f"Saved the alert rule “{name.strip()}”.", reports.save_alert_rule, store(), wanted):
                st.rerun()
    if new:
        return
    key = f"delete_rule_{rule.id}"
    confirm.ask(f"Delete “{safe.md(rule.name)}”", key, icon=":material/delete:")
    if confirm.confirmed(
        key, f"Delete the alert rule “{safe.md(rule.name)}”? Its recipients stop hearing of its alerts.", "Delete it"
    ) and feedback.act(f"Deleted the alert rule “{rule.name}”.", reports.delete_alert_rule, store(), rule.id):
        st.rerun()


def alert_rules() -> None:
    """The alert rules, one form each, and a form for a new one."""
    st.header("Alerts by email")
    st.caption(
        "The digest (python -m dashboard digest, run weekly or monthly by cron) mails the headline figures and "
        "the alerts. Without a rule, alerts are the Overview's: drops that hold at 95%, sent to owner teams."
    )
    for rule in reports.alert_rules(store()):
        with st.expander(safe.md(rule.name)):
            _rule_form(rule)
    with st.expander("New alert rule", icon=":material/add_alert:"):
        _rule_form(alerting.Rule(0, ""))


def team_contacts() -> None:
    """Each team's contact addresses."""
    st.subheader("Team contacts")
    contacts = reports.team_contacts(store())
    if contacts.empty:
        st.caption("Add a team above first.")
        return
    names: dict[int, str] = dict(zip(contacts["team_id"].astype(int), contacts["team"].astype(str), strict=True))
    known: dict[int, list[str]] = dict(zip(contacts["team_id"].astype(int), contacts["addresses"], strict=True))
    chosen: int = st.selectbox("Team", list(names), format_func=lambda team: names[team], key="contacts_team")
    with st.form(f"contacts_{chosen}"):
        typed = st.text_area("Addresses that receive this team's alerts (one per line)", "\n".join(known[chosen]))
        if st.form_submit_button("Save the addresses"):
            try:
                addresses = alerting.split_addresses(typed)
            except ValueError as problem:
                st.error(safe.md(problem))
                return
            if feedback.act(
                f"Saved {len(addresses)} addresses for {names[chosen]}.",
                reports.set_team_contacts,
                store(),
                chosen,
                addresses,
            ):
                st.rerun()
