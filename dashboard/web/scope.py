"""What an API caller may see: the workspace's cycles narrowed to the principal's data scope.

A cycle outside the scope is answered as if it did not exist (404 "no service cycle called ..."),
so a scoped token learns nothing of other cycles, not even their names.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from dashboard import access, text
from dashboard.store import Store
from dashboard.store import cycles as store_cycles
from dashboard.web.endpoint import NotFoundError


def narrowed(frame: pd.DataFrame, principal: access.Principal, column: str = "id") -> pd.DataFrame:
    """The rows of ``frame`` whose cycle (``column``) the principal sees."""
    if principal.cycles is None:
        return frame
    return frame[frame[column].isin(sorted(principal.cycles))]


def cycles(store: Store, principal: access.Principal) -> pd.DataFrame:
    """The service cycles the principal sees (``store.cycles.cycles``' columns)."""
    return narrowed(store_cycles.cycles(store), principal)


def cycle_id(store: Store, principal: access.Principal, name: str) -> int:
    """The id of the visible cycle called ``name`` (case and spacing aside); 404 otherwise."""
    found = cycles(store, principal)
    match = found[found["name"].map(text.key) == text.key(name)]
    if match.empty:
        known = ", ".join(found["name"]) or "none"
        raise NotFoundError(f"no service cycle called {name.strip()[:80]!r}; there are: {known}")
    return int(match["id"].iloc[0])


def ids(principal: access.Principal) -> tuple[int, ...] | None:
    """The principal's cycles in order, or None for every cycle."""
    return None if principal.cycles is None else tuple(sorted(principal.cycles))


def refuse_if_scoped(principal: access.Principal, what: str) -> None:
    """Refuses (403) what covers the whole workspace to a principal limited to some cycles."""
    if principal.cycles is not None:
        raise access.ForbiddenError(f"{what} covers every service cycle; yours is limited to some of them")


def may_write(store: Store, principal: access.Principal, kind: str, names: Iterable[str]) -> None:
    """Checks every cycle a write names before anything is written: one outside the scope reads
    as unknown (404), one the principal may read but not change is refused (403). A name no
    cycle has is left to the write itself (it may make the cycle, or reject the row) when the
    principal sees every cycle."""
    known = set(store_cycles.cycles(store)["name"].map(text.key))
    for name in sorted({str(n) for n in names}):  # the few cycles one write names
        if text.key(name) in known or principal.cycles is not None:
            access.require(kind, cycle_id(store, principal, name), principal)
