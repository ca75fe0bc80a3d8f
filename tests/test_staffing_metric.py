"""Tier 1: the staffing metrics, frame in and frame out, checked with assert_frame_equal."""

from __future__ import annotations

import math

import hypothesis.strategies as st
import pandas as pd
import pytest
from hypothesis import given
from pandas.testing import assert_frame_equal

from jdcli.metrics.staffing import (
    default_ratio,
    join_base,
    pair_change,
    parts_remainder,
    ratio_column,
    ratio_values,
    staff_needed,
    staffing_ratio,
    undefined_units,
)


def floats(values: list[float | None]) -> pd.Series:
    return pd.Series(values, dtype="Float64")


def strs(values: list[str | None]) -> pd.Series:
    return pd.Series(values, dtype="str")


def test_ratio_column_names() -> None:
    assert ratio_column("share") == "share_pct"
    assert ratio_column("per", 100_000) == "per_100000"
    assert ratio_column("per", 1) == "per_1"
    assert ratio_column("caseload") == "caseload"


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("population", ("per", 100_000)),
        ("clients", ("caseload", 1)),
        ("total_staff", ("share", 1)),
        ("total_police", ("share", 1)),
        ("towns", ("per", 1)),
        ("beds", ("per", 1)),
        ("something_else", None),
    ],
)
def test_default_ratio_from_the_base_meaning(base: str, expected: object) -> None:
    assert default_ratio(base) == expected


def test_ratio_values_undefined_is_na_never_zero_or_inf() -> None:
    staff = floats([471, 5, 0, None, 3])
    base = floats([1427, 0, 0, 10, None])
    share = ratio_values(staff, base, "share")
    assert share.iloc[0] == pytest.approx(471 / 1427 * 100)
    assert share.iloc[1:].isna().all()
    caseload = ratio_values(floats([10, 0]), floats([300, 40]), "caseload")
    assert_frame_equal(caseload.to_frame(), floats([30.0, None]).to_frame())


def test_over_100_percent_is_not_clipped() -> None:
    assert ratio_values(floats([12]), floats([10]), "share").iloc[0] == pytest.approx(120)


def test_share_per_unit_with_total_is_ratio_of_totals() -> None:
    rows = pd.DataFrame(
        {"unit": strs(["A", "B"]), "staff": floats([90, 10]), "total_staff": floats([100, 10])}
    )
    result = staffing_ratio(rows, ["unit"], unit=["unit"], base="total_staff", ratio="share")
    expected = pd.DataFrame(
        {
            "unit": strs(["A", "B", "Total"]),
            "units": pd.Series([1, 1, 2], dtype="Int64"),
            "staff": floats([90, 10, 100]),
            "base": floats([100, 10, 110]),
            "share_pct": floats([90.0, 100.0, 100 / 110 * 100]),
        }
    )
    assert_frame_equal(result, expected)


def test_per_100000_one_total_per_period_never_summing_years() -> None:
    rows = pd.DataFrame(
        {
            "unit": strs(["A", "B", "A", "B"]),
            "period": strs(["2017", "2017", "2018", "2018"]),
            "police": floats([30, 12, 41, 19]),
            "population": floats([2_000_000, 1_000_000, 2_000_000, 1_000_000]),
        }
    )
    result = staffing_ratio(
        rows,
        ["unit"],
        unit=["unit"],
        period="period",
        staff="police",
        base="population",
        ratio="per",
        per=100_000,
    )
    totals = result.loc[result["unit"] == "Total"]
    assert totals["base"].tolist() == [3_000_000, 3_000_000]
    assert totals["per_100000"].tolist() == pytest.approx([42 / 30, 60 / 30])
    assert result["period"].tolist() == ["2017"] * 3 + ["2018"] * 3


def test_zero_base_unit_left_out_of_the_total() -> None:
    rows = pd.DataFrame(
        {"unit": strs(["A", "B"]), "staff": floats([5, 3]), "base": floats([100, 0])}
    )
    result = staffing_ratio(rows, ["unit"], unit=["unit"], ratio="share")
    expected = pd.DataFrame(
        {
            "unit": strs(["A", "B", "Total"]),
            "units": pd.Series([1, 1, 1], dtype="Int64"),  # B is not behind the total
            "staff": floats([5, 3, 5]),
            "base": floats([100, 0, 100]),
            "share_pct": floats([5.0, None, 5.0]),
        }
    )
    assert_frame_equal(result, expected)
    bad = undefined_units(rows, ["unit"], ratio="share")
    assert bad["unit"].tolist() == ["B"]


def test_a_missing_part_leaves_the_unit_unknown_not_smaller() -> None:
    rows = pd.DataFrame(
        {"unit": strs(["A", "A", "B"]), "staff": floats([5, 1, 2]), "base": floats([50, None, 20])}
    )
    result = staffing_ratio(rows, ["unit"], unit=["unit"], ratio="per", per=1)
    assert result["base"].isna().tolist() == [True, False, False]
    assert result["per_1"].isna().tolist() == [True, False, False]
    assert result["per_1"].iloc[2] == pytest.approx(0.1)


def test_caseload_target_shortfall_summed_over_units() -> None:
    rows = pd.DataFrame(
        {
            "unit": strs(["A", "B", "C"]),
            "staff": floats([12, 0, 10]),
            "clients": floats([360, 40, 150]),
        }
    )
    result = staffing_ratio(
        rows, ["unit"], unit=["unit"], base="clients", ratio="caseload", target=30
    )
    expected = pd.DataFrame(
        {
            "unit": strs(["A", "B", "C", "Total"]),
            "units": pd.Series([1, 1, 1, 2], dtype="Int64"),
            "staff": floats([12, 0, 10, 22]),
            "base": floats([360, 40, 150, 510]),
            "caseload": floats([30.0, None, 15.0, 510 / 22]),
            "target": floats([30.0] * 4),
            "staff_needed": floats([12, 2, 5, 19]),
            "shortfall": floats([0, 2, 0, 2]),
            "status": strs(["meets", "short", "meets", "short"]),
        }
    )
    assert_frame_equal(result, expected)


@pytest.mark.parametrize(
    ("base", "kind", "target", "per", "needed"),
    [
        (60, "caseload", 30, 1, 2),  # 60 / 30 = 2 exactly
        (61, "caseload", 30, 1, 3),
        (1000, "share", 1.9, 1, 19),  # 1.9 × 1000 / 100 = 18.999999999999996 in binary
        (100, "share", 1.48, 1, 2),
        (300, "per", 0.7, 100, 3),  # 0.7 × 300 / 100 = 2.0999999999999996
        (1_000_000, "per", 1.1, 100_000, 11),  # 11.000000000000002 in binary
        (0, "share", 5, 1, 0),
    ],
)
def test_staff_needed_ceiling_is_immune_to_float_noise(
    base: float, kind: str, target: float, per: int, needed: int
) -> None:
    result = staff_needed(floats([base]), kind, target, per)  # type: ignore[arg-type]
    assert result.iloc[0] == needed


def test_share_target_total_and_period() -> None:
    rows = pd.DataFrame(
        {
            "region": strs(["x", "y"]),
            "unit": strs(["A", "B"]),
            "police": floats([19, 10]),
            "total_police": floats([1000, 400]),
        }
    )
    result = staffing_ratio(
        rows,
        ["region"],
        unit=["unit"],
        staff="police",
        base="total_police",
        ratio="share",
        target=1.9,
    )
    assert result["staff_needed"].tolist() == [19, 8, 27]
    assert result["shortfall"].tolist() == [0, 0, 0]
    assert result["status"].tolist() == ["meets", "meets", "meets"]


def test_no_keys_gives_one_overall_row_without_total() -> None:
    rows = pd.DataFrame({"staff": floats([1, 2]), "towns": floats([3, 4])})
    result = staffing_ratio(rows, base="towns", ratio="per")
    expected = pd.DataFrame({"staff": floats([3]), "base": floats([7]), "per_1": floats([3 / 7])})
    assert_frame_equal(result, expected)


def test_single_group_period_gets_no_total_row() -> None:
    rows = pd.DataFrame(
        {
            "unit": strs(["A", "B", "A"]),
            "period": strs(["2017", "2017", "2018"]),
            "staff": floats([1, 2, 3]),
            "base": floats([10, 10, 10]),
        }
    )
    result = staffing_ratio(rows, ["unit"], unit=["unit"], period="period")
    assert result[["unit", "period"]].to_numpy().tolist() == [
        ["A", "2017"],
        ["B", "2017"],
        ["Total", "2017"],
        ["A", "2018"],
    ]


def test_join_base_keeps_units_found_in_one_file() -> None:
    staff = pd.DataFrame({"unit": strs(["A", "B"]), "staff": floats([3, 4])})
    base = pd.DataFrame({"unit": strs(["A", "C"]), "population": floats([100, 200])})
    result = join_base(staff, base, ["unit"], base="population")
    expected = pd.DataFrame(
        {
            "unit": strs(["A", "B", "C"]),
            "staff": floats([3, 4, None]),
            "base": floats([100, None, 200]),
            "found_in": strs(["both", "staff", "base"]),
        }
    )
    assert_frame_equal(result, expected)


def test_parts_remainder_never_forced_to_fit() -> None:
    rows = pd.DataFrame(
        {
            "unit": strs(["A", "B", "C", "D"]),
            "social_workers": floats([471, 5, 7, None]),
            "total_staff": floats([1427, 5, 6, 3]),
        }
    )
    result = parts_remainder(rows, ["social_workers"], "total_staff", ["unit"], unit=["unit"])
    expected = pd.DataFrame(
        {
            "unit": strs(["A", "B", "C", "D", "Total"]),
            "social_workers": floats([471, 5, 7, None, 483]),
            "parts_sum": floats([471, 5, 7, None, 483]),
            "total": floats([1427, 5, 6, 3, 1438]),
            "remainder": floats([956, 0, -1, None, 955]),
            "remainder_pct": floats([956 / 1427 * 100, 0, -100 / 6, None, 955 / 1438 * 100]),
            "status": strs(["unexplained", "adds up", "exceeds", None, "unexplained"]),
        }
    )
    assert_frame_equal(result, expected)


def test_pair_change_in_percentage_points() -> None:
    rows = pd.DataFrame(
        {
            "unit": strs(["g", "g"]),
            "period": strs(["before", "after"]),
            "police_share_pct": floats([1.48, 1.9]),
        }
    )
    result = pair_change(rows, "police_share_pct", before="before", after="after", keys=["unit"])
    expected = pd.DataFrame(
        {
            "unit": strs(["g"]),
            "period": strs(["after"]),
            "value": floats([1.9]),
            "base_period": strs(["before"]),
            "base_value": floats([1.48]),
            "change_pp": floats([1.9 - 1.48]),
            "change_pct": floats([(1.9 - 1.48) / 1.48 * 100]),
        }
    )
    assert_frame_equal(result, expected)


# ------------------------------------------------------------------ properties

counts = st.integers(min_value=0, max_value=10_000)
unit_names = st.sampled_from(["A", "B", "C", "D"])
row = st.tuples(unit_names, st.sampled_from(["2017", "2018"]), counts, counts)
kinds = st.sampled_from(["share", "per", "caseload"])


def frame_of(rows: list[tuple[str, str, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit": strs([r[0] for r in rows]),
            "period": strs([r[1] for r in rows]),
            "staff": floats([r[2] for r in rows]),
            "base": floats([r[3] for r in rows]),
        }
    )


def run(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    return staffing_ratio(
        frame,
        ["unit"],
        unit=["unit"],
        period="period",
        ratio=kind,
        per=1000,
        target=3,  # type: ignore[arg-type]
    )


@given(st.lists(row, min_size=1, max_size=25), kinds, st.randoms(use_true_random=False))
def test_row_order_never_changes_the_result(rows, kind, rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert_frame_equal(run(frame_of(rows), kind), run(frame_of(shuffled), kind))


@given(st.lists(row, min_size=1, max_size=25), kinds, st.data())
def test_splitting_a_row_into_parts_never_changes_the_result(rows, kind, data) -> None:  # type: ignore[no-untyped-def]
    split = []
    for unit, period, staff, base in rows:
        s = data.draw(st.integers(min_value=0, max_value=staff))
        b = data.draw(st.integers(min_value=0, max_value=base))
        split += [(unit, period, s, b), (unit, period, staff - s, base - b)]
    assert_frame_equal(run(frame_of(rows), kind), run(frame_of(split), kind))


@given(st.lists(row, min_size=1, max_size=25), kinds)
def test_total_is_ratio_of_totals_over_defined_units(rows, kind) -> None:  # type: ignore[no-untyped-def]
    frame = frame_of(rows)
    result = run(frame, kind)
    units = frame.groupby(["unit", "period"]).sum().reset_index()
    for period, part in units.groupby("period"):
        ok = part["base" if kind != "caseload" else "staff"] > 0
        staff, base = part.loc[ok, "staff"].sum(), part.loc[ok, "base"].sum()
        expected = None
        if ok.any():
            if kind == "caseload":
                expected = base / staff
            else:
                expected = staff / base * (100 if kind == "share" else 1000)
        column = ratio_column(kind, 1000)  # type: ignore[arg-type]
        if len(part) > 1:
            got = result.loc[(result["unit"] == "Total") & (result["period"] == period), column]
            assert len(got) == 1
            value = got.iloc[0]
            if expected is None:
                assert pd.isna(value)
            else:
                assert value == pytest.approx(expected, rel=1e-12)
        needed = result.loc[(result["unit"] != "Total") & (result["period"] == period)]
        assert (needed["shortfall"] >= 0).all()


@given(st.lists(row, min_size=1, max_size=25), kinds)
def test_a_ratio_is_never_zero_by_default_or_infinite(rows, kind) -> None:  # type: ignore[no-untyped-def]
    result = run(frame_of(rows), kind)
    column = ratio_column(kind, 1000)  # type: ignore[arg-type]
    values = result[column].astype("float64").to_numpy(na_value=math.nan)
    assert not any(math.isinf(v) for v in values)
    denominator = result["staff" if kind == "caseload" else "base"]
    undefined = result[column].isna()
    assert (undefined == ~(denominator > 0).fillna(False)).all()


parts_row = st.tuples(unit_names, counts, counts, counts)


def parts_frame(rows: list[tuple[str, int, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit": strs([r[0] for r in rows]),
            "a": floats([r[1] for r in rows]),
            "b": floats([r[2] for r in rows]),
            "t": floats([r[3] for r in rows]),
        }
    )


@given(st.lists(parts_row, min_size=1, max_size=20), st.randoms(use_true_random=False))
def test_parts_order_never_changes_the_result_and_total_is_sums(rows, rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    result = parts_remainder(parts_frame(rows), ["a", "b"], "t", ["unit"], unit=["unit"])
    assert_frame_equal(
        result, parts_remainder(parts_frame(shuffled), ["a", "b"], "t", ["unit"], unit=["unit"])
    )
    last = result.iloc[-1]
    assert last["remainder"] == sum(r[3] - r[1] - r[2] for r in rows)
    if last["total"] > 0:
        assert last["remainder_pct"] == pytest.approx(last["remainder"] / last["total"] * 100)
    else:
        assert pd.isna(last["remainder_pct"])


@given(
    st.lists(st.tuples(unit_names, counts), max_size=8),
    st.lists(st.tuples(unit_names, counts), max_size=8),
)
def test_join_base_never_drops_a_unit(left, right) -> None:  # type: ignore[no-untyped-def]
    staff = pd.DataFrame(
        {"unit": strs([u for u, _ in left]), "staff": floats([v for _, v in left])}
    )
    base = pd.DataFrame(
        {"unit": strs([u for u, _ in right]), "base": floats([v for _, v in right])}
    )
    result = join_base(staff, base, ["unit"])
    assert sorted(result["unit"]) == sorted({u for u, _ in left} | {u for u, _ in right})
    assert result["staff"].sum() == sum(v for _, v in left)
    assert result["base"].sum() == sum(v for _, v in right)
