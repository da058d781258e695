import io
import tomllib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dashboard.exports import escape_cell, file_stem, labelled, to_csv_bytes, to_xlsx_bytes, unescape_cell

RISKY = pd.DataFrame(
    {
        "comment": ['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "\tindent", "\rreturn", "plain", "a=b"],
        "score": [-0.5, 0.0, 1.0, -1.0, 0.5, 0.5, 0.5, 0.5],
    }
)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@x", "\tx", "\rx"])
def test_text_that_could_run_as_a_formula_gets_a_leading_quote(text: str):
    assert escape_cell(text) == "'" + text


def test_safe_text_and_numbers_are_left_alone():
    assert escape_cell("plain = fine") == "plain = fine"
    assert escape_cell(-0.5) == -0.5


def test_csv_export_escapes_text_cells_and_keeps_negative_numbers():
    text = to_csv_bytes(RISKY).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "comment,score"
    assert lines[1] == '"\'=HYPERLINK(""x"")",-0.5'
    assert lines[2] == "'+1,0.0"
    assert "'@SUM(A1),-1.0" in text
    assert "a=b,0.5" in text


def test_xlsx_export_escapes_text_cells():
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(RISKY)))
    sheet = book.active
    assert [c.value for c in sheet["A"]][:5] == ["comment", '\'=HYPERLINK("x")', "'+1", "'-2+3", "'@SUM(A1)"]
    assert sheet["B2"].value == -0.5


@pytest.mark.parametrize(
    ("name", "stem"),
    [("Repair job", "repair-job"), ("A & B  (2026)", "a-b-2026"), ("Café visit", "café-visit"), ("***", "cycle")],
    ids=["spaces", "runs-of-signs", "accents-kept", "nothing-left"],
)
def test_a_file_name_keeps_letters_and_digits_and_joins_the_rest_with_one_hyphen(name: str, stem: str):
    assert file_stem(name, fallback="cycle") == stem


@pytest.mark.parametrize(
    "text",
    [
        " =1+1",
        "\u00a0=1+1",
        "\u200b=1+1",
        "\n=1+1",
        "\u3000+1",
        "\uff1d1+1",
        "\uff0b1",
        "\uff0d1",
        "\uff20x",
        " \u200b @x",
    ],
    ids=[
        "space",
        "nbsp",
        "zero-width",
        "newline",
        "ideographic-space",
        "fw-equals",
        "fw-plus",
        "fw-minus",
        "fw-at",
        "mixed",
    ],
)
def test_a_formula_behind_invisible_characters_or_in_full_width_gets_a_leading_quote(text: str):
    assert escape_cell(text) == "'" + text


def test_text_with_a_formula_sign_inside_or_after_visible_text_is_left_alone():
    assert [escape_cell(t) for t in ["a =b", "x\u200b=1", "1+1", "e-mail"]] == ["a =b", "x\u200b=1", "1+1", "e-mail"]


def test_a_comment_holding_a_carriage_return_is_quoted_so_no_row_starts_with_its_formula():
    frame = pd.DataFrame({"comment": ["Good service\r=2+5*SUM(A1:A3)", "plain"], "score": [1.0, 0.5]})
    raw = to_csv_bytes(frame).decode("utf-8-sig")
    assert raw == 'comment,score\r\n"Good service\r=2+5*SUM(A1:A3)",1.0\r\nplain,0.5\r\n'


def test_an_escaped_cell_reads_back_as_it_was_typed():
    for text in ["=1+1", " =x", "\uff1dx", "plain", "'quoted"]:
        assert unescape_cell(str(escape_cell(text))) == text


def test_a_download_speaks_the_screens_language_with_ids_last_and_working_columns_left_out():
    cells = pd.DataFrame(
        {
            "touchpoint_id": [21],
            "month": [pd.Timestamp("2025-07-01")],
            "mean": [0.7121951219512194],
            "n": [12],
            "touchpoint_name": ["Renewal reminder"],
            "label": ["Renewal reminder · Annual service renewal"],
            "cycle": ["Annual service renewal"],
            "moment": ["now_or_never"],
            "total_sq": [9.5],
            "row": [0],
        }
    )
    expected = pd.DataFrame(
        {
            "Service cycle": ["Annual service renewal"],
            "Touchpoint": ["Renewal reminder"],
            "Moment": ["Now-or-Never"],
            "Month": ["2025-07"],
            "Impressions": [12],
            "Mean impression": [0.712],
            "Touchpoint id": [21],
        }
    )
    pd.testing.assert_frame_equal(labelled(cells), expected)


def test_a_frame_already_in_the_screens_words_is_downloaded_as_it_is():
    table = pd.DataFrame({"Step": ["Perform"], "Moment": ["Keep-or-Lose"]})
    assert labelled(table) is table


def test_tables_offer_no_download_of_their_own_that_would_write_cells_unescaped():
    config = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True


def test_the_plan_export_reads_in_the_plans_words():
    grid = pd.DataFrame(
        {
            "step_label": ["Perform"],
            "moment_label": ["Keep-or-Lose"],
            "status_label": ["In progress"],
            "owner": ["Ana"],
            "due_on": [None],
            "notes": [""],
            "evidence_passed": [1],
            "evidence_total": [2],
            "proven": [False],
            "unproven_claim": [False],
            "evidence": ["Impressions: 40 (ok)"],
        }
    )
    assert list(labelled(grid).columns) == [
        "Reputation step",
        "Moment",
        "Status",
        "Owner",
        "Due",
        "Notes",
        "Evidence met",
        "Evidence items",
        "Proven by the data",
        "Marked done, not proven",
        "Evidence",
    ]
