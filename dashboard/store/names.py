"""Name clashes within one scope (a cycle's touchpoints, all cycles, all groups, all teams).

Two names clash when ``text.key`` gives them the same key: case, accents, punctuation and
spacing are ignored, so "Front desk" and "front-desk" are one name. A scope holds a few dozen
names at most, so the keys are computed here in Python over the stored names rather than kept
in a key column: the rule then lives in one place (``dashboard.text``) and a change to it needs
no migration that recomputes every stored key. Writes take turns behind the store's write lock,
so a check and the insert that follows it cannot interleave with another writer.
"""

from __future__ import annotations

from collections.abc import Iterable

from dashboard import text


def keyed(stored: Iterable[tuple[int, str]]) -> dict[str, tuple[int, str]]:
    """Stored ``(id, name)`` pairs by their key; with older duplicates, the first pair wins."""
    found: dict[str, tuple[int, str]] = {}
    for item_id, name in stored:
        found.setdefault(text.key(name), (int(item_id), str(name)))
    return found


def clash(stored: Iterable[tuple[int, str]], name: str, exclude: int | None = None) -> tuple[int, str] | None:
    """The stored ``(id, name)`` whose key equals the key of ``name``, other than ``exclude``."""
    wanted = text.key(name)
    return next(((int(i), str(n)) for i, n in stored if i != exclude and text.key(n) == wanted), None)
