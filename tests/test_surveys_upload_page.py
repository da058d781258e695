"""AppTest: a team uploads surveys on the Upload page, imports them, and undoes an import."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button

from dashboard.imports import pipeline
from dashboard.scales import Scale
from dashboard.store import Store, cycles, groups, imports, workspace
from tests.apptest import open_page
from tests.survey_files import csv_bytes, long_rows_xlsx, small_workspace

SEPTEMBER = csv_bytes(
    [
        "2026-09-01,,Front desk,,5,,Lovely",
        "2026-09-01,,Repair,,1,,",
        "2026-09-02,,Repair,,N/A,,",
        "2026-09-02,,Repair,,x,,",
    ]
)


@pytest.fixture
def workspace_db(tmp_path: Path) -> Path:
    """A closed workspace file with the small "Repair job" cycle."""
    path = tmp_path / "upload.duckdb"
    with Store(path) as store:
        small_workspace(store)
    return path


def upload_page(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    at = open_page(db, monkeypatch, "pages/upload.py")
    next(s for s in at.selectbox if s.label == "Service cycle").set_value("Repair job").run()
    return at


def button(at: AppTest, prefix: str) -> Button:
    return next(b for b in at.button if b.label.startswith(prefix))


def test_a_file_is_previewed_imported_and_undone(workspace_db: Path, monkeypatch: pytest.MonkeyPatch):
    at = upload_page(workspace_db, monkeypatch)
    at.file_uploader[0].upload("september.csv", SEPTEMBER, "text/csv")
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric} == {
        "Rows read": "4",
        "Answers found": "3",
        "Impressions to record": "2",
        "Answers rejected": "1",
        "Missing answers": "1",
    }
    assert button(at, "Import").label == "Import 2 impressions"

    button(at, "Import").click().run()
    assert [s.value for s in at.success] == ["Imported 2 impressions into Repair job (import 1)."]
    with Store(workspace_db) as store:
        assert workspace.counts(store)["impressions"] == 2

    button(at, "Undo this import").click().run()
    button(at, "Yes, undo import 1").click().run()
    assert "Undone: import 1, 2 impressions removed." in [s.value for s in at.success]
    with Store(workspace_db) as store:
        assert workspace.counts(store)["impressions"] == 0
        assert imports.history(store)["undone_at"].notna().tolist() == [True]


def test_several_files_at_once_each_get_a_preview_and_a_bad_one_an_error(
    workspace_db: Path, monkeypatch: pytest.MonkeyPatch
):
    at = upload_page(workspace_db, monkeypatch)
    at.file_uploader[0].set_value(
        [("september.csv", SEPTEMBER, "text/csv"), ("broken.csv", b"\x00\x00binary", "text/csv")]
    )
    at.run()
    assert not at.exception
    assert [h.value for h in at.subheader] == ["september.csv", "broken.csv"]
    assert [e.value for e in at.error] == [
        "The file contains NUL bytes: it is not a text survey file (is it binary or damaged?)."
    ]
    assert [b.label for b in at.button if b.label.startswith("Import")] == ["Import 2 impressions"]


def test_a_file_already_imported_is_recognised_and_offers_no_import(
    workspace_db: Path, monkeypatch: pytest.MonkeyPatch
):
    with Store(workspace_db) as store:
        preview = pipeline.prepare(SEPTEMBER, "sept.csv", imports.cycle_context(store, "Repair job"))
        imports.commit(store, preview)
    at = upload_page(workspace_db, monkeypatch)
    at.file_uploader[0].upload("september-again.csv", SEPTEMBER, "text/csv")
    at.run()
    assert at.warning[0].value.startswith("This file was already imported (import 1, sept.csv")
    assert not [b for b in at.button if b.label.startswith("Import")]


def test_an_unmatched_name_can_be_added_as_a_new_touchpoint(workspace_db: Path, monkeypatch: pytest.MonkeyPatch):
    at = upload_page(workspace_db, monkeypatch)
    at.file_uploader[0].upload(
        "parking.csv", csv_bytes(["2026-09-01,,Parking,,5,,", "2026-09-01,,Repair,,1,,"]), "text/csv"
    )
    at.run()
    assert at.warning[0].value.startswith("1 touchpoint name(s) match nothing on the map of Repair job")
    next(s for s in at.selectbox if s.label.startswith("“Parking”")).set_value("Add as a new touchpoint").run()
    button(at, "Apply these choices").click().run()
    assert button(at, "Import").label == "Import 2 impressions"
    button(at, "Import").click().run()
    with Store(workspace_db) as store:
        assert cycles.touchpoints(store)["name"].tolist()[-1] == "Parking"
        assert workspace.counts(store)["impressions"] == 2


def test_one_impression_can_be_recorded_by_hand(workspace_db: Path, monkeypatch: pytest.MonkeyPatch):
    at = upload_page(workspace_db, monkeypatch)
    at.select_slider[0].set_value("4")
    at.text_area[0].input("Kind engineer")
    button(at, "Record the impression").click().run()
    assert "Recorded 4 for Front desk." in [s.value for s in at.success]
    with Store(workspace_db) as store:
        assert imports.stats(store)["touchpoints"] == [
            {
                "cycle": "Repair job",
                "touchpoint": "Front desk",
                "moment": "now_or_never",
                "impressions": 1,
                "mean_score": 0.5,
            }
        ]


def test_a_workbook_opens_on_the_sheet_that_holds_the_answers(workspace_db: Path, monkeypatch: pytest.MonkeyPatch):
    at = upload_page(workspace_db, monkeypatch)
    at.file_uploader[0].upload("q3.xlsx", long_rows_xlsx(), "application/vnd.ms-excel")
    at.run()
    assert not at.exception and not at.error
    assert next(s for s in at.selectbox if s.label == "Sheet").value == "Answers"
    assert button(at, "Import").label == "Import 3 impressions"


def test_a_scale_the_answers_cannot_settle_is_shown_as_a_guess_and_chosen_by_the_person(
    workspace_db: Path, monkeypatch: pytest.MonkeyPatch
):
    at = upload_page(workspace_db, monkeypatch)
    at.file_uploader[0].upload(
        "small.csv", csv_bytes(["2026-09-01,,Repair,,0,,", "2026-09-01,,Repair,,2,,"]), "text/csv"
    )
    at.run()
    assert [w.value for w in at.warning] == [
        "The scale is a guess: the answers (0, 2) could be on 0 to 2, -2 to 2 or 0 to 10. Choose the scale."
    ]
    assert not [b for b in at.button if b.label.startswith("Import ")]
    choice = next(r for r in at.radio if r.label == "Which scale were these answers given on?")
    assert choice.options == ["0 to 2 (0-2)", "-2 to 2 (-2..2)", "0 to 10 (0-10)"]
    choice.set_value(Scale.numeric(-2, 2)).run()
    button(at, "Use this scale").click().run()
    assert not at.exception
    button(at, "Import 2").click().run()
    with Store(workspace_db) as store:
        assert imports.stats(store)["touchpoints"][0]["mean_score"] == 0.5  # 0 and 2 on -2..2: 0 and 1


def test_new_groups_are_listed_and_can_be_created_or_mapped(workspace_db: Path, monkeypatch: pytest.MonkeyPatch):
    rows = ["2026-09-01,,Repair,Parents,5,,", "2026-09-01,,Repair,Patients,1,,", "2026-09-02,,Repair,Patients,3,,"]
    at = upload_page(workspace_db, monkeypatch)
    at.file_uploader[0].upload("family.csv", csv_bytes(rows), "text/csv")
    at.run()
    assert [i.value for i in at.info if "stakeholder group" in i.value] == [
        "2 stakeholder group(s) in this file are new: Parents, Patients. They are created with the import unless "
        "you map them to an existing group or import their rows without a group."
    ]
    assert not [b for b in at.button if b.label == "Apply these choices"]  # creating them needs no click
    next(s for s in at.selectbox if s.label == "“Parents”").set_value("Homeowners").run()
    button(at, "Apply these choices").click().run()
    button(at, "Import 3").click().run()
    assert [s.value for s in at.success] == [
        "Imported 3 impressions into Repair job (import 1). Created stakeholder groups: Patients."
    ]
    with Store(workspace_db) as store:
        assert sorted(groups.groups(store)["name"]) == ["Homeowners", "Patients"]
