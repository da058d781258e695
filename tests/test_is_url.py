"""Which workspace names are PostgreSQL URLs: one answer for the store, the copy and the CLI."""

from pathlib import Path

import pytest

from dashboard.store import copy, database_target, pg


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("postgresql://u@h/db", True),
        ("postgres://u@h/db", True),
        ("PostgreSQL://u:S3CRET@host/db", True),
        ("POSTGRES://u@h/db", True),
        ("data/dashboard.duckdb", False),
        ("postgresql.duckdb", False),
        (Path("postgresql:/x"), False),
    ],
)
def test_a_url_is_recognised_whatever_the_case_of_its_scheme(target: str | Path, expected: bool) -> None:
    assert pg.is_url(target) == expected


def test_the_copy_uses_the_stores_own_is_url() -> None:
    assert vars(copy)["is_url"] is pg.is_url  # copy.py had its own, case-insensitive one


def test_a_mixed_case_url_in_dashboard_db_is_not_taken_for_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHBOARD_DB", "PostgreSQL://u:S3CRET@host/db")
    assert database_target() == "PostgreSQL://u:S3CRET@host/db"
