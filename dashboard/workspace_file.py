"""Opening the workspace file the app serves: on the very first start, the demo business is built.

Shared by the pages (through the Streamlit edge) and the HTTP server, so whichever opens the
file first builds the demo, and the other finds it there.
"""

from __future__ import annotations

import threading
from pathlib import Path

from dashboard import access, demo
from dashboard.store import Store, database_path

_FIRST_OPEN = threading.Lock()


def open_workspace(path: Path | None = None) -> Store:
    """The workspace at ``path`` (default ``$DASHBOARD_DB``), built as the demo when the file is new."""
    target = path or database_path()
    with _FIRST_OPEN:  # two first opens at once must not both build the demo
        first_start = not target.exists()
        opened = Store(target)
        if first_start:
            # The workspace's own start, whoever's request opened it: as SYSTEM, never as that
            # visitor (who may not be signed in yet), and without asking the pages who acts,
            # which would open the workspace again inside this lock.
            with access.acting_as(access.SYSTEM):
                demo.build(opened)
    return opened
