"""Tier 1: the occupancy metric as a pure function (assert_frame_equal) and its properties."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from jdcli.metrics.occupancy import (
    latest_census,
    occupancy_band,
    occupancy_pct,
    occupancy_rate,
    period_labels,
)


def census(rows: list[tuple[str, str, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["facility", "region", "capacity", "occupied"])
    return frame.astype(
        {"facility": "str", "region": "str", "capacity": "Float64", "occupied": "Float64"}
    )


def test_guangzhou_reference_case() -> None:
    rows = census([("全市", "广州市", 7654, 7020)])
    result = occupancy_rate(rows, ["facility"], unit=["facility"])
    expected = pd.DataFrame(
        {
            "facility": pd.Series(["全市"], dtype="str"),
            "capacity": pd.Series([7654.0], dtype="Float64"),
            "occupied": pd.Series([7020.0], dtype="Float64"),
            "occupancy_pct": pd.Series([7020 / 7654 * 100], dtype="Float64"),
            "free": pd.Series([634.0], dtype="Float64"),
            "band": pd.Series(["high"], dtype="str"),
        }
    )
    assert_frame_equal(result, expected)


def test_total_is_ratio_of_totals_not_mean_of_rates() -> None:
    rows = census([("A", "north", 100, 90), ("B", "north", 10, 10)])
    result = occupancy_rate(rows, ["facility"], unit=["facility"])
    assert list(result["facility"]) == ["A", "B", "Total"]
    total = result.iloc[-1]
    assert total["capacity"] == 110 and total["occupied"] == 100
    assert total["occupancy_pct"] == pytest.approx(100 / 110 * 100)
    assert total["occupancy_pct"] != pytest.approx(95.0)


def test_group_by_region_adds_facilities() -> None:
    rows = census([("A", "north", 100, 90), ("B", "north", 50, 60), ("C", "south", 20, 5)])
    result = occupancy_rate(rows, ["region"], unit=["facility"])
    expected = pd.DataFrame(
        {
            "region": pd.Series(["north", "south", "Total"], dtype="str"),
            "units": pd.Series([2, 1, 3], dtype="Int64"),
            "capacity": pd.Series([150.0, 20.0, 170.0], dtype="Float64"),
            "occupied": pd.Series([150.0, 5.0, 155.0], dtype="Float64"),
            "occupancy_pct": pd.Series([100.0, 25.0, 155 / 170 * 100], dtype="Float64"),
            "free": pd.Series([0.0, 15.0, 15.0], dtype="Float64"),
            "band": pd.Series(["critical", "normal", "high"], dtype="str"),
        }
    )
    assert_frame_equal(result, expected)


def test_over_capacity_is_shown_not_clipped_and_free_is_negative() -> None:
    result = occupancy_rate(census([("A", "x", 100, 130)]), ["facility"], unit=["facility"])
    assert result.loc[0, "occupancy_pct"] == pytest.approx(130.0)
    assert result.loc[0, "free"] == -30
    assert result.loc[0, "band"] == "over"


def test_zero_capacity_is_undefined_never_zero_or_inf() -> None:
    result = occupancy_rate(
        census([("A", "x", 0, 0), ("B", "x", 0, 3), ("C", "x", 10, 5)]),
        ["facility"],
        unit=["facility"],
        total=False,
    )
    assert result["occupancy_pct"].isna().tolist() == [True, True, False]
    assert result["band"].tolist() == ["no capacity", "over", "normal"]


@pytest.mark.parametrize(
    ("capacity", "occupied", "band"),
    [
        (100, 84, "normal"),
        (20, 17, "high"),  # exactly 85%: 17/20*100 is 85.00000000000001 in floats
        (100, 91, "high"),
        (25, 23, "critical"),  # exactly 92%
        (100, 100, "critical"),
        (100, 101, "over"),
        (3, 0, "normal"),
    ],
)
def test_band_limits_are_exact(capacity: int, occupied: int, band: str) -> None:
    labels = occupancy_band(
        pd.Series([float(capacity)]), pd.Series([float(occupied)]), (85, 92, 100)
    )
    assert labels.tolist() == [band]


def test_custom_bands() -> None:
    labels = occupancy_band(pd.Series([100.0]), pd.Series([80.0]), (70, 75, 90))
    assert labels.tolist() == ["critical"]


def test_missing_values_give_undefined_rate() -> None:
    pct = occupancy_pct(
        pd.Series([None, 10.0], dtype="Float64"), pd.Series([5.0, None], dtype="Float64")
    )
    assert pct.isna().tolist() == [True, True]


def dated(rows: list[tuple[str, str, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["facility", "date", "capacity", "occupied"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.astype({"facility": "str", "capacity": "Float64", "occupied": "Float64"})


def test_daily_reporter_does_not_outweigh_weekly_reporter() -> None:
    daily = [("A", f"2018-01-{d:02d}", 100, 100) for d in range(1, 32)]
    weekly = [("B", f"2018-01-{d:02d}", 100, 50) for d in (1, 8, 15, 22, 29)]
    rows = dated(daily + weekly)
    rows["period"] = period_labels(rows["date"], "month")
    result = occupancy_rate(rows, [], unit=["facility"], period="period", instant="date")
    # Each facility contributes its average census: (100 + 50) / (100 + 100).
    assert result["period"].tolist() == ["2018-01"]
    assert result.loc[0, "occupied"] == 150
    assert result.loc[0, "occupancy_pct"] == pytest.approx(75.0)


def test_rows_of_one_facility_on_one_date_add_up() -> None:
    rows = dated(
        [("A", "2018-01-01", 10, 5), ("A", "2018-01-01", 10, 5), ("A", "2018-01-02", 20, 20)]
    )
    rows["period"] = period_labels(rows["date"], "month")
    result = occupancy_rate(rows, ["facility"], unit=["facility"], period="period", instant="date")
    # Day 1: 20 beds, 10 held; day 2: 20 beds, 20 held → average 20 beds, 15 held.
    assert result.loc[0, "capacity"] == 20
    assert result.loc[0, "occupied"] == 15


def test_total_row_per_period() -> None:
    rows = dated(
        [
            ("A", "2018-01-05", 10, 5),
            ("B", "2018-01-05", 10, 10),
            ("A", "2018-02-05", 10, 10),
            ("B", "2018-02-05", 10, 10),
        ]
    )
    rows["period"] = period_labels(rows["date"], "month")
    result = occupancy_rate(rows, ["facility"], unit=["facility"], period="period", instant="date")
    assert result[["facility", "period"]].to_numpy().tolist() == [
        ["A", "2018-01"],
        ["B", "2018-01"],
        ["Total", "2018-01"],
        ["A", "2018-02"],
        ["B", "2018-02"],
        ["Total", "2018-02"],
    ]
    assert result["occupancy_pct"].tolist() == pytest.approx([50, 100, 75, 100, 100, 100])


def test_period_labels() -> None:
    dates = pd.Series(pd.to_datetime(["2018-05-31", "2018-11-02"]))
    assert period_labels(dates, "month").tolist() == ["2018-05", "2018-11"]
    assert period_labels(dates, "quarter").tolist() == ["2018Q2", "2018Q4"]
    assert period_labels(dates, "year").tolist() == ["2018", "2018"]


def test_latest_census_as_of() -> None:
    rows = dated(
        [
            ("A", "2018-05-01", 10, 5),
            ("A", "2018-05-20", 10, 8),
            ("A", "2018-06-01", 10, 10),
            ("B", "2018-04-30", 20, 20),
        ]
    )
    latest = latest_census(rows, pd.Timestamp("2018-05-31"), unit=["facility"])
    result = occupancy_rate(latest, ["facility"], unit=["facility"])
    assert result["facility"].tolist() == ["A", "B", "Total"]
    assert result["latest_date"].tolist() == ["2018-05-20", "2018-04-30", "2018-05-20"]
    assert result["occupied"].tolist() == [8, 20, 28]


def test_bed_days_add_up() -> None:
    rows = pd.DataFrame(
        {
            "facility": ["A", "B"],
            "capacity_days": [3100.0, 310.0],
            "occupied_days": [2790.0, 310.0],
        }
    ).astype({"facility": "str", "capacity_days": "Float64", "occupied_days": "Float64"})
    result = occupancy_rate(rows, ["facility"], unit=["facility"])
    assert list(result.columns) == [
        "facility",
        "units",
        "capacity_days",
        "occupied_days",
        "occupancy_pct",
        "free_days",
        "band",
    ]
    assert result.iloc[-1]["occupancy_pct"] == pytest.approx(3100 / 3410 * 100)
    assert result["units"].tolist() == [1, 1, 2]


# ------------------------------------------------------------------ properties

facility_rows = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C", "D"]),
        st.sampled_from(["north", "south"]),
        st.integers(min_value=0, max_value=10_000),
        st.integers(min_value=0, max_value=12_000),
    ),
    min_size=1,
    max_size=30,
)


@given(facility_rows, st.randoms(use_true_random=False))
def test_shuffling_rows_changes_nothing(rows: list[tuple[str, str, int, int]], rnd) -> None:  # type: ignore[no-untyped-def]
    frame = census([(f, r, float(c), float(o)) for f, r, c, o in rows])
    shuffled = frame.sample(frac=1.0, random_state=rnd.randint(0, 2**31)).reset_index(drop=True)
    for by in (["facility"], ["region"], []):
        assert_frame_equal(
            occupancy_rate(frame, by, unit=["facility"]),
            occupancy_rate(shuffled, by, unit=["facility"]),
        )


@given(facility_rows, st.integers(min_value=0, max_value=30))
def test_splitting_input_changes_nothing(rows: list[tuple[str, str, int, int]], cut: int) -> None:
    frame = census([(f, r, float(c), float(o)) for f, r, c, o in rows])
    parts = pd.concat([frame.iloc[:cut], frame.iloc[cut:]], ignore_index=True)
    assert_frame_equal(occupancy_rate(frame, ["region"]), occupancy_rate(parts, ["region"]))


@given(facility_rows)
def test_total_is_sum_over_sum(rows: list[tuple[str, str, int, int]]) -> None:
    frame = census([(f, r, float(c), float(o)) for f, r, c, o in rows])
    result = occupancy_rate(frame, ["facility"], unit=["facility"])
    groups = result[result["facility"] != "Total"]
    capacity = float(frame["capacity"].sum())
    occupied = float(frame["occupied"].sum())
    overall = result.iloc[-1] if len(groups) > 1 else groups.iloc[0]
    assert overall["capacity"] == capacity and overall["occupied"] == occupied
    if capacity > 0:
        assert overall["occupancy_pct"] == pytest.approx(occupied / capacity * 100)
    else:
        assert pd.isna(overall["occupancy_pct"])
    numeric = result[["capacity", "occupied", "occupancy_pct", "free"]].astype("float64")
    assert not numeric.isin([float("inf"), float("-inf")]).any().any()
