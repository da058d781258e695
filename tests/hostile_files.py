"""Hostile and foreign files built by code for the reader's tests: workbooks that declare huge
sheets or unpack to gigabytes (small on disk, quick to build), and exports in legacy encodings."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Sequence

from tests.survey_files import xlsx_bytes

MAP_HEADER = ["service_cycle", "touchpoint", "moment", "channel", "owner"]
MAP_ROWS = [
    ["Renewal", "Price call", "make or break", "Phone", "Sales"],
    ["Renewal", "Reminder letter", "now or never", "Post", ""],
]


def map_workbook() -> list[list[str]]:
    """The rows of a small, valid map file."""
    return [list(MAP_HEADER), *(list(row) for row in MAP_ROWS)]


def declared_sheet(ref: str, rows: Sequence[Sequence[object]]) -> bytes:
    """A real workbook of ``rows`` whose sheet declares the dimension ``ref`` (e.g. ``A1:XFD20000``)
    and holds an empty row element at the declared last row, as a forger would write it."""
    last_row = re.sub(r"[A-Z]", "", ref.split(":")[1]).encode()
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes({"Sheet": rows})))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="%s"/>' % ref.encode(), data)
                data = data.replace(b"</sheetData>", b'<row r="%s"/></sheetData>' % last_row)
            archive.writestr(item.filename, data)
    return out.getvalue()


def _deflated(prefix: bytes, filler: bytes, repeats: int, suffix: bytes) -> tuple[bytes, int, int]:
    """``prefix + filler * repeats + suffix`` as raw deflate data, with its CRC-32 and size.

    A full flush after each filler resets the compressor, so every filler compresses to the
    same bytes: compressed once, repeated, and the bomb costs no more than its CRC to build.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(filler) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(suffix) + compressor.flush()
    crc = zlib.crc32(prefix)
    for _ in range(repeats):
        crc = zlib.crc32(filler, crc)
    crc = zlib.crc32(suffix, crc)
    return head + block * repeats + tail, crc, len(prefix) + len(filler) * repeats + len(suffix)


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip archive written by hand from already deflated members (name, data, CRC, size)."""
    out, directory = bytearray(), bytearray()
    for name, data, crc, size in members:
        encoded = name.encode()
        offset = len(out)
        fields = (20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded))
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + encoded + data
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(out), 0)
    return bytes(out + directory + end)


def sheet_bomb(rows: Sequence[Sequence[object]], unpacked_mb: int) -> bytes:
    """A real workbook of ``rows`` whose sheet XML is padded with whitespace to ``unpacked_mb`` MB:
    a few MB on disk, honest sizes and CRCs in the zip directory."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes({"Sheet": rows})))
    members = []
    for item in source.infolist():
        data = source.read(item.filename)
        if item.filename.startswith("xl/worksheets/"):
            prefix, suffix = data.split(b"<sheetData>", 1)
            members.append((item.filename, *_deflated(prefix + b"<sheetData>", b" " * (1 << 20), unpacked_mb, suffix)))
        else:
            members.append((item.filename, *_deflated(data, b"", 0, b"")))
    return _zip(members)


SCRIPTS = {
    "cp1250": (
        ["data", "punkt kontaktu", "ocena", "komentarz"],
        ["Rejestracja – łóżko", "Kasa główna", "Wyjście"],
        " / ",
    ),
    "cp1251": (["дата", "точка контакта", "оценка", "комментарий"], ["Приёмная", "Касса", "Выход"], " / "),
    "cp1253": (["ημερομηνία", "σημείο επαφής", "βαθμός", "σχόλιο"], ["Υποδοχή", "Ταμείο", "Έξοδος"], " / "),
    "shift_jis": (["日付", "接点", "評価", "コメント"], ["受付", "会計", "出口"], "、"),
    "gb18030": (["日期", "接触点", "评分", "备注"], ["前台", "收银台", "出口"], "，"),
    "utf-16-le": (["日付", "接点", "評価", "コメント"], ["受付カウンター", "会計窓口", "出口案内所"], "、"),
    "utf-16-be": (["日期", "接触点", "评分", "备注"], ["前台接待处", "收银台窗口", "出口服务台"], "，"),
}
"""Per encoding: a header, three touchpoint names in the script its users write, and the comma
of that script. The UTF-16 files are mostly CJK text: their zero bytes are too few to give the
encoding away, as in a real export with comments."""


def foreign_rows(encoding: str, count: int = 40) -> tuple[list[str], list[list[str]]]:
    """The header and ``count`` rows of a survey export whose names use ``encoding``'s script."""
    header, names, comma = SCRIPTS[encoding]
    rows = [
        [f"2026-09-{1 + i % 28:02d}", names[i % 3], str(1 + i % 5), f"{names[(i + 1) % 3]}{comma}{names[(i + 2) % 3]}"]
        for i in range(count)
    ]
    return header, rows


def foreign_csv(encoding: str, count: int = 40) -> bytes:
    """A survey CSV in ``encoding`` with no byte-order mark, as a localised Excel saves it."""
    header, rows = foreign_rows(encoding, count)
    return "\r\n".join(",".join(row) for row in [header, *rows]).encode(encoding) + "\r\n".encode(encoding)
