"""Service cycle maps as plain logic: map files, what an import changes, ordering, the chain.

A map file lists a cycle's touchpoints one per row, in order, with the columns
``service_cycle, touchpoint, moment, channel, owner`` and optionally ``description,
standard, target, situation, groups, recovery_plan``. CSV and XLSX carry the same layout
both ways. Moments and situations are written by their labels and read back tolerant of
case, spaces and dashes; groups are separated by semicolons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard import domain, exports, metrics
from dashboard.imports import reading
from dashboard.store import Store, map_files
from dashboard.text import clean_name
from dashboard.text import key as name_key

REQUIRED = ("service_cycle", "touchpoint", "moment", "channel", "owner")
OPTIONAL = ("description", "standard", "target", "situation", "groups", "recovery_plan")
COLUMNS = REQUIRED + OPTIONAL
FIRST_DATA_ROW = 2
"""Row numbers in messages are the file's own: the header is row 1."""


class MapFileError(ValueError):
    """A map file that cannot be imported; ``problems`` lists each as ``(row, message)``."""

    def __init__(self, problems: Sequence[tuple[int, str]]) -> None:
        self.problems = list(problems)
        lines = [f"row {row}: {message}" if row else message for row, message in self.problems]
        super().__init__("the map file was not imported, nothing was written: " + "; ".join(lines))


@dataclass(frozen=True)
class MapImport:
    """A checked map file: tidy rows ready to write, and which optional columns it has."""

    rows: pd.DataFrame
    present: tuple[str, ...]
    changes: list[str] = field(default_factory=list)


# --- reading files ----------------------------------------------------------------------------


def read_table(name: str, data: bytes) -> pd.DataFrame:
    """The cells of a CSV or XLSX map file as text (empty cells as ""), headers as written.

    The bytes go through the survey upload's safe reader (size, zip-bomb, XML-entity and
    declared-size checks, encoding and delimiter detection) under the map-file limits
    (``reading.MAP_FILE``: 20 MB, 5,000 rows, counted while the rows stream in). Blank rows
    stay in place, so row numbers in messages are the file's own.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise MapFileError([(0, f"{name}: a map file must end in .csv or .xlsx")])
    try:
        sheet = _map_sheet(data) if suffix == ".xlsx" and data.startswith(b"PK") else None
        grid = reading.read_grid(data, name, sheet=sheet, limits=reading.MAP_FILE)
    except reading.SurveyError as error:
        raise MapFileError([(0, str(error))]) from None
    frame = grid.frame.reindex(range(int(grid.frame.index.max()) + 1))
    header = pd.Index(["" if cell is None else str(cell) for cell in frame.iloc[0]])
    keep = (header != "") & ~header.duplicated()
    body = frame.iloc[1:, keep].fillna("").reset_index(drop=True)
    body.columns = header[keep]
    return body


def _map_sheet(data: bytes) -> str | None:
    """The first sheet whose first row names the required columns (a workbook may open on a
    notes sheet); None, the first sheet, when no sheet does, so the message names what is missing."""
    for sheet, header in reading.sheet_headers(data, reading.MAP_FILE).items():
        if set(REQUIRED) <= {_header(cell) for cell in header}:
            return sheet
    return None


def _unescape(text: str) -> str:
    """Undoes the export's guard against formulas: ``'=x`` back to ``=x``."""
    return exports.unescape_cell(text)


def _header(name: str) -> str:
    return "_".join(_unescape(str(name)).strip().casefold().replace("-", " ").split())


# --- checking ---------------------------------------------------------------------------------


def situation_from_text(text: str) -> str | None:
    """The situation key for a typed name or key, None for a blank; ValueError when unknown."""
    wanted = "".join(ch for ch in text.casefold() if ch.isalnum())
    if not wanted:
        return None
    for term in domain.SITUATIONS:
        for form in (term.key, term.label):
            if wanted == "".join(ch for ch in form.casefold() if ch.isalnum()):
                return term.key
    raise ValueError(f"unknown situation “{text}”; expected one of: {', '.join(s.label for s in domain.SITUATIONS)}")


def check_table(table: pd.DataFrame) -> MapImport:
    """Tidies and checks every row; raises MapFileError listing every problem by row number."""
    table = table.rename(columns=_header)
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise MapFileError([(1, f"missing column(s): {', '.join(missing)}; expected {', '.join(REQUIRED)}")])
    present = tuple(c for c in OPTIONAL if c in table.columns)
    text = table.reindex(columns=list(COLUMNS), fill_value="").fillna("").astype(str)
    text = text.map(lambda v: " ".join(_unescape(v).split()) if isinstance(v, str) else v)
    problems: list[tuple[int, str]] = []
    records: list[dict[str, object]] = []
    seen: dict[tuple[str, str], int] = {}
    for offset, raw in enumerate(text.to_dict("records")):
        rec = {str(k): str(v) for k, v in raw.items()}
        row = offset + FIRST_DATA_ROW
        if not any(rec.values()):
            continue  # a blank line between blocks is not a mistake
        cleaned, errors = _check_row(rec)
        problems.extend((row, e) for e in errors)
        key = (name_key(rec["service_cycle"]), name_key(rec["touchpoint"]))
        if rec["touchpoint"] and rec["service_cycle"]:
            if key in seen:
                problems.append(
                    (row, f"“{rec['touchpoint']}” is listed twice in “{rec['service_cycle']}” (row {seen[key]})")
                )
            else:
                seen[key] = row
        records.append(cleaned)
    if not records and not problems:
        problems.append((0, "the file lists no touchpoints"))
    if problems:
        raise MapFileError(problems)
    rows = pd.DataFrame(records, columns=list(COLUMNS))
    # One spelling per cycle: the first one the file uses.
    first: dict[str, str] = {}
    for name in rows["service_cycle"]:
        first.setdefault(name_key(name), name)
    rows["service_cycle"] = [first[name_key(n)] for n in rows["service_cycle"]]
    return MapImport(rows, present)


def _name_errors(rec: dict[str, str]) -> list[str]:
    """What the store would refuse in a row's names, said here with the row's number."""
    errors = []
    for column, what in (("service_cycle", "service cycle"), ("touchpoint", "touchpoint"), ("owner", "team")):
        if rec[column]:
            try:
                clean_name(rec[column], what)
            except ValueError as error:
                errors.append(str(error))
    return errors


def _check_row(rec: dict[str, str]) -> tuple[dict[str, object], list[str]]:
    errors: list[str] = []
    if not rec["service_cycle"]:
        errors.append("the service cycle is missing")
    if not rec["touchpoint"]:
        errors.append("the touchpoint name is missing")
    errors.extend(_name_errors(rec))
    moment: str | None = None
    if not rec["moment"]:
        errors.append("the moment is missing")
    else:
        try:
            moment = domain.moment_from_text(rec["moment"])
        except ValueError as error:
            errors.append(str(error).replace("'", "“", 1).replace("'", "”", 1))
    situation: str | None = None
    try:
        situation = situation_from_text(rec["situation"])
    except ValueError as error:
        errors.append(str(error))
    target = domain.DEFAULT_TARGET
    if rec["target"]:
        try:
            target = float(rec["target"].replace("−", "-").replace(",", "."))
        except ValueError:
            errors.append(f"the target “{rec['target']}” is not a number")
        else:
            if not -1 <= target <= 1:
                errors.append(f"the target {rec['target']} lies outside −1 … +1")
    groups = list(dict.fromkeys(g.strip() for g in rec["groups"].split(";") if g.strip()))
    cleaned: dict[str, object] = {**rec, "moment": moment, "situation": situation, "target": target, "groups": groups}
    return cleaned, errors


# --- what changes -----------------------------------------------------------------------------


def describe_changes(current: pd.DataFrame, incoming: MapImport) -> list[str]:
    """Sentences saying what writing ``incoming`` over ``current`` (``map_rows`` output) changes."""
    changes: list[str] = []
    for cycle, block in incoming.rows.groupby("service_cycle", sort=False):
        stored = current[current["service_cycle"].map(name_key) == name_key(cycle)]
        if stored.empty:
            changes.append(f"new service cycle “{cycle}” with {len(block)} touchpoints")
            continue
        before = {
            name_key(name): (pos, rec)
            for pos, (name, rec) in enumerate(
                zip(stored["touchpoint"], stored.to_dict("records"), strict=True), start=1
            )
        }
        listed = set()
        for position, rec in enumerate(block.to_dict("records"), start=1):
            key = name_key(rec["touchpoint"])
            listed.add(key)
            if key not in before:
                changes.append(f"{cycle}: added “{rec['touchpoint']}” at position {position}")
                continue
            old_position, old = before[key]
            if old_position != position:
                changes.append(f"{cycle}: moved “{rec['touchpoint']}” from position {old_position} to {position}")
            edited = [c for c in _compared(incoming.present) if _differs(old[c], rec[c], c)]
            if edited:
                changes.append(f"{cycle}: edited “{rec['touchpoint']}” ({', '.join(edited)})")
        kept = [name for name in stored["touchpoint"] if name_key(name) not in listed]
        if kept:
            changes.append(f"{cycle}: kept, not in the file: {', '.join(kept)}")
    return changes


def _compared(present: Sequence[str]) -> list[str]:
    return ["touchpoint", "moment", "channel", "owner", *present]


def _differs(old: object, new: object, column: str) -> bool:
    if column == "groups":
        old_set = {g.strip().casefold() for g in str(old).split(";") if g.strip()}
        return old_set != {str(g).casefold() for g in new}  # type: ignore[attr-defined]
    if column == "target":
        return abs(float(old) - float(new)) > 1e-9  # type: ignore[arg-type]
    if column == "situation":
        return (old if isinstance(old, str) else None) != new
    return str(old or "") != str(new or "")


# --- import and export ------------------------------------------------------------------------


def plan_import(store: Store, name: str, data: bytes) -> MapImport:
    """Reads and checks a map file and works out what it would change; writes nothing."""
    checked = check_table(read_table(name, data))
    changes = describe_changes(map_files.map_rows(store), checked)
    return MapImport(checked.rows, checked.present, changes or ["nothing: the map already matches the file"])


def import_map(store: Store, name: str, data: bytes) -> list[str]:
    """Imports a map file as one transaction and returns what changed."""
    planned = plan_import(store, name, data)
    map_files.apply_map(store, planned.rows, planned.present)
    return planned.changes


def export_frame(store: Store, cycle_id: int | None = None) -> pd.DataFrame:
    """The map-file rows people read: moments and situations by their labels."""
    rows = map_files.map_rows(store, cycle_id)
    rows["moment"] = [domain.moment_label(m) for m in rows["moment"]]
    rows["situation"] = [domain.label(domain.SITUATIONS, s) if isinstance(s, str) else "" for s in rows["situation"]]
    rows["target"] = rows["target"].astype(float)
    return rows.loc[:, list(COLUMNS)]


def export_bytes(store: Store, name: str, cycle_id: int | None = None) -> bytes:
    """A map file in the format its name ends with (.csv or .xlsx), formula-like cells escaped."""
    frame = export_frame(store, cycle_id)
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return exports.to_csv_bytes(frame)
    if suffix == ".xlsx":
        return exports.to_xlsx_bytes(frame, sheet="map")
    raise ValueError(f"{name}: a map file must end in .csv or .xlsx")


# --- ordering and the chain -------------------------------------------------------------------


def moved(order: Sequence[int], item: int, offset: int) -> list[int]:
    """The order with ``item`` moved ``offset`` places (negative = earlier), clamped at the ends."""
    ids = list(order)
    if item not in ids:
        raise ValueError("That touchpoint is not in this cycle.")
    start = ids.index(item)
    ids.pop(start)
    ids.insert(max(0, min(len(ids), start + offset)), item)
    return ids


def moments_out_of_order(frame: pd.DataFrame) -> list[str]:
    """Touchpoints (in ``position`` order) placed after a touchpoint of a later moment."""
    rank = frame["moment"].map(domain.MOMENT_KEYS.index)
    latest_before = rank.cummax().shift(fill_value=-1)
    return [str(name) for name in frame.loc[rank < latest_before, "touchpoint"]]


def chain_breaks(cycle_moment_summary: pd.DataFrame) -> dict[str, str | None]:
    """Where the chain breaks in each cycle: ``{cycle: first weak moment or None}``.

    ``cycle_moment_summary`` is ``metrics.summarise`` over ``cycle_moment_stats``.
    """
    return {str(cycle): metrics.chain_break(block) for cycle, block in cycle_moment_summary.groupby("cycle", sort=True)}


def break_position(touchpoint_summary: pd.DataFrame, break_at: str | None) -> int | None:
    """The position of the touchpoint that spoils the moment where the chain breaks.

    That is the one furthest below its target within that moment; when none is below on its
    own (the moment is weak only on average), the moment's first touchpoint.
    """
    if break_at is None:
        return None
    in_moment = touchpoint_summary[touchpoint_summary["moment"] == break_at].sort_values("position")
    if in_moment.empty:
        return None
    weak = in_moment[in_moment["weak"].astype(bool)]
    if weak.empty:
        return int(in_moment["position"].iloc[0])
    worst = weak.sort_values(["gap", "position"]).iloc[0]
    return int(worst["position"])


def chain_verdict(touchpoint_summary: pd.DataFrame, break_at: str | None) -> tuple[str, str]:
    """What the map says about a cycle's chain, and how loudly: ``("info" | "success" | "warning", text)``.

    ``touchpoint_summary`` is the cycle's touchpoints with their metrics, ``break_at`` the moment
    where its chain breaks (None when it holds).
    """
    if touchpoint_summary["n"].sum() == 0:
        return "info", "No impressions recorded for this cycle yet: the map shows its touchpoints in grey."
    if break_at is None:
        return "success", "The chain holds: no moment of this cycle falls below its target on average."
    position = break_position(touchpoint_summary, break_at)
    spoiler = str(touchpoint_summary.set_index("position").loc[position, "touchpoint"]) if position else ""
    return "warning", (
        f"The chain breaks at {domain.moment_label(break_at)}, the first moment of this cycle "
        f"below its target; “{spoiler}” is furthest short there."
    )
