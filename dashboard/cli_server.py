"""Command-line commands of the app server: API tokens, backups, restores and copies.

``token``, ``restore`` and ``copy`` work on the workspace file directly (before any server
starts); ``backup`` goes through the running server when there is one (``dashboard.remote``).
On PostgreSQL every command opens the database itself, beside any running servers.

Also the one reading of ``--db`` for every command: a file or a PostgreSQL URL.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from dashboard import announcement
from dashboard.scales import Scale
from dashboard.store import Store, copy, database_target, operations, tokens, users, webhooks
from dashboard.store.operations import BackupError
from dashboard.store.pg import is_url

DB_HELP = "database file or PostgreSQL URL (default: $DASHBOARD_DB or data/dashboard.duckdb)"
DB_OR_URL_HELP = DB_HELP
REFUSED = 2
"""The exit status of a refused account or token command (argparse's own for bad usage)."""


def refusing(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """``run`` with a refusal printed as one line and exit status 2 (never a traceback)."""

    def checked(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except (ValueError, OSError) as refusal:
            print(f"error: {' '.join(str(refusal).split())}", file=sys.stderr)
            return REFUSED

    return checked


def add_commands(commands: argparse._SubParsersAction) -> None:
    """``token create|list|revoke``, ``backup FILE`` and ``restore FILE``."""
    token = commands.add_parser("token", help="API tokens: create, list, revoke")
    actions = token.add_subparsers(dest="token_command", required=True)
    create = actions.add_parser("create", help="create a token and print it (the only time it is shown)")
    create.add_argument("--name", required=True, help="who or what uses it, e.g. nightly-import")
    create.add_argument("--role", required=True, choices=tokens.ROLES, help="at most the user's own role")
    create.add_argument("--user", help="the e-mail of the user it acts for (may be left out in open mode only)")
    create.add_argument("--db", type=workspace_arg, help=DB_HELP)
    create.set_defaults(run=refusing(run_token_create))
    listing = actions.add_parser("list", help="every token: name, role, created, last used, revoked")
    listing.add_argument("--db", type=workspace_arg, help=DB_HELP)
    listing.set_defaults(run=run_token_list)
    revoke = actions.add_parser("revoke", help="revoke a token by name; it stops working at once")
    revoke.add_argument("name", help="the token's name")
    revoke.add_argument("--db", type=workspace_arg, help=DB_HELP)
    revoke.set_defaults(run=run_token_revoke)

    backup = commands.add_parser("backup", help="write a consistent copy of the workspace, even while the app serves")
    backup.add_argument("file", type=Path, help="the backup file to write (must not exist)")
    backup.add_argument("--db", type=workspace_arg, help=DB_HELP)
    backup.set_defaults(run=run_backup)
    restore = commands.add_parser("restore", help="put a backup in place of the workspace (the app must be stopped)")
    restore.add_argument("file", type=Path, help="a backup written by the backup command")
    restore.add_argument("--db", type=workspace_arg, help=DB_HELP)
    restore.add_argument("--force", action="store_true", help="overwrite a workspace that holds data")
    restore.set_defaults(run=run_restore)
    _add_copy_command(commands)
    _add_webhook_commands(commands)


def _add_copy_command(commands: argparse._SubParsersAction) -> None:
    where = "a workspace file, or a PostgreSQL URL (postgresql://user:password@host:5432/database)"
    move = commands.add_parser(
        "copy", help="copy a whole workspace into another database, e.g. from a DuckDB file to PostgreSQL"
    )
    move.add_argument("--from", dest="source", required=True, metavar="SOURCE", help=f"what to copy: {where}")
    move.add_argument("--to", dest="target", required=True, metavar="TARGET", help=f"where to: {where}")
    move.add_argument("--force", action="store_true", help="replace everything a target that holds data holds")
    move.set_defaults(run=run_copy)


def run_copy(args: argparse.Namespace) -> int:
    """Copies every table in one transaction of the target, then says what it holds."""
    for place in (args.source, args.target):
        if not is_url(place):
            refuse_while_served(Path(place), "copy this workspace")
    counts = copy.copy_workspace(args.source, args.target, force=args.force)
    print(
        f"copied {copy.shown(args.source)} to {copy.shown(args.target)}: {counts.get('impression', 0):,} impressions"
        f" in {len(counts)} tables; every table's count matches"
    )
    return 0


def _add_webhook_commands(commands: argparse._SubParsersAction) -> None:
    hook = commands.add_parser("webhook", help="survey tools' webhooks: add, list, remove")
    actions = hook.add_subparsers(dest="webhook_command", required=True)
    add = actions.add_parser("add", help="receive a survey's responses at /api/v1/responses/KEY (prints the secret)")
    add.add_argument("key", help="the survey key: the last part of the webhook URL")
    add.add_argument("--tool", required=True, choices=webhooks.TOOLS)
    add.add_argument("--cycle", required=True, help="the service cycle the responses go to")
    add.add_argument("--scale", help="the scale of the ratings, e.g. 1-5 (one response rarely shows it)")
    add.add_argument("--secret", help="Typeform: made for you when left out; SurveyMonkey: 'API_KEY&API_SECRET'")
    add.add_argument("--db", type=workspace_arg, help=DB_HELP)
    add.set_defaults(run=run_webhook_add)
    listing = actions.add_parser("list", help="every webhook (without secrets)")
    listing.add_argument("--db", type=workspace_arg, help=DB_HELP)
    listing.set_defaults(run=run_webhook_list)
    remove = actions.add_parser("remove", help="stop receiving a survey's responses")
    remove.add_argument("key")
    remove.add_argument("--db", type=workspace_arg, help=DB_HELP)
    remove.set_defaults(run=run_webhook_remove)


def run_webhook_add(args: argparse.Namespace) -> int:
    refuse_while_served(workspace(args), "set up a webhook")
    if args.scale:
        Scale.parse(args.scale)  # refuses a bad spec now rather than at the first response
    with opened(args) as store:
        secret = webhooks.add(store, args.key, args.tool, args.cycle, args.scale, args.secret)
    print(f"responses to /api/v1/responses/{args.key} are recorded; the signing secret is:\n{secret}")
    return 0


def run_webhook_list(args: argparse.Namespace) -> int:
    refuse_while_served(workspace(args), "list webhooks here")
    with opened(args) as store:
        found = webhooks.listing(store)
    print("no webhooks yet" if found.empty else found.fillna("").astype(str).to_string(index=False))
    return 0


def run_webhook_remove(args: argparse.Namespace) -> int:
    refuse_while_served(workspace(args), "remove a webhook")
    with opened(args) as store:
        webhooks.remove(store, args.key)
    print(f"removed the webhook {args.key!r}")
    return 0


def workspace_arg(text: str) -> str | Path:
    """``--db``: a PostgreSQL URL as given, else a file path."""
    return text if is_url(text) else Path(text)


def workspace(args: argparse.Namespace) -> str | Path:
    """The workspace a command names: ``--db``, else ``$DASHBOARD_DB``, else the default file."""
    given: str | Path | None = getattr(args, "db", None)
    return database_target() if given is None else given


def opened(args: argparse.Namespace) -> AbstractContextManager[Store]:
    """The command's workspace, opened. A database that cannot be reached is one line naming no
    password (``copy.opened``); a file keeps DuckDB's own message, which ``cli.main`` explains."""
    target = workspace(args)
    return copy.opened(target) if is_url(target) else Store(target)


def refuse_while_served(db: str | Path, what: str) -> None:
    """Token changes and restores write the file itself: a running server holds it. (Servers on
    PostgreSQL announce nothing: there every command opens the database beside them.)"""
    if not is_url(db) and announcement.live(Path(db)) is not None:
        raise ValueError(f"the app server is running on {db}; stop it to {what}")


def run_token_create(args: argparse.Namespace) -> int:
    refuse_while_served(workspace(args), "create a token (or use the Settings page)")
    with opened(args) as store:
        token = tokens.create(store, args.name, args.role, users.find(store, args.user) if args.user else None)
    print(token)
    return 0


def run_token_list(args: argparse.Namespace) -> int:
    refuse_while_served(workspace(args), "list tokens here (or use the Settings page)")
    with opened(args) as store:
        found = tokens.listing(store)
    if found.empty:
        print("no tokens yet")
        return 0
    print(found.fillna("").astype(str).to_string(index=False))
    return 0


def run_token_revoke(args: argparse.Namespace) -> int:
    refuse_while_served(workspace(args), "revoke a token here (or use the Settings page)")
    with opened(args) as store:
        tokens.revoke(store, args.name)
    print(f"revoked the token {args.name!r}")
    return 0


def run_backup(args: argparse.Namespace) -> int:
    """Without a running server (``dashboard.remote`` takes the other case): copy the file's snapshot."""
    with opened(args) as store:
        counts = operations.backup(store, args.file)
    print(f"backup written to {args.file}: {counts.get('impression', 0):,} impressions, {len(counts)} tables")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    """Checks the backup's schema and the target, copies it into place, and compares every count."""
    db = workspace(args)
    refuse_while_served(db, "restore")  # first: whatever the file is, a served workspace is not replaced
    version, newest = operations.backup_schema(args.file), operations.newest_schema()
    if version > newest:
        raise BackupError(f"{args.file} has schema version {version}, newer than this app's {newest}; upgrade the app")
    if isinstance(db, str):
        return _restore_into_database(args.file, db, force=args.force)
    if db.exists() and not args.force:
        with Store(db) as store:
            if not operations.is_empty(store):
                raise BackupError(f"{db} holds a workspace with data; add --force to overwrite it")
    expected = operations.stored_counts(args.file)
    operations.restore_file(args.file, db)
    with Store(db) as store:  # brings an older backup's schema up to date
        restored = operations.table_counts(store)
    differing = sorted(t for t, n in expected.items() if restored.get(t) != n)
    if differing:
        raise BackupError(f"the restored workspace differs from the backup in: {', '.join(differing)}")
    print(f"restored {args.file} into {db}: {expected.get('impression', 0):,} impressions; every table's count matches")
    return 0


def _restore_into_database(backup: Path, url: str, *, force: bool) -> int:
    """A restore into PostgreSQL: the backup's tables copied in, in one transaction."""
    with copy.opened(url) as store:
        if not force and not operations.is_empty(store):
            raise BackupError(f"{copy.shown(url)} holds a workspace with data; add --force to overwrite it")
        expected = operations.stored_counts(backup)
        operations.restore_into(backup, store)
        restored = operations.table_counts(store)
    differing = sorted(t for t, n in expected.items() if t not in copy.NOT_COPIED and restored.get(t) != n)
    if differing:
        raise BackupError(f"the restored workspace differs from the backup in: {', '.join(differing)}")
    print(
        f"restored {backup} into {copy.shown(url)}: {expected.get('impression', 0):,} impressions;"
        " every table's count matches"
    )
    return 0
