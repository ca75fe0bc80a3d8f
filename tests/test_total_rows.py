"""Published total rows (合计 …) set aside and checked, never counted; coverage told apart."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from jdcli.metrics.coverage import missing_periods, missing_units, reported_parts
from jdcli.metrics.occupancy import (
    census_dates,
    census_partials,
    combine_census_partials,
)
from jdcli.metrics.totals import check_total_rows, is_total_label, labelled_total_rows

# ------------------------------------------------------------------ metrics: labels


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("合计", True),
        (" 合计： ", True),
        ("总计", True),
        ("小计", True),
        ("全市", True),
        ("全省:", True),
        ("全国", True),
        ("总数", True),
        ("Total", True),
        ("TOTAL", True),
        ("Grand total", True),
        ("all", True),
        ("\u3000合计\u3000", True),
        ("全市强制隔离戒毒所", False),
        ("合计数据", False),
        ("Total beds", False),
        ("All centres", False),
        ("甲所", False),
        ("", False),
    ],
)
def test_total_label_is_the_whole_cell(cell: str, expected: bool) -> None:
    assert is_total_label(pd.Series([cell], dtype="str")).tolist() == [expected]


def test_missing_cell_is_not_a_label() -> None:
    cells = pd.Series(["合计", None, "甲所"], dtype="str")
    assert is_total_label(cells).tolist() == [True, False, False]


def test_labelled_rows_in_any_key_column() -> None:
    rows = pd.DataFrame(
        {"region": ["越秀", "越秀", "全市"], "facility": ["甲所", "小计", ""]}, dtype="str"
    )
    assert labelled_total_rows(rows, ["region", "facility"]).tolist() == [False, True, True]


# ------------------------------------------------------------------ metrics: checks


def _rows(records: list[tuple[object, ...]], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=columns, index=range(2, 2 + len(records)))
    for column in columns:
        if column in ("capacity", "occupied"):
            frame[column] = frame[column].astype("Float64")
        else:
            frame[column] = frame[column].astype("str")
    return frame


def test_check_compares_each_total_with_its_period() -> None:
    frame = _rows(
        [
            ("2017", "甲", 100, 90),
            ("2017", "乙", 50, 40),
            ("2017", "合计", 150, 130),
            ("2018", "甲", 100, 95),
            ("2018", "乙", 50, 45),
            ("2018", "合计", 160, 140),
        ],
        ["period", "facility", "capacity", "occupied"],
    )
    labelled = labelled_total_rows(frame, ["facility"])
    checks = check_total_rows(
        frame.loc[~labelled],
        frame.loc[labelled],
        ["capacity", "occupied"],
        keys=["facility"],
        time=["period"],
    )
    assert checks.index.tolist() == [4, 7]
    assert checks["matches"].tolist() == [True, False]
    assert checks["rows"].tolist() == [2, 2]
    assert checks["capacity_sum"].tolist() == [150, 150]
    assert checks["occupied_sum"].tolist() == [130, 140]
    assert checks["label"].tolist() == ["合计", "合计"]


def test_subtotal_covers_its_group_and_a_coarser_label_covers_all() -> None:
    frame = _rows(
        [
            ("越秀", "甲所", 1000, 900),
            ("越秀", "乙所", 500, 520),
            ("越秀", "小计", 1500, 1420),
            ("海珠", "丙所", 800, 700),
            ("海珠", "小计：", 820, 700),
            ("全市", "All centres", 2300, 2120),
        ],
        ["region", "facility", "capacity", "occupied"],
    )
    labelled = labelled_total_rows(frame, ["region", "facility"])
    checks = check_total_rows(
        frame.loc[~labelled],
        frame.loc[labelled],
        ["capacity", "occupied"],
        keys=["region", "facility"],
    )
    assert checks["group"].tolist() == ["越秀", "海珠", ""]
    assert checks["label"].tolist() == ["小计", "小计", "全市"]
    assert checks["matches"].tolist() == [True, False, True]
    assert checks["capacity_sum"].tolist() == [1500, 800, 2300]


# ------------------------------------------------------------------ metrics: coverage


def test_missing_units_per_period() -> None:
    rows = pd.DataFrame(
        {"period": ["05", "05", "05", "06", "06"], "facility": ["甲", "乙", "丙", "甲", "丙"]}
    )
    found = missing_units(rows, ["facility"], "period")
    assert found["period"].tolist() == ["06"]
    assert found["units"].tolist() == [2]
    assert found["of"].tolist() == [3]
    assert found["missing"].tolist() == [["乙"]]


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (["2015", "2016", "2018", "2019"], ["2017"]),
        (["2018-01", "2018-02", "2018-05"], ["2018-03", "2018-04"]),
        (["2018Q1", "2018Q3"], ["2018Q2"]),
        (["2018-01-31", "2018-02-28", "2018-04-30"], ["2018-03"]),  # a monthly census
        (["2018-01-01", "2018-01-02", "2018-01-05"], []),  # dates of one month: no rhythm
        (["2015", "2016"], []),
        (["before", "after"], []),
    ],
)
def test_missing_periods(labels: list[str], expected: list[str]) -> None:
    assert missing_periods(pd.Series(labels, dtype="str")) == expected


def test_reported_parts_of_a_monthly_census_rolled_into_years() -> None:
    dates = pd.Series(pd.to_datetime([f"2018-{m:02d}-28" for m in range(1, 12)] + ["2019-01-31"]))
    counts = reported_parts(dates, "year")
    assert counts.to_dict("records") == [
        {"period": "2018", "reported": 11, "expected": 12, "part": "month"},
        {"period": "2019", "reported": 1, "expected": 12, "part": "month"},
    ]
    assert reported_parts(dates, "month").empty


def test_reported_parts_of_a_daily_census() -> None:
    dates = pd.Series(pd.to_datetime(["2018-02-01", "2018-02-02", "2018-02-02", "2018-03-05"]))
    counts = reported_parts(dates, "month")
    assert counts["reported"].tolist() == [2, 1]
    assert counts["expected"].tolist() == [28, 31]
    assert set(counts["part"]) == {"day"}


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["A", "B", "C"]), st.integers(0, 800)), min_size=1, max_size=40
    ),
    st.sampled_from(["month", "quarter", "year"]),
)
def test_census_dates_from_partials_are_the_rows_dates(
    rows: list[tuple[str, int]], freq: str
) -> None:
    start = np.datetime64("2017-01-01")
    frame = pd.DataFrame(
        {
            "facility": pd.Series([f for f, _ in rows], dtype="str"),
            "date": pd.Series([start + np.timedelta64(d, "D") for _, d in rows]).astype(
                "datetime64[s]"
            ),
            "capacity": 10.0,
            "occupied": 5.0,
        }
    )
    half = len(frame) // 2
    parts = combine_census_partials(
        pd.concat(
            [
                census_partials(frame.iloc[:half], ["facility"], freq),
                census_partials(frame.iloc[half:], ["facility"], freq),
            ],
            ignore_index=True,
        )
    )
    expected = pd.Series(np.sort(frame["date"].unique()), name="date").astype("datetime64[s]")
    assert_frame_equal(census_dates(parts).to_frame(), expected.to_frame())


# ------------------------------------------------------------------ CLI: staffing

STAFF_TOTAL = """区,年份,禁毒社工,社区戒毒人员
越秀,2017,100,3300
海珠,2017,139,4550
合计,2017,239,7850
越秀,2018,110,3300
海珠,2018,150,4550
合计,2018,{total},7850
"""


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_staffing_total_row_is_a_check_not_a_part(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, "staff_total.csv", STAFF_TOTAL.format(total=260))
    args = ["staffing", path, "--by", "区", "--target", "30", "-f", "csv"]
    result = invoke(args)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "region,period,units,staff,base,caseload,target,staff_needed,shortfall,status"
    )
    total = next(line for line in lines if line.startswith("Total,2017,"))
    assert total.startswith("Total,2017,2,239,7850,32.84518828451")  # 7850 ÷ 239
    assert total.endswith(",30,262,23,short")
    assert not any("合计" in line for line in lines)
    assert "2 published total row(s) (合计, lines 4, 7) match the sum" in result.stderr
    assert "Warning" not in result.stderr
    without = invoke(
        ["staffing", "-", "--by", "区", "--target", "30", "-f", "csv"],
        input="\n".join(
            line for line in STAFF_TOTAL.format(total=260).splitlines() if "合计" not in line
        )
        + "\n",
    )
    assert without.stdout == result.stdout


def test_staffing_total_row_that_differs_is_shown_beside(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, "staff_total.csv", STAFF_TOTAL.format(total=262))
    result = invoke(["staffing", path, "--by", "区", "-f", "csv"])
    assert result.exit_code == 0
    assert result.stderr.startswith("Note:")
    assert "\nWarning: " in result.stderr
    assert (
        "staff_total.csv: 合计 line 7 (2018): 禁毒社工 262 ≠ sum of rows 260 (−2)" in result.stderr
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "region,period,units,staff,base,caseload,flag"
    total = lines.index(next(line for line in lines if line.startswith("Total,2018")))
    assert lines[total].startswith("Total,2018,2,260,7850,")
    assert lines[total + 1].startswith("合计 (reported),2018,,262,7850,")
    assert lines[total + 1].endswith(",published ≠ sum")


def test_keep_total_rows_counts_them(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, "staff_total.csv", STAFF_TOTAL.format(total=260))
    result = invoke(["staffing", path, "--by", "区", "--keep-total-rows", "-f", "csv"])
    assert result.exit_code == 0
    assert "Total,2017,3,478,15700," in result.stdout
    assert "counted as data (--keep-total-rows)" in result.stderr


def test_staffing_of_regions_without_units_is_per_region(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, "regions.csv", STAFF_TOTAL.format(total=260))
    result = invoke(["staffing", path, "-f", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["region"] for r in rows] == ["海珠", "越秀", "Total", "海珠", "越秀", "Total"]
    table = invoke(["staffing", path, "-f", "markdown"])
    assert "One row per 区 (the file has no unit column)." in table.stdout


def test_unlabelled_total_in_staffing_is_warned_and_counted(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "单位名称,工作人员,社区戒毒人员\n甲站,10,300\n乙站,5,160\n丙站,3,90\n全部,18,550\n"
    result = invoke(["staffing", _write(tmp_path, "s.csv", text), "-f", "csv"])
    assert result.exit_code == 0
    assert "line 5: staff and clients equal the sum of the other rows" in result.stderr
    assert "Total,4,36,1100," in result.stdout


def test_base_file_total_row_is_set_aside(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    staff = _write(tmp_path, "staff.csv", "机构,工作人员\n白云站,12\n花都站,5\n合计,17\n")
    base = _write(
        tmp_path, "pop.csv", "机构,常住人口\n白云站,2711000\n花都站,1094000\n合计,3805000\n"
    )
    result = invoke(["staffing", staff, "--base-file", base, "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert "Total,2,17,3805000," in result.stdout
    assert result.stderr.count("match the sum of their rows") == 2
    assert "only in" not in result.stderr


# ------------------------------------------------------------------ CLI: occupancy

CENSUS = """机构,日期,床位,在所人数
甲所,2018-05-31,1000,900
乙所,2018-05-31,650,600
丙所,2018-05-31,1800,1738
合计,2018-05-31,3450,3238
甲所,2018-06-30,1000,920
丙所,2018-06-30,1800,1775
合计,2018-06-30,2800,2695
"""


def test_occupancy_partial_census_names_the_missing_centre(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["occupancy", _write(tmp_path, "census.csv", CENSUS), "-f", "csv"])
    assert result.exit_code == 0
    assert "Total,2018-05-31,3,3450,3238," in result.stdout
    assert "Total,2018-06-30,2,2800,2695,96.25," in result.stdout
    assert "2018-06-30 has 2 of 3 (乙所 missing)" in result.stderr
    assert "合计" not in result.stdout


def test_occupancy_total_in_the_middle_in_english(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "facility,capacity,occupied\nA,100,90\nTotal:,150,135\nB,50,45\n"
    result = invoke(["occupancy", _write(tmp_path, "beds.csv", text), "-f", "csv"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "Total,2,150,135,90,15,high"
    assert "(Total, line 3) match" in result.stderr


def test_occupancy_total_that_differs_is_warned_with_the_difference(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "机构,床位,在所人数\n甲所,1000,900\n乙所,480,520\n合计,1500,1420\n"
    result = invoke(["occupancy", _write(tmp_path, "beds.csv", text), "-f", "csv"])
    assert result.exit_code == 0
    assert "合计 line 4: 床位 1,500 ≠ sum of rows 1,480 (−20)" in result.stderr
    lines = result.stdout.splitlines()
    assert lines[-2].startswith("Total,2,1480,1420,")
    assert lines[-1].startswith("合计 (reported),,1500,1420,")


def test_occupancy_freq_year_says_the_year_is_partial(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = ["机构,日期,床位,在所人数"]
    for month in range(1, 12):
        lines += [f"甲所,2018-{month:02d}-15,100,90", f"乙所,2018-{month:02d}-15,50,45"]
    path = _write(tmp_path, "census.csv", "\n".join(lines) + "\n")
    result = invoke(["occupancy", path, "--freq", "year", "-f", "csv"])
    assert result.exit_code == 0
    assert "2018: 11 of 12 months" in result.stderr


def test_occupancy_month_without_rows_is_named(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = ["机构,日期,床位,在所人数"]
    for month in (1, 2, 4):
        lines += [f"甲所,2018-{month:02d}-15,100,90", f"乙所,2018-{month:02d}-15,50,45"]
    path = _write(tmp_path, "census.csv", "\n".join(lines) + "\n")
    result = invoke(["occupancy", path, "--freq", "month", "-f", "csv"])
    assert "no rows at all for 2018-03" in result.stderr
    assert "2018-03" not in result.stdout


# ------------------------------------------------------------------ property

office_rows = st.lists(
    st.tuples(
        st.sampled_from(["甲所", "乙所", "丙所", "丁所"]),
        st.sampled_from(["2017", "2018", "2019"]),
        st.integers(1, 5000),
        st.integers(0, 6000),
    ),
    min_size=1,
    max_size=12,
    unique_by=lambda r: (r[0], r[1]),
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(office_rows, st.sampled_from(["合计", "总计", "Total", "全市"]), st.booleans())
def test_a_correct_total_row_changes_no_figure(
    invoke,  # type: ignore[no-untyped-def]
    rows: list[tuple[str, str, int, int]],
    label: str,
    first: bool,
) -> None:
    header = "机构,年份,床位,在所人数\n"
    body = "".join(f"{f},{y},{c},{o}\n" for f, y, c, o in rows)
    frame = pd.DataFrame(rows, columns=["f", "y", "c", "o"])
    sums = frame.groupby("y")[["c", "o"]].sum()
    totals = "".join(f"{label},{y},{r.c},{r.o}\n" for y, r in sums.iterrows())
    with_totals = header + (totals + body if first else body + totals)
    for command in (["occupancy"], ["staffing", "--staff", "在所人数", "--base", "床位"]):
        plain = invoke([*command, "-", "-f", "csv"], input=header + body)
        checked = invoke([*command, "-", "-f", "csv"], input=with_totals)
        assert checked.exit_code == plain.exit_code == 0
        assert checked.stdout == plain.stdout
        assert "Warning" not in checked.stderr.replace(plain.stderr, "")


@pytest.mark.parametrize(
    ("labels", "freq", "expected"),
    [
        (["2018-01", "2018-02", "2018-05"], "month", ["2018-03", "2018-04"]),
        (["2018Q1", "2018Q3"], "quarter", ["2018Q2"]),
        (["2016", "2018"], "year", ["2017"]),
        (["2018-01", "2018-02"], "month", []),
    ],
)
def test_missing_periods_of_a_rollup(labels: list[str], freq: str, expected: list[str]) -> None:
    assert missing_periods(pd.Series(labels, dtype="str"), freq) == expected


UNLABELLED = (
    "机构名称,月份,床位,在所人数\n"
    "一所,2024-01,100,90\n"
    "二所,2024-01,200,150\n"
    "三所加总,2024-01,300,240\n"
    "一所,2024-02,100,95\n"
    "二所,2024-02,200,160\n"
    "三所加总,2024-02,300,255\n"
)


def test_the_total_row_warnings_filter_works_as_written(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import re
    import shlex

    path = tmp_path / "census.csv"
    path.write_text(UNLABELLED, encoding="utf-8")
    first = invoke(["occupancy", str(path), "-f", "csv"])
    assert first.exit_code == 0
    advice = re.search(r"leave it out with (--filter '[^']*')", first.stderr)
    assert advice is not None, first.stderr
    assert advice.group(1) == "--filter '机构名称!=三所加总'"
    again = invoke(["occupancy", str(path), "-f", "csv", *shlex.split(advice.group(1))])
    assert again.exit_code == 0
    assert again.stderr == ""
    assert "三所加总" not in again.stdout
    assert "Total,2024-01,2,300,240,80,60,normal" in again.stdout


def test_negated_filters_in_the_api(tmp_path: Path) -> None:
    import jdcli

    path = tmp_path / "census.csv"
    path.write_text(UNLABELLED, encoding="utf-8")
    result = jdcli.occupancy(path, filters={"机构名称!": ["三所加总", "一所"], "月份": "2024-02"})
    assert result.frame["facility"].tolist() == ["二所"]
    assert result.frame["occupied"].tolist() == [160]
    # The canonical name works too, and a negated filter alone keeps every other row.
    kept = jdcli.occupancy(path, filters={"facility!": "三所加总"}, total=False)
    assert sorted(set(kept.frame["facility"])) == ["一所", "二所"]
    with pytest.raises(jdcli.UsageError, match="a filter needs a column name"):
        jdcli.occupancy(path, filters={"!": "x"})
