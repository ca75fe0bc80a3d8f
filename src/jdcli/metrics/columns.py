"""Columns that hold no values yet cost (almost) no memory.

A long file without reported changes, written precisions or rate rows still carries those
columns, all missing. Built the ordinary way, each is filled row by row (9 bytes a row for
a nullable number, 8 for text). Here the zeroed parts come from ``untouched_zeros``, memory
the system hands out untouched, and stay untouched while every value is masked: a missing
number costs its mask byte, a missing text nothing but a bit.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd


def untouched_zeros(size: int, dtype: str) -> np.ndarray:
    """``np.zeros(size, dtype)`` whose memory costs nothing until it is written.

    ``np.zeros`` gets that only from fresh pages: once a long run has freed arrays of the
    same size, the C allocator hands one of those back and fills it with zeros, and every
    page counts. A large array here is its own anonymous mapping, whose pages the system
    maps only when they are written (on the 1.93M-row trends benchmark, ``change_pp`` alone
    was 15 MB resident while holding nothing).
    """
    import mmap

    kind = np.dtype(dtype)
    size_bytes = size * kind.itemsize
    if size_bytes < _MAPPED_BYTES:
        return np.zeros(size, dtype=kind)
    return np.frombuffer(mmap.mmap(-1, size_bytes), dtype=kind)


#: Arrays of at least this many bytes get their own mapping in ``untouched_zeros``.
_MAPPED_BYTES = 1 << 20


def missing_numbers(index: pd.Index, dtype: Literal["Float64", "Int64"] = "Float64") -> pd.Series:
    """A nullable ``Float64`` or ``Int64`` column on ``index`` with every value ``<NA>``."""
    size = len(index)
    mask = np.ones(size, dtype=bool)
    array: pd.api.extensions.ExtensionArray
    if dtype == "Float64":
        array = pd.arrays.FloatingArray(untouched_zeros(size, "float64"), mask)
    else:
        array = pd.arrays.IntegerArray(untouched_zeros(size, "int64"), mask)
    return pd.Series(array, index=index, copy=False)


def missing_text(index: pd.Index) -> pd.Series:
    """A ``str`` column on ``index`` with every value missing (Arrow-backed, as pandas' own)."""
    import pyarrow as pa

    size = len(index)
    offsets = untouched_zeros(size + 1, "int64")
    validity = untouched_zeros((size + 7) // 8, "uint8")  # every bit 0: null
    array = pa.LargeStringArray.from_buffers(
        size, pa.py_buffer(offsets), pa.py_buffer(b""), pa.py_buffer(validity), null_count=size
    )
    return pd.Series(pd.array(array, dtype="str"), index=index, copy=False)


def strip_text(text: pd.Series) -> pd.Series:
    """``text.astype("str").str.strip()``, but ``text`` itself (no copy) when it is
    Arrow-backed text in which no cell can start or end with white space: its characters hold
    no ASCII control character, space or non-ASCII byte (a long period column is plain)."""
    import pyarrow as pa

    if isinstance(text.dtype, pd.StringDtype) and text.dtype.storage == "pyarrow":
        values = pa.array(text.array)
        chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
        plain = True
        for chunk in chunks:
            data = chunk.buffers()[2]
            if data is not None and len(data):
                raw = np.frombuffer(data, dtype=np.uint8)
                # Bytes of values outside the chunk's slice are checked too: only ever safe.
                if bool(((raw <= 0x20) | (raw >= 0x7F)).any()):
                    plain = False
                    break
        if plain:
            return text
    return text.astype("str").str.strip()


def constant_text(value: str, index: pd.Index) -> pd.Series:
    """A ``str`` column on ``index`` with ``value`` in every row, at the cost of one block of
    rows: its Arrow chunks all share that block's buffers."""
    import pyarrow as pa

    size = len(index)
    block = pa.array([value] * min(size, _CONSTANT_BLOCK), type=pa.large_string())
    chunks = [block] * (size // _CONSTANT_BLOCK)
    if size % _CONSTANT_BLOCK or not chunks:
        chunks.append(block.slice(0, size % _CONSTANT_BLOCK))
    column = pd.array(pa.chunked_array(chunks, type=pa.large_string()), dtype="str")
    return pd.Series(column, index=index, copy=False)


#: Rows in the one block every chunk of a ``constant_text`` column shares.
_CONSTANT_BLOCK = 1 << 16
