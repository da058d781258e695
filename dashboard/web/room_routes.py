"""Every workshop route in one list, for ``dashboard.web.routes``: the participant API, the
facilitator's API and the light participant page, sharing one ``Room`` (limits and caches).
Also the metric of open workshop connections (phones waiting for a change)."""

from __future__ import annotations

from collections.abc import Iterator

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
    """Open workshop connections: phones waiting on a long-poll or an event stream, read at scrape time."""

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "dashboard_workshop_waiting_phones",
            "Workshop phones holding a connection open for the next change.",
            value=NOTIFIER.waiting(),
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
    return [
        *workshop.routes(room),
        *workshop_admin.routes(service),
        Route("/api/v1/workshops/{rest:anything}", _unknown, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        *participant_page.routes(room),
    ]
