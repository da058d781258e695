"""Who is acting, and what they may do: the roles, the actions each needs, and the data scope.

Plain Python, no SQL and no Streamlit. Every edge says who acts before it calls the store: the
HTTP endpoints (a token's user, or a participant), the pages (the signed-in user) and the command
line (the operator, ``SYSTEM``). The store's write functions then check and record the action in
one place (``store.audit.write``), so a hidden button is never the only thing that stops a write.

The acting principal travels in a context variable: Starlette copies it into the thread pool
with each request; a Streamlit script run asks the resolver the Streamlit edge registers
(``ui.access``), because a fragment rerun starts on a fresh thread.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal, TypeVar

ROLES = ("viewer", "editor", "facilitator", "admin")
"""Each role may do everything the ones before it may."""

ROLE_LABELS = {
    "viewer": "Viewer: reads every page and exports",
    "editor": "Editor: also maps their teams' cycles, uploads surveys, manages ideas",
    "facilitator": "Facilitator: also runs workshops",
    "admin": "Admin: everything, with users, tokens, backups, deletes and any undo",
}

NEEDS: dict[str, str] = {
    "read": "viewer",
    "import": "editor",
    "undo": "editor",
    "map": "editor",
    "ideas": "editor",
    "plan": "editor",
    "flow": "editor",
    "workshop": "facilitator",
    "settings": "admin",
    "users": "admin",
    "tokens": "admin",
    "backup": "admin",
    "delete": "admin",
}
"""The least role each kind of action needs. ``audit.write`` records every write under its kind."""

PAGE_NEEDS: dict[str, str] = {
    "overview": "read",
    "impressions": "read",
    "flow": "read",
    "map": "read",
    "upload": "import",
    "reputation": "read",
    "workshop": "workshop",
    "settings": "read",
    "present": "read",
}
"""The action kind each page needs to be listed and opened (by URL path). Inside a page, each
write control asks ``Principal.why_not`` and shows the reason when it is disabled. Tests walk
this table, so a new page joins the role matrix by being listed here."""

WORKSPACE_WIDE = frozenset({"users", "tokens", "backup", "settings"})
"""Kinds that reach past any data scope (people, tokens, the whole file, workspace-wide settings):
refused to a principal limited to some cycles, who could otherwise widen their own scope."""

CYCLE_BOUND = frozenset({"import", "undo", "map", "ideas", "flow"})
"""Kinds whose writes an editor or facilitator may make only on cycles their teams own."""

NO_CYCLE = -1
"""A cycle id no cycle has: an empty cycle filter means "every cycle", an empty scope "none"."""

T = TypeVar("T")

Kind = Literal["open", "system", "user", "token", "participant", "anonymous"]


class ForbiddenError(PermissionError):
    """The acting principal may not do this; the message says why, for people."""


@dataclass(frozen=True)
class Principal:
    """Someone acting: a signed-in user, a token, the open-mode operator, or a participant.

    ``cycles`` is the data scope (None: every cycle). ``writable`` is the set of cycles an editor
    or facilitator may change (None: every cycle in scope, as for an admin).
    """

    name: str
    role: str | None
    kind: Kind
    user_id: int | None = None
    cycles: frozenset[int] | None = None
    writable: frozenset[int] | None = None
    session_id: int | None = None  # a participant's workshop session

    def may(self, need: str) -> bool:
        """Whether this principal's role reaches the role ``need`` (a role name or an action kind)."""
        role = NEEDS.get(need, need)
        return self.role is not None and ROLES.index(self.role) >= ROLES.index(role)

    def sees(self, cycle_id: int | None) -> bool:
        """Whether the cycle is inside this principal's data scope (None: a write bound to no cycle)."""
        return self.cycles is None or cycle_id is None or cycle_id in self.cycles

    def may_write(self, kind: str, cycle_id: int | None = None) -> bool:
        """Whether an action of ``kind`` on ``cycle_id`` is allowed (the rule ``audit.write`` enforces)."""
        return self.why_not(kind, cycle_id) is None

    def why_not(self, kind: str, cycle_id: int | None = None) -> str | None:
        """The reason this principal may not do ``kind`` (on ``cycle_id``), or None when it may."""
        if self.kind == "participant" or self.role is None:
            return "you are not signed in" if self.kind == "anonymous" else "a workshop participant may only vote"
        if not self.may(kind):
            return f"this needs the {NEEDS.get(kind, kind)} role; your role is {self.role}"
        # Deleting something bound to no cycle (a stakeholder group, a team) reaches every cycle too.
        if (kind in WORKSPACE_WIDE or (kind == "delete" and cycle_id is None)) and self.cycles is not None:
            return "this concerns the whole workspace; you see only some service cycles (ask an admin who sees all)"
        if not self.sees(cycle_id):
            return "that service cycle is outside what you may see"
        bound = kind in CYCLE_BOUND and self.role != "admin"
        if bound and cycle_id is not None and self.writable is not None and cycle_id not in self.writable:
            return "that service cycle belongs to another team; you may read it but not change it"
        return None

    @property
    def cycle_filter(self) -> tuple[int, ...]:
        """The data scope as a query's cycle filter: () for every cycle, else the cycle ids, sorted
        (``NO_CYCLE`` alone for an empty scope, which must narrow to nothing, not to everything)."""
        if self.cycles is None:
            return ()
        return tuple(sorted(self.cycles)) or (NO_CYCLE,)

    def visible(self, cycle_ids: Iterable[int]) -> tuple[int, ...]:
        """The given cycles narrowed to this principal's scope."""
        return tuple(c for c in cycle_ids if self.sees(c))

    @property
    def label(self) -> str:
        """How the app names this principal: "ann@example.org (editor)"."""
        return f"{self.name} ({self.role})" if self.role else self.name


OPEN = Principal("open mode", "admin", "open")
"""Everyone in open mode: no sign-in, everyone acts as admin."""
SYSTEM = Principal("system", "admin", "system")
"""The command line on the workspace file, the demo builder and tests: whoever may open the file."""
ANONYMOUS = Principal("not signed in", None, "anonymous")
"""A visitor who has not signed in (sign-in modes): may do nothing but sign in."""


def participant(session_id: int) -> Principal:
    """An anonymous workshop participant, confined to one session's participant routes."""
    return Principal("workshop participant", None, "participant", session_id=session_id)


_ACTING: contextvars.ContextVar[Principal | None] = contextvars.ContextVar("acting", default=None)
_RESOLVERS: list[Callable[[], Principal | None]] = []
_EVERYWHERE: list[Principal] = []
_FALLBACK: list[Principal] = [SYSTEM]


def register_resolver(resolver: Callable[[], Principal | None]) -> None:
    """Lets an edge (the Streamlit pages) say who acts when nobody set it for this thread."""
    if resolver not in _RESOLVERS:
        _RESOLVERS.append(resolver)


@contextmanager
def acting_as(principal: Principal) -> Iterator[Principal]:
    """Everything inside runs as ``principal`` (nested calls restore the outer one)."""
    token = _ACTING.set(principal)
    try:
        yield principal
    finally:
        _ACTING.reset(token)


@contextmanager
def everywhere_as(principal: Principal) -> Iterator[Principal]:
    """For tests: every thread of this process acts as ``principal`` unless ``acting_as`` says
    otherwise (AppTest runs a page on a thread of its own, which a context variable does not reach)."""
    _EVERYWHERE.append(principal)
    try:
        yield principal
    finally:
        _EVERYWHERE.remove(principal)


@contextmanager
def falling_back_to(principal: Principal) -> Iterator[Principal]:
    """Inside, a thread nobody said who acts for acts as ``principal`` instead of ``SYSTEM``.

    The served process falls back to ``ANONYMOUS``: a thread that forgot to say who acts (a
    deferred download, a background job) is then refused rather than acting as an admin. The
    command line, the demo builder and the tests keep ``SYSTEM``: whoever opened the file."""
    _FALLBACK.append(principal)
    try:
        yield principal
    finally:
        _FALLBACK.remove(principal)


def deferred(work: Callable[[], T]) -> Callable[[], T]:
    """``work``, to be run later on another thread (a download's bytes, a job) as whoever acts now:
    a context variable does not follow work handed to a thread the caller does not start itself."""
    who = current()

    def run() -> T:
        with acting_as(who):
            return work()

    return run


def current() -> Principal:
    """Who acts now: the one set by ``acting_as``, else the edge's answer, else the fallback
    (``SYSTEM``, or ``ANONYMOUS`` in the served process: see ``falling_back_to``)."""
    set_here = _ACTING.get()
    if set_here is not None:
        return set_here
    if _EVERYWHERE:
        return _EVERYWHERE[-1]
    for resolver in _RESOLVERS:
        found = resolver()
        if found is not None:
            return found
    return _FALLBACK[-1]


def require(kind: str, cycle_id: int | None = None, principal: Principal | None = None) -> Principal:
    """The acting principal when it may do ``kind`` on ``cycle_id``; else ``ForbiddenError``."""
    who = principal or current()
    reason = who.why_not(kind, cycle_id)
    if reason is not None:
        raise ForbiddenError(reason)
    return who
