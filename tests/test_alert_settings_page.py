"""Settings page, alerts by email: adding an alert rule and a team's contact addresses, and a bad
address refused with a message and nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import alerting
from dashboard.store import Store, groups, reports
from tests.apptest import open_page, texts, widget


def test_a_rule_and_team_contacts_are_saved_from_the_settings_page(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    team = groups.add_team(store, "Field crew")
    db = Path(store.path)
    at = open_page(db, monkeypatch, "pages/settings.py")
    widget(at.text_input, "Rule name").input("Big falls")
    widget(at.checkbox, "Only drops that hold at 95%").uncheck()
    widget(at.number_input, "Smallest fall in mean impression").set_value(0.2)
    widget(at.number_input, "Fewest impressions in each period").set_value(30)
    at.text_area[0].input("boss@example.org\nboard@example.org")
    widget(at.button, "Add the rule").click().run()
    assert not at.exception
    assert reports.alert_rules(store) == [
        alerting.Rule(1, "Big falls", False, 0.2, 30, True, ("boss@example.org", "board@example.org"))
    ]

    at.text_area[-1].input("crew@example.org; lead@example.org")
    widget(at.button, "Save the addresses").click().run()
    assert not at.exception
    assert reports.team_contacts(store)["addresses"].map(list).tolist() == [["crew@example.org", "lead@example.org"]]

    at.text_area[-1].input("crew at example")
    widget(at.button, "Save the addresses").click().run()
    assert "“crew” is not an email address (expected something like name@example.org)." in [
        t.replace("\\", "") for t in texts(at, "error")
    ]
    assert reports.team_contacts(store)["addresses"].map(list).tolist() == [["crew@example.org", "lead@example.org"]]
    assert team == 1

    widget(at.button, "Delete “Big falls”").click().run()
    assert reports.alert_rules(store) != []  # the button only asks
    widget(at.button, "Delete it").click().run()
    assert not at.exception
    assert reports.alert_rules(store) == []
