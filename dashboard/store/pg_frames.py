"""Frames in and out of PostgreSQL, shaped the way DuckDB shapes them.

Out: an answer becomes a pandas frame with the dtypes DuckDB 2.0's ``.df()`` gives (checked on
this machine), so code above the store cannot tell the databases apart: integer columns are
``int32``/``int64`` (``Int32``/``Int64`` when a NULL is among them), numeric is ``float64``,
dates and timestamps are ``datetime64[us]``, text is pandas' ``str`` (``object`` when every value
is NULL), booleans ``bool`` (``boolean`` with NULLs), arrays are numpy arrays in an object column.
The same answer can also become an Arrow table. One difference stays, as the SQL decides it:
``sum()`` of an ``integer`` column is float64 from DuckDB (a HUGEINT) but int64 from PostgreSQL
(a bigint); every such sum in the store is of a bigint or double column today, which agree, and a
new one should cast its result.

In: a frame is staged as a temporary table filled by one ``COPY ... FROM STDIN (FORMAT csv)``
written by Arrow's CSV writer (measured faster than psycopg's binary copy, which goes row by
row in Python; see tests/test_pg_store.py and the README's figures).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.csv as pa_csv

# PostgreSQL type oids (pg_type.oid; fixed for built-in types).
_INTS = {21: ("int16", "Int16"), 23: ("int32", "Int32"), 20: ("int64", "Int64")}
_FLOATS = {700: "float32", 701: "float64", 1700: "float64"}
_DATES = {1082, 1114}
_TEXT = {25, 1043, 1042, 19}
_BOOL = 16
_ARRAYS = {1005: "int16", 1007: "int32", 1016: "int64", 1021: "float32", 1022: "float64"}
_TEXT_ARRAYS = {1009, 1015}

_ARROW_TYPES = {21: pa.int16(), 23: pa.int32(), 20: pa.int64(), 700: pa.float32(), 701: pa.float64()}
_ARROW_TYPES.update({1700: pa.float64(), 1082: pa.date32(), 1114: pa.timestamp("us"), _BOOL: pa.bool_()})
_ARROW_TYPES.update(dict.fromkeys(_TEXT, pa.string()))


def _column(oid: int, values: Sequence[Any]) -> pd.Series | np.ndarray:
    """One answer column as DuckDB's ``.df()`` would give it."""
    has_null = any(v is None for v in values)
    if oid in _INTS:
        plain, nullable = _INTS[oid]
        return pd.Series(values, dtype=nullable) if has_null else np.array(values, dtype=plain)
    if oid == _BOOL:
        return pd.Series(values, dtype="boolean") if has_null else np.array(values, dtype=bool)
    if oid in _FLOATS:
        return np.array([np.nan if v is None else float(v) for v in values], dtype=_FLOATS[oid])
    if oid in _DATES:
        return pd.Series(pd.to_datetime(list(values)), dtype="datetime64[us]")
    return _other(oid, values)


def _other(oid: int, values: Sequence[Any]) -> pd.Series | np.ndarray:
    """Text (``object`` when all NULL, as DuckDB), arrays (numpy arrays) and anything else as objects."""
    if oid in _TEXT and not all(v is None for v in values):
        return pd.Series(values, dtype="str")
    out = np.empty(len(values), dtype=object)
    if oid in _ARRAYS or oid in _TEXT_ARRAYS:
        kind = _ARRAYS.get(oid, object)
        out[:] = [pd.NA if v is None else np.array(v, dtype=kind) for v in values]  # NA as DuckDB
    else:
        out[:] = list(values)
    return out


def frame(description: Sequence[Any] | None, rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """The fetched ``rows`` of an answer described by ``description`` as a DuckDB-shaped frame."""
    if not description:
        return pd.DataFrame()
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in description]
    data = {col.name: _column(col.type_code, values) for col, values in zip(description, columns, strict=True)}
    return pd.DataFrame(data, columns=[col.name for col in description])


def table(description: Sequence[Any] | None, rows: list[tuple[Any, ...]]) -> pa.Table:
    """The fetched ``rows`` as an Arrow table with types matching DuckDB's Arrow export."""
    if not description:
        return pa.table({})
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in description]
    arrays = []
    for col, values in zip(description, columns, strict=True):
        kind = _ARROW_TYPES.get(col.type_code)
        if col.type_code == 1700:  # Decimal or int: Arrow wants floats for float64
            arrays.append(pa.array([None if v is None else float(v) for v in values], type=kind))
        else:
            arrays.append(pa.array(values, type=kind))
    return pa.Table.from_arrays(arrays, names=[col.name for col in description])


_SQL_TYPES = {
    pa.int8(): "smallint",
    pa.int16(): "smallint",
    pa.int32(): "integer",
    pa.int64(): "bigint",
    pa.float32(): "real",
    pa.float64(): "double precision",
    pa.bool_(): "boolean",
    pa.date32(): "date",
    pa.string(): "varchar",
    pa.large_string(): "varchar",
    pa.null(): "varchar",  # an object column with no values (DuckDB reads it as NULLs too)
}


def _sql_type(kind: pa.DataType) -> str:
    if pa.types.is_dictionary(kind):  # a pandas category: its values' type
        return _sql_type(kind.value_type)
    if pa.types.is_timestamp(kind):
        return "timestamp"
    if pa.types.is_decimal(kind):
        return "numeric"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        return "varchar"
    if kind in _SQL_TYPES:
        return _SQL_TYPES[kind]
    raise TypeError(f"a column of type {kind} cannot be staged in PostgreSQL")


def as_arrow(data: object) -> pa.Table:
    """A pandas frame or Arrow table as an Arrow table (what staging copies from)."""
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pd.DataFrame):
        return pa.Table.from_pandas(data, preserve_index=False)
    raise TypeError(f"cannot stage {type(data).__name__}: give a pandas frame or an Arrow table")


def stage(cur: psycopg.Cursor[Any], name: str, data: object) -> None:
    """Creates temporary table ``name`` holding ``data`` (one COPY, no per-row SQL)."""
    arrow_table = as_arrow(data)
    columns = ", ".join(f"{identifier(f.name)} {_sql_type(f.type)}" for f in arrow_table.schema)
    cur.execute(f"create temporary table {identifier(name)} ({columns})")
    if arrow_table.num_rows == 0:
        return
    buffer = io.BytesIO()
    # Every string quoted, NULL left empty: PostgreSQL's CSV then tells '' from NULL.
    pa_csv.write_csv(arrow_table, buffer, pa_csv.WriteOptions(include_header=False, quoting_style="needed"))
    with cur.copy(f"copy {identifier(name)} from stdin (format csv)") as copy:
        copy.write(buffer.getbuffer())


def unstage(cur: psycopg.Cursor[Any], name: str) -> None:
    """Drops a table ``stage`` made."""
    cur.execute(f"drop table if exists {identifier(name)}")


def identifier(name: str) -> str:
    """``name`` as a quoted SQL identifier (an inner ``"`` doubled), the same in both databases."""
    return '"' + name.replace('"', '""') + '"'
