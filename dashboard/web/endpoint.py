"""How every API endpoint is called: the bearer token checked, the work run off the event loop
as the token's principal, and every refusal turned into one JSON shape, ``{"error": message}``,
with a fitting status.

Each route names the kind of action it is (``access.NEEDS``: read, import, undo, map, flow,
workshop, settings, backup ...). The token's principal must reach that kind's role (else 403),
and the handler runs inside ``access.acting_as(principal)``, so the store's own write checks
(``audit.write``) and the handler's scope checks see who acts. ``access.ForbiddenError`` from
anywhere answers 403 with its message.

Bad input never becomes a 500: store and pipeline functions raise ``ValueError`` (or a
subclass) with a message written for people, and those answer 4xx. Anything else is a bug,
logged in full on the server and answered with a message that gives nothing away.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dashboard import access
from dashboard.web.service import Service

T = TypeVar("T")
log = logging.getLogger("dashboard.server")

FAILED_AUTH_LIMIT = 30
"""Failed token checks one client may make per minute before it is told to wait (429)."""


class ApiError(Exception):
    """A refusal with its HTTP status and a message for the caller."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class NotFoundError(ApiError):
    def __init__(self, message: str) -> None:
        super().__init__(404, message)


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


@dataclass
class Call:
    """One API request after its token was accepted: who acts, and what they may see."""

    request: Request
    principal: access.Principal
    service: Service

    def require(self, kind: str, cycle_id: int | None) -> None:
        """Refuses (403) an action of ``kind`` on ``cycle_id`` that this principal may not make."""
        access.require(kind, cycle_id, self.principal)

    async def blocking(self, work: Callable[..., T], *args: Any) -> T:
        """Runs a store call in Starlette's thread pool, so the pages' websockets keep flowing."""
        return await run_in_threadpool(work, *args)

    async def json(self, limit: int) -> Any:
        """The request's JSON body; 415 for another content type, 413 when too large, 400 when malformed."""
        kind = self.request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise ApiError(415, "send the body as application/json")
        body = await read_limited(self.request, limit)
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError) as problem:
            raise ApiError(400, f"the body is not valid JSON: {problem}") from problem


async def read_limited(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it passes ``limit`` bytes (never read whole first)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"the body is larger than {limit:,} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"the body is larger than {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


class FailedAuth:
    """Counts failed token checks per client address in one-minute windows."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.windows: dict[str, tuple[float, int]] = {}
        self.clock = clock

    def too_many(self, client: str) -> bool:
        start, count = self.windows.get(client, (0.0, 0))
        return self.clock() - start < 60 and count >= FAILED_AUTH_LIMIT

    def add(self, client: str) -> None:
        now = self.clock()
        start, count = self.windows.get(client, (now, 0))
        self.windows[client] = (start, count + 1) if now - start < 60 else (now, 1)
        if len(self.windows) > 10_000:  # forget old clients rather than grow without bound
            self.windows = {k: v for k, v in self.windows.items() if now - v[0] < 60}


async def _authenticate(service: Service, request: Request, failures: FailedAuth, kind: str) -> access.Principal:
    client = request.client.host if request.client else ""
    if failures.too_many(client):
        raise ApiError(429, "too many failed token checks; wait a minute")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "send a token: Authorization: Bearer TOKEN")
    holder = await run_in_threadpool(service.holder, token.strip())
    if holder is None:
        failures.add(client)
        raise ApiError(401, "this token is not valid (wrong, revoked, or its user is disabled)")
    if holder.kind == "participant":
        # 401, not 403: for the API this is no token at all, whatever it opens on a phone.
        raise ApiError(401, "a workshop participant's token opens only its own session's participant routes")
    reason = holder.why_not(kind)
    if reason is not None:
        raise ApiError(403, reason)
    return holder


Handler = Callable[[Call], Awaitable[Any]]


KINDS: dict[Callable[..., Any], str] = {}
"""Each API endpoint and the kind of action it needs: the role matrix test walks the routes with it."""

FAILURES = FailedAuth()
"""One count for the whole server: spreading guesses over routes gains nothing."""


def endpoint(
    service: Service, kind: str, handler: Handler, status: int = 200
) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint: checks the token may do ``kind`` (an ``access.NEEDS`` key), runs
    ``handler`` as the token's principal, answers JSON."""
    if kind not in access.NEEDS:
        raise ValueError(f"unknown action kind {kind!r}")  # a route table mistake, at start-up
    failures = FAILURES

    async def run(request: Request) -> Response:
        try:
            principal = await _authenticate(service, request, failures, kind)
            with access.acting_as(principal):  # run_in_threadpool copies it into the worker thread
                result = await handler(Call(request, principal, service))
        except ApiError as refusal:
            headers = {"www-authenticate": "Bearer"} if refusal.status == 401 else None
            return error(refusal.status, refusal.message, headers)
        except access.ForbiddenError as refusal:
            return error(403, str(refusal))
        except ValueError as refusal:  # the store's and the pipeline's messages for bad input
            return error(_status_of(refusal), " ".join(str(refusal).split()))
        except Exception:
            log.exception("unexpected error in %s %s", request.method, request.url.path)
            return error(500, "the server failed to answer; the details are in its log")
        if isinstance(result, Response):
            return result
        return JSONResponse(result, status_code=status)

    run.__name__ = handler.__name__
    KINDS[run] = kind
    return run


def _status_of(refusal: ValueError) -> int:
    """409 for a conflict with what the workspace holds (a duplicate file, an import undone
    already), 404 for something it does not hold (a cycle, an import), else 422.

    Read from the refusal's type and wording, as the store and the pipeline raise plain
    ``ValueError``s; a handler that knows better raises ``ApiError`` with its status.
    """
    name = type(refusal).__name__
    message = str(refusal).casefold()
    if name == "DuplicateImportError" or "already" in message:
        return 409
    if message.startswith(("there is no ", "no service cycle", "unknown")):
        return 404
    return 422
