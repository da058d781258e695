"""Properties of detection: whatever the table, the delimiter, header row and scale are found."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.imports import reading
from dashboard.text import key

TEXT = st.text(alphabet="abcdefghij XYZé\"'\n", max_size=8)
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzé", min_size=1, max_size=10)


@st.composite
def delimited(draw: st.DrawFn) -> tuple[str, str]:
    """A table of text cells (quotes and line breaks included) written with one delimiter."""
    delimiter = draw(st.sampled_from(reading.DELIMITERS))
    width = draw(st.integers(2, 6))
    cell = st.one_of(TEXT, st.just(delimiter + "x"))
    rows = draw(st.lists(st.tuples(WORD, *[cell] * (width - 1)), min_size=2, max_size=8))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue(), delimiter


@settings(max_examples=150, deadline=None)
@given(delimited())
def test_the_delimiter_a_table_was_written_with_is_the_one_sniffed(case: tuple[str, str]):
    text, delimiter = case
    assert reading.sniff_delimiter(text) == delimiter


@st.composite
def titled_tables(draw: st.DrawFn) -> tuple[list[list[str]], int]:
    """Blank or one-cell title rows, then a header of distinct names, then rows of numbers."""
    titles = draw(st.lists(st.one_of(st.just([]), st.lists(WORD, min_size=1, max_size=1)), max_size=4))
    header = draw(st.lists(WORD, min_size=2, max_size=8, unique_by=key))
    numbers = st.lists(st.integers(-99, 9999).map(str), min_size=len(header), max_size=len(header))
    body = draw(st.lists(numbers, min_size=1, max_size=5))
    return [*titles, header, *body], len(titles)


@settings(max_examples=150, deadline=None)
@given(titled_tables())
def test_the_header_is_found_below_any_title_rows(case: tuple[list[list[str]], int]):
    rows, header_index = case
    assert reading.find_header_row(rows) == header_index
