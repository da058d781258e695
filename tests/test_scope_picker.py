"""The data-scope picker on Settings: "every service cycle" is a choice of its own, never what an
empty pick falls back to, and saving a person's teams never drops the cycles the picker does not
show (a deleted cycle's), which would widen their scope to every cycle."""

from __future__ import annotations

import pytest

from dashboard import access
from dashboard.store import Store, cycles, users
from dashboard.ui import users_admin
from dashboard.ui.users_admin import EVERY, ONLY, scope_value
from tests.apptest import click, texts, widget
from tests.test_settings_access import person, settings_as

REPAIR_JOB, SERVICE_DESK = 2, 3


@pytest.mark.parametrize(
    ("choice", "picked", "kept", "saved"),
    [
        (EVERY, [], [], []),
        (ONLY, [2], [], [2]),
        (ONLY, [3, 2], [99], [2, 3, 99]),
        (ONLY, [], [99], [99]),
        (EVERY, [], [99], []),
    ],
    ids=["every", "one", "picked and kept", "only the kept", "every drops the kept"],
)
def test_the_saved_scope_is_the_choice_with_the_picked_and_the_unshown_cycles(
    choice: str, picked: list[int], kept: list[int], saved: list[int]
) -> None:
    assert scope_value(choice, picked, kept) == saved


def test_an_empty_pick_is_refused_rather_than_read_as_every_cycle() -> None:
    with pytest.raises(ValueError, match="^Pick at least one service cycle, or choose “every service cycle”.$"):
        scope_value(ONLY, [], [])
    with pytest.raises(ValueError, match="^Choose “only the service cycles picked”, or clear the picks"):
        scope_value(EVERY, [REPAIR_JOB], [])


def test_saving_teams_keeps_a_scope_whose_only_cycle_was_deleted(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = cycles.create_cycle(demo_store, "Short-lived")
    person(demo_store, "vic@example.org", "viewer", cycles=(gone,))
    cycles.delete_cycle(demo_store, gone)
    admin = person(demo_store, "ada@example.org", "admin")
    listed = users.listing(demo_store)
    assert [list(c) for c in listed.loc[listed["email"] == "vic@example.org", "cycles"]] == [["a deleted cycle"]]
    path = demo_store.path
    demo_store.close()
    at = settings_as(path, monkeypatch, admin)
    with access.everywhere_as(admin):
        widget(at.selectbox, "Person").select("vic@example.org")
        at.run()
        assert widget(at.radio, "Sees", 1).value == users_admin.ONLY
        widget(at.multiselect, "Teams", 1).select(SERVICE_DESK)
        click(at, "Save teams and scope")
    assert texts(at, "success") == ["Saved the teams and scope of vic@example.org."]
    with Store(path) as store:
        assert users.scope_of(store, "vic@example.org") == [gone]
        with store.cursor() as cur:
            vic = users.principal(cur, users.find(store, "vic@example.org"))
        assert vic.cycles == frozenset({gone})


def test_choosing_only_with_nothing_picked_changes_nothing(demo_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    person(demo_store, "vic@example.org", "viewer")
    admin = person(demo_store, "ada@example.org", "admin")
    path = demo_store.path
    demo_store.close()
    at = settings_as(path, monkeypatch, admin)
    with access.everywhere_as(admin):
        widget(at.selectbox, "Person").select("vic@example.org")
        at.run()
        widget(at.radio, "Sees", 1).set_value(users_admin.ONLY)
        click(at, "Save teams and scope")
    assert texts(at, "error") == ["Pick at least one service cycle, or choose “every service cycle”."]
    with Store(path) as store:
        assert users.scope_of(store, "vic@example.org") == []
