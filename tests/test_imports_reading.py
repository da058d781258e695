"""The safe reader on foreign and hostile files: legacy encodings, workbooks that declare huge
sheets or unpack to gigabytes, and map files far larger than any map (issue 11)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboard import cli, maps
from dashboard.imports import reading
from dashboard.imports.reading import SurveyError, read_table
from dashboard.store import Store
from tests.cli_db import cli_db
from tests.hostile_files import (
    MAP_HEADER,
    MAP_ROWS,
    declared_sheet,
    foreign_csv,
    foreign_rows,
    map_workbook,
    sheet_bomb,
)
from tests.survey_files import entity_expansion, xlsx_bytes

pytestmark = pytest.mark.both_backends

ROOT = Path(__file__).resolve().parent.parent

# --- encodings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [
        ("cp1250", "cp1250"),
        ("cp1251", "cp1251"),
        ("cp1253", "cp1253"),
        ("shift_jis", "cp932"),  # Windows' Shift_JIS, a superset: what Japanese Excel writes
        ("gb18030", "gb18030"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
    ],
)
def test_an_export_in_a_legacy_encoding_reads_with_its_own_script(encoding: str, detected: str):
    header, rows = foreign_rows(encoding)
    table = read_table(foreign_csv(encoding), "export.csv")
    assert (table.encoding, table.delimiter, table.header_row) == (detected, ",", 1)
    assert table.columns == header
    assert table.cells.to_pylist() == [dict(zip(header, row, strict=True)) for row in rows]


def test_a_map_file_in_windows_1251_keeps_its_cyrillic_names():
    rows = [["Ремонт", f"Приёмная {i}", "make or break", "Телефон", "Отдел продаж"] for i in range(30)]
    data = "\r\n".join(",".join(row) for row in [MAP_HEADER, *rows]).encode("cp1251")
    table = maps.read_table("map.csv", data)
    assert list(table.columns) == MAP_HEADER
    assert table.to_numpy().tolist() == rows


def test_a_large_utf_8_file_is_not_sampled_for_detection(monkeypatch: pytest.MonkeyPatch):
    """Valid UTF-8 takes the fast path: charset-normalizer is never asked."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("charset-normalizer was called for a UTF-8 file")

    monkeypatch.setattr("charset_normalizer.from_bytes", refuse)
    header, rows = foreign_rows("shift_jis", 2_000)
    data = "\n".join(",".join(row) for row in [header, *rows]).encode("utf-8")
    table = read_table(data, "export.csv")
    assert (table.encoding, table.cells.num_rows) == ("utf-8", 2_000)


def test_a_map_workbook_is_read_from_the_sheet_that_holds_the_map_columns():
    data = xlsx_bytes({"Notes": [["Exported for the spring review"]], "Map": map_workbook()})
    table = maps.read_table("map.xlsx", data)
    assert list(table.columns) == MAP_HEADER
    assert table.to_numpy().tolist() == MAP_ROWS
    with pytest.raises(maps.MapFileError, match="missing column"):
        maps.check_table(maps.read_table("notes.xlsx", xlsx_bytes({"Notes": [["Just notes"]], "Other": [["a", "b"]]})))


# --- workbooks that declare huge sheets -------------------------------------------------------


def test_a_map_workbook_declaring_a1_xfd20000_reads_only_its_real_cells(store: Store):
    data = declared_sheet("A1:XFD20000", map_workbook())
    assert len(data) < 6_000
    started = time.monotonic()
    table = maps.read_table("map.xlsx", data)
    assert time.monotonic() - started < 2
    assert list(table.columns) == MAP_HEADER
    assert table.to_numpy().tolist() == MAP_ROWS


def test_a_survey_workbook_declaring_a1_all1048576_reads_only_its_real_cells():
    rows: list[list[object]] = [
        ["date", "touchpoint", "score"],
        ["2026-09-01", "Front desk", 4],
        ["2026-09-02", "Repair", 5],
    ]
    started = time.monotonic()
    table = read_table(declared_sheet("A1:ALL1048576", rows), "survey.xlsx")
    assert time.monotonic() - started < 3
    assert table.cells.to_pydict() == {
        "date": ["2026-09-01", "2026-09-02"],
        "touchpoint": ["Front desk", "Repair"],
        "score": ["4", "5"],
    }
    assert table.row_numbers.tolist() == [2, 3]


def test_a_row_numbered_past_excels_last_row_is_refused_without_walking_up_to_it():
    rows: list[list[object]] = [["date", "touchpoint", "score"], ["2026-09-01", "Front desk", 4]]
    started = time.monotonic()
    with pytest.raises(SurveyError, match=r"^The sheet has a row past row 1,048,576, Excel's last"):
        read_table(declared_sheet("A1:C2000000000", rows), "survey.xlsx")
    assert time.monotonic() - started < 3


PEAK_SCRIPT = """
import json, resource, sys, time
hard = resource.getrlimit(resource.RLIMIT_AS)[1]
limit = 3 << 30 if hard == resource.RLIM_INFINITY else min(3 << 30, hard)
resource.setrlimit(resource.RLIMIT_AS, (limit, hard))  # a runaway read dies here, not the machine
from dashboard import maps
from dashboard.imports import reading
from tests.hostile_files import declared_sheet, map_workbook
survey = declared_sheet("A1:ALL1048576", [["date", "touchpoint", "score"], ["2026-09-01", "Front desk", 4]])
mapfile = declared_sheet("A1:XFD20000", map_workbook())
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.monotonic()
rows = [reading.read_table(survey, "s.xlsx").cells.num_rows, len(maps.read_table("m.xlsx", mapfile))]
print(json.dumps({"rows": rows, "seconds": time.monotonic() - started,
                  "grew_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024}))
"""


def test_declared_huge_sheets_cost_neither_memory_nor_time():
    """In a fresh process, so the peak resident size measures these two reads alone."""
    result = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    figures = json.loads(result.stdout)
    assert figures["rows"] == [1, 2]
    assert figures["seconds"] < 3
    assert figures["grew_mb"] < 50


# --- zip bombs and caps -----------------------------------------------------------------------


def test_a_map_workbook_unpacking_to_2_gb_is_refused_fast(store: Store):
    data = sheet_bomb(map_workbook(), 2_048)
    assert len(data) < 8_000_000
    started = time.monotonic()
    with pytest.raises(maps.MapFileError) as caught:
        maps.read_table("map.xlsx", data)
    assert time.monotonic() - started < 1
    assert caught.value.problems == [(0, "The workbook unpacks to 2,148 MB; at most 52 MB.")]


def test_a_map_workbook_declaring_xml_entities_is_not_opened():
    with pytest.raises(maps.MapFileError) as caught:
        maps.read_table("map.xlsx", entity_expansion())
    assert caught.value.problems == [(0, "The workbook declares XML entities, which surveys never need; not opened.")]


def test_a_survey_sheet_with_more_cells_than_the_cap_is_refused_before_it_is_parsed():
    rows: list[list[object]] = [
        ["date", "touchpoint", "score"],
        *[["2026-09-01", f"Desk {i}", i % 5] for i in range(400)],
    ]
    limits = reading.Limits("survey", None, None, 1_000, 60.0)
    with pytest.raises(SurveyError, match=r"^The sheet has more than 1,000 cells; a survey workbook may hold"):
        read_table(xlsx_bytes({"S": rows}), "survey.xlsx", limits=limits)


def test_a_map_workbook_over_the_row_limit_is_refused():
    rows = [*map_workbook(), *[["Renewal", f"Step {i}", "multiplier", "Post", ""] for i in range(5_000)]]
    with pytest.raises(maps.MapFileError) as caught:
        maps.read_table("map.xlsx", xlsx_bytes({"Map": rows}))
    assert caught.value.problems == [
        (0, "The map file has more than 5,000 rows below its header; at most 5,000 can be read.")
    ]


def test_a_600000_row_csv_map_file_is_refused_by_the_row_limit_without_parsing_it_all(store: Store):
    data = "\n".join([",".join(MAP_HEADER), *[f"Repair,T{i},now,Web," for i in range(600_000)], ""]).encode()
    assert 10_000_000 < len(data) < 20_000_000
    started = time.monotonic()
    with pytest.raises(maps.MapFileError, match="more than 5,000 rows below its header"):
        maps.import_map(store, "huge.csv", data)
    assert time.monotonic() - started < 1.5


def test_the_map_command_reports_a_refused_file_on_one_line_and_exits_non_zero(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(sheet_bomb(map_workbook(), 2_048))
    code = cli.main(["map", "import", str(bomb), "--db", cli_db(store)])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err == (
        "error: the map file was not imported, nothing was written: The workbook unpacks to 2,148 MB; at most 52 MB.\n"
    )


def test_reading_stops_at_the_deadline_with_a_message():
    rows: list[list[object]] = [
        ["date", "touchpoint", "score"],
        *[["2026-09-01", f"Desk {i}", i % 5] for i in range(200)],
    ]
    no_time = reading.Limits("survey", None, None, 2_000_000, 0.0)
    with pytest.raises(SurveyError) as caught:
        read_table(xlsx_bytes({"S": rows}), "survey.xlsx", limits=no_time)
    message = "Reading the survey took longer than 0 s, so it was stopped. Save it as CSV, or split it."
    assert str(caught.value) == message
    ragged = "date,touchpoint,score\n" + "2026-09-01,Desk,4\n2026-09-01,Desk\n" * 5_000
    with pytest.raises(SurveyError, match="^Reading the survey took longer than 0 s"):
        read_table(ragged.encode(), "survey.csv", limits=no_time)


@pytest.fixture
def _fresh_streamlit_caches():
    """The map page caches its store; a previous test's workspace must not leak in."""
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.usefixtures("_fresh_streamlit_caches")
def test_the_map_page_shows_why_a_bomb_was_refused_and_writes_nothing(store: Store, monkeypatch: pytest.MonkeyPatch):
    from streamlit.testing.v1 import AppTest

    from dashboard.store import DB_ENV_VAR
    from dashboard.store import cycles as store_cycles

    store_cycles.create_cycle(store, "First visit")  # the import section shows once a cycle exists
    monkeypatch.setenv(DB_ENV_VAR, store.target)
    version = store.data_version()
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    at.switch_page("pages/map.py").run()
    at.file_uploader[0].upload("bomb.xlsx", sheet_bomb(map_workbook(), 2_048), "application/zip")
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "The map file was not imported; nothing was written. The workbook unpacks to 2,148 MB; at most 52 MB."
    ]
    assert store.data_version() == version
