"""Opening the workspace the app serves: on the very first start, the demo business is built.

Shared by the pages (through the Streamlit edge) and the HTTP server, so whichever opens the
workspace first builds the demo, and the other finds it there.
"""

from __future__ import annotations

import threading
from pathlib import Path

from dashboard import access, demo
from dashboard.store import Store, database_target

_FIRST_OPEN = threading.Lock()


def open_workspace(target: str | Path | None = None) -> Store:
    """The workspace at ``target`` (a file or a PostgreSQL URL; default ``$DASHBOARD_DB``), built as
    the demo when this open created it."""
    with _FIRST_OPEN:  # two first opens at once must not both build the demo
        opened = Store(database_target() if target is None else target)
        # On PostgreSQL, servers starting together migrate in turn: only the one that created
        # the schema builds the demo.
        if opened.created:
            # The workspace's own start, whoever's request opened it: as SYSTEM, never as that
            # visitor (who may not be signed in yet), and without asking the pages who acts,
            # which would open the workspace again inside this lock.
            with access.acting_as(access.SYSTEM):
                demo.build(opened)
    return opened
