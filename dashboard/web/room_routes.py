"""Every workshop route in one list, for ``dashboard.web.routes``: the participant API, the
facilitator's API and the light participant page, sharing one ``Room`` (limits and caches).
Also the metric of open workshop connections (phones waiting for a change)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.routing import BaseRoute

from dashboard import telemetry
from dashboard.notify import NOTIFIER
from dashboard.room import Room
from dashboard.web import participant_page, workshop, workshop_admin
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


def routes(service: Service) -> list[BaseRoute]:
    room = Room(lambda: service.store)
    return [*workshop.routes(room), *workshop_admin.routes(service), *participant_page.routes(room)]
