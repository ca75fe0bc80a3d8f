"""Tier 1: what a published figure stands for (intervals by written precision)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_series_equal

from jdcli.formatting import round_half_up
from jdcli.metrics.precision import (
    change_consistent,
    change_pct_bounds,
    decimals_written,
    difference_bounds,
    figure_bounds,
    overlaps,
    ratio_bounds,
    split_approximate,
)


def s(values: list[object], dtype: str = "Float64") -> pd.Series:
    return pd.Series(values, dtype=dtype)


def test_split_approximate_markers() -> None:
    text, marked = split_approximate(
        pd.Series(["~55", "约 1,200", "15", None, "≈3.5%"], dtype="object")
    )
    assert text.tolist()[:3] == ["55", "1,200", "15"]
    assert pd.isna(text.iloc[3])
    assert text.iloc[4] == "3.5%"
    assert marked.tolist() == [True, True, False, False, True]


def test_decimals_written() -> None:
    places = decimals_written(
        pd.Series(["12.5", "12.50%", "15", "-40", "１２．５", None, "n/a"], dtype="object")
    )
    assert places.tolist()[:5] == [1, 2, 0, 0, 1]
    assert places.isna().tolist()[5:] == [True, True]


def test_levels_with_decimals_stand_for_what_rounds_to_them() -> None:
    low, high = figure_bounds(
        s([12.5, 15.0, 55.0]), s([1, 0, 0], "Int64"), approximate=s([False, False, True], "boolean")
    )
    assert low.tolist() == pytest.approx([12.45, 15.0, 54.5])
    assert high.tolist() == pytest.approx([12.55, 15.0, 55.5])


def test_reported_changes_always_stand_for_a_range() -> None:
    low, high = figure_bounds(s([-40.0, -19.2]), s([0, 1], "Int64"), exact_integers=False)
    assert low.tolist() == pytest.approx([-40.5, -19.25])
    assert high.tolist() == pytest.approx([-39.5, -19.15])


def test_change_pct_bounds_and_the_issue_example() -> None:
    low, high = change_pct_bounds(s([12.45]), s([12.55]), s([10.05]), s([10.15]))
    assert low.iloc[0] == pytest.approx(-19.920318725)
    assert high.iloc[0] == pytest.approx(-18.473895582)
    verdict = change_consistent(
        s([12.5, 12.5]),
        s([1, 1], "Int64"),
        s([10.1, 10.1]),
        s([1, 1], "Int64"),
        s([-19.2, -17.0]),
        s([1, 0], "Int64"),
    )
    assert verdict.tolist() == [True, False]


def test_exact_integer_counts_are_strict_and_approximate_ones_are_not() -> None:
    # 25 → 15 is exactly −40%; 25 → 16 is −36%, outside −40 ± 0.5 unless 16 is approximate.
    exact = change_consistent(
        s([25.0, 25.0]),
        s([0, 0], "Int64"),
        s([15.0, 16.0]),
        s([0, 0], "Int64"),
        s([-40.0, -40.0]),
        s([0, 0], "Int64"),
    )
    assert exact.tolist() == [True, False]
    loose = change_consistent(
        s([25.0]),
        s([0], "Int64"),
        s([16.0]),
        s([0], "Int64"),
        s([-37.0]),
        s([0], "Int64"),
        value_approximate=True,
    )
    assert loose.tolist() == [True]


def test_unknown_or_unusable_figures_are_not_checked() -> None:
    verdict = change_consistent(
        s([0.0, None, -5.0]),
        s([0, 0, 0], "Int64"),
        s([3.0, 3.0, 3.0]),
        s([0, 0, 0], "Int64"),
        s([10.0, 10.0, 10.0]),
        s([0, 0, 0], "Int64"),
    )
    assert verdict.isna().all()


def test_ratio_and_difference_bounds() -> None:
    low, high = ratio_bounds(s([7020.0]), s([7020.0]), s([7654.0]), s([7654.0]))
    assert low.iloc[0] == high.iloc[0] == pytest.approx(0.9171674941)
    low, high = difference_bounds(s([1.475]), s([1.485]), s([1.85]), s([1.95]))
    assert (low.iloc[0], high.iloc[0]) == pytest.approx((0.365, 0.475))


def test_overlaps_is_closed_and_na_aware() -> None:
    result = overlaps(
        s([1.0, 1.0, None]), s([2.0, 2.0, 1.0]), s([2.0, 2.1, 0.0]), s([3.0, 3.0, 1.0])
    )
    assert_series_equal(result, pd.Series([True, False, pd.NA], dtype="boolean"))


@given(st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False), st.integers(0, 3))
def test_a_rounded_figure_covers_the_true_value(true: Decimal, places: int) -> None:
    """Whatever rounds (half-up) to the printed figure lies within the figure's interval."""
    printed = float(round_half_up(float(true), places))
    low, high = figure_bounds(s([printed]), s([places], "Int64"), exact_integers=False)
    assert low.iloc[0] - 1e-9 <= float(true) <= high.iloc[0] + 1e-9


@given(st.integers(1, 10_000), st.integers(0, 10_000), st.integers(0, 2))
def test_a_change_rounded_from_exact_levels_is_always_consistent(
    base: int, value: int, places: int
) -> None:
    exact = (value - base) * 100 / base
    printed = float(round_half_up(exact, places))
    verdict = change_consistent(
        s([float(base)]),
        s([0], "Int64"),
        s([float(value)]),
        s([0], "Int64"),
        s([printed]),
        s([places], "Int64"),
    )
    assert verdict.iloc[0]
