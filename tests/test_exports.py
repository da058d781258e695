import io

import openpyxl
import pandas as pd
import pytest

from dashboard.exports import escape_cell, file_stem, to_csv_bytes, to_xlsx_bytes

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
