"""total_rows: a row equal to the sum of the other rows of its group is flagged."""

from __future__ import annotations

import pandas as pd
from pandas.testing import assert_series_equal

from jdcli.metrics.consistency import total_rows


def frame(rows: list[tuple[str, str, float | None, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["facility", "period", "capacity", "occupied"]).astype(
        {"capacity": "Float64", "occupied": "Float64"}
    )


def flags(values: list[bool]) -> pd.Series:
    return pd.Series(values, dtype="bool")


def test_total_row_is_flagged() -> None:
    rows = frame([("A", "1", 1000, 900), ("合计", "1", 1500, 1420), ("B", "1", 500, 520)])
    assert_series_equal(total_rows(rows, ["capacity", "occupied"]), flags([False, True, False]))


def test_every_column_must_match() -> None:
    rows = frame([("A", "1", 1000, 900), ("合计", "1", 1500, 1421), ("B", "1", 500, 520)])
    assert not total_rows(rows, ["capacity", "occupied"]).any()


def test_one_total_per_period() -> None:
    rows = frame(
        [
            ("A", "1", 10, 9),
            ("B", "1", 20, 18),
            ("T", "1", 30, 27),
            ("A", "2", 10, 5),
            ("B", "2", 20, 10),
            ("C", "2", 5, 1),
        ]
    )
    got = total_rows(rows, ["capacity", "occupied"], within=["period"])
    assert_series_equal(got, flags([False, False, True, False, False, False]))
    # across periods no row is the sum of all the others
    assert not total_rows(rows, ["capacity", "occupied"]).any()


def test_two_equal_rows_are_not_a_total() -> None:
    rows = frame([("A", "1", 10, 9), ("B", "1", 10, 9)])
    assert not total_rows(rows, ["capacity", "occupied"]).any()


def test_all_zero_is_not_a_total() -> None:
    rows = frame([("A", "1", 0, 0), ("B", "1", 0, 0), ("C", "1", 0, 0)])
    assert not total_rows(rows, ["capacity", "occupied"]).any()


def test_missing_values_are_never_flagged_nor_summed() -> None:
    rows = frame([("A", "1", 10, 9), ("B", "1", 20, 18), ("T", "1", 30, 27), ("X", "1", None, 4)])
    got = total_rows(rows, ["capacity", "occupied"])
    assert_series_equal(got, flags([False, False, True, False]))


def test_index_is_kept() -> None:
    rows = frame([("A", "1", 1, 1), ("B", "1", 2, 2), ("T", "1", 3, 3)])
    rows.index = pd.Index([2, 5, 9], name="line")
    got = total_rows(rows, ["capacity", "occupied"])
    assert list(got.index) == [2, 5, 9]
    assert got.tolist() == [False, False, True]
