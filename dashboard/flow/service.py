"""The flow's operations over a workspace, as plain functions for the command line, the Flow page
and the HTTP API: preview and import a flow file from its bytes, and the summary figures.

The entry points the API needs take and return plain values: ``import_file(store, data,
file_name, ...)`` (a flow file's bytes) and ``record_rows(store, rows, ...)`` (records with the
file's five fields) return a JSON-ready outcome or raise ``SurveyError`` with a message for the
person, having written nothing; ``stats(store, ...)`` returns ``flow stats --json``'s dict.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import pandas as pd

from dashboard import evidence
from dashboard.flow import files, measures
from dashboard.imports.reading import SurveyError
from dashboard.store import Store, plan
from dashboard.store import flow as flow_store
from dashboard.text import key
from dashboard.thresholds import Thresholds


def context(store: Store) -> files.Context:
    """The cycles a flow file is checked against, with their carry-over marks."""
    cycles = flow_store.cycles(store)
    return files.Context.of(cycles, frozenset(int(i) for i in cycles.loc[cycles["carry_over"], "id"]))


def preview(store: Store, data: bytes, file_name: str, *, sheet: str | None = None) -> files.Preview:
    """What importing the file would record; SurveyError when it cannot be read."""
    return files.prepare(data, file_name, context(store), sheet=sheet)


def import_file(
    store: Store, data: bytes, file_name: str, *, strict: bool = False, sheet: str | None = None, imported_by: str = ""
) -> dict[str, Any]:
    """Checks and imports a flow file in one transaction; returns the outcome as a JSON-ready dict
    (``import, file, counts, rejected, rejected_rows, totals, new_sources``).

    Raises SurveyError, writing nothing, for a file imported before (and not undone), a file that
    cannot be read, one with no usable row, or, with ``strict``, one with any rejected row.
    """
    earlier = flow_store.import_for_hash(store, files.fingerprint(data))
    if earlier is not None:
        raise SurveyError(
            f"{file_name} was already imported (flow import {earlier['id']}, {earlier['file_name']}); nothing was added"
        )
    checked = preview(store, data, file_name, sheet=sheet)
    refusal = checked.refusal(strict=strict)
    if refusal:
        raise SurveyError(f"{file_name} was not imported: {refusal}.")
    result = flow_store.commit(store, checked, imported_by=imported_by)
    return {
        "import": result.import_id,
        "file": file_name,
        "counts": result.counts,
        "rejected": len(checked.rejected),
        "rejected_rows": checked.rejected[["row", "reason"]].to_dict("records"),
        "totals": checked.totals(),
        "new_sources": checked.new_sources,
    }


def import_line(outcome: Mapping[str, Any], file_name: str) -> str:
    """The line ``flow import`` prints without ``--json`` (here or through a running server)."""
    return (
        f"imported {outcome['counts']:,} counts from {file_name} (flow import {outcome['import']}); "
        f"{outcome['rejected']:,} rows rejected"
    )


def record_rows(
    store: Store, rows: Sequence[Mapping[str, object]], *, strict: bool = False, entered_by: str = ""
) -> dict[str, Any]:
    """Checks and records counts given as records with the file's five fields (a JSON body, say),
    in one transaction, with the same checks as a flow file; returns ``counts, rejected,
    rejected_rows`` (rows numbered from 1). Raises SurveyError, writing nothing, when no row is
    usable or, with ``strict``, when any row is rejected."""
    raw = pd.DataFrame(
        {c: ["" if r.get(c) is None else str(r.get(c)) for r in rows] for c in files.COLUMNS}, dtype=object
    )
    raw.insert(0, "row", range(1, len(raw) + 1))
    counts, rejected = files.check(raw, context(store))
    preview = files.Preview("rows", "", len(raw), counts, rejected)
    refusal = preview.refusal(strict=strict)
    if refusal:
        raise SurveyError(f"Nothing was recorded: {refusal}.")
    flow_store.record(store, counts, entered_by)
    return {
        "counts": len(counts),
        "rejected": len(rejected),
        "rejected_rows": rejected[["row", "reason"]].to_dict("records"),
    }


def stats(
    store: Store, *, cycle: str | None = None, start: date | None = None, end: date | None = None
) -> dict[str, Any]:
    """``flow stats --json``: per cycle and in total, each measure's count, conversion, churn,
    repeat and referral rates with 95% intervals, and prospects and conversion per source.
    ``cycle`` is a name (tolerant of case and spacing); ValueError for an unknown one."""
    cycle_ids: tuple[int, ...] = ()
    if cycle is not None:
        cycles = flow_store.cycles(store)
        match = cycles[cycles["name"].map(key) == key(cycle)]
        if match.empty:
            raise ValueError(f"there is no service cycle {cycle!r} (service cycles: {', '.join(cycles['name'])})")
        cycle_ids = (int(match["id"].iloc[0]),)
    return measures.summary(flow_store.sums(store, start, end, cycle_ids))


def plan_figures(store: Store, as_of: date, recent_days: int, cycle_ids: Sequence[int] = ()) -> pd.DataFrame:
    """The reputation plan's evidence figures per moment (``store.plan.evidence_figures``) with the
    flow's beside them (``measures.evidence_columns``): recent flow counts for step 6, and for
    step 5 the conversion where a moment has no recent impressions. ``cycle_ids`` narrows both to
    those cycles (none: every cycle)."""
    since = as_of - timedelta(days=recent_days - 1)
    recent = flow_store.evidence_counts(store, since, as_of, cycle_ids)
    in_use = flow_store.months(store)[0] is not None
    flow_columns = measures.evidence_columns(recent, flow_store.settings(store), in_use=in_use)
    return plan.evidence_figures(store, as_of, recent_days, cycle_ids).merge(flow_columns, on="moment", how="left")


def plan_evidence(store: Store, as_of: date, cycle_ids: Sequence[int] = ()) -> list[evidence.CellEvidence]:
    """The 28 plan cells, each with what the data proves on ``as_of`` (the Overview's plan grid),
    from the data of ``cycle_ids`` (none: every cycle)."""
    thresholds = Thresholds.from_settings(plan.settings(store))
    figures = plan_figures(store, as_of, thresholds.recent_days, cycle_ids)
    return evidence.assess(figures, plan.plan_cells(store), thresholds)
