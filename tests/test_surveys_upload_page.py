"""AppTest: a team uploads surveys on the Upload page, imports them, and undoes an import."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.store import Store, cycles, imports, workspace
from dashboard.surveys import pipeline
from tests.apptest import open_page
from tests.survey_files import csv_bytes, long_rows_xlsx, small_workspace

SEPTEMBER = csv_bytes(
    [
        "2026-09-01,,Front desk,,5,,Lovely",
        "2026-09-01,,Repair,,2,,",
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


def button(at: AppTest, prefix: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label.startswith(prefix))


def test_a_file_is_previewed_imported_and_undone(workspace_db: Path, monkeypatch: pytest.MonkeyPatch):
    at = upload_page(workspace_db, monkeypatch)
    at.file_uploader[0].upload("september.csv", SEPTEMBER, "text/csv")
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric} == {
        "Rows read": "4",
        "Impressions to record": "2",
        "Rows rejected": "1",
        "Missing answers": "1",
    }
    assert button(at, "Import").label == "Import 2 impressions"

    button(at, "Import").click().run()
    assert [s.value for s in at.success] == ["Imported 2 impressions into Repair job (import 1)."]
    with Store(workspace_db) as store:
        assert workspace.counts(store)["impressions"] == 2

    button(at, "Undo this import").click().run()
    assert "Undone: 2 impressions removed." in [s.value for s in at.success]
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
        "parking.csv", csv_bytes(["2026-09-01,,Parking,,4,,", "2026-09-01,,Repair,,4,,"]), "text/csv"
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
