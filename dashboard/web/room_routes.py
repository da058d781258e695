"""Every workshop route in one list, for ``dashboard.web.routes``: the participant API, the
facilitator's API and the light participant page, sharing one ``Room`` (limits and caches).
Also the metrics of servers sharing a database: open workshop connections (phones waiting for a
change) and the data version this server knows."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from dashboard import telemetry
from dashboard.notify import NOTIFIER
from dashboard.room import Room
from dashboard.web import participant_page, workshop, workshop_admin
from dashboard.web.endpoint import error
from dashboard.web.service import Service


class WaitingPhones(Collector):
    """Open workshop connections: phones waiting on a long-poll or an event stream, and the data
    version the page caches follow here (servers on one PostgreSQL database agree on it within
    2 seconds of a write), read at scrape time."""

    def __init__(self) -> None:
        self.version: Callable[[], int] | None = None

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "dashboard_workshop_waiting_phones",
            "Workshop phones holding a connection open for the next change.",
            value=NOTIFIER.waiting(),
        )
        try:
            version = self.version() if self.version is not None else None
        except RuntimeError:  # the workspace is not open (yet, or any more)
            version = None
        if version is not None:
            yield GaugeMetricFamily(
                "dashboard_data_version",
                "The workspace's data version as this server knows it; its page caches follow it.",
                value=version,
            )


_WAITING = WaitingPhones()
telemetry.REGISTRY.register(_WAITING)


class _Anything(Convertor[str]):
    """Any rest of a path, line breaks included (Starlette's ``path`` stops at a decoded newline,
    which would leave such a request to a plain-text 404)."""

    regex = "[\\s\\S]*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("anything", _Anything())


async def _unknown(request: Request) -> Response:
    """What no workshop route matched (a negative id, a malformed code): a JSON 404 like the API's."""
    return error(404, "there is no such workshop route, session, touchpoint or idea")


def routes(service: Service) -> list[BaseRoute]:
    room = Room(lambda: service.store)
    # The store is looked up at each scrape: it opens after the routes are made.
    _WAITING.version = lambda: service.store.data_version()  # noqa: PLW0108
    return [
        *workshop.routes(room),
        *workshop_admin.routes(service),
        Route("/api/v1/workshops/{rest:anything}", _unknown, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        *participant_page.routes(room),
    ]
