"""AppTest: a team uploads a survey tool's export, corrects one column, imports, and next month's export follows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button, Selectbox

from dashboard.store import Store, cycles, imports
from dashboard.touchpoints import TouchpointFields
from tests.apptest import open_page
from tests.test_survey_formats import QUALTRICS_ANSWERS, TOUCHPOINTS, qualtrics_export


@pytest.fixture
def clinic_db(tmp_path: Path) -> Path:
    path = tmp_path / "wide.duckdb"
    with Store(path) as store:
        cycle = cycles.create_cycle(store, "Clinic")
        for name in TOUCHPOINTS:
            cycles.add_touchpoint(store, cycle, TouchpointFields(name, "keep_or_lose"))
    return path


def export(month_day: int = 20) -> bytes:
    raw = qualtrics_export(QUALTRICS_ANSWERS)
    text = raw.to_csv(header=False, index=False)
    return text.replace("2026-09-", f"2026-{month_day:02d}-").encode("utf-8")


def page(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    at = open_page(db, monkeypatch, "pages/upload.py")
    next(s for s in at.selectbox if s.label == "Service cycle").set_value("Clinic").run()
    return at


def selectbox(at: AppTest, label: str) -> Selectbox[Any]:
    return next(s for s in at.selectbox if s.label == label)


def button(at: AppTest, prefix: str) -> Button:
    return next(b for b in at.button if b.label.startswith(prefix))


def test_a_qualtrics_export_shows_what_was_detected_takes_a_correction_and_is_remembered(
    clinic_db: Path, monkeypatch: pytest.MonkeyPatch
):
    at = page(clinic_db, monkeypatch)
    at.file_uploader[0].upload("september.csv", export(9), "text/csv")
    at.run()
    assert not at.exception
    detected = at.table[0].value
    assert detected.iloc[0].tolist() == ["layout", "Qualtrics export (one respondent per row)"]
    assert {m.label: m.value for m in at.metric} == {
        "Responses read": "3",
        "Answers found": "8",
        "Impressions to record": "8",
        "Answers rejected": "0",
        "Missing answers": "4",
    }
    columns = at.dataframe[0].value
    assert columns.loc[columns["column"] == 17, ["role", "why"]].values.tolist() == [
        ["left out", "names no touchpoint of the cycle"]
    ]

    selectbox(at, "Column").set_value(16).run()  # "Overall, how satisfied ...": the person maps it to Payment
    selectbox(at, "Records the touchpoint").set_value("Payment").run()
    button(at, "Apply").click().run()
    assert {m.label: m.value for m in at.metric}["Impressions to record"] == "11"
    button(at, "Import 11").click().run()
    assert [s.value for s in at.success] == ["Imported 11 impressions into Clinic (import 1)."]
    with Store(clinic_db) as store:
        assert {t["touchpoint"]: t["impressions"] for t in imports.stats(store)["touchpoints"]} == {
            "Reception": 2,
            "Waiting room": 2,
            "Consultation": 2,
            "Payment": 3,
            "Follow-up call": 2,
        }

    at.file_uploader[0].upload("october.csv", export(10), "text/csv")
    at.run()
    assert [i.value for i in at.info] == [
        "This survey was imported before: 1 column(s) are mapped the way you corrected them then."
    ]
    assert button(at, "Import").label == "Import 11 impressions"


def test_after_an_undo_the_same_file_comes_back_with_its_comment_column_and_the_button_says_so(
    clinic_db: Path, monkeypatch: pytest.MonkeyPatch
):
    at = page(clinic_db, monkeypatch)
    at.file_uploader[0].upload("september.csv", export(9), "text/csv")
    at.run()
    assert button(at, "Import").label == "Import 8 impressions"
    selectbox(at, "Comment column (free text kept with each impression)").set_value(17).run()
    assert button(at, "Import").label == "Import 8 impressions with comments"
    button(at, "Import").click().run()
    with Store(clinic_db) as store:
        imports.undo(store, 1)

    again = page(clinic_db, monkeypatch)  # another visit: nothing of the first one's choices in its session
    again.file_uploader[0].upload("september.csv", export(9), "text/csv")
    again.run()
    assert [i.value for i in again.info] == [
        "This survey was imported before: the comment column is the one you chose then."
    ]
    assert selectbox(again, "Comment column (free text kept with each impression)").value == 17
    assert button(again, "Import").label == "Import 8 impressions with comments"
