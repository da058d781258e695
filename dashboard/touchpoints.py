"""Plain rules the service cycle map applies to a touchpoint: how it leaves the map, the facts
shown about it, and which one a click on the journey map picked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

import pandas as pd

from dashboard import domain, text

Removal = Literal["delete", "archive"]

FACTS = (
    "Moment",
    "Channel",
    "Owner team",
    "Stakeholder groups",
    "Standard",
    "Moment of truth",
    "Recovery plan",
    "Description",
)
"""The rows of a touchpoint's facts table, in the order they are shown."""


def removal(impressions: int) -> Removal:
    """How a touchpoint (or a cycle) with this many impressions leaves the map.

    Deleted when nothing was recorded for it. Impressions are never deleted, so one with
    impressions is archived instead: it leaves the map and the figures and can be restored.
    A cycle with impressions stays; its touchpoints are archived one by one.
    """
    if impressions < 0:
        raise ValueError("A count of impressions cannot be negative.")
    return "delete" if impressions == 0 else "archive"


def facts(record: Mapping[str, Any], group_names: Mapping[int, str]) -> pd.DataFrame:
    """A touchpoint's facts as a two-column table (``""``, ``Value``), a dash for what is empty.

    ``record`` is ``store.cycles.touchpoint``'s; ``group_names`` names the stakeholder groups.
    """
    situation = record["situation"]
    values = [
        domain.moment_label(str(record["moment"])),
        record["channel"] or "—",
        record["owner"] or "—",
        ", ".join(group_names.get(g, "?") for g in record["group_ids"]) or "—",
        record["standard"] or "not written yet",
        domain.label(domain.SITUATIONS, situation) if isinstance(situation, str) else "—",
        record["recovery_plan"] or "—",
        record["description"] or "—",
    ]
    return pd.DataFrame({"": list(FACTS), "Value": values})


def picked(points: Iterable[Mapping[str, Any]]) -> int | None:
    """The touchpoint a click on the journey map chose: the first point whose ``customdata``
    starts with a touchpoint id; None when no point carries one."""
    for point in points:
        data = point.get("customdata")
        if isinstance(data, list | tuple) and data:
            return int(data[0])
    return None


@dataclass(frozen=True)
class TouchpointFields:
    """What a person fills in for a touchpoint. ``moment`` is a moment key."""

    name: str
    moment: str
    channel: str = ""
    owner_team_id: int | None = None
    group_ids: tuple[int, ...] = ()
    description: str = ""
    standard: str = ""
    target: float = domain.DEFAULT_TARGET
    situation: str | None = None
    recovery_plan: str = ""

    def checked(self) -> TouchpointFields:
        """A copy with every name and text cleaned; raises ValueError for what cannot be stored."""
        name = text.clean_name(self.name, "touchpoint")
        if self.moment not in domain.MOMENT_KEYS:
            raise ValueError(f"“{name}” needs a moment: one of {', '.join(m.label for m in domain.MOMENTS)}.")
        if self.situation is not None and self.situation not in domain.SITUATION_KEYS:
            raise ValueError(f"Unknown moment-of-truth situation {self.situation!r}.")
        if not -1 <= self.target <= 1:
            raise ValueError(f"The target of “{name}” must lie between −1 and +1.")
        return replace(
            self,
            name=name,
            channel=text.clean_label(self.channel, "channel"),
            group_ids=tuple(dict.fromkeys(int(g) for g in self.group_ids)),
            description=text.clean_text(self.description, "description"),
            standard=text.clean_text(self.standard, "standard"),
            target=float(self.target),
            recovery_plan=text.clean_text(self.recovery_plan, "recovery plan"),
        )
