"""Check that the tools' outputs agree: same rows (by key), same numbers to 1e-9 relative."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

# Named differently by different tools, the same quantity.
SYNONYMS = {"clients": "base", "month": "period", "year": "period"}


def read_output(path: Path, keys: Sequence[str]) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype={k: "str" for k in keys}, keep_default_na=False, na_values=[""])
    return frame.rename(columns=SYNONYMS)


def compare_outputs(
    outputs: Mapping[str, Path], keys: Sequence[str], columns: Sequence[str] = ()
) -> list[str]:
    """Problems found comparing every output with the first one (empty when they agree).

    Only columns present in both are compared (only ``columns`` of them when given: a value
    that means something else in the other output, such as a sum against a daily mean, is
    left out); rows are matched on ``keys``. A key row that only the first output (jdcli)
    has is allowed when it is a ``Total`` row.
    """
    names = list(outputs)
    reference = read_output(outputs[names[0]], keys)
    if columns:
        reference = reference[[*keys, *(c for c in columns if c in reference.columns)]]
    problems = []
    for name in names[1:]:
        other = read_output(outputs[name], keys)
        problems += [f"{name}: {p}" for p in _compare(reference, other, keys)]
    return problems


def _compare(left: pd.DataFrame, right: pd.DataFrame, keys: Sequence[str]) -> list[str]:
    keys = list(keys)
    merged = left.merge(right, on=keys, how="outer", suffixes=("", "__r"), indicator=True)
    only_left = merged["_merge"] == "left_only"
    is_total = merged[keys].eq("Total").any(axis=1)
    problems = []
    if bool((only_left & ~is_total).any()):
        problems.append(f"{int((only_left & ~is_total).sum())} row(s) only in jdcli")
    if bool((merged["_merge"] == "right_only").any()):
        problems.append(f"{int((merged['_merge'] == 'right_only').sum())} row(s) missing in jdcli")
    both = merged.loc[merged["_merge"] == "both"]
    shared = [c for c in left.columns if c not in keys and c + "__r" in both.columns]
    for column in shared:
        a, b = both[column], both[column + "__r"]
        if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
            x = a.to_numpy(dtype="float64", na_value=np.nan)
            y = b.to_numpy(dtype="float64", na_value=np.nan)
            same = np.isclose(x, y, rtol=1e-9, atol=1e-9) | (np.isnan(x) & np.isnan(y))
        else:
            same = (a.astype("str") == b.astype("str")).to_numpy() | (
                a.isna() & b.isna()
            ).to_numpy()
        if not bool(same.all()):
            first = int(np.flatnonzero(~same)[0])
            row = both.iloc[first]
            problems.append(
                f"{int((~same).sum())} value(s) differ in {column}, e.g. "
                f"{tuple(str(row[k]) for k in keys)}: {row[column]} vs {row[column + '__r']}"
            )
    if not shared:
        problems.append("no common value columns to compare")
    return problems
