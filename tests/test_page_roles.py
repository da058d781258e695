"""The page role matrix: every page for every role (viewer, editor, facilitator, admin), seeing
every cycle or one, opens as ``access.PAGE_NEEDS`` says, offers the write controls the role may
use and no others, and shows nothing of a cycle outside the person's scope, not even when the
link names it.

The people here are ``access.Principal`` values set with ``access.everywhere_as`` (AppTest runs
the page on a thread of its own). Editors and facilitators belong to the team of "Repair job";
the one-cycle scope is "Repair job" too. The demo's other two cycles are the leaks to look for.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import access
from dashboard.store import Store, analytics, plan
from dashboard.store import cycles as store_cycles
from dashboard.store.scope import Scope
from tests.apptest import app, texts
from tests.conftest import DEMO_END

REPAIR, INSTALLATION, RENEWAL = 2, 1, 3
"""The demo's cycles: "Repair job" is the team's and the one-cycle scope; the others are not."""
OUT_OF_SCOPE_WORDS = ("New installation", "Annual service renewal", "Installation day", "Renewal offer")
"""Names of the two other cycles and of one touchpoint of each: none may show in the one-cycle scope."""
NAMES = {REPAIR: "Repair job", INSTALLATION: "New installation"}
SCOPES: dict[str, frozenset[int] | None] = {"all cycles": None, "one cycle": frozenset({REPAIR})}
PAGES = tuple(access.PAGE_NEEDS)


def person(role: str, scope: str) -> access.Principal:
    """A signed-in user of ``role``; editors and facilitators write for the Repair job's team."""
    team = frozenset({REPAIR}) if role in ("editor", "facilitator") else None
    return access.Principal(f"{role}@example.org", role, "user", user_id=1, cycles=SCOPES[scope], writable=team)


@dataclass(frozen=True)
class Control:
    """A write control of a page: its label, the action kind it needs (on the cycle the page shows
    when ``bound``), and what a person who may not use it finds: it ``disabled`` or ``absent``."""

    page: str
    label: str
    kind: str
    bound: bool
    refused: str


CONTROLS = (
    Control("map", "Add the touchpoint", "map", True, "absent"),
    Control("map", "Save the changes", "map", True, "absent"),
    Control("map", "Add the idea", "ideas", True, "disabled"),
    Control("map", "Map file (CSV or XLSX)", "map", False, "absent"),
    Control("upload", "Survey files (CSV, TSV or XLSX)", "import", True, "disabled"),
    Control("upload", "Record the impression", "import", True, "disabled"),
    Control("reputation", "Save cell", "plan", False, "disabled"),
    Control("reputation", "Save statement", "plan", False, "disabled"),
    Control("reputation", "Save thresholds", "settings", False, "disabled"),
    Control("flow", "Flow files (CSV or XLSX)", "flow", False, "absent"),
    Control("flow", "Record these counts", "flow", False, "absent"),
    Control("flow", "Save the flow settings", "settings", False, "disabled"),
    Control("workshop", "Start session", "workshop", False, "disabled"),
)
"""The write controls checked on each page; the page shows the Repair job (``?cycle=2``)."""


@pytest.fixture
def as_person(request: pytest.FixtureRequest) -> Iterator[access.Principal]:
    role, scope = request.param
    with access.everywhere_as(person(role, scope)) as who:
        yield who


def open_as(db: Path, monkeypatch: pytest.MonkeyPatch, page: str, **link: str) -> AppTest:
    """The app opened on ``page`` with the link's query parameters, run without an exception."""
    at = app(db, monkeypatch).run()
    at.switch_page(f"pages/{page}.py")
    for key, value in link.items():
        at.query_params[key] = value
    at.run()
    # The upload page follows the cycle chosen on another page, not the link: choose it here.
    name = NAMES.get(int(link.get("cycle", 0)), "")
    pickers = [b for b in at.selectbox if b.label == "Service cycle" and name in b.options]
    if pickers:
        pickers[0].select_index(pickers[0].options.index(name)).run()
    assert not at.exception
    return at


def controls(at: AppTest) -> dict[str, str]:
    """Every button, form button and file uploader on the page: label -> "enabled" or "disabled"."""
    found: dict[str, str] = {}
    for widget in (*at.button, *at.form_submit_button, *at.file_uploader):
        found.setdefault(widget.proto.label, "disabled" if widget.proto.disabled else "enabled")
    return found


def page_bytes(node: Any) -> bytes:
    """Everything a page sent to the browser, as bytes: every element's and block's message
    (labels, options, tables as Arrow data, charts as JSON)."""
    proto = getattr(node, "proto", None)
    own = proto.SerializeToString() if proto is not None else b""
    children = getattr(node, "children", {})
    return own + b"".join(page_bytes(child) for child in children.values())


def opened(at: AppTest) -> bool:
    """Whether the page ran for the person: neither the router's "No access" page nor the page's own
    second check stopped it (the presenter view has no title: it says what it shows)."""
    refused_by_router = [t.value for t in at.title] == ["No access"]
    return not refused_by_router and not any("This page is not open to you" in w.value for w in at.warning)


MATRIX = [(role, scope) for role in access.ROLES for scope in SCOPES]
IDS = [f"{role}-{scope.replace(' ', '-')}" for role, scope in MATRIX]


def check_controls(page: str, who: access.Principal, shown: int, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page opened on cycle ``shown`` opens as its need says and offers the controls ``who`` may use."""
    at = open_as(db, monkeypatch, page, cycle=str(shown))
    assert opened(at) is who.may(access.PAGE_NEEDS[page])
    if not opened(at):
        return
    found = controls(at)
    expected = {
        c.label: "enabled" if who.may_write(c.kind, shown if c.bound else None) else c.refused
        for c in CONTROLS
        if c.page == page
    }
    assert {label: found.get(label, "absent") for label in expected} == expected


@pytest.mark.parametrize("as_person", MATRIX, ids=IDS, indirect=True)
@pytest.mark.parametrize("page", PAGES)
def test_each_page_opens_and_offers_its_write_controls_as_the_role_allows(
    page: str, as_person: access.Principal, demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    check_controls(page, as_person, REPAIR, demo_store.path, monkeypatch)


TEAM_ROLES = [(role, "all cycles") for role in ("editor", "facilitator")]


@pytest.mark.parametrize("as_person", TEAM_ROLES, ids=["editor", "facilitator"], indirect=True)
@pytest.mark.parametrize("page", PAGES)
def test_on_another_teams_cycle_each_page_offers_only_what_is_not_bound_to_a_cycle(
    page: str, as_person: access.Principal, demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    check_controls(page, as_person, INSTALLATION, demo_store.path, monkeypatch)


@pytest.mark.parametrize("as_person", [(r, "one cycle") for r in access.ROLES], ids=access.ROLES, indirect=True)
@pytest.mark.parametrize("page", PAGES)
def test_nothing_of_a_cycle_outside_the_scope_shows_even_when_the_link_names_it(
    page: str, as_person: access.Principal, demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    elsewhere = store_cycles.touchpoints(demo_store, INSTALLATION)["id"].iloc[0]
    at = open_as(demo_store.path, monkeypatch, page, cycle=str(INSTALLATION), tp=str(elsewhere))
    sent = page_bytes(at._tree)
    assert [w for w in OUT_OF_SCOPE_WORDS if w.encode() in sent] == []


@pytest.mark.parametrize("as_person", [("viewer", "one cycle")], ids=["viewer"], indirect=True)
def test_the_overview_totals_count_only_the_cycles_in_scope(
    as_person: access.Principal, demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    everything = int(analytics.total_stats(demo_store, Scope())["n"].iloc[0])
    repair_only = int(analytics.total_stats(demo_store, Scope(cycle_ids=(REPAIR,)))["n"].iloc[0])
    at = open_as(demo_store.path, monkeypatch, "overview", cycle=str(INSTALLATION))
    shown = {m.label: m.value for m in at.metric}["Impressions"]
    assert (everything, shown) == (6000, f"{repair_only:,}")
    assert 0 < repair_only < everything


@pytest.mark.parametrize("as_person", [("editor", "all cycles")], ids=["editor"], indirect=True)
def test_an_editor_sees_another_teams_cycle_on_the_map_read_only_and_says_why(
    as_person: access.Principal, demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    at = open_as(demo_store.path, monkeypatch, "map", cycle=str(INSTALLATION))
    found = controls(at)
    reason = "That service cycle belongs to another team; you may read it but not change it."
    assert ("Add the touchpoint" in found, found["Add the idea"]) == (False, "disabled")
    assert [i.value for i in at.info if "read-only" in i.value] == [
        f"This cycle is read-only for you: {reason[:1].lower()}{reason[1:]}"
    ]
    idea = next(b for b in at.form_submit_button if b.proto.label == "Add the idea")
    assert idea.proto.help == reason


@pytest.mark.parametrize("as_person", [("viewer", "one cycle")], ids=["viewer"], indirect=True)
def test_the_briefing_a_viewer_downloads_covers_only_the_cycles_in_scope(
    as_person: access.Principal, demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    at = open_as(demo_store.path, monkeypatch, "overview", cycle=str(INSTALLATION))
    next(b for b in at.button if b.proto.label == "Prepare the briefing").click().run(timeout=120)
    assert not at.exception
    deck = zipfile.ZipFile(io.BytesIO(at.session_state["briefing_file"][1]))
    text = b"".join(deck.read(name) for name in deck.namelist())
    assert (b"Repair job" in text, [w for w in OUT_OF_SCOPE_WORDS if w.encode() in text]) == (True, [])


def test_the_plan_evidence_counts_only_the_touchpoints_of_the_cycles_in_scope(demo_store: Store):
    """The demo maps 27 touchpoints, 9 of them on the Repair job."""
    every = plan.evidence_figures(demo_store, DEMO_END, 90)
    repair = plan.evidence_figures(demo_store, DEMO_END, 90, (REPAIR,))
    nothing = plan.evidence_figures(demo_store, DEMO_END, 90, (access.NO_CYCLE,))
    assert [int(f["touchpoints"].sum()) for f in (every, repair, nothing)] == [27, 9, 0]


def test_the_plan_page_judges_each_person_on_their_own_cycles_even_right_after_someone_else(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    """The evidence is cached per data scope: the one-cycle viewer never gets the admin's figures.
    At Make-or-Break the demo maps 8 touchpoints: 3 on the Repair job (appointment confirmation,
    engineer arrival, diagnosis and price), 3 on the New installation, 2 on the renewal."""
    shown = {}
    for role, scope in (("admin", "all cycles"), ("viewer", "one cycle")):
        with access.everywhere_as(person(role, scope)):
            at = open_as(demo_store.path, monkeypatch, "reputation", cell="isolate_contacts:make_or_break")
        shown[role] = [m.value for m in at.markdown if "Touchpoints mapped" in m.value]
    assert shown == {
        "admin": [":material/check_circle: Touchpoints mapped: **8 touchpoints**"],
        "viewer": [":material/check_circle: Touchpoints mapped: **3 touchpoints**"],
    }


def test_a_person_whose_scope_holds_no_cycle_sees_no_figures_rather_than_all_of_them(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    nobody = access.Principal("vera@example.org", "viewer", "user", user_id=1, cycles=frozenset())
    with access.everywhere_as(nobody):
        at = open_as(demo_store.path, monkeypatch, "overview")
    assert ([m.value for m in at.metric], [i.value for i in at.info][-1:]) == (
        [],
        ["No impressions recorded yet. Once surveys or workshop votes come in, this page fills up."],
    )


@pytest.mark.parametrize("as_person", [("editor", "all cycles")], ids=["editor"], indirect=True)
def test_a_map_file_for_another_teams_cycle_is_refused_before_its_changes_are_shown(
    as_person: access.Principal, demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    data = b"service_cycle,touchpoint,moment,channel,owner\nNew installation,Website,now or never,Web,Sales\n"
    version = demo_store.data_version()
    at = open_as(demo_store.path, monkeypatch, "map", cycle=str(REPAIR))
    next(u for u in at.file_uploader if u.proto.label == "Map file (CSV or XLSX)").upload(
        "installation.csv", data, "text/csv"
    ).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "The map file was not imported; nothing was written. "
        "That service cycle belongs to another team; you may read it but not change it."
    ]
    assert ("Import the map" in controls(at), demo_store.data_version()) == (False, version)


def test_a_refusal_from_the_rules_shows_as_a_message_not_a_traceback(monkeypatch: pytest.MonkeyPatch):
    """What the store raises when it refuses a write (``access.require``, as ``audit.write`` does)."""

    def page() -> None:
        from dashboard import access
        from dashboard.ui import feedback

        feedback.act("Deleted.", access.require, "delete")

    with access.everywhere_as(person("viewer", "all cycles")):
        at = AppTest.from_function(page).run()
    assert (not at.exception, texts(at, "error")) == (True, ["this needs the admin role; your role is viewer"])


@pytest.mark.parametrize("as_person", [("editor", "all cycles")], ids=["editor"], indirect=True)
def test_a_flow_file_with_counts_for_another_teams_cycle_is_refused_before_its_preview(
    as_person: access.Principal, demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    data = b"period,service_cycle,measure,source,count\n2026-09,Repair job,lost,,2\n2026-09,New installation,lost,,3\n"
    version = demo_store.data_version()
    at = open_as(demo_store.path, monkeypatch, "flow")
    at.file_uploader(key="flow_files").upload("september.csv", data, "text/csv").run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Not imported: That service cycle belongs to another team; you may read it but not change it."
    ]
    assert ([m.label for m in at.metric if m.label == "Rows read"], demo_store.data_version()) == ([], version)


@pytest.mark.parametrize("as_person", [("editor", "all cycles")], ids=["editor"], indirect=True)
def test_an_editor_writes_standards_for_their_teams_touchpoints_only(
    as_person: access.Principal, demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    at = open_as(demo_store.path, monkeypatch, "reputation")
    states = {}
    for label in ("Repair job · Engineer arrival", "New installation · Written quote"):
        picker = at.selectbox(key="review_touchpoint")
        picker.select_index(picker.options.index(label)).run()
        states[label] = controls(at)["Save standard and review"]
    assert states == {"Repair job · Engineer arrival": "enabled", "New installation · Written quote": "disabled"}
