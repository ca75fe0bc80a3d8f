"""Columns that hold no values yet cost (almost) no memory.

A long file without reported changes, written precisions or rate rows still carries those
columns, all missing. Built the ordinary way, each is filled row by row (9 bytes a row for
a nullable number, 8 for text). Here the zeroed parts come from ``np.zeros``, memory the
system hands out untouched, and stay untouched while every value is masked: a missing
number costs its mask byte, a missing text nothing but a bit.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd


def missing_numbers(index: pd.Index, dtype: Literal["Float64", "Int64"] = "Float64") -> pd.Series:
    """A nullable ``Float64`` or ``Int64`` column on ``index`` with every value ``<NA>``."""
    size = len(index)
    mask = np.ones(size, dtype=bool)
    array: pd.api.extensions.ExtensionArray
    if dtype == "Float64":
        array = pd.arrays.FloatingArray(np.zeros(size, dtype="float64"), mask)
    else:
        array = pd.arrays.IntegerArray(np.zeros(size, dtype="int64"), mask)
    return pd.Series(array, index=index, copy=False)


def missing_text(index: pd.Index) -> pd.Series:
    """A ``str`` column on ``index`` with every value missing (Arrow-backed, as pandas' own)."""
    import pyarrow as pa

    size = len(index)
    offsets = np.zeros(size + 1, dtype="int64")
    validity = np.zeros((size + 7) // 8, dtype="uint8")  # every bit 0: null
    array = pa.LargeStringArray.from_buffers(
        size, pa.py_buffer(offsets), pa.py_buffer(b""), pa.py_buffer(validity), null_count=size
    )
    return pd.Series(pd.array(array, dtype="str"), index=index, copy=False)
