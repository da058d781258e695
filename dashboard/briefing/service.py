"""Briefings as plain functions for the command line, the Overview and the HTTP API: figures in,
a PPTX or PDF file's bytes out; files written whole or not at all."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

from dashboard.briefing import BriefingError, content, figures, layout
from dashboard.store import Store
from dashboard.store.scope import Scope

FORMATS = ("pptx", "pdf")
MEDIA_TYPES = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
Progress = Callable[[float, str], None]


def _quiet(_share: float, _text: str) -> None:
    return None


def briefing(
    store: Store,
    kind: str,
    *,
    start: date | None = None,
    end: date | None = None,
    cycle: str | None = None,
    as_of: date | None = None,
    progress: Progress = _quiet,
) -> bytes:
    """The leadership briefing of the Overview's view (dates, one cycle or all) as ``kind``
    (``pptx`` or ``pdf``); BriefingError with a message for the person when there is nothing to show."""
    if kind not in FORMATS:
        raise BriefingError(f"Unknown format “{kind}”: choose pptx or pdf.")
    today = as_of or date.today()
    scope, cycles = figures.scope_for(store, start, end, cycle)
    return briefing_of(store, kind, scope, cycles, as_of=today, progress=progress)


def briefing_of(
    store: Store,
    kind: str,
    scope: Scope,
    cycles: tuple[str, ...] | None = None,
    *,
    as_of: date | None = None,
    progress: Progress = _quiet,
) -> bytes:
    """The briefing of any scope (the Overview passes its filters as they are)."""
    return briefings(store, (kind,), scope, cycles, as_of=as_of, progress=progress)[kind]


def briefings(
    store: Store,
    kinds: tuple[str, ...],
    scope: Scope,
    cycles: tuple[str, ...] | None = None,
    *,
    as_of: date | None = None,
    progress: Progress = _quiet,
) -> dict[str, bytes]:
    """The briefing in several formats from one reading of the figures and one drawing of the charts."""
    unknown = [kind for kind in kinds if kind not in FORMATS]
    if unknown:
        raise BriefingError(f"Unknown format “{unknown[0]}”: choose pptx or pdf.")
    today = as_of or date.today()
    progress(0.05, "Reading the figures")
    with layout.drawing():  # Chromium starts while the figures are read
        found = figures.gather(store, scope, cycles or figures.cycle_names(store, scope), today)
        slides = content.slides(found, today)
        progress(0.2, "Drawing the charts")
        pictures = layout.pictures(slides)
    progress(0.85, "Laying out the pages")
    out = {kind: _build(kind, slides, pictures) for kind in kinds}
    progress(1.0, "Done")
    return out


def _build(kind: str, slides: list[content.Slide], pictures: list[bytes | None]) -> bytes:
    # Each format's library is imported only when asked for (python-pptx alone takes most of a second).
    if kind == "pptx":
        from dashboard.briefing import deck  # noqa: PLC0415

        return deck.build(slides, pictures)
    from dashboard.briefing import pdf  # noqa: PLC0415

    return pdf.build(slides, pictures, "Leadership briefing")


def write_whole(path: Path, data: bytes) -> None:
    """Writes ``data`` to ``path`` through a temporary file beside it, so a failure leaves no partial file."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def file_name(kind: str, as_of: date | None = None) -> str:
    """``briefing-2026-11-30.pptx``."""
    return f"briefing-{(as_of or date.today()).isoformat()}.{kind}"
