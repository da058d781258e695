"""What a principal limited to some cycles may not do, whatever their role: anything that reaches
the whole workspace (people, tokens, backups, workspace-wide settings) or makes a new service
cycle; tokens made for someone else say who made them; and a thread nobody said who acts for,
in the served process, acts as nobody."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from dashboard import access, maps
from dashboard.store import Store, audit, cycles, flow, groups, operations, plan, tokens, users
from tests import loops
from tests.apptest import texts
from tests.test_settings_access import headers, person, settings_as

REPAIR_JOB = 2  # the demo's cycle a scoped admin sees
SCOPED = "this concerns the whole workspace; you see only some service cycles (ask an admin who sees all)"
NO_NEW_CYCLE = "you see only some service cycles, so you may not add one; ask an admin who sees them all"


def _state(store: Store) -> tuple[object, ...]:
    """What a refused write must leave as it was: the people, the tokens, the audit log, the cycles."""
    return (
        users.listing(store).astype(str).to_dict("records"),
        tokens.listing(store).astype(str).to_dict("records"),
        len(audit.entries(store)),
        cycles.cycles(store)["name"].tolist(),
    )


def _unused_group(store: Store) -> int:
    found = groups.groups(store)
    return int(found.loc[found["name"] == "Unused", "id"].iloc[0])


@pytest.mark.parametrize(
    "write",
    [
        lambda s: users.set_scope(s, "sam@example.org", cycles=[]),
        lambda s: users.create(s, "mal@example.org", "admin"),
        lambda s: users.set_role(s, "vic@example.org", "admin"),
        lambda s: tokens.create(s, "wide", "admin", users.find(s, "sam@example.org")),
        lambda s: operations.backup(s, s.path.with_name("copy.duckdb")),
        lambda s: plan.set_settings(s, {"recent_days": 60}),
        lambda s: flow.set_settings(s, {"customer_value": 900}),
        lambda s: groups.rename_named(s, "group", int(groups.groups(s)["id"].iloc[0]), "Renamed", ""),
        lambda s: groups.delete_named(s, "group", _unused_group(s)),
    ],
    ids=[
        "widen own scope",
        "add an admin",
        "raise a role",
        "unscoped token",
        "backup",
        "thresholds",
        "flow",
        "rename a group",
        "delete a group",
    ],
)
def test_an_admin_limited_to_some_cycles_may_not_touch_the_whole_workspace(demo_store: Store, write: object) -> None:
    person(demo_store, "vic@example.org", "viewer")
    groups.add_group(demo_store, "Unused")
    scoped = person(demo_store, "sam@example.org", "admin", cycles=(REPAIR_JOB,))
    before = _state(demo_store)
    with access.acting_as(scoped), pytest.raises(access.ForbiddenError) as refused:
        write(demo_store)  # type: ignore[operator]
    assert str(refused.value) == SCOPED
    assert _state(demo_store) == before


def test_a_scoped_admin_finds_people_tokens_and_backups_replaced_by_the_reason(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    scoped = person(demo_store, "sam@example.org", "admin", cycles=(REPAIR_JOB,))
    at = settings_as(demo_store.path, monkeypatch, scoped)
    assert headers(at) == ["Sign-in", "Your account", "Stakeholder groups", "Teams", "Audit log"]
    assert texts(at, "info") == [
        "People, API tokens, backups and alert rules concern the whole workspace. You see only some "
        "service cycles, so an admin who sees them all looks after these."
    ]
    assert [b.label for b in at.form_submit_button if b.label == "Save" and not b.disabled] == []
    assert [b.label for b in at.button if b.label.startswith("Delete")] == []


@pytest.mark.parametrize(
    "make",
    [
        lambda s: cycles.create_cycle(s, "Moving in"),
        lambda s: maps.import_map(
            s, "map.csv", b"service_cycle,touchpoint,moment,channel,owner\nMoving in,Keys,multiplier,,\n"
        ),
    ],
    ids=["form", "map file"],
)
def test_a_principal_limited_to_some_cycles_may_not_add_a_cycle(demo_store: Store, make: object) -> None:
    scoped = person(demo_store, "sam@example.org", "admin", cycles=(REPAIR_JOB,))
    before = _state(demo_store)
    with access.acting_as(scoped), pytest.raises(access.ForbiddenError) as refused:
        make(demo_store)  # type: ignore[operator]
    assert str(refused.value) == NO_NEW_CYCLE
    assert _state(demo_store) == before
    with access.acting_as(person(demo_store, "eve@example.org", "editor")):
        make(demo_store)  # type: ignore[operator]
    assert "Moving in" in cycles.cycles(demo_store)["name"].tolist()


def test_a_token_made_for_someone_else_names_who_made_it(store: Store) -> None:
    ada = person(store, "ada@example.org", "admin")
    bea = person(store, "bea@example.org", "admin")
    with access.acting_as(ada):
        for_bea = tokens.create(store, "deploy", "admin", bea.user_id)
        own = tokens.create(store, "mine", "admin", ada.user_id)
    assert tokens.listing(store)[["name", "user"]].values.tolist() == [
        ["mine", "ada@example.org"],
        ["deploy (made by ada@example.org)", "bea@example.org"],
    ]
    made_for_bea, made_for_self = tokens.holder(store, for_bea), tokens.holder(store, own)
    assert made_for_bea is not None and made_for_self is not None
    assert (made_for_bea.name, made_for_self.name) == (
        "token deploy (made by ada@example.org) of bea@example.org",
        "token mine of ada@example.org",
    )


def _in_a_bare_thread(store: Store) -> str:
    """Adds a group on a thread of its own (no context copied); the refusal, or "" when it went through."""
    found: list[str] = []

    def add() -> None:
        try:
            groups.add_group(store, "Landlords")
            found.append("")
        except access.ForbiddenError as refused:
            found.append(str(refused))

    worker = threading.Thread(target=add)
    worker.start()
    worker.join()
    return found[0]


def test_in_the_served_process_a_thread_nobody_said_who_acts_for_is_refused(store: Store) -> None:
    with access.falling_back_to(access.ANONYMOUS):
        assert _in_a_bare_thread(store) == "you are not signed in"
    assert _in_a_bare_thread(store) == ""  # the command line and tests: whoever opened the file


def test_work_deferred_to_another_thread_still_acts_as_who_handed_it_over(store: Store) -> None:
    ada = person(store, "ada@example.org", "admin")
    with access.falling_back_to(access.ANONYMOUS):
        with access.acting_as(ada):
            later = access.deferred(lambda: operations.backup_bytes(store))
        result: list[bytes] = []
        worker = threading.Thread(target=lambda: result.append(later()))
        worker.start()
        worker.join()
    assert len(result[0]) > 0
    assert audit.entries(store)[["actor", "kind", "action"]].values.tolist()[0] == [
        "ada@example.org",
        "backup",
        "backup written",
    ]


def test_the_server_acts_as_nobody_for_a_thread_that_does_not_say_while_it_serves(tmp_path: Path) -> None:
    import anyio

    from dashboard.web import Service

    service = Service(tmp_path / "served.duckdb", lambda: "http://127.0.0.1:1")
    seen: list[access.Principal] = []

    async def serve() -> None:
        async with service.lifespan(None):
            seen.append(await anyio.to_thread.run_sync(access.current))

    loops.call(serve)
    assert seen == [access.ANONYMOUS]
    assert access.current() == access.SYSTEM
