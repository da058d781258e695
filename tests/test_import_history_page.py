"""AppTest: the import history reads as words, and an undo acts only on the import the person saw."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.imports import pipeline
from dashboard.imports.reading import SurveyError
from dashboard.scales import Scale
from dashboard.store import Store, imports
from tests.apptest import app, click, open_page, texts
from tests.survey_files import csv_bytes, small_workspace


@pytest.fixture
def two_imports(tmp_path: Path) -> Path:
    """A workspace with imports 1 (two impressions) and 2 (one impression), both in effect."""
    path = tmp_path / "history.duckdb"
    with Store(path) as store:
        small_workspace(store)
        context = imports.cycle_context(store, "Repair job")
        files = {
            "august.csv": csv_bytes(["2026-08-01,,Repair,,4,,", "2026-08-02,,Repair,,2,,"]),
            "september.csv": csv_bytes(["2026-09-01,,Front desk,,5,,"]),
        }
        for name, data in files.items():
            imports.commit(store, pipeline.prepare(data, name, context, pipeline.Options(scale=Scale.parse("1-5"))))
    return path


def history_tab(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return open_page(db, monkeypatch, "pages/upload.py")


def standing(db: Path) -> list[int]:
    with Store(db) as store:
        frame = imports.history(store)
    return [int(i) for i in frame.loc[frame["undone_at"].isna(), "id"]]


def test_the_history_shows_readable_columns_and_a_status_instead_of_an_undo_time(
    two_imports: Path, monkeypatch: pytest.MonkeyPatch
):
    at = history_tab(two_imports, monkeypatch)
    click(at, "Undo this import…")
    click(at, "Yes, undo import 2")
    table = at.dataframe[0].value
    assert list(table.columns) == [
        "id", "file", "cycle", "imported", "by", "rows_read", "impressions", "rejected", "missing", "status"
    ]  # fmt: skip
    assert table["status"].str.slice(0, 6).tolist() == ["Undone", "In eff"]
    assert table[["id", "file", "by", "rows_read", "impressions"]].to_dict("list") == {
        "id": [2, 1],
        "file": ["september.csv", "august.csv"],
        "by": ["-", "-"],
        "rows_read": [1, 2],
        "impressions": [1, 2],
    }


def test_an_undone_import_is_no_longer_offered_for_undo(two_imports: Path, monkeypatch: pytest.MonkeyPatch):
    at = history_tab(two_imports, monkeypatch)
    assert at.selectbox(key="undo-pick").options == [
        "Import 2: september.csv (1 impressions)",
        "Import 1: august.csv (2 impressions)",
    ]
    click(at, "Undo this import…")
    assert texts(at, "warning")[0].startswith("Undo import 2 (september.csv, 1 impressions)?")
    click(at, "Yes, undo import 2")
    assert texts(at, "success") == ["Undone: import 2, 1 impressions removed."]
    assert at.selectbox(key="undo-pick").options == ["Import 1: august.csv (2 impressions)"]
    assert standing(two_imports) == [1]


def test_undo_asks_first_and_cancel_changes_nothing(two_imports: Path, monkeypatch: pytest.MonkeyPatch):
    at = history_tab(two_imports, monkeypatch)
    undo = next(b for b in at.button if b.label == "Undo this import…")
    assert undo.proto.type != "primary"
    click(at, "Undo this import…")
    click(at, "Cancel")
    assert standing(two_imports) == [2, 1]
    assert at.selectbox(key="undo-pick").value == 2


def test_a_stale_undo_is_refused_and_leaves_the_next_import_alone(two_imports: Path, monkeypatch: pytest.MonkeyPatch):
    """Two people see imports 2 and 1 with 2 selected; one undoes 2, then the other presses Undo."""
    first = history_tab(two_imports, monkeypatch)
    second = app(two_imports, monkeypatch).run()
    second.switch_page("pages/upload.py").run()
    assert second.selectbox(key="undo-pick").value == 2
    click(first, "Undo this import…")
    click(first, "Yes, undo import 2")
    assert standing(two_imports) == [1]

    click(second, "Undo this import…")
    assert texts(second, "error") == [
        "Import 2 is no longer in effect (it was undone, perhaps in another window). "
        "Nothing was changed; the list below is up to date."
    ]
    assert standing(two_imports) == [1]


def test_a_stale_confirmation_is_refused(two_imports: Path, monkeypatch: pytest.MonkeyPatch):
    """The other person had already asked to undo 2 and confirms after the first one undid it."""
    first = history_tab(two_imports, monkeypatch)
    second = app(two_imports, monkeypatch).run()
    second.switch_page("pages/upload.py").run()
    click(second, "Undo this import…")
    click(first, "Undo this import…")
    click(first, "Yes, undo import 2")

    click(second, "Yes, undo import 2")
    assert texts(second, "error") == [
        "Import 2 is no longer in effect (it was undone, perhaps in another window). "
        "Nothing was changed; the list below is up to date."
    ]
    assert standing(two_imports) == [1]


def test_the_store_refuses_to_undo_an_import_twice_or_one_that_does_not_exist(two_imports: Path):
    with Store(two_imports) as store:
        assert imports.undo(store, 2) == 1
        with pytest.raises(SurveyError, match="^import 2 was already undone$"):
            imports.undo(store, 2)
        with pytest.raises(SurveyError, match="^there is no import 9$"):
            imports.undo(store, 9)
        assert imports.history(store)["undone_at"].isna().tolist() == [False, True]


def test_a_new_import_becomes_the_one_offered_for_undo_even_after_another_was_picked(
    two_imports: Path, monkeypatch: pytest.MonkeyPatch
):
    at = history_tab(two_imports, monkeypatch)
    at.selectbox(key="undo-pick").set_value(1).run()
    with Store(two_imports) as store:
        context = imports.cycle_context(store, "Repair job")
        data = csv_bytes(["2026-10-01,,Repair,,3,,"])
        imports.commit(
            store, pipeline.prepare(data, "october.csv", context, pipeline.Options(scale=Scale.parse("1-5")))
        )
    at.run()
    assert at.selectbox(key="undo-pick").value == 3
    at.selectbox(key="undo-pick").set_value(1).run()
    at.run()
    assert at.selectbox(key="undo-pick").value == 1  # a pick made after the newest import stays
