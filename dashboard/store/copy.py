"""Moving a workspace from one database to another: the ``copy`` command, and backups and
restores on PostgreSQL.

The copy is written once for both databases through the Store API and ``dialect``: every table
is read as Arrow inside one read-only snapshot of the source and staged into the target, all
inside ONE target transaction, so a failed or refused copy leaves the target as it was.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from dashboard import access
from dashboard.store import Store, dialect
from dashboard.store.dialect import Cursor, Error
from dashboard.store.pg import is_url
from dashboard.store.pg_frames import identifier

SEQUENCES: dict[str, tuple[str, ...]] = {
    "stakeholder_group_id": ("stakeholder_group.id",),
    "team_id": ("team.id",),
    "service_cycle_id": ("service_cycle.id",),
    "touchpoint_id": ("touchpoint.id",),
    # The roll-up's last counted id too: after an undo it can lie above every stored impression,
    # and a new impression at or below it would cost a full rebuild of the roll-up.
    "impression_id": ("impression.id", "impression_daily_state.last_id", "impression_comment.id"),
    "enhancement_idea_id": ("enhancement_idea.id",),
    "import_batch_id": ("import_batch.id",),
    "plan_cell_history_id": ("plan_cell_history.id",),
    "reputation_statement_id": ("reputation_statement.id",),
    "workshop_session_id": ("workshop_session.id",),
    "workshop_participant_id": ("workshop_participant.id",),
    "flow_import_id": ("flow_import.id",),
    "flow_count_id": ("flow_count.id",),
    "api_token_id": ("api_token.id",),
    "alert_rule_id": ("alert_rule.id",),
    "response_id": ("response.id", "impression.response_id"),
    "app_user_id": ("app_user.id",),
    "audit_log_id": ("audit_log.id",),
}
"""Every sequence the migrations create, and the columns whose values it handed out: after a copy
it is set past the largest of them, so the next insert gets a new id (tests/test_copy.py fails
when a migration adds a sequence that is not listed here)."""

NOT_COPIED = ("schema_migration", "data_version")
"""Each side keeps its own: the migrations applied to it, and its own data version (set above both)."""

SEEDED = frozenset({*NOT_COPIED, "impression_daily_state"})
"""Tables a new workspace already has rows in (so rows there do not make a target 'not empty')."""

_OPENING: tuple[type[Exception], ...] = (*Error, OSError)
"""What opening a workspace raises when the database cannot be reached or read."""


class CopyError(ValueError):
    """A copy refused or failed; the message is one line and names no password."""


def postgres_available() -> bool:
    """Whether this version of the app has the PostgreSQL backend."""
    return importlib.util.find_spec("dashboard.store.pg") is not None


def shown(target: str | Path) -> str:
    """A workspace's name fit to print: a URL without its password (given before the host or as
    libpq's ``?password=``)."""
    if not is_url(target):
        return str(target)
    parts = urlsplit(str(target))
    if parts.password is not None:
        parts = parts._replace(netloc=f"{parts.username}:***@{parts.netloc.rsplit('@', 1)[1]}")
    query = [(k, "***" if k == "password" else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return parts._replace(query=urlencode(query, safe="*")).geturl()


def _passwords(target: str | Path) -> list[str]:
    """The passwords a URL holds, to be blanked in a driver's message too."""
    if not is_url(target):
        return []
    parts = urlsplit(str(target))
    given = [parts.password or "", *(v for k, v in parse_qsl(parts.query) if k == "password")]
    return [p for p in given if p]


def copy_workspace(source: str | Path, target: str | Path, *, force: bool = False) -> dict[str, int]:
    """Copies the workspace at ``source`` into ``target`` (a DuckDB file or a PostgreSQL URL);
    returns every copied table's count.

    Both are opened (and migrated to the newest schema). A target that holds data is refused
    unless ``force``; then its tables are emptied in the copy's own transaction. A DuckDB file
    the copy created is removed again when the copy fails.
    """
    if str(source) == str(target) or (not is_url(source) and not is_url(target) and _same_file(source, target)):
        raise CopyError("the source and the target are the same workspace")
    if not is_url(source) and not Path(source).is_file():
        raise CopyError(f"there is no workspace at {source}")
    created = not is_url(target) and not Path(target).exists()
    try:
        with ExitStack() as stack:
            source_store = stack.enter_context(opened(source))
            target_store = stack.enter_context(opened(target))
            return copy_stores(source_store, target_store, force=force, target_name=shown(target))
    except BaseException:
        if created:
            for leftover in (Path(target), Path(f"{target}.wal")):
                leftover.unlink(missing_ok=True)
        raise


def copy_stores(
    source: Store, target: Store, *, force: bool = False, target_name: str = "the target"
) -> dict[str, int]:
    """Copies every table of the open ``source`` into the open ``target`` in one transaction of
    the target; returns each copied table's count (the same in both, or nothing is committed)."""
    access.require("backup")
    with target.transaction() as into:
        holding = [t for t, n in counts(into).items() if n and t not in SEEDED]
        if holding and not force:
            raise CopyError(
                f"{target_name} holds data ({len(holding)} tables with rows, such as {holding[0]});"
                " add --force to replace it"
            )
        with source.cursor() as cur, dialect.snapshot(cur):
            _refuse_other_schemas(_schema(cur), _schema(into), target_name)
            moving = [t for t in tables(cur) if t not in NOT_COPIED]
            copied = {table: _copy_table(cur, into, table) for table in moving}
            version = max(_version(cur), _version(into))
        dialect.keep_count(into, copied["impression"])
        _set_sequences(into)
        # The transaction's own bump then puts the target above both numbers, so no cache
        # keyed by either version can take the copy for data it already holds.
        into.execute("update data_version set version = ? where id = 1", [version])
        differing = sorted(t for t, n in counts(into).items() if t in copied and n != copied[t])
        if differing:
            raise CopyError(f"the copy's counts differ from the source in {', '.join(differing)}; nothing was written")
    return copied


def _copy_table(source: Cursor, target: Cursor, table: str) -> int:
    """Replaces the target's rows of ``table`` with the source's; returns how many were copied."""
    rows = dialect.arrow(source, f"select * from {identifier(table)}")  # noqa: S608 a name the catalogue gave
    columns = ", ".join(identifier(name) for name in rows.column_names)
    target.execute(f"delete from {identifier(table)}")  # noqa: S608 a name the catalogue gave
    staged = f"copied_{table}"  # a name per table: a staged frame may live until the commit
    with dialect.staged(target, {staged: rows}):
        target.execute(f"insert into {identifier(table)} ({columns}) select {columns} from {identifier(staged)}")  # noqa: S608 the same
    return int(rows.num_rows)


def _set_sequences(cur: Cursor) -> None:
    """Sets each sequence past the largest id copied (an empty table leaves it where it was)."""
    for sequence, columns in SEQUENCES.items():
        maxima = [f"(select max({identifier(c)}) from {identifier(t)})" for t, c in (col.split(".") for col in columns)]  # noqa: S608 SEQUENCES
        [(value,)] = cur.execute(f"select greatest({', '.join(maxima)})").fetchall()
        # The roll-up's seeded last id is 0 before any impression: nothing handed out, and both
        # databases refuse setval below a sequence's start of 1.
        if value is not None and value > 0:  # a literal name: setval takes a regclass in PostgreSQL only
            cur.execute(f"select setval('{sequence}', ?)", [int(value)])


def tables(cur: Cursor) -> list[str]:
    """The workspace's tables (temporary ones, other schemas and attached files left out), by name."""
    rows = cur.execute(
        "select table_name from information_schema.tables where table_schema = current_schema()"
        " and table_catalog = current_database() and table_type = 'BASE TABLE' order by table_name"
    ).fetchall()
    return [str(name) for (name,) in rows]


def counts(cur: Cursor) -> dict[str, int]:
    """Rows per table, in one statement (each table's name bound as a value)."""
    names = tables(cur)
    query = " union all ".join(f"select ?::varchar, count(*) from {identifier(t)}" for t in names)  # noqa: S608 catalogue names
    return {str(t): int(n) for t, n in cur.execute(query, names).fetchall()}


def _refuse_other_schemas(source: int, target: int, target_name: str) -> None:
    """Both sides were migrated to this code's newest schema, unless one was written by newer code."""
    if source != target:
        newer = "the source" if source > target else target_name
        raise CopyError(
            f"{newer} has schema version {max(source, target)}, newer than this app's {min(source, target)};"
            " upgrade the app"
        )


def _schema(cur: Cursor) -> int:
    [(version,)] = cur.execute("select coalesce(max(version), 0) from schema_migration").fetchall()
    return int(version)


def _version(cur: Cursor) -> int:
    [(version,)] = cur.execute("select version from data_version where id = 1").fetchall()
    return int(version)


@contextmanager
def opened(target: str | Path) -> Iterator[Store]:
    """The workspace opened as a Store, or a CopyError that says why it cannot be."""
    if is_url(target) and not postgres_available():
        raise CopyError(f"this version of the app cannot open PostgreSQL databases ({shown(target)})")
    try:
        store = Store(str(target) if is_url(target) else Path(target))
    except _OPENING as error:
        raise CopyError(cannot_open(target, error)) from error
    with store:
        yield store


def cannot_open(target: str | Path, error: BaseException) -> str:
    """One line saying why a workspace did not open, naming no password (the driver's message
    may quote the URL, or a piece of it)."""
    reason = " ".join(str(error).split())
    for password in _passwords(target):
        reason = reason.replace(password, "***")
    return f"cannot open {shown(target)}: {reason[:300]}"


def _same_file(a: str | Path, b: str | Path) -> bool:
    return Path(a).resolve() == Path(b).resolve()
