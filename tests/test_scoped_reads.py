"""The API's reads for a token limited to some cycles: the same figures as the command line's,
narrowed, from the roll-ups."""

from __future__ import annotations

from dashboard import import_jobs
from dashboard.store import Store, imports, scoped
from dashboard.store import cycles as store_cycles
from tests.survey_files import csv_bytes, small_workspace


def test_stats_from_the_rollup_equal_the_command_lines_and_narrow_to_a_cycle(demo_store: Store):
    every = imports.stats(demo_store)
    assert scoped.stats(demo_store, None) == every
    first = store_cycles.cycles(demo_store).iloc[0]
    narrowed = scoped.stats(demo_store, (int(first["id"]),))
    kept = [t for t in every["touchpoints"] if t["cycle"] == first["name"]]
    assert narrowed == {"impressions": sum(t["impressions"] for t in kept), "touchpoints": kept}
    assert scoped.stats(demo_store, ()) == {"impressions": 0, "touchpoints": []}


def test_an_undone_import_leaves_the_stats_as_the_raw_impressions_say(store: Store):
    small_workspace(store)
    rows = ["2026-09-01,Repair job,Front desk,,4,1-5,", "2026-09-02,Repair job,Repair,,2,1-5,"]
    first = import_jobs.run(store, import_jobs.Request(csv_bytes(rows), "a.csv", "Repair job"))
    import_jobs.run(store, import_jobs.Request(csv_bytes(rows[:1]), "b.csv", "Repair job"))
    imports.undo(store, int(first["import"]))
    assert scoped.stats(store, None) == imports.stats(store)
    assert scoped.stats(store, None)["touchpoints"] == [
        {
            "cycle": "Repair job",
            "touchpoint": "Front desk",
            "moment": "now_or_never",
            "impressions": 1,
            "mean_score": 0.5,
        }
    ]
