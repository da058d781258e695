"""The leadership heatmap: rows named for people, hover text with the whole story, clicks that carry ids."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import domain, leadership
from dashboard.charts import leadership as leadership_charts
from dashboard.charts import overview as overview_charts
from dashboard.charts import style

CELLS = pd.DataFrame(
    {
        "touchpoint_id": [1, 1, 2, 3],
        "month": [date(2026, 1, 1), date(2026, 2, 1), date(2026, 1, 1), date(2026, 2, 1)],
        "mean": [0.5, -0.25, 0.125, 1.0],
        "n": [1200, 30, 4, 7],
        "touchpoint_name": ["Invoice", "Invoice", "Invoice", "A very long touchpoint name indeed"],
        "label": [
            "Invoice · Repair",
            "Invoice · Repair",
            "Invoice · Sale",
            "A very long touchpoint name indeed · Sale",
        ],
        "row": [0, 0, 1, 2],
    }
)


def test_rows_show_the_touchpoint_keep_the_cycle_when_two_share_a_name_and_shorten_long_names():
    cells = leadership_charts.heatmap(CELLS).data[0]
    assert list(cells.y) == ["Invoice · Repair", "Invoice · Repair", "Invoice · Sale", "A very long touchpoint na…"]
    assert list(cells.x) == ["Jan 2026", "Feb 2026", "Jan 2026", "Feb 2026"]


def test_the_hover_names_the_whole_touchpoint_and_month_and_clicks_carry_its_id_and_month():
    layer = leadership_charts.heatmap(CELLS).data[1]
    assert list(layer.text) == [
        "Invoice · Repair<br>Jan 2026: +0.50 · 1,200 impressions",
        "Invoice · Repair<br>Feb 2026: -0.25 · 30 impressions",
        "Invoice · Sale<br>Jan 2026: +0.12 · 4 impressions",
        "A very long touchpoint name indeed · Sale<br>Feb 2026: +1.00 · 7 impressions",
    ]
    assert [list(c) for c in layer.customdata] == [
        [1, "2026-01-01"],
        [1, "2026-02-01"],
        [2, "2026-01-01"],
        [3, "2026-02-01"],
    ]


def test_the_focused_cell_gets_an_outline_and_a_focus_off_the_map_gets_none():
    focused = leadership_charts.heatmap(CELLS, 2, date(2026, 1, 1)).data
    assert (focused[-1].name, list(focused[-1].x), list(focused[-1].y)) == ("focus", ["Jan 2026"], ["Invoice · Sale"])
    assert len(leadership_charts.heatmap(CELLS, 2, date(2026, 5, 1)).data) == 2


def test_every_bar_on_the_overview_carries_what_a_click_narrows_the_page_to():
    touchpoints = pd.DataFrame(
        {
            "touchpoint_id": [4, 9],
            "touchpoint": ["Invoice", "Visit"],
            "cycle": ["Repair", "Repair"],
            "mean": [0.1, -0.3],
            "mean_low": [0.0, -0.4],
            "mean_high": [0.2, -0.2],
            "target": [0.5, 0.5],
            "gap": [-0.4, -0.8],
            "n": [30, 40],
        }
    )
    weakest = overview_charts.weakest_touchpoints(touchpoints)
    moved = touchpoints.assign(
        mean_change=[0.2, -0.1], mean_change_low=[0.1, -0.3], mean_change_high=[0.3, 0.1], mean_significant=True
    ).assign(previous_mean=[-0.1, -0.2])
    movers = leadership_charts.mover_bars(moved)
    moments = overview_charts.moment_scorecard(
        pd.DataFrame(
            {
                "moment": ["keep_or_lose"],
                "mean": [0.2],
                "mean_low": [0.1],
                "mean_high": [0.3],
                "target": [0.5],
                "n": [9],
            }
        ),
        None,
    )
    assert [
        leadership.focus_from_points([{"customdata": list(c)}], leadership.Focus()) for c in weakest.data[0].customdata
    ] == [
        leadership.Focus(4),
        leadership.Focus(9),
    ]  # worst at the bottom, drawn first
    assert [int(c[0]) for c in movers.data[0].customdata] == [9, 4]
    assert [leadership.moment_from_points([{"customdata": list(c)}]) for c in moments.data[0].customdata] == list(
        domain.MOMENT_KEYS
    )
    assert leadership.moment_from_points([{"x": "Keep-or-Lose"}]) == "keep_or_lose"
    assert leadership.moment_from_points([]) is None
    assert {f.layout.clickmode for f in (weakest, movers, moments)} == {"event+select"}


def test_fifteen_months_keep_at_least_36_px_each_so_a_phone_scrolls_the_heatmap_sideways():
    months = pd.date_range("2025-07-01", periods=15, freq="MS").date
    cells = pd.DataFrame(
        {
            "touchpoint_id": 1,
            "month": months,
            "mean": 0.5,
            "n": 10,
            "touchpoint_name": "Invoice",
            "label": "Invoice · Repair",
            "row": 0,
        }
    )
    assert style.min_width(leadership_charts.heatmap(cells)) == 300 + 15 * 36  # labels and colour bar, then months
    assert style.min_width(leadership_charts.heatmap(CELLS)) == 300 + 2 * 36
