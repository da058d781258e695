"""What briefings, session reports and digests read and remember: alert rules, team contacts,
the alerts already sent, a workshop session's participants and votes, and open ideas.

Recipients are plain email addresses; when sign-in lands, a contact can name a user instead.
Every write is one transaction, checked and recorded by ``audit.write`` as a settings change; a
refused write raises ``ValueError`` (``access.ForbiddenError`` for someone not an admin) and
changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from dashboard import alerting
from dashboard.store import Store, audit
from dashboard.store.dialect import staged

# --- alert rules --------------------------------------------------------------------------------


def alert_rules(store: Store) -> list[alerting.Rule]:
    """Every alert rule, oldest first."""
    with store.cursor() as cur:
        rows = cur.execute(
            "select id, name, significant_only, min_drop, min_count, notify_owners, addresses"
            " from alert_rule order by id"
        ).fetchall()
    return [
        alerting.Rule(int(i), str(n), bool(s), float(d), int(c), bool(o), alerting.split_addresses(str(a)))
        for i, n, s, d, c, o, a in rows
    ]


def save_alert_rule(store: Store, rule: alerting.Rule) -> int:
    """Adds the rule (``id`` 0) or replaces the one with its id; returns its id."""
    checked = alerting.checked_rule(rule)
    values = [
        checked.name,
        checked.significant_only,
        checked.min_drop,
        checked.min_count,
        checked.notify_owners,
        ", ".join(checked.addresses),
    ]
    with store.transaction() as cur:
        audit.write(cur, "settings", "alert rule saved", detail=checked.name)
        clash = cur.execute(
            "select 1 from alert_rule where lower(name) = lower(?) and id <> ?", [checked.name, checked.id]
        ).fetchone()
        if clash:
            raise ValueError(f"An alert rule called “{checked.name}” already exists.")
        if checked.id == 0:
            row = cur.execute(
                "insert into alert_rule (name, significant_only, min_drop, min_count, notify_owners, addresses)"
                " values (?, ?, ?, ?, ?, ?) returning id",
                values,
            ).fetchone()
        else:
            row = cur.execute(
                "update alert_rule set name = ?, significant_only = ?, min_drop = ?, min_count = ?,"
                " notify_owners = ?, addresses = ? where id = ? returning id",
                [*values, checked.id],
            ).fetchone()
        if row is None:
            raise ValueError("That alert rule no longer exists.")
        return int(row[0])


def delete_alert_rule(store: Store, rule_id: int) -> None:
    with store.transaction() as cur:
        audit.write(cur, "settings", "alert rule deleted", detail=f"rule {rule_id}")
        cur.execute("delete from alert_rule where id = ?", [rule_id])


# --- team contacts ------------------------------------------------------------------------------


def team_contacts(store: Store) -> pd.DataFrame:
    """Every team with its contact addresses (``team_id, team, addresses``: a list, maybe empty)."""
    with store.cursor() as cur:
        return cur.execute(
            "select t.id as team_id, t.name as team,"
            " coalesce(array_agg(c.address order by c.address) filter (where c.address is not null),"
            " array[]::varchar[]) as addresses"
            " from team t left join team_contact c on c.team_id = t.id group by t.id, t.name order by t.name"
        ).df()


def set_team_contacts(store: Store, team_id: int, addresses: Sequence[str]) -> list[str]:
    """Replaces a team's contact addresses; every address is checked first. Returns them as kept."""
    kept = sorted({alerting.check_address(a) for a in addresses})
    with store.transaction() as cur:
        audit.write(cur, "settings", "team contacts set", detail=f"team {team_id}: {', '.join(kept)}")
        if cur.execute("select 1 from team where id = ?", [team_id]).fetchone() is None:
            raise ValueError("That team no longer exists.")
        cur.execute("delete from team_contact where team_id = ?", [team_id])
        if kept:
            cur.executemany("insert into team_contact values (?, ?)", [[team_id, a] for a in kept])
    return kept


def touchpoint_owners(store: Store) -> pd.DataFrame:
    """Which team owns each active touchpoint (``touchpoint_id, team_id``; teams only)."""
    with store.cursor() as cur:
        return cur.execute(
            "select id as touchpoint_id, owner_team_id as team_id from touchpoint"
            " where archived_at is null and owner_team_id is not null"
        ).df()


# --- alerts already sent ------------------------------------------------------------------------


def sent_alerts(store: Store, recipients: Sequence[str]) -> pd.DataFrame:
    """What these recipients were last told: ``recipient, touchpoint_id, mean`` (the mean sent)."""
    with store.cursor() as cur:
        return cur.execute(
            "select recipient, touchpoint_id, mean from alert_sent where recipient = any(?::varchar[])",
            [list(recipients)],
        ).df()


def remember_sent(store: Store, sent: pd.DataFrame, period_end: date) -> None:
    """Records alerts as sent (``recipient, touchpoint_id, mean``), replacing older memories."""
    if sent.empty:
        return
    rows = sent[["recipient", "touchpoint_id", "mean"]].assign(period_end=period_end)
    with store.transaction() as cur:
        audit.write(
            cur, "settings", "digest alerts remembered", detail=f"{len(rows)} alerts to {rows['recipient'].nunique()}"
        )
        with staged(cur, {"sent_now": rows}):
            cur.execute(
                "insert into alert_sent (recipient, touchpoint_id, mean, period_end)"
                " select recipient, touchpoint_id, mean, period_end from sent_now"
                " on conflict (recipient, touchpoint_id)"
                " do update set mean = excluded.mean, period_end = excluded.period_end"
            )


# --- workshop session reports and the closing slide ----------------------------------------------


def session_participants(store: Store, session_id: int) -> pd.DataFrame:
    """Who joined a session: ``name, group, joined_at, votes``, in joining order."""
    with store.cursor() as cur:
        return cur.execute(
            "select p.name, coalesce(g.name, '') as group_name, p.joined_at,"
            " (select count(*) from workshop_vote v where v.participant_id = p.id) as votes"
            " from workshop_participant p left join stakeholder_group g on g.id = p.group_id"
            " where p.session_id = ? order by p.joined_at, p.id",
            [session_id],
        ).df()


def session_vote_counts(store: Store, session_id: int) -> pd.DataFrame:
    """Votes per touchpoint and scale point: ``touchpoint_id, raw_value, votes, total`` (sum of scores)."""
    with store.cursor() as cur:
        return cur.execute(
            "select touchpoint_id, raw_value, count(*) as votes, sum(score) as total from workshop_vote"
            " where session_id = ? group by touchpoint_id, raw_value order by touchpoint_id, raw_value",
            [session_id],
        ).df()


def session_vote_stats(store: Store, session_id: int) -> pd.DataFrame:
    """Per touchpoint of a session, its votes' statistics (``n, total, total_sq``)."""
    with store.cursor() as cur:
        return cur.execute(
            "select touchpoint_id, count(*) as n, sum(score) as total, sum(score * score) as total_sq"
            " from workshop_vote where session_id = ? group by touchpoint_id order by touchpoint_id",
            [session_id],
        ).df()


def survey_stats(store: Store, touchpoint_ids: Sequence[int]) -> pd.DataFrame:
    """Per touchpoint, the statistics of its impressions that did not come from a workshop."""
    with store.cursor() as cur:
        return cur.execute(
            "select touchpoint_id, count(*) as n, sum(score) as total, sum(score * score) as total_sq"
            " from impression where touchpoint_id = any(?::integer[]) and source <> 'workshop'"
            " group by touchpoint_id order by touchpoint_id",
            [list(touchpoint_ids)],
        ).df()


def open_ideas(store: Store, cycle_ids: Sequence[int] = (), limit: int = 12) -> pd.DataFrame:
    """Proposed (not yet adopted) enhancement ideas, most votes first: ``touchpoint, cycle, text, votes``."""
    with store.cursor() as cur:
        return cur.execute(
            "select t.name as touchpoint, c.name as cycle, e.text, e.votes from enhancement_idea e"
            " join touchpoint t on t.id = e.touchpoint_id join service_cycle c on c.id = t.cycle_id"
            " where e.status = 'proposed' and t.archived_at is null"
            " and (cardinality(?::integer[]) = 0 or t.cycle_id = any(?::integer[]))"
            " order by e.votes desc, e.id limit ?",
            [list(cycle_ids), list(cycle_ids), limit],
        ).df()
