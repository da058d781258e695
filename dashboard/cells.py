"""One cell of a pandas frame read as a Python number.

pandas-stubs types a single cell (``frame.at[...]``, ``frame.loc[row, column]``, an attribute of
an ``itertuples()`` row) as any scalar at all: text, bytes, dates, intervals, missing. ``int()``
and ``float()`` refuse that union, though the columns read here hold numbers. These functions
check that a cell is a number, so the type checker learns it from a test rather than a cast.
"""

from __future__ import annotations

import numpy as np

Number = int | float | np.integer | np.floating
"""What a numeric cell holds: Python numbers, or NumPy's (``int64``, ``float64``, ...)."""


def numeric(cell: object) -> Number:
    """The cell itself, once it is known to be a number; a clear error when it is not."""
    if isinstance(cell, Number):
        return cell
    raise TypeError(f"expected a number in this cell, found {cell!r}")


def whole(cell: object) -> int:
    """A count or an id from a frame cell, as ``int(cell)`` reads it."""
    return int(numeric(cell))


def number(cell: object) -> float:
    """A measured value (a mean, a rate, a bound) from a frame cell, as ``float(cell)`` reads it."""
    return float(numeric(cell))
