"""Tier 1: the one rounding rule (what a written figure stands for, when figures agree), and
reading how a figure is written."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal, assert_series_equal

from jdcli.loading.figures import parse_figure, written_precision
from jdcli.metrics import precision
from jdcli.metrics.precision import (
    change_consistent,
    exact,
    half_width,
    input_half_width,
    is_exact,
    stated_interval,
    value_range,
)


def s(values: Sequence[object], dtype: str = "Float64") -> pd.Series:
    return pd.Series(values, dtype=dtype)


def consistent(
    base: list[float],
    base_places: list[int],
    value: list[float],
    value_places: list[int],
    reported: list[float],
    reported_places: list[int],
    *,
    base_approx: list[bool] | None = None,
    value_approx: list[bool] | None = None,
) -> list[object]:
    n = len(base)
    verdict: pd.Series = change_consistent(
        s(base),
        s(base_places, "Int64"),
        s(base_approx or [False] * n, "boolean"),
        s(value),
        s(value_places, "Int64"),
        s(value_approx or [False] * n, "boolean"),
        s(reported),
        s(reported_places, "Int64"),
    )
    return list(verdict)


# ---------------------------------------------------------------- reading written figures


def test_written_precision_markers_and_places() -> None:
    cells = ["~55", "约 2,300", "12.50%", None, "n/a", "１２．５", "c. 300", "ca.12", "15", "≈3.5%"]
    result = written_precision(pd.Series(cells, dtype="object"))
    expected = pd.DataFrame(
        {
            "number": ["55", "2,300", "12.50%", None, "n/a", "１２．５", "300", "12", "15", "3.5%"],
            "approx": [True, True, False, False, False, False, True, True, False, True],
            "places": pd.array([0, -2, 2, pd.NA, pd.NA, 1, -2, 0, 0, 1], dtype="Int64"),
        }
    )
    expected["number"] = expected["number"].astype(result["number"].dtype)
    assert_frame_equal(result, expected)


FIGURE_CELLS = st.sampled_from(
    ["~55", "约 2,300", "12.50%", "n/a", "１２．５", "c. 300", " 15 ", "15", "", "-3.0", "≈3.5%"]
)


@given(st.lists(st.one_of(FIGURE_CELLS, st.none()), max_size=30))
def test_written_precision_reads_each_row_as_that_cell_alone(cells: list[str | None]) -> None:
    """Cells are read once per distinct text: every row gets what its cell gives alone."""
    result = written_precision(pd.Series(cells, dtype="str", index=range(5, 5 + len(cells))))
    assert list(result.index) == list(range(5, 5 + len(cells)))
    assert list(result.dtypes.astype(str)) == ["str", "bool", "Int64"]
    for cell, (_, row) in zip(cells, result.iterrows(), strict=True):
        if cell is None:
            assert pd.isna(row["number"]) and not row["approx"] and pd.isna(row["places"])
            continue
        alone = written_precision(pd.Series([cell], dtype="object")).iloc[0]
        assert row["number"] == alone["number"]
        assert row["approx"] == alone["approx"]
        assert (pd.isna(row["places"]) and pd.isna(alone["places"])) or (
            row["places"] == alone["places"]
        )


@pytest.mark.parametrize("text", ["~2300", "约 1,200.5", "ca. 40", "c. 7", "12.50", "15", "≈0.3"])
def test_the_column_reader_and_the_claim_reader_agree(text: str) -> None:
    """One reader of written precision: a cell and a claim's input read the same."""
    figure = parse_figure(text)
    assert figure is not None
    row = written_precision(pd.Series([text], dtype="object")).iloc[0]
    assert (int(row["places"]), bool(row["approx"])) == (figure.places, figure.approx)


# ---------------------------------------------------------------- primitives


def test_half_widths_and_exact_counts() -> None:
    places = pd.Series([2, 0, -2], dtype=object)
    assert half_width(places).tolist() == [Fraction(1, 200), Fraction(1, 2), Fraction(50)]
    approx = s([False, False, True, True], "boolean")
    places = s([1, 0, 0, -2], "Int64")
    assert is_exact(places, approx).tolist() == [False, True, False, False]
    halves = input_half_width(places, approx).tolist()
    assert halves == [Fraction(1, 20), Fraction(0), Fraction(1, 2), Fraction(50)]


def test_stated_interval_is_half_up_away_from_zero() -> None:
    value = pd.Series([Fraction(40), Fraction(-40), Fraction(0)], dtype=object)
    low, high, low_closed, high_closed = stated_interval(
        value, half_width(pd.Series([0, 0, 0], dtype=object))
    )
    assert low.tolist() == [Fraction(79, 2), Fraction(-81, 2), Fraction(-1, 2)]
    assert high.tolist() == [Fraction(81, 2), Fraction(-79, 2), Fraction(1, 2)]
    assert low_closed.tolist() == [True, False, False]
    assert high_closed.tolist() == [False, True, False]


def test_exact_reads_floats_as_the_decimals_they_were_written_as() -> None:
    result = exact(s([12.45, 0.1, None, 2469.0]))
    assert result.tolist() == [Fraction("12.45"), Fraction("0.1"), None, Fraction(2469)]


def test_value_range_spans_the_corners() -> None:
    one = pd.Series([Fraction(100)], dtype=object)
    value, low, high = value_range(
        "change",
        pd.Series([Fraction("12.5")], dtype=object),
        pd.Series([Fraction("0.05")], dtype=object),
        pd.Series([Fraction("10.1")], dtype=object),
        pd.Series([Fraction("0.05")], dtype=object),
        one,
    )
    assert value.iloc[0] == Fraction(-192, 10)
    assert low.iloc[0] == (Fraction("10.05") / Fraction("12.55") - 1) * 100
    assert high.iloc[0] == (Fraction("10.15") / Fraction("12.45") - 1) * 100


# ---------------------------------------------------------------- change_consistent


def test_the_issue_example() -> None:
    # 12.5 → 10.1 is −19.92% to −18.47%: consistent with a reported −19.2%, not with −17%.
    assert consistent([12.5, 12.5], [1, 1], [10.1, 10.1], [1, 1], [-19.2, -17.0], [1, 0]) == [
        True,
        False,
    ]


def test_the_half_up_boundary_is_exact() -> None:
    # 20000 → 22469 is exactly +12.345%: half-up gives 12.35, never 12.34 (a float tolerance
    # would accept both); the negative side rounds away from zero too.
    assert consistent(
        [20000.0] * 4,
        [0] * 4,
        [22469.0, 22469.0, 17531.0, 17531.0],
        [0] * 4,
        [12.35, 12.34, -12.35, -12.34],
        [2] * 4,
    ) == [True, False, True, False]


def test_exact_counts_are_strict_and_approximate_ones_round_at_their_last_digit() -> None:
    # 25 → 15 is exactly −40%; 25 → 16 is −36%, outside −40 ± 0.5 unless 16 is approximate.
    assert consistent([25.0, 25.0], [0, 0], [15.0, 16.0], [0, 0], [-40.0, -40.0], [0, 0]) == [
        True,
        False,
    ]
    assert consistent([25.0], [0], [16.0], [0], [-37.0], [0], value_approx=[True]) == [True]
    # ~2300 is 2250 to 2350 (rounded to hundreds): 2000 → ~2300 is +12.5% to +17.5%, so
    # +17% agrees (±0.5 around 2300 would not), +18% meets the closed end 17.5 of [17.5,
    # 18.5), and +12% misses 12.5 by the open end of [11.5, 12.5).
    assert consistent(
        [2000.0] * 3,
        [0] * 3,
        [2300.0] * 3,
        [-2] * 3,
        [17.0, 18.0, 12.0],
        [0] * 3,
        value_approx=[True] * 3,
    ) == [True, True, False]


def test_unknown_or_unusable_figures_are_not_checked() -> None:
    verdict = change_consistent(
        s([0.0, None, -5.0, 4.0]),
        s([0, 0, 0, 0], "Int64"),
        s([False] * 4, "boolean"),
        s([3.0, 3.0, 3.0, 3.0]),
        s([0, 0, 0, 0], "Int64"),
        s([False] * 4, "boolean"),
        s([10.0, 10.0, 10.0, None]),
        s([0, 0, 0, 0], "Int64"),
    )
    assert_series_equal(verdict, s([pd.NA] * 4, "boolean"))


# ---------------------------------------------------------------- properties


def half_up(value: Fraction, places: int) -> float:
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    return float(decimal.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


@given(st.integers(1, 10_000), st.integers(0, 10_000), st.integers(0, 3))
def test_a_change_rounded_half_up_from_exact_levels_is_consistent(
    base: int, value: int, places: int
) -> None:
    printed = half_up(Fraction(value - base, base) * 100, places)
    assert consistent([float(base)], [0], [float(value)], [0], [printed], [places]) == [True]


@given(st.integers(1, 10_000), st.integers(0, 10_000), st.integers(0, 3))
def test_one_unit_off_the_half_up_rounding_is_a_mismatch(
    base: int, value: int, places: int
) -> None:
    printed = half_up(Fraction(value - base, base) * 100, places)
    unit = 10.0**-places
    for wrong in (printed - unit, printed + unit):
        wrong = float(round(Decimal(wrong), places))
        assert consistent([float(base)], [0], [float(value)], [0], [wrong], [places]) == [False]


@given(st.integers(1, 10_000), st.integers(0, 10_000), st.integers(0, 2), st.integers(0, 2))
def test_decimals_on_a_level_only_widen_what_agrees(
    base: int, value: int, places: int, level_places: int
) -> None:
    """Writing a level with decimals (12 → 12.0) can only widen its interval."""
    printed = half_up(Fraction(value - base, base) * 100, places)
    assert consistent(
        [float(base)], [level_places], [float(value)], [level_places], [printed], [places]
    ) == [True]


@given(
    st.lists(
        st.tuples(
            st.integers(1, 100_000),  # base, in units of its last place
            st.integers(-1_000, 100_000),  # value, likewise
            st.integers(-2, 2),  # places of the levels
            st.booleans(),  # approximate levels
            st.integers(0, 3),  # places of the reported change
            st.integers(-2, 2),  # the reported change: so many units off the half-up one
        ),
        min_size=1,
        max_size=20,
    )
)
# Halves exactly on a boundary where float64 alone decides wrongly (+57.5%, +127.5%).
@example([(40, 63, 0, False, 0, -1), (40, 63, 0, False, 0, 0), (40, 91, 0, False, 0, 0)])
@example([(20000, 22469, 0, False, 2, -1), (20000, 22469, 0, False, 2, 0)])  # +12.345%
@example([(8, 9, 0, False, 0, -1), (8, 9, 0, False, 1, 0), (3, 1, 1, False, 2, 1)])
@example([(200, 229, 0, False, 1, -1), (1000, 1123, -1, True, 1, 1)])
def test_float_screen_decides_as_the_exact_rule(
    rows: list[tuple[int, int, int, bool, int, int]],
) -> None:
    """Rows decided in float64 (clearly inside or outside) get the exact rule's verdict; the
    rest (on a boundary: one unit off, a half exactly) go the exact way. Reported changes
    are built on and next to the boundary of what rounds half-up to them."""
    base, value, level_places, approx, places, reported = [], [], [], [], [], []
    for a, b, lp, ap, rp, off in rows:
        unit = Fraction(10) ** -lp
        exact_a, exact_b = a * unit, b * unit
        printed = half_up((exact_b / exact_a - 1) * 100, rp) + off * 10.0**-rp
        base.append(float(exact_a))
        value.append(float(exact_b))
        level_places.append(max(lp, 0) if not ap else lp)
        approx.append(ap)
        places.append(rp)
        reported.append(float(round(Decimal(printed), rp)))
    args = (base, level_places, value, level_places, reported, places)
    screened = consistent(*args, base_approx=approx, value_approx=approx)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(precision, "SCREEN_TOLERANCE", math.inf)  # nothing decided in floats
        exact_only = consistent(*args, base_approx=approx, value_approx=approx)
    assert screened == exact_only
