"""What people type comes back as they typed it: no Markdown, no HTML, no links, no images."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import safe, touchpoints
from dashboard.charts import leadership as leadership_charts
from dashboard.store import Store, cycles
from tests.apptest import app

IMAGE = "![pix](http://host/x)"
PHISH = "[Your session expired - sign in again](http://host/phish)"
LINK = '<a href="http://host/x">go</a>'


def test_markdown_in_a_name_is_escaped_character_by_character():
    assert safe.md(IMAGE) == r"\!\[pix\]\(http\:\/\/host\/x\)"
    assert safe.md(":red[alarm] :material/home: $x$") == r"\:red\[alarm\] \:material\/home\: \$x\$"
    assert safe.md("# Title\r\n* item") == r"\# Title \* item"
    assert safe.md("Café 42") == "Café 42"


def test_html_in_a_name_becomes_entities_a_chart_shows_as_the_characters():
    assert safe.chart(LINK) == '&lt;a href="http://host/x"&gt;go&lt;/a&gt;'
    assert safe.chart("R&D <b>") == "R&amp;D &lt;b&gt;"


def test_a_link_in_a_touchpoint_name_is_text_on_the_heatmap_axis_and_in_its_hover():
    cells = pd.DataFrame(
        {
            "touchpoint_id": [1],
            "month": [date(2026, 1, 1)],
            "mean": [0.5],
            "n": [3],
            "touchpoint_name": ["<a href=//h>x</a>"],
            "label": ["<a href=//h>x</a> · Repair"],
            "row": [0],
        }
    )
    cells_trace, clicks = leadership_charts.heatmap(cells).data
    assert list(cells_trace.y) == ["&lt;a href=//h&gt;x&lt;/a&gt;"]
    assert list(clicks.text) == ["&lt;a href=//h&gt;x&lt;/a&gt; · Repair<br>Jan 2026: +0.50 · 3 impressions"]


def test_a_filter_value_from_a_shared_link_is_never_repeated_as_markup_in_the_note(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
):
    at = app(demo_db, monkeypatch)
    at.query_params["source"] = PHISH
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    notes = [w.value for w in at.warning if "link" in w.value]
    assert notes == ["A source in the link is not in this workspace; it was left out."]


def test_a_touchpoint_named_like_an_image_is_named_as_text_where_the_page_narrows_to_it(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
):
    row = cycles.touchpoints(demo_store).iloc[0]
    fields = touchpoints.TouchpointFields(name=IMAGE, moment=str(row["moment"]), target=float(row["target"]))
    cycles.update_touchpoint(demo_store, int(row["id"]), fields)
    at = app(demo_store.path, monkeypatch)
    at.query_params["tp"] = str(int(row["id"]))
    at.switch_page("pages/impressions.py").run()
    assert not at.exception
    (note,) = [i.value for i in at.info if i.value.startswith("Narrowed to")]
    assert note.startswith("Narrowed to **\\!\\[pix\\]\\(http\\:\\/\\/host\\/x\\) · ")
