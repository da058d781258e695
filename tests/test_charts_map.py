"""The map page's charts when data is scarce: a new cycle without impressions, a touchpoint with one month."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.charts import map as map_charts

NEW_CYCLE = pd.DataFrame(
    {
        "touchpoint_id": [7, 8],
        "touchpoint": ["Welcome call", "First visit"],
        "position": [1, 2],
        "moment": ["now_or_never", "make_or_break"],
        "n": [0, 0],
        "mean": [float("nan"), float("nan")],
        "target": [0.5, 0.5],
        "weak": [False, False],
    }
)
ONE_MONTH = pd.DataFrame(
    {
        "month": [date(2026, 10, 1)],
        "mean": [0.25],
        "mean_low": [0.0],
        "mean_high": [0.5],
        "n": [9],
    }
)
NO_IDEAS = pd.DataFrame({"adopted_on": [], "text": []})


def test_touchpoints_without_impressions_show_as_hollow_grey_rings_that_still_take_clicks():
    figure = map_charts.journey_map(NEW_CYCLE)
    points, rings = figure.data[1], figure.data[2]
    assert (list(points.marker.opacity), [int(c[0]) for c in points.customdata]) == ([0.0, 0.0], [7, 8])
    assert (list(rings.x), list(rings.y)) == (["Now-or-Never", "Make-or-Break"], ["1. Welcome call", "2. First visit"])
    assert (rings.marker.symbol, rings.marker.color, rings.hoverinfo) == ("circle-open", "#757575", "skip")


def test_a_map_with_impressions_everywhere_draws_no_rings():
    summary = NEW_CYCLE.assign(n=[5, 3], mean=[0.4, -0.2])
    figure = map_charts.journey_map(summary)
    assert (len(figure.data), list(figure.data[1].marker.opacity)) == (2, [1.0, 1.0])


def test_a_trend_of_one_month_reads_in_months_with_its_interval_as_an_error_bar():
    figure = map_charts.touchpoint_trend(ONE_MONTH, NO_IDEAS, 0.5)
    (mean,) = figure.data
    axis = figure.layout.xaxis
    assert (axis.type, axis.tickformat, axis.dtick) == ("date", "%b %Y", "M1")
    assert [pd.Timestamp(x) for x in axis.range] == [pd.Timestamp("2026-09-16"), pd.Timestamp("2026-10-16")]
    assert (list(mean.error_y.array), list(mean.error_y.arrayminus)) == ([0.25], [0.25])


def test_a_longer_trend_draws_its_interval_as_a_band_of_lines_without_corner_dots():
    months = ONE_MONTH.loc[[0, 0]].assign(month=[date(2026, 9, 1), date(2026, 10, 1)])
    band, mean = map_charts.touchpoint_trend(months, NO_IDEAS, 0.5).data
    assert (band.mode, band.fill, mean.error_y.array) == ("lines", "toself", None)
