"""The Overview's words for what changed: the comparison window, KPI deltas and alerts."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard import formatting as fmt
from dashboard import leadership


def test_the_window_names_both_periods_length_and_the_last_day():
    periods = leadership.Periods((date(2026, 7, 3), date(2026, 9, 30)), (date(2026, 4, 4), date(2026, 7, 2)))
    assert periods.describe() == "90 days to 30 Sep 2026 vs the 90 days before"


@pytest.mark.parametrize(
    ("change", "significant", "delta"),
    [
        (-0.125, True, ("-0.12 (significant)", "normal")),
        (0.25, False, ("+0.25 (within noise)", "off")),
        (float("nan"), False, (None, "off")),
    ],
    ids=["significant-fall-with-ascii-minus", "noise-stays-grey", "no-previous-period"],
)
def test_a_kpi_delta_is_coloured_only_when_its_interval_excludes_zero(
    change: float, significant: bool, delta: tuple[str | None, str]
):
    row = pd.Series({"mean_change": change, "mean_significant": significant})
    assert leadership.change_delta(row, "mean", fmt.signed) == delta


def test_an_alert_names_the_touchpoint_and_cycle_the_fall_and_its_interval():
    alerts = pd.DataFrame(
        {
            "touchpoint_id": [7],
            "previous_mean": [0.5],
            "mean": [0.25],
            "mean_change": [-0.25],
            "mean_change_low": [-0.375],
            "mean_change_high": [-0.125],
        }
    )
    touchpoints = pd.DataFrame(
        {"touchpoint_id": [3, 7], "touchpoint": ["Quote", "Invoice"], "cycle": ["Sale", "Repair"]}
    )
    assert leadership.alert_messages(alerts, touchpoints, "90 days to 30 Sep 2026 vs the 90 days before") == [
        "**Invoice · Repair** fell from +0.50 to +0.25 (−0.25; 95% CI −0.38 to −0.12) "
        "in the 90 days to 30 Sep 2026 vs the 90 days before."
    ]


def test_touchpoints_fall_into_the_four_quadrants_by_volume_against_the_median_and_by_their_target():
    summary = pd.DataFrame(
        {
            "touchpoint": ["A", "B", "C", "D"],
            "cycle": ["Sale"] * 4,
            "moment": ["now_or_never"] * 4,
            "position": [1, 2, 3, 4],
            "n": [6, 5, 3, 2],  # shares 0.375, 0.3125, 0.1875, 0.125; median 0.25
            "weak": [True, False, True, False],
        }
    )
    out = leadership.priorities(summary)
    assert out[["touchpoint", "importance", "quadrant"]].values.tolist() == [
        ["A", 0.375, "Fix first"],
        ["B", 0.3125, "Keep it up"],
        ["C", 0.1875, "Watch"],
        ["D", 0.125, "Maintain"],
    ]
