"""The one AppTest harness: the whole app (router included) on a workspace file, a page of it
opened as a visitor would, and widgets found by their labels.

Streamlit's caches are cleared before every test by ``tests/conftest.py``, so each test sees
its own workspace, never the cached store of the test before.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.store import DB_ENV_VAR

_BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash before ASCII punctuation
ROOT = Path(__file__).resolve().parent.parent
ENTRY = ROOT / "streamlit_app.py"


def app(db: str | Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The whole app against the given workspace (a file, or a PostgreSQL URL), not yet run."""
    monkeypatch.setenv(DB_ENV_VAR, str(db))
    return AppTest.from_file(str(ENTRY), default_timeout=60)


def open_page(db: str | Path, monkeypatch: pytest.MonkeyPatch, page: str) -> AppTest:
    """The app run once through the router, then on ``page`` (``"pages/map.py"``), without an exception."""
    at = app(db, monkeypatch).run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def widget(items: Any, label: str, nth: int = 0) -> Any:
    """The nth widget with this label, in page order (``items`` is ``at.button``, ``at.selectbox``, …)."""
    found = [w for w in items if w.label == label]
    assert found, f"no widget labelled {label!r}; have {[w.label for w in items]}"
    return found[nth]


def click(at: AppTest, label: str, nth: int = 0) -> AppTest:
    """Clicks the nth button with this label and runs the page; the run must not raise."""
    widget(at.button, label, nth).click().run()
    assert not at.exception
    return at


def texts(at: AppTest, kind: str) -> list[str]:
    """The texts of every element of one kind (``"success"``, ``"warning"``, ``"error"``, …) as a
    reader sees them: the backslashes that keep typed names from being Markdown (``safe.md``) left out."""
    return [_BACKSLASH_ESCAPE.sub(r"\1", e.value) for e in getattr(at, kind)]
