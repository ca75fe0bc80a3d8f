"""Tier 1: the all-missing columns of ``jdcli.metrics.columns`` are the ordinary ones."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jdcli.metrics.columns import (
    constant_text,
    missing_numbers,
    missing_text,
    strip_text,
    untouched_zeros,
)


# 200,000 rows: past the size at which the zeros get their own mapping.
@pytest.mark.parametrize("size", [0, 1, 7, 8, 9, 1000, 200_000])
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


@pytest.mark.parametrize("size", [0, 1, 7, 8, 9, 1000, 200_000])
def test_missing_text_equals_a_column_of_nulls(size: int) -> None:
    index = pd.Index([f"line {i}" for i in range(size)])
    expected = pd.Series(pd.array(pa.nulls(size, pa.string()), dtype="str"), index=index)
    got = missing_text(index)
    pd.testing.assert_series_equal(got, expected)
    assert bool(got.isna().all())
    pd.testing.assert_series_equal(got.str.strip(), expected.str.strip())
    filled = got.fillna("x")
    assert filled.tolist() == ["x"] * size


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(alphabet=st.sampled_from(["a", "1", "-", " ", "\t", "\u3000", "中", "\x1c"])),
        ),
        max_size=20,
    )
)
def test_strip_text_is_str_strip(cells: list[str | None]) -> None:
    """``strip_text`` gives what ``str.strip`` does, and the column itself when no cell
    can change."""
    column = pd.Series(cells, dtype="str", index=pd.RangeIndex(3, 3 + len(cells)))
    got = strip_text(column)
    pd.testing.assert_series_equal(got, column.astype("str").str.strip())
    if all(c is None or ((c.isascii() and c.isalnum()) or c in {"-", ""}) for c in cells):
        assert got is column


@pytest.mark.parametrize("size", [0, 1, 5, 65_536, 65_537, 200_000])
def test_constant_text_equals_a_column_of_the_value(size: int) -> None:
    index = pd.RangeIndex(2, 2 + size)
    got = constant_text("level", index)
    expected = pd.Series(["level"] * size, index=index, dtype="str")
    pd.testing.assert_series_equal(got, expected)
    assert got.eq("level").all() and not got.isin(["derived"]).any()


@pytest.mark.parametrize("dtype", ["float64", "int64", "uint8", "bool"])
@pytest.mark.parametrize("size", [0, 1, 131_071, 131_072, 1_048_576, 3_000_001])
def test_untouched_zeros_are_ordinary_writable_zeros(size: int, dtype: str) -> None:
    got = untouched_zeros(size, dtype)
    np.testing.assert_array_equal(got, np.zeros(size, dtype=dtype))
    assert got.dtype == np.dtype(dtype)
    assert got.shape == (size,)
    assert got.flags.writeable
    if size:
        got[-1] = 1
        assert got[-1] == 1
        assert not got[:-1].any()


def test_untouched_zeros_of_a_large_array_are_a_mapping_of_their_own() -> None:
    import mmap

    def mapped(array: np.ndarray) -> bool:
        return isinstance(getattr(array.base, "obj", None), mmap.mmap)

    assert mapped(untouched_zeros(1 << 20, "uint8"))
    assert not mapped(untouched_zeros((1 << 20) - 1, "uint8"))
