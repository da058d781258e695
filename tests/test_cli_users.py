"""The account commands on the workspace file: user create (a set-password link, or the password
from standard input), list, set-role, scope, invite, disable; tokens for users. A refusal is one
line on standard error, exit status 2, and changes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from dashboard import accounts, cli
from dashboard.store import Store, cycles, groups, tokens, users


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace with two cycles and a team, and no server address configured."""
    monkeypatch.delenv("DASHBOARD_SERVER_URL", raising=False)
    path = tmp_path / "users.duckdb"
    with Store(path) as store:
        cycles.create_cycle(store, "Repair job")
        cycles.create_cycle(store, "Renewal")
        groups.add_team(store, "Field service")
    return path


def test_a_new_user_gets_a_one_time_link_on_the_servers_address(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DASHBOARD_SERVER_URL", "https://dash.example.org/")
    code, out, err = run(capsys, "user", "create", "Ann@Example.org", "--role", "admin", "--db", str(db))
    first, second, link = out.splitlines()
    assert (code, err, first, second) == (
        0,
        "",
        "added ann@example.org as admin",
        "set-password link for ann@example.org, valid 7 days, usable once:",
    )
    assert link.startswith("https://dash.example.org/auth/set-password?link=")
    with Store(db) as store:
        assert users.redeem(store, link.rpartition("=")[2], "a long new password") == "ann@example.org"


def test_without_a_known_address_the_link_is_a_path_to_append(db: Path, capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(capsys, "user", "create", "ann@example.org", "--role", "viewer", "--db", str(db))
    assert code == 0
    assert out.splitlines()[1].endswith("usable once (append it to the app's address):")
    assert out.splitlines()[2].startswith("/auth/set-password?link=")


def test_password_stdin_sets_the_password_so_the_user_can_sign_in(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough secret\n"))
    args = ("user", "create", "ann@example.org", "--role", "editor", "--team", "field service")
    code, out, _ = run(capsys, *args, "--cycle", "Renewal", "--password-stdin", "--db", str(db))
    assert (code, out) == (0, "added ann@example.org as editor, with the password given\n")
    with Store(db) as store:
        assert users.sign_in(store, "ann@example.org", "a long enough secret", "127.0.0.1") > 0
        listed = users.listing(store)
    found = listed[["email", "role", "teams", "cycles"]].map(lambda v: v if isinstance(v, str) else list(v))
    assert found.to_dict("records") == [
        {"email": "ann@example.org", "role": "editor", "teams": ["Field service"], "cycles": ["Renewal"]}
    ]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("--role", "viewer", "--password-stdin"), "short\n", "error: a password needs at least 10 characters"),
        (("--role", "viewer", "--cycle", "Moon"), "", "error: there is no service cycle 'Moon' (service cycles:"),
        (("--role", "viewer", "--team", "Nobody"), "", "error: there is no team 'Nobody' (teams: Field service)"),
    ],
)
def test_a_refused_user_create_says_why_in_one_line_exits_2_and_adds_nobody(
    db: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    stdin: str,
    message: str,
):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code, out, err = run(capsys, "user", "create", "ann@example.org", *args, "--db", str(db))
    assert (code, out, err.startswith(message), err.count("\n")) == (2, "", True, 1)
    with Store(db) as store:
        assert users.listing(store).empty


def test_set_role_scope_invite_and_disable_change_what_they_say(db: Path, capsys: pytest.CaptureFixture[str]):
    base = ("--db", str(db))
    run(capsys, "user", "create", "bob@example.org", "--role", "facilitator", *base)
    assert run(capsys, "user", "set-role", "BOB@example.org", "editor", *base) == (
        0,
        "bob@example.org is now editor\n",
        "",
    )
    assert run(capsys, "user", "scope", "bob@example.org", "--cycle", "repair job", *base)[0] == 0
    code, out, _ = run(capsys, "user", "invite", "bob@example.org", *base)
    assert code == 0 and out.splitlines()[-1].startswith("/auth/set-password?link=")
    assert run(capsys, "user", "disable", "bob@example.org", *base) == (
        0,
        "disabled bob@example.org: their sessions ended and their tokens were revoked\n",
        "",
    )
    with Store(db) as store:
        row = users.listing(store).iloc[0]
    assert (row["role"], list(row["cycles"]), row["disabled_at"] is not None) == ("editor", ["Repair job"], True)


def test_commands_on_an_unknown_user_are_refused_with_exit_2(db: Path, capsys: pytest.CaptureFixture[str]):
    for command in (("set-role", "x@example.org", "viewer"), ("invite", "x@example.org"), ("disable", "x@example.org")):
        assert run(capsys, "user", *command, "--db", str(db)) == (2, "", "error: there is no user 'x@example.org'\n")


def test_a_token_for_a_user_carries_at_most_their_role(db: Path, capsys: pytest.CaptureFixture[str]):
    base = ("--db", str(db))
    run(capsys, "user", "create", "bob@example.org", "--role", "editor", *base)
    refused = run(capsys, "token", "create", "--name", "ci", "--role", "admin", "--user", "bob@example.org", *base)
    assert refused == (2, "", "error: a token has at most its user's role: bob@example.org is editor, not admin\n")
    code, out, _ = run(
        capsys, "token", "create", "--name", "ci", "--role", "viewer", "--user", "bob@example.org", *base
    )
    with Store(db) as store:
        found = tokens.holder(store, out.strip())
    assert (code, found.name if found else None) == (0, "token ci of bob@example.org")


def test_outside_open_mode_a_token_needs_user(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DASHBOARD_AUTH", "local")
    refused = run(capsys, "token", "create", "--name", "ci", "--role", "viewer", "--db", str(db))
    assert refused == (2, "", "error: name the user the token belongs to (only open mode has tokens without one)\n")
    assert accounts.mode() == "local"


@pytest.mark.parametrize(
    ("command", "tail", "status"),
    [
        (["stats", "--json"], "", 1),
        (["user", "list"], "", 2),
        (["demo"], " and 'demo' does not go through a server", 1),
    ],
    ids=["a-command-a-server-could-run", "an-account-command", "a-command-only-on-the-file"],
)
def test_a_token_in_the_environment_with_no_server_to_check_it_is_refused_not_ignored(
    db: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
    tail: str,
    status: int,
):
    monkeypatch.setenv("DASHBOARD_TOKEN", "a viewer's token")
    code, out, err = run(capsys, *command, "--db", str(db))
    assert (code, out, err) == (
        status,
        "",
        f"error: DASHBOARD_TOKEN is set, but no running server holds {db} to check it{tail}; start the server,"
        " or unset DASHBOARD_TOKEN to work on the file as its owner\n",
    )
