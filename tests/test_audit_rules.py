"""The audit's rules beyond the role matrix: who may undo an import, whose name the histories keep,
what participants write unrecorded, and that the acting principal follows a write into a worker
thread."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import anyio
import pytest
from starlette.concurrency import run_in_threadpool

from dashboard import access, import_jobs
from dashboard.briefing import digest
from dashboard.store import Store, audit, cycles, flow, imports, operations, plan
from dashboard.store import workshop as sessions
from dashboard.store.workspace import counts as workspace_counts
from dashboard.workspace_file import open_workspace
from tests.audit_workspace import (
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

__all__ = ["audit_db", "workspace"]  # the fixtures, imported for pytest to find

OWN_ONLY = "you may undo only your own imports; an admin may undo this one"


def test_an_editor_undoes_their_own_import_and_only_an_admin_undoes_another_editors(
    workspace: tuple[Store, Workspace],
) -> None:
    store, built = workspace
    editor, colleague, admin = (as_user(store, built.users[u]) for u in ("editor", "editor2", "admin"))
    with access.acting_as(editor):
        first = imports.commit(store, survey_preview(store, built.own)).batch_id
        second = imports.commit(store, survey_preview(store, built.own, day=3)).batch_id
    before = snapshot(store)
    with access.acting_as(colleague), pytest.raises(access.ForbiddenError) as refused:
        imports.undo(store, first)
    assert (str(refused.value), snapshot(store)) == (OWN_ONLY, before)
    last = last_audit_id(store)
    with access.acting_as(editor):
        assert imports.undo(store, first) == 2
    with access.acting_as(admin):
        assert imports.undo(store, second) == 2
    assert audit_rows(store, last) == [
        ("ed@example.org", "editor", "undo", built.own.cycle),
        ("ada@example.org", "admin", "undo", built.own.cycle),
    ]
    assert list(imports.history(store)["imported_by"]) == ["ed@example.org", "ed@example.org"]


def test_an_editor_may_not_undo_an_import_into_another_teams_cycle(workspace: tuple[Store, Workspace]) -> None:
    store, built = workspace
    batch = imports.commit(store, survey_preview(store, built.other)).batch_id  # the command line's
    before = snapshot(store)
    with access.acting_as(as_user(store, built.users["editor"])), pytest.raises(access.ForbiddenError) as refused:
        imports.undo(store, batch)
    assert str(refused.value) == "that service cycle belongs to another team; you may read it but not change it"
    assert snapshot(store) == before


def test_a_flow_import_is_undone_by_whoever_made_it_or_an_admin(workspace: tuple[Store, Workspace]) -> None:
    store, built = workspace
    editor, colleague, admin = (as_user(store, built.users[u]) for u in ("editor", "editor2", "admin"))
    with access.acting_as(editor):
        mine = flow_import(store, built.own).import_id
    before = snapshot(store)
    with access.acting_as(colleague), pytest.raises(access.ForbiddenError, match=OWN_ONLY):
        flow.undo(store, mine)
    assert snapshot(store) == before
    with access.acting_as(admin):
        assert flow.undo(store, mine) == 1
    assert list(flow.history(store)["imported_by"]) == ["ed@example.org"]


def test_a_typed_name_is_kept_only_when_nobody_signed_in(workspace: tuple[Store, Workspace]) -> None:
    store, built = workspace
    last = last_audit_id(store)
    with access.acting_as(access.OPEN):
        plan.set_plan_cell(store, "measure", "multiplier", status="in_progress", changed_by="Dana")
    plan.set_plan_cell(store, "measure", "multiplier", status="at_risk", changed_by="")  # the command line, untyped
    with access.acting_as(as_user(store, built.users["editor"])):
        plan.set_plan_cell(store, "measure", "multiplier", status="done", changed_by="Somebody else")
    history = plan.cell_history(store, "measure", "multiplier")
    assert history[["status", "changed_by"]].to_dict("records") == [
        {"status": "done", "changed_by": "ed@example.org"},
        {"status": "at_risk", "changed_by": ""},
        {"status": "in_progress", "changed_by": "Dana"},
    ]
    assert audit_rows(store, last) == [
        ("Dana", "admin", "plan", None),
        ("system", "admin", "plan", None),
        ("ed@example.org", "editor", "plan", None),
    ]


def test_participants_vote_and_propose_unrecorded_but_may_not_run_the_workshop(
    workspace: tuple[Store, Workspace],
) -> None:
    store, built = workspace
    session = built.own.session
    sessions.set_open(store, session, True)
    last = last_audit_id(store)
    with access.acting_as(access.participant(session)):
        phone = sessions.join(store, session, "token-new", "Sam")
        vote = sessions.VoteRequest(phone.id, built.own.touchpoints[0], "4", 0.5)
        sessions.submit_votes(store, [vote])
        idea = sessions.propose_idea(store, phone.id, built.own.touchpoints[0], "Free parking")
        sessions.vote_for_idea(store, phone.id, idea)
        with pytest.raises(access.ForbiddenError, match="a workshop participant may only vote"):
            sessions.set_revealed(store, session, True)
    assert vote.error is None
    assert audit_rows(store, last) == []


def test_the_acting_principal_follows_a_write_into_a_worker_thread(workspace: tuple[Store, Workspace]) -> None:
    """Starlette's thread pool copies the context; a thread of one's own must be started with a copy."""
    store, built = workspace
    editor = as_user(store, built.users["editor"])

    def rename(name: str) -> Callable[[], None]:
        return lambda: cycles.rename_cycle(store, built.own.cycle, name)

    last = last_audit_id(store)
    with access.acting_as(editor):
        # The event loop runs on a thread of its own: another test in this process may have left
        # one running on this thread (Playwright's).
        pool = threading.Thread(
            target=contextvars.copy_context().run, args=(anyio.run, run_in_threadpool, rename("Lettings via the pool"))
        )
        pool.start()
        pool.join()
        copied = threading.Thread(target=contextvars.copy_context().run, args=(rename("Lettings via a thread"),))
        copied.start()
        copied.join()
        bare = threading.Thread(target=rename("Lettings without the context"))
        bare.start()
        bare.join()
    assert [row[0] for row in audit_rows(store, last)] == ["ed@example.org", "ed@example.org", "system"]


def test_restore_digest_and_import_job_refuse_before_touching_anything(
    workspace: tuple[Store, Workspace],
) -> None:
    store, built = workspace
    backup = store.path.with_name("backup.duckdb")
    operations.backup(store, backup)
    target = store.path.with_name("target.duckdb")
    target.write_bytes(b"the workspace in place")
    before = snapshot(store)
    with access.acting_as(as_user(store, built.users["facilitator"])):
        with pytest.raises(access.ForbiddenError, match="needs the admin role"):
            operations.restore_file(backup, target)
        with pytest.raises(access.ForbiddenError, match="needs the admin role"):  # before connecting to any server
            digest.send(store, [], digest.Smtp("mail.invalid", 1), date(2026, 9, 30))
    job = import_jobs.Request(b"\x00 not a survey at all", "broken.csv", "Repairs")
    with access.acting_as(as_user(store, built.users["viewer"])), pytest.raises(access.ForbiddenError):
        import_jobs.run(store, job)  # refused before the file is read: not a SurveyError
    assert (target.read_bytes(), snapshot(store)) == (b"the workspace in place", before)


def test_a_user_limited_to_some_cycles_writes_to_no_other(workspace: tuple[Store, Workspace]) -> None:
    store, built = workspace
    scoped = access.Principal("sam@example.org", "admin", "user", 99, frozenset({built.own.cycle}))
    before = snapshot(store)
    with access.acting_as(scoped), pytest.raises(access.ForbiddenError) as refused:
        cycles.rename_cycle(store, built.other.cycle, "Renamed")
    assert (str(refused.value), snapshot(store)) == ("that service cycle is outside what you may see", before)
    with access.acting_as(scoped):
        cycles.rename_cycle(store, built.own.cycle, "Lettings and moving in")
    assert list(cycles.cycles(store)["name"]) == ["Lettings and moving in", "Repairs"]


def test_the_first_start_builds_the_demo_as_system_whoever_opened_the_workspace(tmp_path: Path) -> None:
    with access.acting_as(access.ANONYMOUS), open_workspace(tmp_path / "new.duckdb") as opened:
        assert workspace_counts(opened)["cycles"] > 0
    with Store(tmp_path / "new.duckdb") as reopened:
        log = audit.entries(reopened)
    assert set(zip(log["actor"], log["role"], strict=True)) == {("system", "admin"), ("demo", "admin")}  # flow: "demo"


def test_the_log_narrows_to_an_actor_a_kind_and_a_range_of_days_with_the_last_day_included(store: Store) -> None:
    with store.transaction() as cur:
        audit.write(cur, "users", "user added", by="Ann")
        audit.write(cur, "backup", "backup written", by="Bob")
        audit.write(cur, "users", "role changed", by="Bob")
        # A row from long ago, late on its day: a day range must include its last day whole.
        cur.execute("update audit_log set logged_at = ? where action = 'user added'", [datetime(2000, 3, 2, 23, 30)])

    def actions(
        actor: str | None = None, kind: str | None = None, start: date | None = None, end: date | None = None
    ) -> list[str]:
        return [str(a) for a in audit.entries(store, actor, kind, start, end)["action"]]

    assert actions() == ["role changed", "backup written", "user added"]
    assert actions(actor="Bob") == ["role changed", "backup written"]
    assert actions(kind="users") == ["role changed", "user added"]
    assert actions(actor="Bob", kind="users") == ["role changed"]
    assert actions(start=date(2000, 3, 1), end=date(2000, 3, 2)) == ["user added"]
    assert actions(end=date(2000, 3, 1)) == []
    assert actions(start=date(2000, 3, 3)) == ["role changed", "backup written"]
