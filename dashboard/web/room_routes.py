"""Every workshop route in one list, for ``dashboard.web.routes``: the participant API, the
facilitator's API and the light participant page, sharing one ``Room`` (limits and caches)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from dashboard.room import Room
from dashboard.web import participant_page, workshop, workshop_admin
from dashboard.web.service import Service


def routes(service: Service) -> list[BaseRoute]:
    room = Room(lambda: service.store)
    return [*workshop.routes(room), *workshop_admin.routes(service), *participant_page.routes(room)]
