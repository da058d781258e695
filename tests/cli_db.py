"""The ``--db`` a command-line test passes, on either store."""

from __future__ import annotations

import pytest

from dashboard.store import Store

CLI_URL_PENDING = "CLI URL: wiring part"
"""Why a command-line test skips PostgreSQL: the command still takes only a file (``--db`` is a
path); the wiring part makes every command accept a URL, and then this skip goes."""


def cli_db(store: Store) -> str:
    """``store``'s workspace as ``--db`` names it; skips on PostgreSQL while the command takes a
    file only. The store may stay open: on DuckDB a second open in this process shares it."""
    if store.is_postgres:
        pytest.skip(CLI_URL_PENDING)
    return store.target
