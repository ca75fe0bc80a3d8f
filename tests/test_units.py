"""Units of measure at the end of a header: split off, matched to aliases, multipliers named."""

from __future__ import annotations

from pathlib import Path

import pytest

from jdcli.errors import InputError
from jdcli.loading import load, unit_warnings
from jdcli.loading.schemas import OCCUPANCY, STAFFING, TRENDS
from jdcli.loading.units import is_percent, multiplier, split_unit, split_units


@pytest.mark.parametrize(
    ("header", "name", "unit"),
    [
        ("戒断三年未复吸率（%）", "戒断三年未复吸率", "%"),
        ("Relapse rate (%)", "Relapse rate", "%"),
        ("比例（％）", "比例", "％"),
        ("执行率（百分比）", "执行率", "百分比"),
        ("Share (percent)", "Share", "percent"),
        ("破案数（起）", "破案数", "起"),
        ("抓获人数(人)", "抓获人数", "人"),
        ("常住人口（万人）", "常住人口", "万人"),
        ("缴毒量（千克）", "缴毒量", "千克"),
        ("经费（万元）", "经费", "万元"),
        ("收入（亿元）", "收入", "亿元"),
        ("Drug deaths (per 100,000)", "Drug deaths", "per 100,000"),
        ("发病率（1/10万）", "发病率", "1/10万"),
        ("查获率（每10万人）", "查获率", "每10万人"),
        ("批发价（元/克）", "批发价", "元/克"),
        ("Seizures (thousand tonnes)", "Seizures", "thousand tonnes"),
        ("Seizures (kg)", "Seizures", "kg"),
        ("床位（张）", "床位", "张"),
        ("x(%）", "x", "%"),  # mixed bracket widths, as typed
        ("a（b）（人）", "a（b）", "人"),  # only the last bracket is the unit
    ],
)
def test_a_bracketed_unit_is_split_off(header: str, name: str, unit: str) -> None:
    assert split_unit(header) == (name, unit)


@pytest.mark.parametrize(
    "header",
    ["戒毒所（市属）", "cases (2017)", "收治人数（男）", "（%）", "破案数", "rate", "x (per 100)k"],
)
def test_other_brackets_are_part_of_the_name(header: str) -> None:
    assert split_unit(header) == (header, None)


def test_percent_units_and_multipliers() -> None:
    assert [
        is_percent(u) for u in ("%", "％", "百分比", "Percent", "pct", "百分点", "‰", None)
    ] == [
        True,
        True,
        True,
        True,
        True,
        False,  # points are a difference of rates, not a rate
        False,  # per mille: a rate, but not in percent
        False,
    ]
    assert multiplier("万人") == 10_000
    assert multiplier("亿元") == 100_000_000
    assert multiplier("thousand tonnes") == 1_000
    assert multiplier("万") == 10_000
    for unit in ("千克", "千米", "人", "每10万人", "人/万人", "per 100,000", "%", None):
        assert multiplier(unit) is None, unit


def test_names_that_would_become_one_keep_their_units_but_not_lose_their_names() -> None:
    assert split_units(["缴毒量（千克）", "缴毒量（克）", "破案数（起）", "x（人）", "x"]) == {
        "缴毒量（千克）": ("缴毒量（千克）", "千克"),
        "缴毒量（克）": ("缴毒量（克）", "克"),
        "破案数（起）": ("破案数", "起"),
        "x（人）": ("x（人）", "人"),
        "x": ("x", None),
    }


def write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_aliases_match_a_header_with_a_unit(tmp_path: Path) -> None:
    path = write(tmp_path, "机构,床位（张）,在所人数（人）\nA,100,90\n")
    loaded = load(path, OCCUPANCY)
    assert loaded.frame.columns.tolist() == ["facility", "capacity", "occupied"]
    assert loaded.headers == {
        "facility": "机构",
        "capacity": "床位（张）",
        "occupied": "在所人数（人）",
    }
    assert loaded.units == {"capacity": "张", "occupied": "人"}
    assert loaded.frame["capacity"].tolist() == [100]


def test_canonical_names_and_english_aliases_with_units(tmp_path: Path) -> None:
    path = write(tmp_path, "year,value (%),Population (thousands)\n2016,1,2\n")
    trends = load(path, TRENDS)
    assert trends.headers["value"] == "value (%)"
    assert trends.units == {"value": "%"}
    staffing = load(path, STAFFING)
    assert staffing.headers["population"] == "Population (thousands)"


def test_a_header_without_its_unit_wins_and_two_with_units_are_an_error(tmp_path: Path) -> None:
    exact = load(write(tmp_path, "床位,床位（张）,在所人数\n1,2,3\n"), OCCUPANCY)
    assert exact.headers["capacity"] == "床位"
    with pytest.raises(InputError, match="'床位（张）' and '床位数（张）' both mean capacity"):
        load(write(tmp_path, "床位（张）,床位数（张）,在所人数\n1,2,3\n"), OCCUPANCY)


def test_a_qualifier_in_brackets_is_not_a_unit(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing column"):
        load(write(tmp_path, "机构,床位（市属）,在所人数\nA,1,1\n"), OCCUPANCY)


def test_multipliers_are_named_never_applied(tmp_path: Path) -> None:
    path = write(tmp_path, "单位名称,专职人员（人）,常住人口（万人）\nA,100,90\n", "staff.csv")
    loaded = load(path, STAFFING, name="staff.csv")
    assert loaded.frame["population"].tolist() == [90]
    assert unit_warnings(loaded.headers, STAFFING, loaded.name) == [
        "staff.csv: column 常住人口（万人） is in 万人 (×10,000); its figures are used as "
        "written, not multiplied"
    ]
    # A text column (trends reads value as text) shows its unit instead: no warning.
    assert unit_warnings({"value": "数值（万人）"}, TRENDS, "t.csv") == []


def test_staffing_warns_about_a_base_in_ten_thousands(  # type: ignore[no-untyped-def]
    invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    staff = write(tmp_path, "单位名称,专职人员（人）\nA,100\nB,200\n", "staff.csv")
    base = write(tmp_path, "单位名称,常住人口（万人）\nA,90\nB,150\n", "pop.csv")
    result = invoke(["staffing", staff.name, "--base-file", base.name, "-f", "csv"])
    assert result.exit_code == 0
    assert result.stderr == (
        "Warning: pop.csv: column 常住人口（万人） is in 万人 (×10,000); its figures are used "
        "as written, not multiplied\n"
    )
    assert result.stdout.splitlines()[1] == "A,1,100,90,111111.111111111"


def test_occupancy_reads_units_in_headers_and_streams_alike(  # type: ignore[no-untyped-def]
    invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    plain = write(tmp_path, "机构,日期,床位（张）,在所人数（人）\nA,2018-05-01,100,90\n", "a.csv")
    result = invoke(["occupancy", plain.name, "--freq", "month", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines()[1].startswith("A,2018-05,100,90,90")
    multiplied = write(
        tmp_path, "机构,日期,床位（万张）,在所人数（万人）\nA,2018-05-01,1,1\n", "b.csv"
    )
    # A file that could stream is read whole, so the warning is the same either way.
    result = invoke(["occupancy", multiplied.name, "--freq", "month", "-f", "csv"])
    assert result.exit_code == 0
    assert result.stderr == (
        "Warning: b.csv: column 床位（万张） is in 万张 (×10,000); its figures are used as "
        "written, not multiplied\n"
        "Warning: b.csv: column 在所人数（万人） is in 万人 (×10,000); its figures are used as "
        "written, not multiplied\n"
    )
