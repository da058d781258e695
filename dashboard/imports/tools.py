"""How each survey tool's export announces itself, and what its standard columns are.

Tools are told apart by the identifiers in their first header row (Qualtrics' ``ResponseId``,
SurveyMonkey's ``Respondent ID``, Google Forms' ``Timestamp``...). Header depth comes from
the tool where the tool fixes it, otherwise from the first rows themselves: a header row holds
text, a data row holds numbers, scale labels, dates, addresses.
"""

from __future__ import annotations

import re

import pandas as pd

from dashboard.imports import long_format
from dashboard.imports.answers import LABEL_SCALES, is_missing, is_numbered_answer
from dashboard.imports.headers import text_of
from dashboard.text import fold, key

IMPORT_ID = re.compile(r'^\s*\{\s*"ImportId"', re.IGNORECASE)
_LEGACY_CODE = re.compile(r"^v\d+$")
_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")
_IP_LIKE = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$|^[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}$", re.IGNORECASE)
_EMAIL_LIKE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_QUALTRICS_RESPONSE = re.compile(r"^R_[0-9A-Za-z]{6,}$")
_LABELS = frozenset(fold(label) for scale in LABEL_SCALES for label in scale.labels)

MAX_HEADER_ROWS = 3

LONG_COLUMNS = frozenset(key(column) for column in long_format.TEMPLATE_COLUMNS) | {"score"}
"""The long format's columns as keys (``score`` is the old name of ``answer``, still read)."""

# Columns every tool adds around the answers, by the reason they are left out.
ID_KEYS = frozenset(
    {
        "id",
        "responseid",
        "respondentid",
        "collectorid",
        "sessionid",
        "contactid",
        "externalreference",
        "externaldatareference",
        "responseset",
        "seed",
        "token",
        "recipientid",
        "userid",
    }
)
DATE_KEYS = frozenset(
    {
        "date",
        "startdate",
        "enddate",
        "recordeddate",
        "timestamp",
        "starttime",
        "completiontime",
        "lastmodifiedtime",
        "timestarted",
        "datesubmitted",
        "submitdate",
        "datestamp",
        "startdateutc",
        "submitdateutc",
        "stagedateutc",
        "submissiondate",
        "submitted",
        "responsedate",
        "completed",
        "completeddate",
        "datelastaction",
        "dateoflastaction",
    }
)
IP_KEYS = frozenset({"ipaddress", "ipaddr", "ip"})
EMAIL_KEYS = frozenset({"email", "emailaddress", "recipientemail", "emailaddr"})
PERSONAL_KEYS = frozenset(
    {"name", "firstname", "lastname", "fullname", "recipientfirstname", "recipientlastname", "phone"}
)
METADATA_KEYS = frozenset(
    {
        "status",
        "progress",
        "duration",
        "durationinseconds",
        "finished",
        "distributionchannel",
        "userlanguage",
        "locationlatitude",
        "locationlongitude",
        "locationaccuracy",
        "lastpage",
        "startlanguage",
        "refurl",
        "referer",
        "useragent",
        "tags",
        "latitude",
        "longitude",
        "country",
        "city",
        "stateregion",
        "postal",
        "language",
        "networkid",
        "responsetype",
        "ending",
        "customdata1",
        "customdata",
        "score",
        "totalscore",
        "points",
        "quizfeedback",
        "legacycomments",
        "qrecaptchascore",
        "qrelevantidduplicate",
        "qrelevantidduplicatescore",
        "qrelevantidfraudscore",
        "qrelevantidlaststartdate",
        "interviewtime",
    }
)
GROUP_KEYS = frozenset(
    {
        "group",
        "segment",
        "stakeholdergroup",
        "respondentgroup",
        "customergroup",
        "customertype",
        "customersegment",
        "usertype",
        "audience",
        "persona",
        "membertype",
    }
)

# Where each tool puts the submission date, best first.
DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "qualtrics": ("recordeddate", "enddate", "startdate"),
    "qualtrics_legacy": ("enddate", "startdate"),
    "surveymonkey": ("enddate", "startdate"),
    "google_forms": ("timestamp",),
    "microsoft_forms": ("completiontime", "lastmodifiedtime", "starttime"),
    "typeform": ("submitdateutc", "startdateutc"),
    "limesurvey": ("submitdate", "datesubmitted", "datestamp", "datelastaction", "startdate"),
    "alchemer": ("datesubmitted", "timestarted"),
    "generic_wide": (
        "date",
        "submitdate",
        "datesubmitted",
        "submissiondate",
        "submitted",
        "responsedate",
        "timestamp",
        "enddate",
        "completiontime",
        "recordeddate",
        "completeddate",
        "completed",
        "startdate",
    ),
}


def row_keys(grid: pd.DataFrame, row: int) -> list[str]:
    """The cells of one grid row as identifiers (``"IP Address"`` -> ``"ipaddress"``)."""
    if row >= len(grid):
        return []
    return [key(text_of(cell)) for cell in grid.iloc[row]]


def _cell(grid: pd.DataFrame, row: int, column: int) -> str:
    value = grid.iat[row, column]
    return text_of(value)


def import_id_row(grid: pd.DataFrame) -> int | None:
    """The row of Qualtrics' ``{"ImportId": ...}`` JSON among the first three, if any."""
    for row in range(min(MAX_HEADER_ROWS, len(grid))):
        if any(IMPORT_ID.match(text_of(cell)) for cell in grid.iloc[row]):
            return row
    return None


def detect_tool(grid: pd.DataFrame) -> str:
    """The tool that wrote the export, from its header identifiers; ``generic_wide`` if none."""
    first = set(row_keys(grid, 0)) - {""}
    first_two = first | set(row_keys(grid, 1))
    first_cell = _cell(grid, 0, 0) if grid.shape[1] and len(grid) else ""
    codes = [k for k in row_keys(grid, 0) if k][:3]
    rules: tuple[tuple[str, bool], ...] = (
        ("long", {"date", "touchpoint"} <= first <= LONG_COLUMNS and bool(first & {"answer", "score"})),
        ("qualtrics", import_id_row(grid) is not None),
        ("qualtrics_legacy", "responseset" in first_two or (len(codes) == 3 and all(map(_LEGACY_CODE.match, codes)))),
        ("qualtrics", "responseid" in first and ({"startdate", "enddate"} <= first or "recordeddate" in first)),
        (
            "limesurvey",
            {"lastpage", "startlanguage"} <= first and ({"id", "submitdate"} <= first or "datesubmitted" in first),
        ),
        ("alchemer", {"responseid", "timestarted", "datesubmitted"} <= first),
        ("surveymonkey", "respondentid" in first and ("collectorid" in first or {"startdate", "enddate"} <= first)),
        ("microsoft_forms", {"id", "starttime", "completiontime"} <= first),
        ("typeform", first_cell == "#" and bool(first & {"submitdateutc", "networkid", "startdateutc"})),
        ("google_forms", key(first_cell) == "timestamp"),
    )
    return next((tool for tool, holds in rules if holds), "generic_wide")


def looks_like_data(cell: object) -> bool:
    """True for a cell only a data row would hold: a number, date, scale label, address, id."""
    text = text_of(cell)
    if not text:
        return False
    return bool(
        _NUMBER.match(text)
        or _DATE_LIKE.match(text)
        or _IP_LIKE.match(text)
        or _EMAIL_LIKE.match(text)
        or _QUALTRICS_RESPONSE.match(text)
        or text.casefold() in {"true", "false"}
        or fold(text) in _LABELS
        or is_numbered_answer(text)
        or (is_missing(text) and not IMPORT_ID.match(text))
    )


REFERENCE_ROWS = 5
"""How many rows below the deepest possible header are read to learn which columns hold data."""


def _filled(cell: object) -> bool:
    return bool(text_of(cell))


def data_columns(grid: pd.DataFrame) -> set[int]:
    """Columns whose answers, in rows that can only be answers, all look like data.

    The rows read are those below the deepest possible header (up to ``REFERENCE_ROWS`` of
    them), or the last row when the grid is too short to have any.
    """
    first = MAX_HEADER_ROWS if len(grid) > MAX_HEADER_ROWS else len(grid) - 1
    reference = grid.iloc[first : first + REFERENCE_ROWS]
    typed: set[int] = set()
    for index in range(grid.shape[1]):
        cells = [cell for cell in reference.iloc[:, index] if _filled(cell)]
        if cells and all(looks_like_data(cell) for cell in cells):
            typed.add(index)
    return typed


def is_header_row(cells: list[object], typed: set[int]) -> bool:
    """A header row has text where answers hold data (``typed`` columns), or no data at all."""
    if any(_filled(cell) and not looks_like_data(cell) for index, cell in enumerate(cells) if index in typed):
        return True
    return not any(_filled(cell) and looks_like_data(cell) for cell in cells)


def header_depth(grid: pd.DataFrame) -> int:
    """How many rows at the top are headers (1 to 3): the first always, then rows of text."""
    typed = data_columns(grid)
    depth = 1
    while depth < min(MAX_HEADER_ROWS, len(grid)) and is_header_row(list(grid.iloc[depth]), typed):
        depth += 1
    return depth


def tool_header_depth(grid: pd.DataFrame, tool: str) -> int:
    """The header depth the tool fixes (Qualtrics' JSON row, SurveyMonkey's two rows), else measured."""
    if tool == "qualtrics":
        json_row = import_id_row(grid)
        if json_row is not None:
            return json_row + 1
    if tool == "surveymonkey":
        return min(2, len(grid))
    if tool in {"long", "google_forms", "microsoft_forms", "typeform", "alchemer"}:
        return 1
    return header_depth(grid)


_STANDARD_COLUMNS: tuple[tuple[frozenset[str], str], ...] = (
    (ID_KEYS, "id"),
    (DATE_KEYS, "date"),
    (IP_KEYS, "ip address"),
    (EMAIL_KEYS, "email"),
    (PERSONAL_KEYS, "personal details"),
    (METADATA_KEYS, "metadata"),
)


def metadata_reason(keys: set[str], first_cell: str) -> str | None:
    """Why a standard column records no impression, from its header identifiers; None for others."""
    if first_cell == "#":
        return "id"
    return next((reason for known, reason in _STANDARD_COLUMNS if keys & known), None)


def values_reason(answers: list[str]) -> str | None:
    """Why a column's values show it is not a rating (emails, addresses, dates); None otherwise."""
    sample = answers[:50]
    if not sample:
        return None
    for pattern, reason in ((_EMAIL_LIKE, "email"), (_IP_LIKE, "ip address"), (_DATE_LIKE, "date")):
        if sum(bool(pattern.match(answer)) for answer in sample) * 2 > len(sample):
            return reason
    return None
