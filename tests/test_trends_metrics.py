"""Tier 1: the period-change engine (pure pandas), by example and by property."""

from __future__ import annotations

import datetime
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal, assert_series_equal

from jdcli.metrics.trends import (
    PeriodError,
    combined_flags,
    complete_with_reported,
    cumulative_change,
    format_periods,
    index_bases,
    index_to,
    parse_periods,
    period_change,
    reported_consistency,
    series_ids,
    trend_summary,
)


def frame(rows: list[tuple[str, str, float | None]], start: int = 2) -> pd.DataFrame:
    """Rows (metric, period, value) with file line numbers as the index."""
    result = pd.DataFrame(rows, columns=["metric", "period", "value"])
    result["value"] = result["value"].astype("Float64")
    result.index = pd.Index(range(start, start + len(rows)), name="line")
    return result


# ------------------------------------------------------------------ parse_periods


@pytest.mark.parametrize(
    ("label", "ordinal", "freq"),
    [
        ("2017", 2017, "year"),
        ("2017年", 2017, "year"),
        ("２０１７", 2017, "year"),
        ("2017H2", 2017 * 2 + 1, "half"),
        ("2017年上半年", 2017 * 2, "half"),
        ("2017Q2", 2017 * 4 + 1, "quarter"),
        ("2017-Q4", 2017 * 4 + 3, "quarter"),
        ("Q1 2018", 2018 * 4, "quarter"),
        ("2017年第二季度", 2017 * 4 + 1, "quarter"),
        ("2017-05", 2017 * 12 + 4, "month"),
        ("2017/5", 2017 * 12 + 4, "month"),
        ("2017年12月", 2017 * 12 + 11, "month"),
        ("1970-01-02", 1, "day"),
        ("2017年5月31日", (pd.Timestamp("2017-05-31") - pd.Timestamp("1970-01-01")).days, "day"),
    ],
)
def test_parse_periods_recognises_labels(label: str, ordinal: int, freq: str) -> None:
    ordinals, freqs = parse_periods(pd.Series([label], index=[5]))
    assert ordinals.loc[5] == ordinal
    assert freqs.loc[5] == freq


@pytest.mark.parametrize("label", ["2017-13", "2017-02-30", "last year", "17", "2017Q5", ""])
def test_parse_periods_rejects_bad_labels_naming_the_line(label: str) -> None:
    with pytest.raises(PeriodError) as caught:
        parse_periods(pd.Series(["2016", label], index=[2, 3]))
    assert caught.value.lines == (3,)
    assert str(caught.value).startswith("line 3: ")


def test_parse_periods_insists_on_a_given_frequency() -> None:
    with pytest.raises(PeriodError, match=r"line 3: period '2017-05' is a month, not a year"):
        parse_periods(pd.Series(["2016", "2017-05"], index=[2, 3]), freq="year")


# ------------------------------------------------------------------ period_change by example


def test_yoy_change_first_gap_and_sorting() -> None:
    rows = frame(
        [("a", "2021", 60.0), ("a", "2017", 100.0), ("a", "2018", 80.0), ("a", "2019", 50.0)]
    )
    result = period_change(rows, ["metric"])
    expected = rows.loc[[3, 4, 5, 2]].copy()
    expected["base_period"] = pd.Series(
        [np.nan, "2017", "2018", np.nan], index=expected.index, dtype="str"
    )
    expected["base_value"] = pd.array([pd.NA, 100.0, 80.0, pd.NA], dtype="Float64")
    expected["change"] = pd.array([pd.NA, -20.0, -30.0, pd.NA], dtype="Float64")
    expected["change_pct"] = pd.array([pd.NA, -20.0, -37.5, pd.NA], dtype="Float64")
    expected["change_pp"] = pd.array([pd.NA] * 4, dtype="Float64")
    expected["flag"] = pd.Series(
        ["first", np.nan, np.nan, "gap"], index=expected.index, dtype="str"
    )
    assert_frame_equal(result, expected)


def test_zero_and_negative_base() -> None:
    rows = frame(
        [("a", "2016", 0.0), ("a", "2017", 5.0), ("b", "2016", -50.0), ("b", "2017", -25.0)]
    )
    result = period_change(rows, ["metric"]).set_index("period", append=True)
    assert pd.isna(result["change_pct"].iloc[1])
    assert result["change"].iloc[1] == 5.0
    assert result["flag"].iloc[1] == "zero base"
    # A net balance rising from −50 to −25 went up by half of its size.
    assert result["change_pct"].iloc[3] == 50.0
    assert result["flag"].iloc[3] == "negative base"


def test_rate_change_in_percentage_points() -> None:
    rows = frame([("share", "2016", 1.48), ("share", "2017", 1.9)])
    result = period_change(rows, ["metric"], rate=True)
    assert result["change_pp"].iloc[1] == pytest.approx(0.42)
    assert result["change_pct"].iloc[1] == pytest.approx(28.378378, rel=1e-6)
    mixed = period_change(
        pd.concat([rows, frame([("n", "2016", 10.0), ("n", "2017", 12.0)], start=9)]),
        ["metric"],
        rate=pd.Series([True, True, False, False], index=[2, 3, 9, 10]),
    )
    assert mixed["change_pp"].isna().tolist() == [True, True, True, False]


def test_monthly_yoy_compares_the_same_month_and_prev_the_previous_month() -> None:
    rows = frame([("a", "2016-05", 10.0), ("a", "2017-04", 11.0), ("a", "2017-05", 12.0)])
    yoy = period_change(rows, ["metric"])
    assert yoy["base_period"].tolist()[-1] == "2016-05"
    assert pd.isna(yoy["base_period"].iloc[1])
    assert yoy["flag"].iloc[1] == "first"
    prev = period_change(rows, ["metric"], compare="prev")
    assert prev["base_period"].iloc[2] == "2017-04"
    assert prev["flag"].tolist()[:2] == ["first", "gap"]


def test_quarter_and_daily_yoy() -> None:
    quarters = period_change(
        frame([("a", "2016Q2", 4.0), ("a", "2017Q1", 1.0), ("a", "2017Q2", 5.0)]), []
    )
    assert quarters["base_period"].iloc[2] == "2016Q2"
    days = period_change(
        frame([("a", "2016-02-29", 4.0), ("a", "2017-02-28", 1.0), ("a", "2020-02-29", 2.0)]), []
    )
    assert days["base_period"].isna().all()  # 28 Feb ≠ 29 Feb; 2019-02-29 does not exist
    assert days["flag"].tolist() == ["first", "first", "gap"]


def test_labels_of_one_period_written_differently_are_duplicates() -> None:
    with pytest.raises(PeriodError) as caught:
        period_change(
            frame([("a", "2017-05", 1.0), ("b", "2017-05", 1.0), ("a", "2017/5", 2.0)]), ["metric"]
        )
    assert caught.value.lines == (2, 4)
    assert "line 2 and line 4: duplicate period '2017-05' for metric=a" in str(caught.value)


def test_mixed_frequencies_in_one_series_name_both_lines() -> None:
    with pytest.raises(PeriodError) as caught:
        period_change(
            frame([("a", "2016", 1.0), ("b", "2017-05", 1.0), ("a", "2017Q1", 2.0)]), ["metric"]
        )
    assert caught.value.lines == (2, 4)
    assert "mixed frequencies" in str(caught.value)
    # Different series may have different frequencies.
    result = period_change(frame([("a", "2016", 1.0), ("b", "2017-05", 1.0)]), ["metric"])
    assert result["flag"].tolist() == ["first", "first"]


def test_missing_values_are_flagged_not_zero() -> None:
    result = period_change(
        frame([("a", "2016", None), ("a", "2017", 5.0), ("a", "2018", None)]), []
    )
    assert result["flag"].tolist() == ["missing value", "missing base", "missing value"]
    assert result["change"].isna().all()


def test_no_keys_and_other_column_names() -> None:
    rows = pd.DataFrame({"yr": ["2018", "2017"], "n": [3, 2]}, index=[3, 2])
    result = period_change(rows, [], period="yr", value="n")
    assert result.index.tolist() == [2, 3]
    assert result["change"].tolist()[1] == 1.0


# ------------------------------------------------------------------ properties

YEARS = st.lists(st.integers(2000, 2015), unique=True, min_size=1, max_size=12)


@st.composite
def yearly_series(draw: st.DrawFn) -> pd.DataFrame:
    """Up to three series with random (gappy) years and values including zeros and negatives."""
    parts = []
    for name in draw(
        st.lists(st.sampled_from(["x", "y", "z"]), unique=True, min_size=1, max_size=3)
    ):
        years = draw(YEARS)
        values = draw(st.lists(st.integers(-50, 500), min_size=len(years), max_size=len(years)))
        parts.extend((name, str(y), float(v)) for y, v in zip(years, values, strict=True))
    return frame(parts)


def slow_reference(rows: pd.DataFrame) -> pd.DataFrame:
    """The obvious self-join: each row with the row of the same metric one year earlier."""
    earlier = rows.assign(year=rows["period"].astype(int) + 1)[
        ["metric", "year", "period", "value"]
    ]
    joined = (
        rows.assign(year=rows["period"].astype(int))
        .reset_index()
        .merge(earlier, on=["metric", "year"], how="left", suffixes=("", "_base"))
    )
    return joined.set_index("line")


@given(yearly_series(), st.randoms())
def test_shuffling_rows_changes_nothing(rows: pd.DataFrame, rnd: object) -> None:
    order = list(rows.index)
    rnd.shuffle(order)  # type: ignore[attr-defined]
    assert_frame_equal(period_change(rows.loc[order], ["metric"]), period_change(rows, ["metric"]))


@given(yearly_series())
def test_equals_slow_reference_self_join(rows: pd.DataFrame) -> None:
    result = period_change(rows, ["metric"])
    reference = slow_reference(rows).loc[result.index]
    assert_series_equal(
        result["base_value"], reference["value_base"].astype("Float64"), check_names=False
    )
    assert (result["base_period"].fillna("") == reference["period_base"].fillna("")).all()
    expected_pct = (
        (reference["value"] - reference["value_base"]) / reference["value_base"].abs() * 100
    )
    expected_pct = expected_pct.where(reference["value_base"] != 0).astype("Float64")
    assert_series_equal(result["change_pct"], expected_pct, check_names=False)


@given(yearly_series())
def test_value_is_base_times_one_plus_change(rows: pd.DataFrame) -> None:
    result = period_change(rows, ["metric"])
    positive = result.loc[(result["base_value"] > 0).fillna(False)]
    rebuilt = positive["base_value"] * (1 + positive["change_pct"] / 100)
    assert np.allclose(rebuilt.to_numpy(dtype=float), positive["value"].to_numpy(dtype=float))


@given(yearly_series(), st.sampled_from(["yoy", "prev"]))
def test_gaps_are_never_bridged(rows: pd.DataFrame, compare: str) -> None:
    result = period_change(rows, ["metric"], compare=compare)
    compared = result.loc[result["base_period"].notna()]
    assert (compared["period"].astype(int) - compared["base_period"].astype(int) == 1).all()
    present = set(zip(rows["metric"], rows["period"].astype(int), strict=True))
    for metric, period, flag in zip(
        result["metric"], result["period"].astype(int), result["flag"], strict=True
    ):
        has_base = (metric, period - 1) in present
        assert (flag in ("first", "gap")) == (not has_base)


@given(
    st.lists(
        st.tuples(st.integers(2010, 2014), st.integers(1, 12)), unique=True, min_size=1, max_size=30
    ),
    st.data(),
)
def test_monthly_yoy_compares_same_month_a_year_earlier(
    months: list[tuple[int, int]], data: st.DataObject
) -> None:
    rows = frame([("m", f"{y}-{m:02d}", float(data.draw(st.integers(1, 99)))) for y, m in months])
    result = period_change(rows, ["metric"])
    compared = result.loc[result["base_period"].notna()]
    for period, base in zip(compared["period"], compared["base_period"], strict=True):
        assert base == f"{int(period[:4]) - 1}{period[4:]}"
    present = {(y, m) for y, m in months}
    expected = sum((y - 1, m) in present for y, m in months)
    assert len(compared) == expected


# ------------------------------------------------------------------ reported changes


def reported_frame(rows: list[tuple[str, str, float | None, float | None]]) -> pd.DataFrame:
    result = pd.DataFrame(rows, columns=["metric", "period", "value", "reported_change_pct"])
    result = result.astype({"value": "Float64", "reported_change_pct": "Float64"})
    result.index = pd.Index(range(2, 2 + len(rows)), name="line")
    return result


def test_changes_only_are_chained_into_an_index() -> None:
    rows = reported_frame([("vol", "2016", None, -14.0), ("vol", "2017", None, -16.0)])
    result = complete_with_reported(rows, ["metric"])
    assert result["period"].tolist() == ["2016", "2017", "2015"]
    assert result["value"].tolist() == [86.0, 72.24, 100.0]
    assert result["origin"].tolist() == ["chained", "chained", "index base"]
    assert result["index_base"].tolist() == ["2015"] * 3
    assert result.index.tolist()[2] < 0  # an added row has no file line
    changes = period_change(result, ["metric"], carry=["origin"])
    assert changes["change_pct"].tolist()[1:] == pytest.approx([-14.0, -16.0])
    cumulative = cumulative_change(changes, ["metric"])
    assert cumulative.loc[3] == pytest.approx(-27.76)
    assert pd.isna(cumulative.iloc[0])


def test_a_single_level_derives_the_others() -> None:
    rows = reported_frame([("labs", "2017", 15.0, -40.0)])
    result = complete_with_reported(rows, ["metric"])
    assert result["value"].tolist() == [15.0, 25.0]
    assert result["origin"].tolist() == ["level", "derived"]
    assert result["period"].tolist() == ["2017", "2016"]
    forwards = complete_with_reported(
        reported_frame(
            [("n", "2015", 50.0, None), ("n", "2016", None, 10.0), ("n", "2017", None, -10.0)]
        ),
        ["metric"],
    )
    assert forwards["value"].tolist() == pytest.approx([50.0, 55.0, 49.5])
    assert forwards["origin"].tolist() == ["level", "derived", "derived"]


def test_several_levels_are_never_filled_in() -> None:
    rows = reported_frame(
        [("x", "2015", 10.0, None), ("x", "2016", None, 5.0), ("x", "2017", 12.0, 3.0)]
    )
    result = complete_with_reported(rows, ["metric"])
    assert_frame_equal(result.drop(columns=["origin", "index_base"]), rows)
    assert result["origin"].tolist() == ["level", np.nan, "level"]


def test_consistency_check_and_flags() -> None:
    rows = reported_frame(
        [
            ("a", "2015", 12.5, None),
            ("a", "2016", 10.1, -19.2),
            ("a", "2017", 9.0, -17.0),
            ("b", "2017", 15.0, -40.0),
        ]
    )
    rows["value_places"] = pd.array([1, 1, 0, 0], dtype="Int64")
    rows["value_approximate"] = False
    rows["reported_places"] = pd.array([pd.NA, 1, 0, 0], dtype="Int64")
    completed = complete_with_reported(rows, ["metric"])
    changes = period_change(
        completed, ["metric"], carry=["origin", "value_places", "value_approximate"]
    )
    verdict = reported_consistency(changes)
    assert verdict.loc[[3, 4]].tolist() == [True, False]
    assert pd.isna(verdict.loc[5])  # 15 labs at −40%: the base was derived from that change
    flags = combined_flags(changes, verdict)
    assert flags.tolist() == ["first", "consistent", "mismatch", "derived", "derived base"]


@st.composite
def reported_series(draw: st.DrawFn) -> pd.DataFrame:
    """A series of consecutive years with reported changes only (one decimal, > −100%)."""
    start = draw(st.integers(2000, 2010))
    changes = draw(st.lists(st.integers(-950, 2000), min_size=1, max_size=8))
    rows = [("s", str(start + i), None, c / 10) for i, c in enumerate(changes)]
    order = draw(st.permutations(range(len(rows))))
    return reported_frame([rows[i] for i in order])


@given(reported_series())
def test_chained_index_reproduces_the_reported_changes(rows: pd.DataFrame) -> None:
    completed = complete_with_reported(rows, ["metric"])
    changes = period_change(completed, ["metric"])
    reported = changes.loc[changes["reported_change_pct"].notna()]
    assert np.allclose(
        reported["change_pct"].to_numpy(dtype=float),
        reported["reported_change_pct"].to_numpy(dtype=float),
    )
    base = changes.loc[changes["origin"].eq("index base")]
    assert base["value"].tolist() == [100.0]
    assert int(base["period"].iloc[0]) == min(int(p) for p in rows["period"]) - 1


# ------------------------------------------------------------------ whole-series measures


def test_summary_years_come_from_labels_and_doublings_from_the_ratio() -> None:
    rows = frame(
        [
            ("a", "2017", 10.0),
            ("a", "2019", 20.0),
            ("a", "2023", 40.0),
            ("r", "2016", 7.8),
            ("r", "2017", 5.3),
        ]
    )
    summary = trend_summary(
        rows, ["metric"], rate=pd.Series([False, False, False, True, True], index=rows.index)
    )
    a, r = summary.iloc[0], summary.iloc[1]
    assert (a["first_period"], a["last_period"], a["years"], a["periods"]) == (
        "2017",
        "2023",
        6.0,
        3,
    )
    assert a["change_pct"] == 300.0
    assert a["doublings"] == 2.0  # 翻两番 = ×4 = two doublings
    assert a["cagr_pct"] == pytest.approx((4 ** (1 / 6) - 1) * 100)
    assert pd.isna(a["change_pp"])
    assert r["change_pp"] == pytest.approx(-2.5)
    quarterly = trend_summary(frame([("q", "2017Q1", 1.0), ("q", "2018Q3", 2.0)]), ["metric"])
    assert quarterly["years"].iloc[0] == 1.5


def test_index_to_a_base_period() -> None:
    rows = frame(
        [
            ("a", "2015", 50.0),
            ("a", "2016", 75.0),
            ("b", "2016", 0.0),
            ("b", "2017", 3.0),
            ("c", "2017", 1.0),
        ]
    )
    index = index_to(rows, ["metric"], "2015")
    assert index.loc[[2, 3]].tolist() == [100.0, 150.0]
    assert index.loc[[4, 5, 6]].isna().all()  # no 2015 value (or a zero one) in b and c


def test_index_bases_one_row_per_series() -> None:
    rows = frame(
        [
            ("b", "2016", 0.0),
            ("a", "2015", 50.0),
            ("a", "2016", 75.0),
            ("b", "2017", 3.0),
            ("c", "2017", 1.0),
        ]
    )
    expected = pd.DataFrame(
        {"metric": ["a", "b", "c"], "base_value": pd.array([75.0, 0.0, None], dtype="Float64")}
    )
    expected["metric"] = expected["metric"].astype("str")
    assert_frame_equal(index_bases(rows, ["metric"], "2016"), expected)
    # Compared as periods: 2016年 is 2016; a month is not a year.
    assert index_bases(rows, ["metric"], "2016年")["base_value"].tolist() == [75.0, 0.0, pd.NA]
    assert index_bases(rows, ["metric"], "2016-01")["base_value"].isna().all()
    assert_frame_equal(
        index_bases(rows.loc[[3, 4]], [], "2015"),
        pd.DataFrame({"base_value": pd.array([50.0], dtype="Float64")}),
    )


def test_format_periods_round_trips() -> None:
    labels = pd.Series(["2017", "2017H2", "2017Q2", "2017-05", "2017-05-31"])
    ordinal, freqs = parse_periods(labels)
    assert format_periods(ordinal, freqs).tolist() == labels.tolist()


@given(yearly_series(), st.sampled_from(["yoy", "prev"]))
def test_splitting_series_changes_nothing(rows: pd.DataFrame, compare: str) -> None:
    whole = period_change(rows, ["metric"], compare=compare)
    parts = pd.concat(
        [
            period_change(part, ["metric"], compare=compare)
            for _, part in rows.groupby("metric", sort=True)
        ]
    )
    assert_frame_equal(parts, whole)


@given(reported_series(), st.integers(1, 5000), st.data())
def test_levels_derived_from_one_level_reproduce_the_reported_changes(
    rows: pd.DataFrame, level: int, data: st.DataObject
) -> None:
    anchor = data.draw(st.sampled_from(list(rows.index)))
    rows = rows.copy()
    rows.loc[anchor, "value"] = float(level)
    completed = complete_with_reported(rows, ["metric"])
    assert completed.loc[anchor, "value"] == level  # a given level is never changed
    assert completed["value"].notna().all()
    changes = period_change(completed, ["metric"])
    reported = changes.loc[changes["reported_change_pct"].notna()]
    assert np.allclose(
        reported["change_pct"].to_numpy(dtype=float),
        reported["reported_change_pct"].to_numpy(dtype=float),
    )


def test_daily_reported_changes_chain_on_the_same_date() -> None:
    rows = reported_frame([("d", "2016-02-28", None, 5.0), ("d", "2017-02-28", None, 3.0)])
    result = complete_with_reported(rows, ["metric"])
    assert result["period"].tolist() == ["2016-02-28", "2017-02-28", "2015-02-28"]
    assert result["value"].tolist() == pytest.approx([105.0, 108.15, 100.0])
    assert result["index_base"].tolist() == ["2015-02-28"] * 3


def test_a_negative_single_level_is_not_scaled() -> None:
    result = complete_with_reported(
        reported_frame([("n", "2016", -5.0, None), ("n", "2017", None, 5.0)]), []
    )
    assert result["value"].isna().tolist() == [False, True]


def test_dates_are_whole_years_apart_on_the_same_day() -> None:
    summary = trend_summary(frame([("d", "2016-02-28", 1.0), ("d", "2018-02-28", 4.0)]), [])
    assert summary["years"].iloc[0] == 2.0
    assert summary["cagr_pct"].iloc[0] == pytest.approx(100.0)


# ------------------------------------------------------------------ the array engine


KEY_VALUES = st.sampled_from(["a", "b", "B", "é", "", None])


@given(
    st.lists(st.tuples(KEY_VALUES, KEY_VALUES), min_size=1, max_size=30),
    st.sampled_from(["str", "object"]),
)
def test_series_ids_number_the_sorted_keys_like_groupby(
    pairs: list[tuple[str | None, str | None]], dtype: str
) -> None:
    rows = pd.DataFrame(pairs, columns=["k1", "k2"], dtype=dtype)
    expected = rows.groupby(["k1", "k2"], sort=True, dropna=False).ngroup().astype("int64")
    assert_series_equal(series_ids(rows, ["k1", "k2"]), expected)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["x", "y"]),
            st.dates(datetime.date(2011, 1, 1), datetime.date(2016, 12, 31)),
            st.one_of(st.none(), st.integers(-5, 50)),
        ),
        min_size=1,
        max_size=25,
        unique_by=lambda row: (row[0], row[1]),
    ),
    st.sampled_from(["yoy", "prev"]),
)
def test_daily_changes_equal_a_date_by_date_reference(
    rows: list[tuple[str, datetime.date, int | None]], compare: str
) -> None:
    data = frame([(m, str(d), None if v is None else float(v)) for m, d, v in rows])
    result = period_change(data, ["metric"], compare=compare)
    known = {(m, d): v for m, d, v in rows}
    firsts = {m: min(d for n, d, _ in rows if n == m) for m, _, _ in rows}
    for metric, day, flag, base in zip(
        result["metric"], result["period"], result["flag"], result["base_period"], strict=True
    ):
        when = pd.Timestamp(day).date()
        if compare == "prev":
            target: datetime.date | None = when - datetime.timedelta(days=1)
        else:
            try:
                target = when.replace(year=when.year - 1)
            except ValueError:  # 29 February: no such day a year earlier
                target = None
        if target is not None and (metric, target) in known:
            assert base == str(target)
            continue
        assert pd.isna(base)
        if known[(metric, when)] is None:
            assert flag == "missing value"
        elif target is None:
            assert flag == ("first" if when == firsts[metric] else "gap")
        else:
            assert flag == ("first" if target < firsts[metric] else "gap")


@given(yearly_series(), st.data())
def test_cumulative_change_equals_a_series_by_series_reference(
    rows: pd.DataFrame, data: st.DataObject
) -> None:
    # Some values missing: the first period *with a value* is the base.
    holes = data.draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
    rows = rows.assign(value=rows["value"].mask(pd.Series(holes, index=rows.index)))
    result = cumulative_change(rows, ["metric"])
    expected = pd.Series(pd.NA, index=rows.index, dtype="Float64")
    for _, series in rows.groupby("metric"):
        ordered = series.assign(year=series["period"].astype(int)).sort_values("year")
        valued = ordered.loc[ordered["value"].notna()]
        if valued.empty or valued["value"].iloc[0] == 0:
            continue
        first = float(valued["value"].iloc[0])
        later = valued.iloc[1:]
        expected.loc[later.index] = (later["value"].astype(float) - first) * 100 / abs(first)
    assert_series_equal(result, expected, check_names=False)
    combined = period_change(rows, ["metric"], cumulative=True)["cumulative_change_pct"]
    assert_series_equal(combined, expected.loc[combined.index], check_names=False)


RUN_KEYS = st.sampled_from(["a", "b", "B", "é", "", None])


@given(
    st.lists(st.tuples(RUN_KEYS, RUN_KEYS, st.integers(1, 6)), min_size=1, max_size=12),
)
def test_series_numbered_by_runs_as_row_by_row(
    runs: list[tuple[str | None, str | None, int]],
) -> None:
    """Keys listed in runs (as a long file lists each series' rows) are numbered once per run:
    the same numbers as factorising every row, and as ``groupby(...).ngroup()``."""
    from jdcli.metrics import trends as engine

    pairs = [(k1, k2) for k1, k2, length in runs for _ in range(length)]
    rows = pd.DataFrame(pairs, columns=["k1", "k2"], dtype="str")
    with (
        mock.patch.object(engine, "_RUN_MIN_ROWS", 1),
        mock.patch.object(engine, "_ROWS_PER_RUN", 1),
    ):
        assert engine._run_starts(rows, ["k1", "k2"]) is not None
        by_runs = engine._series_codes(rows, ["k1", "k2"])
        ids = series_ids(rows, ["k1", "k2"])
    np.testing.assert_array_equal(by_runs, engine._key_codes(rows, ["k1", "k2"]))
    expected = rows.groupby(["k1", "k2"], sort=True, dropna=False).ngroup().astype("int64")
    assert_series_equal(ids, expected)


def test_a_long_sorted_file_changes_as_a_shuffled_one() -> None:
    """Enough rows for the run numbering and the shared 'level' origin: the changes equal
    those of the same rows shuffled (numbered row by row, their order restored)."""
    rng = np.random.default_rng(7)
    regions = [f"R{i:03d}" for i in range(160)]
    metrics = ["m1", "m2", "m3"]
    rows = [
        (r, m, str(year), float(rng.integers(0, 20)))
        for r in regions
        for m in metrics
        for year in range(2010, 2020)
        if rng.random() > 0.1
    ]
    data = pd.DataFrame(rows, columns=["region", "metric", "period", "value"])
    data = data.astype({"region": "str", "metric": "str", "period": "str", "value": "Float64"})
    data.index = pd.RangeIndex(2, 2 + len(data), name="line")
    assert len(data) > 4096
    completed = complete_with_reported(
        data.assign(reported_change_pct=np.nan), ["region", "metric"]
    )
    assert completed["origin"].eq("level").all()
    ordered = period_change(completed, ["region", "metric"], cumulative=True)
    shuffled = completed.sample(frac=1.0, random_state=3)
    again = period_change(shuffled, ["region", "metric"], cumulative=True)
    assert_frame_equal(ordered, again.loc[ordered.index, ordered.columns])
