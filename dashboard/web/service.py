"""What the HTTP routes share: the open workspace, the server's own token, and its lifetime.

``Service.lifespan`` runs inside the server's start and stop: it opens the workspace (building
the demo on a first start, as the pages would), makes a thread that does not say who acts act as
nobody (``access.ANONYMOUS``), announces the server beside the database file
so the command line can hand it work, and takes the announcement away again on shutdown.
"""

from __future__ import annotations

import logging
import os
import queue
import secrets
import sys
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from starlette.concurrency import run_in_threadpool

from dashboard import access, accounts, announcement, telemetry
from dashboard import workshop as ws
from dashboard.store import Error, Store, copy, operations, tokens
from dashboard.store import workshop as workshop_sql
from dashboard.workspace_file import open_workspace

LOCAL_HOLDER = access.Principal("command line", "admin", "system")
"""The server's own token, announced beside the workspace file: whoever can read that file may
open the workspace itself, so the command line acts as on the file (``access.SYSTEM``)."""
SWITCH_INTERVAL_SECONDS = 0.001
log = logging.getLogger("dashboard.server")
OPENING_ERRORS: tuple[type[BaseException], ...] = (*Error, OSError)
"""What opening the workspace raises for a wrong ``DASHBOARD_DB`` or an unreachable database."""


@dataclass
class Service:
    """The server's shared state. ``url`` answers the server's own address once it listens."""

    target: str | Path
    """The workspace: a DuckDB file, or a PostgreSQL URL."""
    url: Callable[[], str]
    local_token: str = field(default_factory=tokens.new_token)
    _store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the workspace is not open yet")  # only before start-up: a bug, not bad input
        return self._store

    def holder(self, token: str) -> access.Principal | None:
        """Who holds ``token``: the server's own local token, a live token in the workspace, or a
        workshop participant (whom the API then refuses by name rather than as a stranger)."""
        if secrets.compare_digest(token, self.local_token):
            return LOCAL_HOLDER
        found = tokens.holder(self.store, token)
        if found is None:
            participant = workshop_sql.participant(self.store, ws.token_hash(token))
            return None if participant is None else access.participant(participant.session_id)
        return found

    def open(self) -> None:
        """Opens the workspace and registers its figures with the metrics."""
        self._store = open_workspace(self.target)
        telemetry.watch_workspace(lambda: operations.totals(self.store))

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    @asynccontextmanager
    async def lifespan(self, _app: Any) -> AsyncIterator[None]:
        """Opens the workspace, announces the server, and undoes both on shutdown."""
        configure_logging()
        log.info("sign-in mode: %s", accounts.mode())  # an unknown DASHBOARD_AUTH stops the start here
        # A thread waiting for the interpreter lock gets it after 1 ms instead of 5: the event
        # loop lets go of it at every send and every compressed answer, and with the room's vote
        # writer busy it waited up to 5 ms to go on each time (taps and "next" waited behind).
        sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
        # While serving, a thread that did not say who acts is refused, never taken for an admin:
        # each request, page, job and deferred download says who it acts for.
        with access.falling_back_to(access.ANONYMOUS):
            try:
                await run_in_threadpool(self.open)  # the demo build on a first start acts as SYSTEM itself
            except OPENING_ERRORS as error:
                # One line, no password, no traceback: a wrong DASHBOARD_DB is the operator's
                # typo, and the framework would print the whole traceback (the URL's password
                # included) before it stops.
                log.error("the server stops: %s", copy.cannot_open(self.target, error))
                logging.shutdown()
                os._exit(1)
            # The command line hands its work to the server holding a DuckDB file (DuckDB lets one
            # process write it); on PostgreSQL it opens the database itself, so nothing is announced.
            announced = None if self.store.is_postgres else Path(self.target)
            pid = os.getpid()
            if announced is not None:
                written = announcement.write(announced, announcement.Announcement(self.url(), self.local_token, pid))
                log.info("announced at %s", written)
            try:
                yield
            finally:
                if announced is not None:
                    announcement.remove(announced, pid)
                self.close()


def configure_logging() -> None:
    """The access log and the server's messages go to stderr, one line each (JSON for the access log).

    Left alone when the host application configured the ``dashboard`` logger already.
    """
    logger = logging.getLogger("dashboard")
    if logger.handlers:
        return
    handler = BackgroundLines(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


class BackgroundLines(logging.Handler):
    """Formats a record where it is logged and writes it from a thread of its own, every line
    waiting at that moment in one write.

    The access log writes a line per request. Written on the event loop, each line was a system
    call that let go of the interpreter lock, and taking it back cost up to 5 ms whenever a
    worker thread (the room's vote writer) was busy: with 1,000 phones refreshing at once, the
    event loop spent a third of its time there."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream
        self.lines: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self.writer = threading.Thread(target=self._write, name="log-writer", daemon=True)
        self.writer.start()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.put(self.format(record) + "\n")
        except Exception:
            self.handleError(record)

    def _write(self) -> None:
        running = True
        while running:
            waiting = [self.lines.get()]
            with suppress(queue.Empty):
                while len(waiting) < 1000:
                    waiting.append(self.lines.get_nowait())
            running = None not in waiting  # None: the handler was closed
            with suppress(OSError, ValueError):  # a closed stderr: nowhere left to write
                self.stream.write("".join(line for line in waiting if line is not None))
                self.stream.flush()

    def close(self) -> None:
        """Writes what is still waiting (logging calls this at exit)."""
        if self.writer.is_alive():
            self.lines.put(None)
            self.writer.join(timeout=5)
        super().close()
