"""Command-line commands for local accounts and tokens that belong to users (issue 16):
``user create|list|set-role|scope|invite|disable`` and ``token create --user``.

They work on the workspace, as SYSTEM (whoever may open the database may do anything). A file is
refused while a server holds it (then the Settings page does the same); a PostgreSQL database is
opened beside its servers. A refusal is one line on
standard error and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

import pandas as pd

from dashboard import access, accounts, announcement, text
from dashboard.cli_server import DB_HELP, opened, refuse_while_served, refusing, workspace, workspace_arg
from dashboard.store import Store, users
from dashboard.store import cycles as store_cycles
from dashboard.store import groups as store_groups
from dashboard.store.pg import is_url

LINK_PATH = "/auth/set-password?link="


def add_commands(commands: argparse._SubParsersAction) -> None:
    """``user ...`` (the ``token`` command is cli_server's; ``token create`` takes ``--user`` here)."""
    user = commands.add_parser("user", help="local accounts: create, list, set-role, scope, invite, disable")
    actions = user.add_subparsers(dest="user_command", required=True)
    create = _sub(actions, "create", "add a user; prints a one-time set-password link", run_create)
    create.add_argument("email")
    create.add_argument("--role", required=True, choices=access.ROLES)
    create.add_argument("--name", default="", help="how the app names them (default: none)")
    create.add_argument("--team", action="append", default=None, help="a team whose cycles they may change (repeat)")
    create.add_argument("--cycle", action="append", default=None, help="limit what they see to this cycle (repeat)")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input instead")
    _sub(actions, "list", "every user: e-mail, role, teams, cycles, password set, disabled", run_list)
    role = _sub(actions, "set-role", "change a user's role (their tokens are capped at it)", run_set_role)
    role.add_argument("email")
    role.add_argument("role", choices=access.ROLES)
    scope = _sub(actions, "scope", "set the teams a user writes for and the cycles they see", run_scope)
    scope.add_argument("email")
    _scope_options(scope)
    invite = _sub(actions, "invite", "a new one-time set-password link (earlier ones stop working)", run_invite)
    invite.add_argument("email")
    disable = _sub(actions, "disable", "end a user's sessions and revoke their tokens, at once", run_disable)
    disable.add_argument("email")


def _sub(
    actions: argparse._SubParsersAction, name: str, about: str, run: Callable[[argparse.Namespace], int]
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = actions.add_parser(name, help=about)
    parser.add_argument("--db", type=workspace_arg, help=DB_HELP)
    parser.set_defaults(run=refusing(run))
    return parser


def _scope_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--team", action="append", default=None, help="a team whose cycles they may change (repeat)")
    parser.add_argument("--cycle", action="append", default=None, help="limit what they see to this cycle (repeat)")
    parser.add_argument("--every-cycle", action="store_true", help="let them see every cycle again")


def _ids(frame: pd.DataFrame, names: Sequence[str] | None, what: str) -> list[int] | None:
    """The ids of the named teams or cycles (None when none was given); refuses an unknown name."""
    if names is None:
        return None
    keys = frame["name"].map(text.key)
    unknown = [n for n in names if text.key(n) not in set(keys)]
    if unknown:
        known = ", ".join(frame["name"]) or "none yet"
        raise ValueError(f"there is no {what} {unknown[0]!r} ({what}s: {known})")
    return [int(i) for i in frame.loc[keys.isin([text.key(n) for n in names]), "id"]]


def _open(args: argparse.Namespace) -> AbstractContextManager[Store]:
    refuse_while_served(workspace(args), "change or list users here (or use the Settings page)")
    return opened(args)


def link_for(db: str | Path, secret: str) -> str:
    """The set-password link: on the server's address when known (``DASHBOARD_SERVER_URL``, else
    the address the server last announced beside a file), else the path to append to the app's address."""
    base = os.environ.get("DASHBOARD_SERVER_URL", "").rstrip("/")
    if not base and not is_url(db):
        found = announcement.read(Path(db))
        base = found.url.rstrip("/") if found is not None else ""
    return f"{base}{LINK_PATH}{secret}"


def print_link(email: str, link: str) -> None:
    """The set-password link as ``user create`` and ``user invite`` print it (here or through a server)."""
    where = "" if link.startswith("http") else " (append it to the app's address)"
    print(f"set-password link for {email}, valid {accounts.INVITE_DAYS} days, usable once{where}:\n{link}")


def print_listing(found: pd.DataFrame) -> None:
    """``user list``'s table (teams and cycles as lists of names)."""
    if found.empty:
        print("no users yet")
        return
    found = found.copy()
    for column in ("teams", "cycles"):
        found[column] = [", ".join(v) if len(v) else "" for v in found[column]]
    print(found.astype(object).where(found.notna(), "").astype(str).to_string(index=False))


def check_password(password: str | None) -> None:
    """Refuses a short password before anything is written."""
    if password is not None and len(password) < accounts.PASSWORD_MIN:
        raise ValueError(f"a password needs at least {accounts.PASSWORD_MIN} characters")


def read_password(args: argparse.Namespace) -> str | None:
    """The password on standard input's first line, with ``--password-stdin``."""
    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else None
    check_password(password)
    return password


def run_create(args: argparse.Namespace) -> int:
    password = read_password(args)
    with _open(args) as store:
        teams = _ids(store_groups.teams(store), args.team, "team") or []
        cycles = _ids(store_cycles.cycles(store), args.cycle, "service cycle") or []
        users.create(store, args.email, args.role, args.name, teams, cycles)
        if password is not None:
            users.set_password(store, args.email, password)
            print(f"added {args.email.strip().casefold()} as {args.role}, with the password given")
            return 0
        secret = users.invite(store, args.email)
    print(f"added {args.email.strip().casefold()} as {args.role}")
    print_link(args.email.strip().casefold(), link_for(workspace(args), secret))
    return 0


def run_list(args: argparse.Namespace) -> int:
    with _open(args) as store:
        print_listing(users.listing(store))
    return 0


def run_set_role(args: argparse.Namespace) -> int:
    with _open(args) as store:
        users.set_role(store, args.email, args.role)
    print(f"{args.email.strip().casefold()} is now {args.role}")
    return 0


def run_scope(args: argparse.Namespace) -> int:
    check_scope_options(args)
    with _open(args) as store:
        teams = _ids(store_groups.teams(store), args.team, "team")
        cycles = [] if args.every_cycle else _ids(store_cycles.cycles(store), args.cycle, "service cycle")
        users.set_scope(store, args.email, teams, cycles)
    print(f"updated what {args.email.strip().casefold()} sees and may change")
    return 0


def check_scope_options(args: argparse.Namespace) -> None:
    if args.team is None and args.cycle is None and not args.every_cycle:
        raise ValueError("give --team, --cycle or --every-cycle; --team and --cycle may repeat")
    if args.cycle is not None and args.every_cycle:
        raise ValueError("give --cycle or --every-cycle, not both")


def run_invite(args: argparse.Namespace) -> int:
    with _open(args) as store:
        secret = users.invite(store, args.email)
    print_link(args.email.strip().casefold(), link_for(workspace(args), secret))
    return 0


def run_disable(args: argparse.Namespace) -> int:
    with _open(args) as store:
        users.disable(store, args.email)
    print(f"disabled {args.email.strip().casefold()}: their sessions ended and their tokens were revoked")
    return 0
