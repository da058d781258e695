"""The export layout: a chart saved as a picture keeps its labels, ranges and legend in view."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.charts import export
from dashboard.charts import leadership as leadership_charts
from dashboard.charts import overview as overview_charts

TRENDS = pd.DataFrame(
    {
        "moment": ["make_or_break", "make_or_break"],
        "month": [date(2026, 9, 1), date(2026, 10, 1)],
        "n": [40, 50],
        "mean": [0.5, -0.25],
        "mean_low": [0.3, -0.5],
        "mean_high": [0.7, 0.0],
    }
)
MOMENTS = pd.DataFrame(
    {
        "moment": ["now_or_never", "make_or_break"],
        "mean": [0.6, 0.25],
        "mean_low": [0.5, 0.1],
        "mean_high": [0.7, 0.4],
        "target": [0.5, 0.5],
        "n": [100, 80],
    }
)


def test_an_exported_trend_has_room_around_the_plot_and_keeps_its_month_ticks_and_range():
    exported = export.for_export(leadership_charts.moment_trends(TRENDS), "Trends per moment")
    layout = exported.layout
    assert (layout.margin.l, layout.margin.r, layout.margin.t, layout.margin.b) == (80, 40, 90, 80)
    assert (layout.width, layout.height) == (1400, 460)
    assert layout.title.text == "Trends per moment"
    assert (layout.xaxis.tickformat, layout.xaxis.dtick, layout.xaxis.automargin) == ("%b %Y", "M1", True)
    assert (tuple(layout.yaxis.range), layout.yaxis.automargin, layout.yaxis.title.standoff) == ((-1, 1), True, 14)
    assert (layout.legend.orientation, layout.legend.y, layout.legend.yanchor) == ("h", 1.02, "bottom")


def test_exporting_leaves_the_figure_on_screen_as_it_was():
    fig = overview_charts.moment_scorecard(MOMENTS, "make_or_break")
    export.for_export(fig)
    assert (fig.layout.margin.l, fig.layout.margin.b, fig.layout.width) == (10, 10, None)


def test_an_exported_moments_chart_grows_its_margins_to_fit_the_moment_names():
    exported = export.for_export(overview_charts.moment_scorecard(MOMENTS, None))
    assert exported.layout.xaxis.automargin is True
    assert list(exported.data[0].x) == ["Now-or-Never", "Make-or-Break", "Keep-or-Lose", "Multiplier"]
    assert exported.layout.height == 420  # the screen's 380 px is raised to the least export height


@pytest.mark.skipif(not export.can_draw(), reason="no Chromium for kaleido on this machine")
def test_a_png_is_drawn_at_twice_the_export_size():
    png = export.png_bytes(overview_charts.moment_scorecard(MOMENTS, None))
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (png[:8], width, height) == (b"\x89PNG\r\n\x1a\n", 2800, 840)
