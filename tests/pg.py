"""Throwaway PostgreSQL databases for the tests that run on both stores.

``make test`` starts a cluster (``scripts/with-postgres.sh``) and names it in
``DASHBOARD_TEST_PG``. Each test gets a database of its own, cloned from a template built
once per test process (``create database ... template``): an empty migrated workspace, or the
small demo. Names carry the process id, so several test runs can share one cluster.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

SERVER_ENV_VAR = "DASHBOARD_TEST_PG"
REQUIRED_ENV_VARS = ("CI", "DASHBOARD_REQUIRE_PG")
"""Set by CI and ``make test``: there, a missing cluster fails the PostgreSQL tests instead of
skipping them, so a green run always means both stores were tested."""

_NUMBERS = itertools.count()
_TEMPLATES: dict[str, str] = {}


def server_url() -> str:
    """The cluster's URL; skips the test (or fails it where PostgreSQL is required) without one."""
    url = os.environ.get(SERVER_ENV_VAR, "")
    if url:
        return url
    reason = f"PostgreSQL tests need a cluster named in ${SERVER_ENV_VAR} (`make test` starts one)"
    if any(os.environ.get(name) for name in REQUIRED_ENV_VARS):
        pytest.fail(reason)
    pytest.skip(reason)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _admin(sql: str) -> None:
    with psycopg.connect(server_url(), autocommit=True) as conn:
        conn.execute(sql)


def new_database(template: str | None = None) -> str:
    """A new database (a clone of ``template`` when given); returns its URL."""
    name = f"t_{os.getpid()}_{next(_NUMBERS)}"
    clone = f" template {template}" if template else ""
    _admin(f"create database {name}{clone}")
    return _with_database(server_url(), name)


def drop_database(url: str) -> None:
    """Drops a database made here, ending any connection still open on it."""
    _admin(f"drop database if exists {urlsplit(url).path.lstrip('/')} with (force)")


def template(kind: str, fill: Callable[[str], None]) -> str:
    """The name of this process's template database of ``kind``, filled once by ``fill(url)``."""
    if kind not in _TEMPLATES:
        url = new_database()
        fill(url)
        _TEMPLATES[kind] = urlsplit(url).path.lstrip("/")
    return _TEMPLATES[kind]


def drop_templates() -> None:
    """Drops this process's templates (at the end of the test session)."""
    while _TEMPLATES:
        _, name = _TEMPLATES.popitem()
        drop_database(_with_database(server_url(), name))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command line run in this process with ``args``: its exit code, stdout and stderr."""
    from dashboard import cli  # only the command-line tests pay for importing it

    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
