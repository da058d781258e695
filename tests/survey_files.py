"""Survey files built by code for the import tests, and the small workspace they import into."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from datetime import datetime

import openpyxl

from dashboard.store import Store, cycles, groups
from dashboard.touchpoints import TouchpointFields

HEADER = "date,service_cycle,touchpoint,group,score,scale,comment"


def small_workspace(store: Store) -> dict[str, int]:
    """One service cycle, "Repair job", with three touchpoints and one stakeholder group."""
    cycle = cycles.create_cycle(store, "Repair job")
    ids = {"cycle": cycle}
    for name, moment in (("Front desk", "now_or_never"), ("Café visit", "make_or_break"), ("Repair", "keep_or_lose")):
        ids[name] = cycles.add_touchpoint(store, cycle, TouchpointFields(name, moment))
    ids["Homeowners"] = groups.add_group(store, "Homeowners")
    cycles.create_cycle(store, "Renewal")
    return ids


def csv_bytes(rows: Sequence[str], *, header: str = HEADER, encoding: str = "utf-8", newline: str = "\n") -> bytes:
    return newline.join([header, *rows, ""]).encode(encoding)


def xlsx_bytes(sheets: Mapping[str, Sequence[Sequence[object]]]) -> bytes:
    """A workbook with the given sheets, each a list of rows (cells as Python values)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def long_rows_xlsx() -> bytes:
    """A workbook whose second sheet has two title rows above the header, and real Excel dates."""
    return xlsx_bytes(
        {
            "Notes": [["Exported for the quarterly review"]],
            "Answers": [
                ["Repair job survey"],
                [],
                ["date", "touchpoint", "score", "comment"],
                [datetime(2026, 9, 1, 14, 30), "Front desk", 4, "ok"],
                [46267, "Repair", 5, None],
                ["2026-09-03", "cafe visit", 1, "+1, would come again"],
            ],
        }
    )


def zip_bomb() -> bytes:
    """An XLSX-shaped zip whose sheet unpacks from a few kilobytes to 20 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * 20_000_000)
    return buffer.getvalue()


def entity_expansion() -> bytes:
    """A real workbook whose sheet XML declares nested entities ("billion laughs")."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes({"Sheet": [["date", "touchpoint", "score"]]})))
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
        )
        + b"]>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = laughs + (data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data)
            archive.writestr(item.filename, data)
    return buffer.getvalue()
