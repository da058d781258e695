"""``user ...`` and ``token create`` through a running server (``dashboard/web/accounts_api.py``),
with the same output as on the file; the set-password link is on the server's own address.
Refusals exit 2, as on the file."""

from __future__ import annotations

import argparse
import json
import sys
import urllib.parse
from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from dashboard import cli_users

if TYPE_CHECKING:  # dashboard.remote imports this module to register the handlers
    from dashboard.remote import Remote

REFUSED = 2
COMMANDS = frozenset({"user", "token"})
"""Commands whose refusals exit 2 (the server's refusals included)."""
Handler = Callable[["Remote", argparse.Namespace], int]


def refusing(handler: Handler) -> Handler:
    def checked(remote: Remote, args: argparse.Namespace) -> int:
        try:
            return handler(remote, args)
        except ValueError as refusal:
            print(f"error: {' '.join(str(refusal).split())}", file=sys.stderr)
            return REFUSED

    return checked


def _email(args: argparse.Namespace) -> str:
    return str(args.email).strip().casefold()


def _create(remote: Remote, args: argparse.Namespace) -> int:
    body = {"email": args.email, "role": args.role, "name": args.name, "password": cli_users.read_password(args)}
    body |= {"teams": args.team or [], "cycles": args.cycle or []}
    answer = json.loads(remote.call("POST", "/api/v1/users", json_body=body))
    if answer["link"] is None:
        print(f"added {answer['email']} as {args.role}, with the password given")
        return 0
    print(f"added {answer['email']} as {args.role}")
    cli_users.print_link(answer["email"], remote.url + answer["link"])
    return 0


def _list(remote: Remote, _args: argparse.Namespace) -> int:
    found = pd.DataFrame(json.loads(remote.call("GET", "/api/v1/users"))["users"])
    cli_users.print_listing(found)
    return 0


def _set_role(remote: Remote, args: argparse.Namespace) -> int:
    remote.call("PUT", f"/api/v1/users/{_quoted(args.email)}/role", json_body={"role": args.role})
    print(f"{_email(args)} is now {args.role}")
    return 0


def _scope(remote: Remote, args: argparse.Namespace) -> int:
    cli_users.check_scope_options(args)
    body = {"teams": args.team, "cycles": [] if args.every_cycle else args.cycle}
    remote.call("PUT", f"/api/v1/users/{_quoted(args.email)}/scope", json_body=body)
    print(f"updated what {_email(args)} sees and may change")
    return 0


def _invite(remote: Remote, args: argparse.Namespace) -> int:
    answer = json.loads(remote.call("POST", f"/api/v1/users/{_quoted(args.email)}/invite"))
    cli_users.print_link(answer["email"], remote.url + answer["link"])
    return 0


def _disable(remote: Remote, args: argparse.Namespace) -> int:
    remote.call("POST", f"/api/v1/users/{_quoted(args.email)}/disable")
    print(f"disabled {_email(args)}: their sessions ended and their tokens were revoked")
    return 0


def _token(remote: Remote, args: argparse.Namespace) -> int:
    body = {"name": args.name, "role": args.role, "user": args.user}
    print(json.loads(remote.call("POST", "/api/v1/tokens", json_body=body))["token"])
    return 0


def _quoted(email: str) -> str:
    return urllib.parse.quote(email.strip(), safe="@")


HANDLERS: dict[tuple[str, str | None], Handler] = {
    ("user", "create"): refusing(_create),
    ("user", "list"): refusing(_list),
    ("user", "set-role"): refusing(_set_role),
    ("user", "scope"): refusing(_scope),
    ("user", "invite"): refusing(_invite),
    ("user", "disable"): refusing(_disable),
    ("token", "create"): refusing(_token),
}
