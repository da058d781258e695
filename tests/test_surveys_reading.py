"""Reading survey files: encodings, delimiters, header rows, workbooks, and hostile input."""

from __future__ import annotations

import pytest

from dashboard.imports import reading
from dashboard.imports.reading import SurveyError, read_table
from tests.survey_files import csv_bytes, entity_expansion, long_rows_xlsx, xlsx_bytes, zip_bomb

ROWS = ["2026-09-01,Repair job,Café visit,,4,,Très bien – “merci”", "2026-09-02,,Repair,,5,,"]


def cells(table: reading.Table) -> dict[str, list[str]]:
    columns: dict[str, list[str]] = table.cells.to_pydict()  # pyarrow has no type hints: say what it holds
    return columns


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
        ("cp1252", "cp1252"),
    ],
)
def test_a_file_is_read_in_its_own_encoding_and_accents_survive(encoding: str, expected: str):
    table = read_table(csv_bytes(ROWS, encoding=encoding), "survey.csv")
    assert table.encoding == expected
    assert cells(table)["touchpoint"] == ["Café visit", "Repair"]
    assert cells(table)["comment"] == ["Très bien – “merci”", ""]


def test_bytes_that_windows_1252_leaves_undefined_are_read_as_latin_1():
    data = csv_bytes(["2026-09-01,,Café visit,,4,,odd \x8d byte"], encoding="latin-1")
    table = read_table(data, "survey.csv")
    assert (table.encoding, cells(table)["comment"]) == ("latin-1", ["odd \x8d byte"])


def test_excel_unicode_text_is_utf_16_with_tabs():
    data = csv_bytes(
        [r.replace(",", "\t") for r in ROWS], header=reading_header("\t"), encoding="utf-16", newline="\r\n"
    )
    table = read_table(data, "export.txt")
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert cells(table)["score"] == ["4", "5"]


def reading_header(delimiter: str) -> str:
    return delimiter.join(["date", "service_cycle", "touchpoint", "group", "score", "scale", "comment"])


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_the_delimiter_is_sniffed(delimiter: str):
    rows = [r.replace(",", delimiter) for r in ROWS]
    table = read_table(csv_bytes(rows, header=reading_header(delimiter)), "survey.csv")
    assert table.delimiter == delimiter
    assert table.columns == ["date", "service_cycle", "touchpoint", "group", "score", "scale", "comment"]


def test_quoted_fields_keep_embedded_newlines_delimiters_and_quotes_verbatim():
    data = csv_bytes(
        ['2026-09-01,,Repair,,4,,"Line one\nline two, with ""quotes""; and more"', "2026-09-02,,Repair,,3,,"]
    )
    table = read_table(data, "survey.csv")
    assert cells(table)["comment"] == ['Line one\nline two, with "quotes"; and more', ""]
    assert table.row_numbers.tolist() == [2, 3]


def test_title_rows_above_the_header_are_skipped_and_rows_keep_their_numbers():
    data = b"Repair job survey\nExported 2026-10-01\n\n" + csv_bytes(ROWS)
    table = read_table(data, "survey.csv", header_names={"date", "touchpoint", "score"})
    assert table.header_row == 4
    assert table.row_numbers.tolist() == [5, 6]
    assert cells(table)["touchpoint"] == ["Café visit", "Repair"]


def test_ragged_rows_are_set_aside_with_their_row_numbers():
    data = csv_bytes(["2026-09-01,,Repair,,4,,", "2026-09-01,,Repair,,4", "", "2026-09-02,,Repair,,5,,,extra"])
    table = read_table(data, "survey.csv")
    assert table.ragged == [(3, "has 5 fields where the header has 7"), (5, "has 8 fields where the header has 7")]
    assert table.row_numbers.tolist() == [2]


def test_a_workbook_sheet_can_be_chosen_and_its_title_rows_are_skipped():
    data = long_rows_xlsx()
    assert reading.list_sheets(data) == ["Notes", "Answers"]
    table = read_table(data, "survey.xlsx", sheet="Answers", header_names={"date", "touchpoint"})
    assert (table.sheet, table.header_row, table.row_numbers.tolist()) == ("Answers", 3, [4, 5, 6])
    assert cells(table) == {
        "date": ["2026-09-01 14:30:00", "46267", "2026-09-03"],
        "touchpoint": ["Front desk", "Repair", "cafe visit"],
        "score": ["4", "5", "1"],
        "comment": ["ok", "", "+1, would come again"],
    }


def test_a_missing_sheet_is_named_in_the_message():
    with pytest.raises(SurveyError, match="no sheet 'Results'; it has: Notes, Answers"):
        read_table(long_rows_xlsx(), "survey.xlsx", sheet="Results")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "survey.csv", "The file is empty."),
        (b"\xef\xbb\xbf\r\n \r\n", "survey.csv", "The file is empty."),
        (b"date,touchpoint,score\n2026-09-01,Repair\x00,4\n", "survey.csv", "NUL bytes"),
        (bytes(range(256)) * 40, "survey.csv", "NUL bytes"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "survey.xls", "old Excel"),
        (b"just some text, not a workbook", "survey.xlsx", "not an Excel workbook"),
        (b"PK\x03\x04 broken zip", "survey.xlsx", "not a readable XLSX"),
        (b"%PDF-1.7 ...", "survey.pdf", "Only CSV, TSV"),
        (b"1,2,3\n4,5,6\n", "survey.csv", "No header row found"),
    ],
    ids=["empty", "blank", "nul-byte", "binary", "old-xls", "fake-xlsx", "broken-zip", "pdf", "no-header"],
)
def test_bad_files_are_refused_with_a_clear_message(data: bytes, name: str, message: str):
    with pytest.raises(SurveyError, match=message):
        read_table(data, name)


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(reading, "MAX_BYTES", 1_000)
    with pytest.raises(SurveyError, match="files up to 0 MB"):
        read_table(csv_bytes(ROWS * 20), "survey.csv")


def test_thousands_of_columns_are_refused():
    header = ",".join(f"q{i}" for i in range(5_000))
    with pytest.raises(SurveyError, match="5,000 columns; at most 1,000"):
        read_table(csv_bytes([",".join("1" * 5_000)], header=header), "survey.csv")


def test_a_zip_bomb_is_not_unpacked():
    with pytest.raises(SurveyError, match="zip bomb"):
        read_table(zip_bomb(), "survey.xlsx")


def test_a_workbook_declaring_xml_entities_is_not_opened():
    with pytest.raises(SurveyError, match="declares XML entities"):
        read_table(entity_expansion(), "survey.xlsx")


def test_a_workbook_too_wide_is_refused():
    with pytest.raises(SurveyError, match="1,200 columns"):
        read_table(xlsx_bytes({"S": [[f"q{i}" for i in range(1_200)]]}), "wide.xlsx")
