"""Alert rules in plain Python: which drops of a touchpoint's mean impression count as alerts,
who hears of them, and which of them a recipient has not been told about yet.

An alert is a touchpoint whose mean fell from the previous period to the current one
(``metrics.compare`` rows, at a family-wide confidence, as on the Overview). A rule narrows the
drops by significance, size and the impressions behind each period; the Overview's own alerts
are the rule "significant, any size, any count".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import pandas as pd

from dashboard import text

_ADDRESS = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")


@dataclass(frozen=True)
class Rule:
    """Which drops trigger an alert and who receives them; ``id`` 0 for a rule not yet stored."""

    id: int
    name: str
    significant_only: bool = True
    min_drop: float = 0.0
    min_count: int = 0
    notify_owners: bool = True
    addresses: tuple[str, ...] = ()


OVERVIEW_RULE = Rule(0, "Significant drops (as on the Overview)")
"""Used when no rule is stored: the alerts the Overview shows, sent to owner teams."""


def check_address(address: str) -> str:
    """The address trimmed, or ValueError saying what is wrong with it."""
    cleaned = address.strip()
    if not _ADDRESS.match(cleaned):
        raise ValueError(f"“{cleaned}” is not an email address (expected something like name@example.org).")
    return cleaned


def split_addresses(addresses: str) -> tuple[str, ...]:
    """Addresses typed one per line or separated by commas or semicolons, each checked."""
    parts = [p for p in re.split(r"[,;\s]+", addresses) if p]
    return tuple(dict.fromkeys(check_address(p) for p in parts))


def checked_rule(rule: Rule) -> Rule:
    """The rule with a clean name and checked addresses; ValueError for anything out of range."""
    if not 0 <= rule.min_drop <= 2:
        raise ValueError("The minimum drop must lie between 0 and 2 (the whole −1 … +1 scale).")
    if rule.min_count < 0:
        raise ValueError("The minimum count cannot be negative.")
    if not rule.notify_owners and not rule.addresses:
        raise ValueError("A rule needs someone to tell: the owner teams, or at least one address.")
    return replace(
        rule,
        name=text.clean_name(rule.name, "rule name"),
        addresses=tuple(dict.fromkeys(check_address(a) for a in rule.addresses)),
    )


def triggered(changes: pd.DataFrame, rule: Rule) -> pd.DataFrame:
    """The rows of ``changes`` (per touchpoint) that the rule counts as alerts, steepest fall first."""
    fell = changes["mean_change"] < 0
    big = -changes["mean_change"] >= rule.min_drop
    enough = (changes["n"] >= max(rule.min_count, 1)) & (changes["previous_n"] >= max(rule.min_count, 1))
    keep = fell & big & enough
    if rule.significant_only:
        keep &= changes["mean_significant"].astype(bool)
    return changes[keep.fillna(False).astype(bool)].sort_values("mean_change")


def recipients(rules: list[Rule], owners: pd.DataFrame, contacts: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """Who hears of which alert: ``recipient, touchpoint_id, mean, team`` ('' for leadership addresses).

    Each rule is applied to ``changes`` (per touchpoint) on its own, so rules with different
    thresholds reach different people. ``owners`` maps touchpoints to teams (``team_id``),
    ``contacts`` teams to addresses (``store.reports.team_contacts``: ``team_id, team, addresses``).
    """
    columns = ["recipient", "touchpoint_id", "mean", "team"]
    parts = [pd.DataFrame(columns=columns)]
    team_addresses = contacts.explode("addresses").dropna(subset=["addresses"])
    for rule in rules:
        hit = triggered(changes, rule)[["touchpoint_id", "mean"]]
        if rule.addresses:
            parts.append(hit.merge(pd.DataFrame({"recipient": rule.addresses, "team": ""}), how="cross"))
        if rule.notify_owners:
            owned = hit.merge(owners, on="touchpoint_id").merge(team_addresses, on="team_id")
            parts.append(owned.rename(columns={"addresses": "recipient"})[columns])
    found = pd.concat([p[columns] for p in parts if not p.empty] or [parts[0]], ignore_index=True)
    return found.drop_duplicates(["recipient", "touchpoint_id"]).reset_index(drop=True)


def not_yet_told(due: pd.DataFrame, sent: pd.DataFrame) -> pd.DataFrame:
    """The due alerts a recipient has not heard of, or whose touchpoint fell below the mean last sent."""
    if sent.empty:
        return due
    merged = due.merge(sent.rename(columns={"mean": "sent_mean"}), on=["recipient", "touchpoint_id"], how="left")
    fresh = merged["sent_mean"].isna() | (merged["mean"] < merged["sent_mean"])
    return merged[fresh.to_numpy()].drop(columns="sent_mean").reset_index(drop=True)
