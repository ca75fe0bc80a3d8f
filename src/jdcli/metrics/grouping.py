"""Grouping helpers shared by the metrics."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def one_row_per_key(frame: pd.DataFrame, keys: Sequence[str]) -> bool:
    """Whether the ``keys`` of ``frame`` strictly increase row by row (so each key is one row,
    in the order a sorted group-by gives), checked only for text and integer keys without
    missing values (anything else: ``False``, and the caller groups as usual).

    Joined unit figures and combined census means come this way; checking costs a
    comparison of neighbours, where a group-by hashes every key and sums every column.
    """
    if not len(frame):
        return False
    columns = []
    for key in keys:
        column = frame[key]
        dtype = column.dtype
        text = isinstance(dtype, pd.StringDtype)  # compared by code point, as sorting does
        if not (text or pd.api.types.is_integer_dtype(dtype)) or bool(column.isna().any()):
            return False
        columns.append(column.reset_index(drop=True))
    increasing = np.zeros(len(frame) - 1, dtype=bool)
    tied = np.ones(len(frame) - 1, dtype=bool)
    for values in columns:
        # Compared as Series, so that Arrow-backed text is compared in Arrow.
        before = values.iloc[:-1]
        after = values.iloc[1:].reset_index(drop=True)
        increasing |= tied & (after > before).to_numpy(dtype=bool)
        tied &= (after == before).to_numpy(dtype=bool)
    return bool(increasing.all())
