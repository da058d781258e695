"""The plan's figures: the grid in step and moment order with flags framed, its compact twin for
the Overview, and progress lines that carry the last value to today."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import evidence
from dashboard.charts import plan as plan_charts
from dashboard.charts import style
from dashboard.store import Store, plan
from dashboard.thresholds import Thresholds

AS_OF = date(2026, 6, 30)


def grid_of(store: Store) -> pd.DataFrame:
    t = Thresholds()
    return evidence.grid_frame(
        evidence.assess(plan.evidence_figures(store, AS_OF, t.recent_days), plan.plan_cells(store), t)
    )


def test_the_grid_puts_steps_down_and_moments_across_coloured_by_status_and_frames_unproven_claims(store: Store):
    plan.set_plan_cell(store, "measure", "keep_or_lose", status="done")  # no impressions: unproven
    plan.set_plan_cell(store, "perform", "now_or_never", status="at_risk")
    fig = plan_charts.plan_grid(grid_of(store))
    heatmap, cells = fig.data[0], fig.data[1]
    assert list(heatmap.x) == ["Now-or-<br>Never", "Make-or-<br>Break", "Keep-or-<br>Lose", "Multiplier"]
    assert heatmap.y[0] == "1. Identify<br>groups" and heatmap.y[6] == "7. Institute<br>standards"
    assert heatmap.z[5][2] == 2 and heatmap.z[4][0] == 3 and heatmap.z[0][0] == 0  # done, at risk, not started
    assert heatmap.text[5][2] == "<b>⚠</b> Done<br>0/2"
    assert [(s.x0, s.y0) for s in fig.layout.shapes] == [(2 - 0.45, 5 - 0.42)]
    assert len(cells.customdata) == 28 and list(cells.customdata[0]) == ["identify_groups", "now_or_never"]


def test_the_compact_grid_for_the_overview_only_marks_the_flags_and_cannot_be_selected(store: Store):
    plan.set_plan_cell(store, "measure", "keep_or_lose", status="done")
    fig = plan_charts.plan_grid(grid_of(store), compact=True)
    assert len(fig.data) == 1
    assert fig.data[0].text[5][2] == "⚠" and fig.data[0].text[0][0] == ""
    assert len(fig.layout.shapes) == 1
    assert fig.layout.height == 300 and fig.layout.dragmode is False


def test_progress_lines_show_the_share_of_cells_done_per_moment_up_to_today(store: Store):
    progress = pd.DataFrame(
        {"day": pd.to_datetime(["2026-06-01", "2026-06-03"]), "moment": ["multiplier", "multiplier"], "done": [1, 2]}
    )
    fig = plan_charts.progress_lines(progress, "moment", AS_OF)
    assert [t.name for t in fig.data] == ["Now-or-Never", "Make-or-Break", "Keep-or-Lose", "Multiplier"]
    multiplier = fig.data[3]
    assert list(multiplier.x) == [date(2026, 6, 1), date(2026, 6, 3), AS_OF]
    assert list(multiplier.y) == [1 / 7, 2 / 7, 2 / 7]
    assert list(fig.data[0].y) == [0, 0, 0]
    empty = plan_charts.progress_lines(progress.iloc[0:0], "step", AS_OF)
    assert empty.layout.annotations[0].text == "No plan changes recorded yet"


def test_the_full_grid_keeps_each_status_on_one_line_in_projector_type_and_scrolls_on_a_phone(store: Store):
    plan.set_plan_cell(store, "perform", "multiplier", status="in_progress")
    fig = plan_charts.plan_grid(grid_of(store))
    heatmap = fig.data[0]
    assert heatmap.text[4][3].split("<br>")[0] == "In progress"
    assert heatmap.text[0][0].split("<br>")[0] == "Not started"
    assert heatmap.textfont.size == 18
    # 150 px of step labels, then four cells of 140 px: "Not started" at 18 px is about 11 x 0.6 x 18 = 119 px.
    assert style.min_width(fig) == 150 + 4 * 140
    assert style.min_width(plan_charts.plan_grid(grid_of(store), compact=True)) is None
