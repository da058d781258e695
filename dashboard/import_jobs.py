"""One survey import as the command line, the API and the webhooks run it: read, check, refuse or
commit, and the outcome as the JSON all of them answer. The upload page runs the same pipeline
step by step.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dashboard import access
from dashboard.imports import pipeline
from dashboard.imports.columns import match_names
from dashboard.imports.reading import MAX_BYTES, SurveyError
from dashboard.scales import Scale
from dashboard.store import Store, imports

REJECTED_SHOWN = 1_000
"""Rejected rows listed in a dry run's answer; the count always covers all of them."""


@dataclass(frozen=True)
class Request:
    """What an import is asked to do. ``groups`` holds ``NAME=GROUP`` decisions (``--group``)."""

    data: bytes
    file_name: str
    cycle: str
    strict: bool = False
    scale: str | None = None
    date_order: str = "auto"
    sheet: str | None = None
    imported_by: str = ""
    groups: tuple[str, ...] = ()


def group_map(pairs: Sequence[str], context: pipeline.Context) -> dict[str, int | str]:
    """``--group NAME=GROUP`` decisions: NAME's rows go to the existing GROUP, or to no group when GROUP is empty."""
    decisions: dict[str, int | str] = {}
    for pair in pairs:
        name, sign, target = pair.partition("=")
        if not sign or not name.strip():
            raise SurveyError(f"--group {pair!r}: write NAME=GROUP, or NAME= for no group")
        if not target.strip():
            decisions[name] = pipeline.NO_GROUP
            continue
        found = match_names([target], context.groups)[target]
        if found is None:
            known = ", ".join(context.groups) or "none yet"
            raise SurveyError(f"--group {pair!r}: there is no stakeholder group {target.strip()!r} (groups: {known})")
        decisions[name] = found
    return decisions


def _prepare(store: Store, job: Request, need: str | None = None) -> tuple[pipeline.Preview, str]:
    if len(job.data) > MAX_BYTES:
        raise SurveyError(f"{job.file_name} is larger than {MAX_BYTES / 1e6:.0f} MB; split it")
    scale = Scale.parse(job.scale) if job.scale else None
    context = imports.cycle_context(store, job.cycle)
    if need is not None:  # refused before a large file is read, not after (the commit checks again)
        access.require(need, context.cycle_id)
    options = pipeline.Options(
        scale=scale, date_order=job.date_order, sheet=job.sheet, group_map=group_map(job.groups, context)
    )
    digest = pipeline.content_hash_of(job.data)
    earlier = imports.batch_for_hash(store, digest)
    if earlier is not None:
        raise imports.DuplicateImportError(
            f"{job.file_name} was already imported (import {earlier['id']}, {earlier['file_name']})"
        )
    try:
        recall = functools.partial(imports.remembered, store)
        found = pipeline.prepare(job.data, job.file_name, context, options, content_hash=digest, recall=recall)
    except pipeline.ScaleGuessError as error:
        specs = " or ".join(f"--scale={scale.spec}" for scale in error.candidates)  # "=": a spec may start with -
        raise SurveyError(f"{str(error).removesuffix(' Choose the scale.')} Say which: {specs}.") from None
    return found, context.cycle_name


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
        "new_groups": list(found.new_groups),
        "refusal": found.refusal(strict=job.strict),
    }


def run(store: Store, job: Request) -> dict[str, Any]:
    """Imports one file (one transaction) and returns the outcome the CLI prints with ``--json``.

    Raises ``SurveyError`` (a ``ValueError``) with one line for anything refused; nothing is
    written then.
    """
    found, cycle_name = _prepare(store, job, "import")
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
        "created_groups": list(result.created_groups),
        "per_touchpoint": found.counts(),
        "detected": found.detected,
    }


def summary_line(outcome: dict[str, Any]) -> str:
    """The one line the CLI prints without ``--json``."""
    created = outcome.get("created_groups") or []
    return (
        f"imported {outcome['impressions']:,} impressions from {outcome['file']} into {outcome['cycle']} "
        f"(import {outcome['import']}); {outcome['rejected']:,} answers rejected, "
        f"{outcome['missing_answers']:,} missing answers skipped"
        + (f"; created stakeholder groups: {', '.join(created)}" if created else "")
    )
