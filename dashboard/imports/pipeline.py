"""A survey file from uploaded bytes to a preview of the impressions an import will record.

``prepare`` runs the stages in the order a file travels: read the bytes safely
(``dashboard.imports.reading``), recognise the layout (the long format is one layout among
the survey tools' exports: ``detect``), map columns to touchpoints, groups, dates and comments
(``columns``), interpret the answers (``answers``: one scale detection, one missing-answer
list), turn them into rows (``reshape``, ``wide``) and check each row (``check``). Nothing is
written here: ``dashboard.store.imports.commit`` writes a preview in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from dashboard.imports.answers import ScaleGuessError
from dashboard.imports.check import analyse
from dashboard.imports.long_format import (
    HEADER_NAMES,
    example_frame,
    find_columns,
    likely_sheet,
    manual_impression,
    template_frame,
)
from dashboard.imports.preview import CREATE, NO_GROUP, SKIP, Context, Options, Preview, Remembered, content_hash_of
from dashboard.imports.reading import SurveyError, peek_header, read_grid, read_table
from dashboard.imports.wide import UnknownLabelsError, column_choices, layout_table, prepare_wide

__all__ = [
    "CREATE",
    "NO_GROUP",
    "SKIP",
    "Context",
    "Options",
    "Preview",
    "Remembered",
    "ScaleGuessError",
    "UnknownLabelsError",
    "column_choices",
    "content_hash_of",
    "example_frame",
    "layout_table",
    "likely_sheet",
    "manual_impression",
    "prepare",
    "template_frame",
]


def prepare(
    data: bytes,
    file_name: str,
    context: Context,
    options: Options | None = None,
    *,
    content_hash: str = "",
    recall: Callable[[str], Remembered] | None = None,
) -> Preview:
    """Reads a survey file and checks every impression against the workspace; writes nothing.

    A file whose header names the long format's columns is read as a table; any other is read
    as a raw grid and its tool and layout detected. ``recall(survey_key)`` gives what was
    confirmed for a survey before (a corrected mapping, a chosen scale). Pass ``content_hash``
    when it is known already, to save hashing twice. Raises ``ScaleGuessError`` when the
    answers fit several scales and nothing settles which (choose one in ``options.scale``).
    """
    options = options or Options()
    digest = content_hash or content_hash_of(data)
    header = peek_header(data, file_name, sheet=options.sheet, header_names=HEADER_NAMES)
    if not _is_long(header):
        grid = read_grid(data, file_name, sheet=options.sheet)
        preview = prepare_wide(grid, context, options, file_name=file_name, content_hash=digest, recall=recall)
        if preview is not None:
            return preview
    table = read_table(data, file_name, sheet=options.sheet, header_names=HEADER_NAMES)
    return analyse(table, context, options, file_name=file_name, content_hash=digest, recall=recall)


def _is_long(header: list[str]) -> bool:
    try:
        find_columns(header)
    except SurveyError:
        return False
    return True
