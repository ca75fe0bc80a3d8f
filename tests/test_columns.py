"""Tier 1: the all-missing columns of ``jdcli.metrics.columns`` are the ordinary ones."""

from __future__ import annotations

from typing import Literal

import pandas as pd
import pyarrow as pa
import pytest

from jdcli.metrics.columns import missing_numbers, missing_text


@pytest.mark.parametrize("size", [0, 1, 7, 8, 9, 1000])
@pytest.mark.parametrize("dtype", ["Float64", "Int64"])
def test_missing_numbers_equal_a_column_of_na(
    size: int, dtype: Literal["Float64", "Int64"]
) -> None:
    index = pd.RangeIndex(10, 10 + size)
    expected = pd.Series(pd.NA, index=index, dtype=dtype)
    got = missing_numbers(index, dtype)
    pd.testing.assert_series_equal(got, expected)
    # It is an ordinary column: values set later are kept, the rest stay missing.
    if size:
        got.iloc[0] = 3
        expected.iloc[0] = 3
        pd.testing.assert_series_equal(got, expected)
        assert int(got.isna().sum()) == size - 1


@pytest.mark.parametrize("size", [0, 1, 7, 8, 9, 1000])
def test_missing_text_equals_a_column_of_nulls(size: int) -> None:
    index = pd.Index([f"line {i}" for i in range(size)])
    expected = pd.Series(pd.array(pa.nulls(size, pa.string()), dtype="str"), index=index)
    got = missing_text(index)
    pd.testing.assert_series_equal(got, expected)
    assert bool(got.isna().all())
    pd.testing.assert_series_equal(got.str.strip(), expected.str.strip())
    filled = got.fillna("x")
    assert filled.tolist() == ["x"] * size
