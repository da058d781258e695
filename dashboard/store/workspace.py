"""How many of each thing the workspace holds.

Each entity has its own module with its one write API and its reads: ``cycles`` (service
cycles and touchpoints), ``ideas``, ``groups`` (stakeholder groups and teams), ``plan`` (plan
cells and their history).
"""

from __future__ import annotations

from dashboard.store import Store


def counts(store: Store) -> dict[str, int]:
    """How many of each thing the workspace holds (for status lines and tests)."""
    with store.cursor() as cur:
        row = cur.execute(
            "select (select count(*) from service_cycle), (select count(*) from touchpoint where archived_at is null),"
            " (select count(*) from stakeholder_group), (select count(*) from team),"
            " (select count(*) from impression), (select count(*) from enhancement_idea),"
            " (select count(*) from plan_cell)"
        ).fetchone()
    assert row is not None
    keys = ("cycles", "touchpoints", "groups", "teams", "impressions", "ideas", "plan_cells")
    return dict(zip(keys, (int(v) for v in row), strict=True))
