"""Every write of the store is checked against who acts and recorded in the audit log.

The table ``WRITES`` lists each write function once, with the action kind it is recorded under,
the least role it needs and what it is bound to; the tests run each one as each role. A refusal
must leave the workspace exactly as it was (every table's rows, the audit log included); an
allowed write leaves exactly one audit row naming who, their role, the kind and the cycle.
A new write function joins the matrix by being listed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd
import pytest

from dashboard import access, alerting, maps
from dashboard.store import (
    Store,
    cycles,
    flow,
    groups,
    ideas,
    imports,
    impressions,
    operations,
    plan,
    reports,
    webhooks,
)
from dashboard.store import workshop as sessions
from dashboard.touchpoints import TouchpointFields
from tests.audit_workspace import (
    Target,
    Workspace,
    as_user,
    audit_db,
    audit_rows,
    flow_import,
    last_audit_id,
    snapshot,
    survey_preview,
    workspace,
)

pytestmark = pytest.mark.both_backends

__all__ = ["audit_db", "workspace"]  # the fixtures, imported for pytest to find


def _impressions(t: Target) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "touchpoint_id": [t.touchpoints[0]],
            "observed_on": [date(2026, 9, 1)],
            "raw_value": ["4"],
            "scale": ["1-5"],
            "score": [0.5],
            "group_id": pd.array([None], dtype="Int64"),
            "source": ["manual"],
            "comment": [""],
        }
    )


def _counts(t: Target) -> pd.DataFrame:
    return pd.DataFrame(
        {"cycle_id": [t.cycle], "period": [date(2026, 9, 1)], "measure": ["lost"], "source": [""], "count": [4]}
    )


Call = Callable[[Store, Target, Workspace], object]


@dataclass(frozen=True)
class Write:
    """One write function: the kind it is recorded under, the least role it needs, and ``on``:
    "team" (only on cycles the editor's team owns; the row names the cycle), "cycle" (the row
    names the cycle, any team may) or "" (bound to no cycle)."""

    name: str
    kind: str
    least: str
    on: str
    call: Call


WRITES = [
    Write("create a cycle", "map", "editor", "", lambda s, t, w: cycles.create_cycle(s, "Moving in")),
    Write("rename a cycle", "map", "editor", "team", lambda s, t, w: cycles.rename_cycle(s, t.cycle, "Renamed")),
    Write("delete a cycle", "delete", "admin", "cycle", lambda s, t, w: cycles.delete_cycle(s, t.cycle)),
    Write(
        "add a touchpoint",
        "map",
        "editor",
        "team",
        lambda s, t, w: cycles.add_touchpoint(s, t.cycle, TouchpointFields("Key handover", "multiplier")),
    ),
    Write(
        "edit a touchpoint",
        "map",
        "editor",
        "team",
        lambda s, t, w: cycles.update_touchpoint(s, t.touchpoints[0], TouchpointFields("Phone call", "now_or_never")),
    ),
    Write("reorder", "map", "editor", "team", lambda s, t, w: cycles.set_order(s, t.cycle, t.touchpoints[::-1])),
    Write(
        "delete a touchpoint", "map", "editor", "team", lambda s, t, w: cycles.delete_touchpoint(s, t.touchpoints[1])
    ),
    Write("archive", "map", "editor", "team", lambda s, t, w: cycles.archive_touchpoint(s, t.touchpoints[1])),
    Write("restore", "map", "editor", "team", lambda s, t, w: cycles.restore_touchpoint(s, t.archived)),
    Write("add a group", "map", "editor", "", lambda s, t, w: groups.add_group(s, "Landlords")),
    Write("add a team", "map", "editor", "", lambda s, t, w: groups.add_team(s, "Caretakers")),
    Write(
        "rename a group",
        "settings",
        "admin",
        "",
        lambda s, t, w: groups.rename_named(s, "group", w.spare_group, "Extra", ""),
    ),
    Write("delete a group", "delete", "admin", "", lambda s, t, w: groups.delete_named(s, "group", w.spare_group)),
    Write("propose an idea", "ideas", "editor", "team", lambda s, t, w: ideas.add_idea(s, t.touchpoints[1], "Texts")),
    Write("vote for an idea", "ideas", "editor", "team", lambda s, t, w: ideas.vote_idea(s, t.idea)),
    Write("adopt an idea", "ideas", "editor", "team", lambda s, t, w: ideas.set_idea_status(s, t.idea, "adopted")),
    Write(
        "set a plan cell",
        "plan",
        "editor",
        "",
        lambda s, t, w: plan.set_plan_cell(s, "measure", "multiplier", status="done"),
    ),
    Write(
        "write a desired reputation",
        "plan",
        "editor",
        "",
        lambda s, t, w: plan.set_statement(s, w.spare_group, None, "Fair and quick"),
    ),
    Write("set thresholds", "settings", "admin", "", lambda s, t, w: plan.set_settings(s, {"recent_days": 60})),
    Write("write a standard", "map", "editor", "team", lambda s, t, w: plan.set_standard(s, t.touchpoints[0], "Ring")),
    Write(
        "set a review cadence",
        "map",
        "editor",
        "team",
        lambda s, t, w: plan.set_review(s, t.touchpoints[0], 30, date(2026, 9, 1)),
    ),
    Write("mark carry-over", "flow", "editor", "team", lambda s, t, w: flow.set_carry_over(s, {t.cycle: True})),
    Write("flow settings", "settings", "admin", "", lambda s, t, w: flow.set_settings(s, {"customer_value": 900})),
    Write("enter flow counts", "flow", "editor", "team", lambda s, t, w: flow.record(s, _counts(t))),
    Write("import a flow file", "flow", "editor", "team", lambda s, t, w: flow_import(s, t)),
    Write("import a survey", "import", "editor", "team", lambda s, t, w: imports.commit(s, survey_preview(s, t))),
    Write("enter impressions", "import", "editor", "team", lambda s, t, w: imports.record_manual(s, _impressions(t))),
    Write(
        "record impressions (API)",
        "import",
        "editor",
        "team",
        lambda s, t, w: impressions.record_impressions(s, _impressions(t)),
    ),
    Write(
        "import a map file",
        "map",
        "editor",
        "team",
        lambda s, t, w: maps.import_map(
            s, "map.csv", f"service_cycle,touchpoint,moment,channel,owner\n{t.name},Survey,multiplier,,\n".encode()
        ),
    ),
    Write(
        "save an alert rule",
        "settings",
        "admin",
        "",
        lambda s, t, w: reports.save_alert_rule(s, alerting.Rule(0, "Small falls", False, 0.1, 5, True, ())),
    ),
    Write("delete an alert rule", "settings", "admin", "", lambda s, t, w: reports.delete_alert_rule(s, w.alert_rule)),
    Write(
        "set team contacts",
        "settings",
        "admin",
        "",
        lambda s, t, w: reports.set_team_contacts(s, t.team, ["desk@example.org"]),
    ),
    Write(
        "remember sent alerts",
        "settings",
        "admin",
        "",
        lambda s, t, w: reports.remember_sent(
            s,
            pd.DataFrame({"recipient": ["a@example.org"], "touchpoint_id": [t.touchpoints[0]], "mean": [0.1]}),
            date(2026, 9, 30),
        ),
    ),
    Write(
        "add a webhook",
        "settings",
        "admin",
        "cycle",
        lambda s, t, w: webhooks.add(s, "new-form", "typeform", t.name, None, None),
    ),
    Write("remove a webhook", "settings", "admin", "", lambda s, t, w: webhooks.remove(s, "repairs-form")),
    Write("back up", "backup", "admin", "", lambda s, t, w: operations.backup(s, w.path.with_name("backup.duckdb"))),
    Write(
        "start a workshop",
        "workshop",
        "facilitator",
        "cycle",
        lambda s, t, w: sessions.create_session(s, t.cycle, list(t.touchpoints), "1-5", iter(["CCCC"]).__next__),
    ),
    Write(
        "set the phone address",
        "workshop",
        "facilitator",
        "cycle",
        lambda s, t, w: sessions.set_phone_url(s, t.session, "http://10.0.0.2:8501"),
    ),
    Write(
        "show a touchpoint",
        "workshop",
        "facilitator",
        "cycle",
        lambda s, t, w: sessions.show_touchpoint(s, t.session, t.touchpoints[1]),
    ),
    Write("open voting", "workshop", "facilitator", "cycle", lambda s, t, w: sessions.set_open(s, t.session, True)),
    Write("reveal", "workshop", "facilitator", "cycle", lambda s, t, w: sessions.set_revealed(s, t.session, True)),
    Write("end a workshop", "workshop", "facilitator", "cycle", lambda s, t, w: sessions.end_session(s, t.session)),
    Write(
        "reopen a workshop",
        "workshop",
        "facilitator",
        "cycle",
        lambda s, t, w: sessions.reopen_session(s, t.session, iter(["DDDD"]).__next__),
    ),
    Write(
        "hide an idea",
        "workshop",
        "facilitator",
        "cycle",
        lambda s, t, w: sessions.set_hidden(s, t.session, t.wall_idea, True),
    ),
]

ACTORS = {
    # who: (the user, whether they write to their own team's cycle)
    "viewer": ("viewer", False),
    "editor on their team's cycle": ("editor", True),
    "editor on another team's cycle": ("editor", False),
    "facilitator": ("facilitator", False),
    "admin": ("admin", False),
}
ROLE_OF = {"viewer": "viewer", "editor": "editor", "facilitator": "facilitator", "admin": "admin"}
EMAIL_OF = {
    "viewer": "vera@example.org",
    "editor": "ed@example.org",
    "facilitator": "fay@example.org",
    "admin": "ada@example.org",
}


def refusal(write: Write, user: str, own: bool) -> str | None:
    """The reason the write must be refused for this user, or None when it must go through."""
    role = ROLE_OF[user]
    if access.ROLES.index(role) < access.ROLES.index(write.least):
        return f"this needs the {write.least} role; your role is {role}"
    if write.on == "team" and role in ("editor", "facilitator") and not own:
        return "that service cycle belongs to another team; you may read it but not change it"
    return None


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_each_write_is_refused_without_a_trace_or_recorded_once(
    workspace: tuple[Store, Workspace], write: Write, actor: str
) -> None:
    store, built = workspace
    user, own = ACTORS[actor]
    target = built.own if own else built.other
    reason = refusal(write, user, own)
    before, last = snapshot(store), last_audit_id(store)
    with access.acting_as(as_user(store, built.users[user])):
        if reason is not None:
            with pytest.raises(access.ForbiddenError) as refused:
                write.call(store, target, built)
            assert str(refused.value) == reason
            assert snapshot(store) == before
            return
        write.call(store, target, built)
    cycle = target.cycle if write.on else None
    assert audit_rows(store, last) == [(EMAIL_OF[user], ROLE_OF[user], write.kind, cycle)]


def test_the_table_lists_every_kind_a_store_write_is_recorded_under() -> None:
    assert sorted({w.kind for w in WRITES}) == [
        "backup",
        "delete",
        "flow",
        "ideas",
        "import",
        "map",
        "plan",
        "settings",
        "workshop",
    ]
