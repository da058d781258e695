"""The ``--db`` a command-line test passes, on either store."""

from __future__ import annotations

from dashboard.store import Store


def cli_db(store: Store) -> str:
    """``store``'s workspace as ``--db`` names it: a file or a PostgreSQL URL. The store may stay
    open: on DuckDB a second open in this process shares it; on PostgreSQL the command opens the
    database itself."""
    return store.target
