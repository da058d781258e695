"""One survey import as the command line and the API run it: read, check, refuse or commit,
and the outcome as the JSON both print. The upload page runs the same pipeline step by step.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dashboard.imports import reading
from dashboard.imports.reading import SurveyError
from dashboard.scales import Scale
from dashboard.store import Store, imports
from dashboard.surveys import pipeline

REJECTED_SHOWN = 1_000
"""Rejected rows listed in a dry run's answer; the count always covers all of them."""


@dataclass(frozen=True)
class Request:
    """What an import is asked to do."""

    data: bytes
    file_name: str
    cycle: str
    strict: bool = False
    scale: str | None = None
    date_order: str = "auto"
    sheet: str | None = None
    imported_by: str = ""


def _prepare(store: Store, job: Request) -> tuple[pipeline.Preview, str]:
    if len(job.data) > reading.MAX_BYTES:
        raise SurveyError(f"{job.file_name} is larger than {reading.MAX_BYTES / 1e6:.0f} MB; split it")
    scale = Scale.parse(job.scale) if job.scale else None
    digest = pipeline.fingerprint(job.data)
    earlier = imports.batch_for_hash(store, digest)
    if earlier is not None:
        raise imports.DuplicateImportError(
            f"{job.file_name} was already imported (import {earlier['id']}, {earlier['file_name']})"
        )
    context = imports.cycle_context(store, job.cycle)
    options = pipeline.Options(scale=scale, date_order=job.date_order, sheet=job.sheet)
    preview = pipeline.prepare(
        job.data,
        job.file_name,
        context,
        options,
        content_hash=digest,
        recall=lambda key: imports.remembered_mapping(store, key),
    )
    return preview, context.cycle_name


def preview(store: Store, job: Request) -> dict[str, Any]:
    """What the upload page's preview shows, as JSON; writes nothing."""
    found, cycle_name = _prepare(store, job)
    rejected = found.rejected.head(REJECTED_SHOWN)[["row", "reason"]]
    return {
        "file": job.file_name,
        "cycle": cycle_name,
        "detected": found.detected,
        "rows_read": found.rows_read,
        "impressions": len(found.impressions),
        "per_touchpoint": found.counts(),
        "rejected": len(found.rejected),
        "rejected_rows": json.loads(rejected.to_json(orient="records")),
        "missing_answers": found.missing_answers,
        "new_touchpoints": list(found.new_touchpoints),
        "refusal": found.refusal(strict=job.strict),
    }


def run(store: Store, job: Request) -> dict[str, Any]:
    """Imports one file (one transaction) and returns the outcome the CLI prints with ``--json``.

    Raises ``SurveyError`` (a ``ValueError``) with one line for anything refused; nothing is
    written then.
    """
    found, cycle_name = _prepare(store, job)
    refusal = found.refusal(strict=job.strict)
    if refusal:
        raise SurveyError(" ".join(refusal.split()))  # one line, even when a quoted cell holds breaks
    result = imports.commit(store, found, imported_by=job.imported_by)
    return {
        "import": result.batch_id,
        "file": job.file_name,
        "cycle": cycle_name,
        "impressions": result.impressions,
        "rejected": len(found.rejected),
        "missing_answers": found.missing_answers,
        "per_touchpoint": found.counts(),
        "detected": found.detected,
    }


def summary_line(outcome: dict[str, Any]) -> str:
    """The one line the CLI prints without ``--json``."""
    return (
        f"imported {outcome['impressions']:,} impressions from {outcome['file']} into {outcome['cycle']} "
        f"(import {outcome['import']}); {outcome['rejected']:,} rows rejected, "
        f"{outcome['missing_answers']:,} missing answers skipped"
    )
