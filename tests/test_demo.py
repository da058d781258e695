"""The demo workspace is deterministic and hides the patterns the Overview should reveal."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard import cli, demo, metrics
from dashboard.store import Store, cycles, groups, ideas, impressions, workspace
from dashboard.store.scope import Scope
from tests.conftest import DEMO_END, SMALL_DEMO

pytestmark = pytest.mark.both_backends


def _all_impressions(store: Store) -> pd.DataFrame:
    with store.cursor() as cur:
        return cur.execute(
            "select touchpoint_id, observed_on, raw_value, scale, score, group_id, source, r.comment"
            " from impression i left join response r on r.id = i.response_id order by 1, 2, 3, 4, 5, 6, 7, 8"
        ).df()


def test_the_same_seed_and_end_date_give_the_same_data(store: Store, demo_store: Store):
    demo.build(store, impressions=SMALL_DEMO, end=DEMO_END)
    pd.testing.assert_frame_equal(_all_impressions(store), _all_impressions(demo_store))
    assert cycles.touchpoints(store).equals(cycles.touchpoints(demo_store))


def test_another_seed_gives_other_data(store: Store, demo_store: Store):
    demo.build(store, impressions=SMALL_DEMO, end=DEMO_END, seed=8)
    assert not _all_impressions(store).equals(_all_impressions(demo_store))


def test_the_demo_is_as_large_and_varied_as_promised(demo_store: Store):
    counts = workspace.counts(demo_store)
    assert counts["cycles"] >= 3
    assert counts["touchpoints"] >= 25
    assert counts["groups"] >= 3
    assert counts["teams"] >= 3
    assert counts["ideas"] > 0
    assert 0 < counts["plan_cells"] < 28
    touchpoints = cycles.touchpoints(demo_store)
    assert set(touchpoints["moment"]) == {"now_or_never", "make_or_break", "keep_or_lose", "multiplier"}
    assert touchpoints["channel"].nunique() >= 4
    first, last = impressions.date_range(demo_store)
    assert isinstance(first, date) and isinstance(last, date)
    assert (last - first).days >= 365
    assert last == DEMO_END


def test_the_default_demo_has_at_least_twenty_thousand_impressions():
    assert demo.DEFAULT_IMPRESSIONS >= 20_000


def test_the_chain_breaks_at_make_or_break_because_of_engineer_arrival(demo_store: Store):
    moments = metrics.summarise(impressions.moment_stats(demo_store))
    assert metrics.chain_break(moments) == "make_or_break"
    touchpoints = metrics.summarise(impressions.touchpoint_stats(demo_store))
    worst = touchpoints.nsmallest(1, "gap").iloc[0]
    assert (worst["cycle"], worst["touchpoint"]) == ("Repair job", "Engineer arrival")


def test_the_written_quote_improves_after_its_enhancement_was_adopted(demo_store: Store):
    stored = ideas.ideas(demo_store)
    adopted = stored.loc[stored["status"] == "standard", "adopted_on"].min()
    tp = cycles.touchpoints(demo_store)
    quote = int(tp.loc[tp["name"] == "Written quote", "id"].iloc[0])
    before = metrics.summarise(impressions.total_stats(demo_store, Scope(touchpoint_ids=(quote,), end=adopted)))
    after = metrics.summarise(impressions.total_stats(demo_store, Scope(touchpoint_ids=(quote,), start=adopted)))
    assert after["mean_low"].iloc[0] > before["mean_high"].iloc[0] + 0.2


def test_landlords_and_homeowners_disagree_about_the_final_invoice(demo_store: Store):
    group_ids = groups.groups(demo_store).set_index("name")["id"]
    tp = cycles.touchpoints(demo_store)
    invoice = int(tp.loc[tp["name"] == "Final invoice", "id"].iloc[0])

    def mean_for(group: str) -> float:
        scope = Scope(touchpoint_ids=(invoice,), group_ids=(int(group_ids[group]),))
        return float(metrics.summarise(impressions.total_stats(demo_store, scope))["mean"].iloc[0])

    assert mean_for("Homeowners") - mean_for("Landlords") > 0.4


def test_repairs_peak_in_winter_and_installations_in_autumn(demo_store: Store):
    with demo_store.cursor() as cur:
        months = cur.execute(
            "select c.name, cast(extract(month from i.observed_on) as integer) as m, count(*) as n"
            " from impression i join touchpoint t on t.id = i.touchpoint_id"
            " join service_cycle c on c.id = t.cycle_id where i.observed_on >= date '2025-10-01' group by 1, 2"
        ).df()
    repairs = months[months["name"] == "Repair job"].set_index("m")["n"]
    assert repairs[1] > 1.5 * repairs[7]


def test_the_demo_refuses_a_workspace_that_already_has_data(demo_store: Store):
    with pytest.raises(ValueError, match="empty"):
        demo.build(demo_store)


def test_the_command_line_rebuilds_the_demo_file_from_scratch(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    # A file only: on PostgreSQL the command refuses a database with a workspace instead
    # (tests/test_cli_postgres.py).
    path = tmp_path / "cli.duckdb"
    assert cli.main(["demo", "--db", str(path), "--impressions", "2500"]) == 0
    assert cli.main(["demo", "--db", str(path), "--impressions", "3000"]) == 0  # replaces, never appends
    with Store(path) as store:
        assert workspace.counts(store)["impressions"] == 3000
    assert "3,000 impressions" in capsys.readouterr().out


def test_coded_impressions_are_written_with_their_labels_numbers_sources_and_comments(store: Store):
    scales = pd.DataFrame(
        {
            "scale_id": np.array([0, 1], dtype=np.int32),
            "spec": ["1-5", "labels:No|Maybe|Yes"],
            "low": [1, 0],
            "high": [5, 2],
            "labels": [None, ["No", "Maybe", "Yes"]],
        }
    )
    comments = pd.DataFrame({"comment_id": np.array([0], dtype=np.int32), "text": ["Lovely"]})
    codes = pd.DataFrame(
        {
            "touchpoint_id": np.array([7, 7, 8, 8], dtype=np.int32),
            "day": np.array([0, 1, 2, 3], dtype=np.int32),
            "point": np.array([0, 4, 0, 1], dtype=np.int32),
            "scale_id": np.array([0, 0, 1, 1], dtype=np.int32),
            "group_id": np.array([0, 3, 0, 0], dtype=np.int32),
            "source_id": np.array([0, 1, 2, 0], dtype=np.int8),
            "comment_id": np.array([-1, 0, -1, -1], dtype=np.int32),
        }
    )
    with store.transaction() as cur:
        assert impressions.insert_coded_impressions(cur, codes, scales, comments, date(2026, 1, 1)) == 4
    with store.cursor() as cur:
        rows = cur.execute(
            "select i.touchpoint_id, i.observed_on, i.raw_value, i.scale, i.score, i.group_id, i.source, r.comment"
            " from impression i left join response r on r.id = i.response_id order by i.id"
        ).fetchall()
    assert rows == [
        (7, date(2026, 1, 1), "1", "1-5", -1.0, None, "survey", None),
        (7, date(2026, 1, 2), "5", "1-5", 1.0, 3, "workshop", "Lovely"),
        (8, date(2026, 1, 3), "No", "labels:No|Maybe|Yes", -1.0, None, "manual", None),
        (8, date(2026, 1, 4), "Maybe", "labels:No|Maybe|Yes", 0.0, None, "survey", None),
    ]
