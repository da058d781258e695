"""Reading one cell of a frame as a Python number: what pages and tests use where pandas-stubs
types a cell as any scalar at all."""

import re

import numpy as np
import pandas as pd
import pytest

from dashboard import cells


def test_a_numpy_count_or_id_reads_as_a_python_int_the_way_int_reads_it():
    assert (cells.whole(pd.Index([7, 9])[1]), cells.whole(np.float64(2.9)), cells.whole(True)) == (9, 2, 1)
    assert type(cells.whole(np.int64(12))) is int


def test_a_measured_value_reads_as_a_python_float():
    frame = pd.DataFrame({"mean": [0.25, -0.5]}, index=[7, 9])
    assert (cells.number(frame.at[9, "mean"]), cells.number(3)) == (-0.5, 3.0)
    assert type(cells.number(frame.at[9, "mean"])) is float


@pytest.mark.parametrize("cell", ["12", b"12", None, pd.NA, pd.Timestamp("2026-09-01")])
def test_a_cell_that_holds_no_number_is_refused_with_what_it_held(cell: object):
    message = f"^{re.escape(f'expected a number in this cell, found {cell!r}')}$"
    with pytest.raises(TypeError, match=message):
        cells.whole(cell)
    with pytest.raises(TypeError, match=message):
        cells.number(cell)
