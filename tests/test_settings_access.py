"""AppTest: the Settings page by role. Everyone sees the sign-in mode and their own account;
editors the groups and teams; admins the people, tokens, backups, alerts and the audit log. What
is hidden is also refused by the store."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import access, exports, safe
from dashboard.store import Store, audit, users
from dashboard.ui import audit_view, users_admin
from tests.apptest import app, click, texts, widget

REPAIR_JOB, SERVICE_DESK = 2, 3  # demo ids: the cycle, and a team owning touchpoints in it


def person(
    store: Store, email: str, role: str, teams: tuple[int, ...] = (), cycles: tuple[int, ...] = ()
) -> access.Principal:
    user_id = users.create(store, email, role, teams=teams, cycles=cycles)
    with store.cursor() as cur:
        return users.principal(cur, user_id)


def settings_as(path: Path, monkeypatch: pytest.MonkeyPatch, who: access.Principal) -> AppTest:
    """The Settings page opened by ``who`` (later runs must also sit inside ``everywhere_as``)."""
    monkeypatch.setenv("DASHBOARD_AUTH", "local")
    with access.everywhere_as(who):
        at = app(path, monkeypatch).run()
        at.switch_page("pages/settings.py").run()
    assert not at.exception
    return at


def headers(at: AppTest) -> list[str]:
    return [h.value for h in at.header]


def test_a_viewer_sees_the_sign_in_mode_and_their_own_account_only(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    viewer = person(demo_store, "vic@example.org", "viewer", cycles=(REPAIR_JOB,))
    at = settings_as(demo_store.path, monkeypatch, viewer)
    assert headers(at) == ["Sign-in", "Your account"]
    assert [m.value for m in at.markdown if "vic" in m.value] == [
        r"**vic\@example\.org**: Viewer\: reads every page and exports."
    ]
    assert texts(at, "caption")[1:3] == [
        "You see: Repair job.",
        "To change your role, your teams or what you see, ask an admin of this workspace.",
    ]
    assert at.button.len == 0 and at.text_input.len == 0


def test_an_editor_also_keeps_groups_and_teams_but_deletes_nothing(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    editor = person(demo_store, "eve@example.org", "editor", teams=(SERVICE_DESK,))
    at = settings_as(demo_store.path, monkeypatch, editor)
    assert headers(at) == ["Sign-in", "Your account", "Stakeholder groups", "Teams"]
    assert [b.label for b in at.button if b.label.startswith("Delete")] == []
    assert texts(at, "caption")[2] == (
        "You may change: New installation, Repair job (the cycles whose touchpoints your teams own)."
    )


def test_an_admin_sees_every_section_ending_with_the_audit_log(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    admin = person(demo_store, "ada@example.org", "admin")
    at = settings_as(demo_store.path, monkeypatch, admin)
    assert headers(at)[:6] == ["Sign-in", "Your account", "Stakeholder groups", "Teams", "People", "API tokens"]
    assert headers(at)[-1] == "Audit log"


def test_open_mode_says_plainly_it_is_for_one_person_or_a_trusted_room(demo_db: Path, monkeypatch: pytest.MonkeyPatch):
    at = app(demo_db, monkeypatch).run()
    at.switch_page("pages/settings.py").run()
    assert texts(at, "warning")[0].startswith("Nobody signs in: whoever can open this address can read, change")
    assert "trusted room" in texts(at, "warning")[0]
    assert any("DASHBOARD_AUTH" in m.value for m in at.markdown)


def test_an_admin_adds_a_person_and_gets_a_one_time_link_that_sets_their_password(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    admin = person(demo_store, "ada@example.org", "admin")
    path = demo_store.path
    demo_store.close()
    at = settings_as(path, monkeypatch, admin)
    with access.everywhere_as(admin):
        widget(at.text_input, "E-mail address").input("Bob@Example.org")
        widget(at.selectbox, "Role").select("editor")
        widget(at.multiselect, "Teams").select(SERVICE_DESK)
        widget(at.radio, "Sees").set_value(users_admin.ONLY)
        widget(at.multiselect, "Sees only these service cycles").select(REPAIR_JOB)
        click(at, "Add the person")
    assert texts(at, "success")[0] == "Added Bob@Example.org as editor."
    links = [c.value for c in at.code]
    assert len(links) == 1 and re.fullmatch(r"/auth/set-password\?link=[\w-]{43}", links[0])
    with Store(path) as store:
        bob = users.listing(store).set_index("email").loc["bob@example.org"]
        assert [bob["role"], bob["teams"], bob["cycles"], bob["has_password"]] == [
            "editor",
            ["Service desk"],
            ["Repair job"],
            False,
        ]
        assert users.redeem(store, links[0].split("=", 1)[1], "a long enough password") == "bob@example.org"
        assert users.sign_in(store, "bob@example.org", "a long enough password", "127.0.0.1") > 0


def test_an_admin_changes_a_role_and_disables_an_account_after_confirming(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    admin = person(demo_store, "ada@example.org", "admin")
    person(demo_store, "bob@example.org", "viewer")
    path = demo_store.path
    demo_store.close()
    at = settings_as(path, monkeypatch, admin)
    with access.everywhere_as(admin):
        widget(at.selectbox, "Person").select("bob@example.org")
        at.run()
        widget(at.selectbox, "Role", 1).select("facilitator")
        click(at, "Change the role")
        assert texts(at, "success") == ["bob@example.org is now facilitator."]
        widget(at.selectbox, "Person").select("bob@example.org")
        at.run()
        click(at, f"Disable {safe.md('bob@example.org')}")  # a label is Markdown: the address escaped
        with Store(path) as store:
            assert users.listing(store)["disabled_at"].isna().all()  # asked first, nothing done yet
        click(at, "Disable the account")
    with Store(path) as store:
        bob = users.listing(store).set_index("email").loc["bob@example.org"]
        assert bob["role"] == "facilitator" and isinstance(bob["disabled_at"], pd.Timestamp)
        assert audit.entries(store)[["actor", "action"]].values.tolist()[:2] == [
            ["ada@example.org", "user disabled"],
            ["ada@example.org", "role changed"],
        ]


def test_an_admin_cannot_disable_their_own_account_from_the_page(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    admin = person(demo_store, "ada@example.org", "admin")
    at = settings_as(demo_store.path, monkeypatch, admin)
    assert widget(at.selectbox, "Person").value == "ada@example.org"
    assert [b.label for b in at.button if b.label.startswith("Disable")] == []


@pytest.mark.parametrize(
    ("write", "args"),
    [
        (users.create, ("mal@example.org", "admin")),
        (users.set_role, ("vic@example.org", "admin")),
        (users.set_scope, ("vic@example.org", (), ())),
        (users.invite, ("vic@example.org",)),
        (users.disable, ("vic@example.org",)),
    ],
    ids=["create", "set_role", "set_scope", "invite", "disable"],
)
def test_the_store_refuses_an_editor_what_the_page_hides(write: object, args: tuple[object, ...], store: Store):
    person(store, "vic@example.org", "viewer")
    editor = person(store, "eve@example.org", "editor")
    before = (users.listing(store).astype(str).to_dict("records"), len(audit.entries(store)))
    with access.acting_as(editor), pytest.raises(access.ForbiddenError) as refused:
        write(store, *args)  # type: ignore[operator]
    assert str(refused.value) == "this needs the admin role; your role is editor"
    assert (users.listing(store).astype(str).to_dict("records"), len(audit.entries(store))) == before


def test_an_admin_filters_the_audit_log_by_person_and_kind(demo_store: Store, monkeypatch: pytest.MonkeyPatch):
    admin = person(demo_store, "ada@example.org", "admin")
    with access.acting_as(admin):
        users.create(demo_store, "bob@example.org", "viewer")
    at = settings_as(demo_store.path, monkeypatch, admin)
    with access.everywhere_as(admin):
        widget(at.selectbox, "Person", 1).select("ada@example.org")
        at.run()
    shown = at.dataframe[-1].value
    assert shown[["actor", "kind", "action", "detail"]].values.tolist() == [
        ["ada@example.org", "users", "user added", "bob@example.org as viewer"]
    ]
    with access.everywhere_as(admin):
        widget(at.selectbox, "Kind").select("tokens")
        at.run()
    assert texts(at.main, "caption")[-1] == "Nothing recorded for these filters."  # type: ignore[arg-type]


def test_the_audit_log_download_escapes_a_name_that_a_spreadsheet_would_run(store: Store):
    hostile = access.Principal('=HYPERLINK("http://x")', "admin", "user", 9)
    with access.acting_as(hostile):
        users.create(store, "bob@example.org", "viewer")
    frame = audit.entries(store).rename(columns=audit_view.COLUMN_LABELS)
    rows = exports.to_csv_bytes(frame).decode("utf-8-sig").splitlines()
    assert rows[0] == "When,Who,Role,Kind,What,Service cycle,Detail"
    escaped_name = '"\'=HYPERLINK(""http://x"")"'  # the leading quote keeps it text
    assert rows[1].split(",", 1)[1] == f"{escaped_name},admin,users,user added,,bob@example.org as viewer"
