"""Tier 1: ``jdcli.memory``, where a long run's freed memory goes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from jdcli.analyses.trends_figures import _nullable
from jdcli.memory import release_freed_memory, use_malloc


def test_use_malloc_moves_arrow_onto_the_c_heap_and_old_buffers_stay_good() -> None:
    before = pa.default_memory_pool()
    early = pa.array([f"cell {i}" for i in range(10_000)])
    try:
        use_malloc()
        assert pa.default_memory_pool().backend_name == "system"
        use_malloc()  # again: nothing changes
        assert pa.default_memory_pool().backend_name == "system"
        late = pa.array([f"cell {i}" for i in range(10_000)])
        assert late.equals(early)
    finally:
        pa.set_memory_pool(before)


def test_release_freed_memory_frees_nothing_that_is_held() -> None:
    held = np.arange(1_000_000, dtype="float64")
    text = pa.array([str(i) for i in range(100_000)])
    garbage = np.ones(5_000_000)
    del garbage
    release_freed_memory()
    assert held.sum() == 499999500000.0
    assert text[99_999].as_py() == "99999"


def test_nullable_is_astype_float64_without_the_copy() -> None:
    numbers = pd.Series([1.5, np.nan, -0.0, 1e300, 7.0], index=[2, 3, 5, 8, 9], name="value")
    got = _nullable(numbers, writable=False)
    pd.testing.assert_series_equal(got, numbers.astype("Float64"))
    assert np.shares_memory(got.array._data, numbers.to_numpy())


def test_nullable_of_read_only_numbers_is_copied_only_when_it_must_be_written() -> None:
    data = np.array([1.0, np.nan, 3.0])
    data.flags.writeable = False
    numbers = pd.Series(data, copy=False)
    kept = _nullable(numbers, writable=False)
    assert np.shares_memory(kept.array._data, data)
    written = _nullable(numbers, writable=True)
    written.iloc[1] = 2.0
    assert list(written) == [1.0, 2.0, 3.0]
    assert np.isnan(data[1])  # the numbers themselves are untouched
