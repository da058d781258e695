"""Which impressions a question is about: a date range and optional narrowing filters.

A scope turns into a SQL condition over the aliases ``i`` (impression) and ``t`` (touchpoint)
plus the values to bind. The condition text is built only from fixed fragments; every value
travels as a bound parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Scope:
    """Everything left empty means "no narrowing" on that dimension."""

    start: date | None = None
    end: date | None = None
    cycle_ids: tuple[int, ...] = ()
    moments: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    group_ids: tuple[int, ...] = ()
    team_ids: tuple[int, ...] = ()
    sources: tuple[str, ...] = ()
    touchpoint_ids: tuple[int, ...] = ()

    def condition(self) -> tuple[str, list[object]]:
        """``(sql, params)`` for a ``where`` over ``impression i join touchpoint t``."""
        parts = ["t.archived_at is null"]
        params: list[object] = []
        if self.start is not None:
            parts.append("i.observed_on >= ?")
            params.append(self.start)
        if self.end is not None:
            parts.append("i.observed_on <= ?")
            params.append(self.end)
        for column, values in (
            ("t.cycle_id", self.cycle_ids),
            ("t.moment", self.moments),
            ("t.channel", self.channels),
            ("i.group_id", self.group_ids),
            ("t.owner_team_id", self.team_ids),
            ("i.source", self.sources),
            ("t.id", self.touchpoint_ids),
        ):
            if values:
                # One placeholder per value, not "= any(?::integer[])": DuckDB runs "= any" as a
                # semi join, twice as slow on the roll-ups as this; PostgreSQL reads both alike.
                parts.append(f"{column} in ({', '.join('?' * len(values))})")
                params.extend(values)
        return " and ".join(parts), params


EVERYTHING = Scope()
