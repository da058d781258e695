"""The audit workspace: two teams' service cycles, the users who act on them, and what the audit
tests compare (every table's rows, the audit log's newest rows)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from dashboard import access, alerting
from dashboard.flow import service as flow_service
from dashboard.imports import pipeline
from dashboard.scales import Scale
from dashboard.store import Store, cycles, flow, groups, ideas, imports, reports, users, webhooks
from dashboard.store import workshop as sessions
from dashboard.touchpoints import TouchpointFields
from tests import pg


@dataclass(frozen=True)
class Target:
    """One service cycle of the audit workspace and the things in it a write can name."""

    cycle: int
    name: str
    touchpoints: tuple[int, int]
    archived: int
    idea: int
    session: int
    wall_idea: int
    team: int


@dataclass(frozen=True)
class Workspace:
    """Two teams' cycles (Lettings belongs to the editor's team, Repairs to another), the users."""

    path: Path
    own: Target
    other: Target
    spare_group: int
    alert_rule: int
    users: dict[str, int]


def _target(store: Store, name: str, team: str, code: str) -> Target:
    team_id = groups.add_team(store, team)
    cycle = cycles.create_cycle(store, name)
    first, second, old = (
        cycles.add_touchpoint(store, cycle, TouchpointFields(f"{name} {n}", "keep_or_lose", owner_team_id=team_id))
        for n in ("call", "visit", "letter")
    )
    cycles.archive_touchpoint(store, old)
    idea = ideas.add_idea(store, first, "Call back within a day")
    session = sessions.create_session(store, cycle, [first, second], "1-5", iter([code]).__next__)
    phone = sessions.join(store, session.id, f"token-{code}", "Pat")
    wall_idea = sessions.propose_idea(store, phone.id, first, "Warmer greeting")
    return Target(cycle, name, (first, second), old, idea, session.id, wall_idea, team_id)


@pytest.fixture(scope="session")
def audit_db(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The audit workspace, built once (as the command line would, ``SYSTEM``) and copied per test."""
    path = tmp_path_factory.mktemp("audit") / "audit.duckdb"
    return _build(path)


def _build(target: str | Path) -> Workspace:
    """Builds the audit workspace in ``target``: a new file, or an empty database (whose ``path``
    is a stand-in until ``workspace`` gives each test its own)."""
    path = Path(target) if isinstance(target, Path) else Path("audit.duckdb")
    with Store(target) as store:
        own = _target(store, "Lettings", "Lettings team", "AAAA")
        other = _target(store, "Repairs", "Repairs team", "BBBB")
        spare = groups.add_group(store, "Spare group")
        groups.add_group(store, "Tenants")
        rule = reports.save_alert_rule(store, alerting.Rule(0, "Big falls", False, 0.2, 5, False, ("a@example.org",)))
        webhooks.add(store, "repairs-form", "typeform", "Repairs", "1-5", "secret")
        people = {
            "viewer": users.create(store, "vera@example.org", "viewer"),
            "editor": users.create(store, "ed@example.org", "editor", teams=[own.team]),
            "editor2": users.create(store, "eddie@example.org", "editor", teams=[own.team]),
            "facilitator": users.create(store, "fay@example.org", "facilitator"),
            "admin": users.create(store, "ada@example.org", "admin"),
        }
    return Workspace(path, own, other, spare, rule, people)


_PG_BUILT: dict[str, Workspace] = {}
"""The audit workspace built in this process's PostgreSQL template (its ids, its users)."""


def _pg_fill(url: str) -> None:
    _PG_BUILT["audit"] = _build(url)


@pytest.fixture
def workspace(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, Workspace]]:
    """A private copy of the audit workspace, free to write to: a file, or a database cloned from
    a template. Its ``path`` is this test's own (a backup is written beside it)."""
    copy = tmp_path / "audit-copy.duckdb"
    if backend == "postgres":
        url = pg.new_database(pg.template("audit", _pg_fill))
        try:
            with Store(url) as opened:
                yield opened, replace(_PG_BUILT["audit"], path=copy)
        finally:
            pg.drop_database(url)
        return
    built: Workspace = request.getfixturevalue("audit_db")
    shutil.copyfile(built.path, copy)
    with Store(copy) as opened:
        yield opened, replace(built, path=copy)


def as_user(store: Store, user_id: int) -> access.Principal:
    with store.cursor() as cur:
        return users.principal(cur, user_id)


def snapshot(store: Store) -> dict[str, object]:
    """Every table's rows, in a fixed order: equal snapshots, unchanged workspace. (The audit
    workspace is small; reading it whole is quicker than any checksum both databases share.)"""
    with store.cursor() as cur:
        names = cur.execute(
            "select table_name from information_schema.tables where table_schema = current_schema()"
            " and table_type = 'BASE TABLE' order by 1"
        ).fetchall()
        return {str(n): sorted(map(repr, cur.execute(f'select * from "{n}"').fetchall())) for (n,) in names}


def audit_rows(store: Store, after: int = 0) -> list[tuple[str, str, str, int | None]]:
    with store.cursor() as cur:
        rows = cur.execute(
            "select actor, role, kind, cycle_id from audit_log where id > ? order by id", [after]
        ).fetchall()
    return [(str(a), str(r), str(k), c) for a, r, k, c in rows]


def last_audit_id(store: Store) -> int:
    with store.cursor() as cur:
        row = cur.execute("select coalesce(max(id), 0) from audit_log").fetchone()
    assert row is not None
    return int(row[0])


def survey_preview(store: Store, t: Target, day: int = 1) -> pipeline.Preview:
    """A two-impression survey of the cycle's two active touchpoints, ready to commit."""
    data = f"date,touchpoint,score\n2026-09-{day:02},{t.name} call,4\n2026-09-{day + 1:02},{t.name} visit,2\n".encode()
    context = imports.cycle_context(store, t.cycle)
    return pipeline.prepare(data, "survey.csv", context, pipeline.Options(scale=Scale.parse("1-5")))


def flow_import(store: Store, t: Target) -> flow.FlowImportResult:
    """Imports a one-count flow file for the cycle."""
    data = f"period,service_cycle,measure,source,count\n2026-09,{t.name},lost,,4\n".encode()
    return flow.commit(store, flow_service.preview(store, data, "flow.csv"))
