"""Tier 2 and 3: ``jdcli staffing`` through the CLI; stdout, stderr and exit code checked apart."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DATA, assert_golden

STATIONS = str(DATA / "staffing_stations.csv")
POLICE = str(DATA / "staffing_police.csv")
POPULATION = str(DATA / "staffing_population.csv")


def test_bundled_default_one_row_per_ratio(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", "-f", "csv"])
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "measure,period,staff,base,share_pct,per_1,before_share_pct,share_pct_change_pp",
        f"社工 ÷ 专职和社工,2018-07,471,1427,{471 / 1427 * 100!r},,,",
        f"专职和社工 per 街镇,2018-07,1427,170,,{1427 / 170!r},,",
        f"社工 per 街镇,2018-07,471,170,,{471 / 170!r},,",
        f"禁毒民警 ÷ 总警力,before → after,,,1.9,,1.48,{1.9 - 1.48!r}",
    ]


def test_bundled_default_table_shows_the_article_figures(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", "-f", "table"])
    assert result.exit_code == 0
    for shown in (
        "33.01%",
        "8.39",
        "2.77",
        "1.48%",
        "1.90%",
        "+0.42 pp",
        "1,427",
        "170",
        "before → after",
    ):
        assert shown in result.stdout
    assert "Source: guangzhou-2018/staffing.csv" in result.stdout
    assert "total_staff → share_pct" in result.stdout
    assert_golden("staffing_bundled.txt", result.stdout)


@pytest.mark.parametrize(("fmt", "ext"), [("markdown", "md"), ("csv", "csv"), ("json", "json")])
def test_bundled_golden_formats(invoke, fmt: str, ext: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", "-f", fmt])
    assert result.exit_code == 0
    assert_golden(f"staffing_bundled.{ext}", result.stdout)


def test_caseload_target_golden_and_note(invoke, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(DATA)  # the caption names the file as given
    result = invoke(
        ["staffing", "staffing_stations.csv", "--target", "30", "--explain", "-f", "markdown"]
    )
    assert result.exit_code == 0
    assert_golden("staffing_caseload_target.md", result.stdout)
    assert "111.11 : 1" in result.stdout
    assert "chosen from the base 社区戒毒人员" in result.stdout
    assert result.stderr.strip() == (
        "Note: 1 unit(s) have no caseload (a staff of 0, or a missing figure), and are left "
        "out of the totals: 花都站 2018"
    )


def test_caseload_machine_format_keeps_the_number(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", STATIONS, "--filter", "年份=2018", "-f", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["unit"] for r in rows] == ["番禺站", "白云站", "花都站", "Total"]
    assert rows[0]["caseload"] == 1000 / 9
    assert rows[2]["caseload"] is None
    assert rows[3] == {
        "unit": "Total",
        "period": "2018",
        "staff": 23,
        "base": 1330,
        "caseload": 1330 / 23,
    }


def test_share_of_police_with_explain(invoke, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(DATA)
    result = invoke(
        ["staffing", "staffing_police.csv", "--base", "总警力", "--explain", "-f", "csv"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert_golden("staffing_police_share.csv", result.stdout)
    assert "Total,2017,42,3000,1.4000000000000001,42 / 3000 = 1.40%" in result.stdout


def test_per_100000_default_from_population(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(
        ["staffing", POLICE, "--base", "population", "--by", "部门", "--no-total", "-f", "csv"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "unit,period,staff,base,per_100000"
    assert f"白云分局,2018,41,2711000,{41 / 2711000 * 100000!r}" in result.stdout


def test_per_n_option_accepts_thousands_separator(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", STATIONS, "--per", "1,000", "-f", "table"])
    assert result.exit_code == 0
    assert "per_1000" in result.stdout
    assert "--ratio per" in result.stdout


def test_by_region_aggregates_units(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", STATIONS, "--by", "区", "--ratio", "share", "-f", "csv"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:4] == [
        "region,period,staff,base,share_pct",
        f"番禺区,2017,8,210,{8 / 210 * 100!r}",
        "白云区,2017,12,300,4",
        "花都区,2017,5,160,3.125",
    ]


def test_base_file_keeps_units_found_in_one_file(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(
        ["staffing", STATIONS, "--base-file", POPULATION, "--filter", "年份=2018", "-f", "csv"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "unit,period,staff,base,per_100000",
        "番禺站,2018,9,,",
        f"白云站,2018,14,2711000,{14 / 2711000 * 100000!r}",
        "花都站,2018,0,1094000,0",
        f"Total,2018,14,3805000,{14 / 3805000 * 100000!r}",
        "黄埔站,,,1030000,",
    ]
    assert "1 unit(s) only in " in result.stderr and ": 番禺站" in result.stderr
    assert "staffing_population.csv, not in " in result.stderr and ": 黄埔站" in result.stderr


def test_parts_mode_on_the_bundled_figures(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(
        [
            "staffing",
            "--parts",
            "social_workers",
            "--total",
            "total_staff",
            "--filter",
            "period=2018-07",
            "-f",
            "csv",
        ]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "unit,period,social_workers,parts_sum,total,remainder,remainder_pct,status",
        f"广州市,2018-07,471,471,1427,956,{956 / 1427 * 100!r},unexplained",
    ]


def test_any_column_can_be_the_numerator_and_is_parsed(invoke) -> None:  # type: ignore[no-untyped-def]
    text = '机构,编制数,在岗\nA,"1,200",900\nB,300,310\n'
    result = invoke(
        ["staffing", "-", "--staff", "在岗", "--base", "编制数", "--ratio", "share", "-f", "csv"],
        input=text,
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "unit,staff,base,share_pct",
        "A,900,1200,75",
        f"B,310,300,{310 / 300 * 100!r}",
        f"Total,1210,1500,{1210 / 1500 * 100!r}",
    ]
    assert "meaning of" not in result.stdout


def test_unknown_base_meaning_defaults_to_per_1_and_says_so(invoke) -> None:  # type: ignore[no-untyped-def]
    text = "机构,工作人员,站点数\nA,6,3\n"
    result = invoke(["staffing", "-", "--base", "站点数", "-f", "markdown"], input=text)
    assert result.exit_code == 0
    assert "per_1" in result.stdout
    assert "the meaning of 站点数 is unknown" in result.stdout


def test_bare_danwei_is_not_an_organisation(invoke) -> None:  # type: ignore[no-untyped-def]
    text = "单位,工作人员,常住人口\n人,5,100000\n"
    result = invoke(["staffing", "-", "-f", "csv"], input=text)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "staff,base,per_100000"


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--ratio", "ratio"], "--ratio must be one of share, per, caseload, got 'ratio'"),
        (["--per", "0"], "--per expects a positive whole number such as 100000, got '0'"),
        (["--per", "1.5"], "--per expects a positive whole number"),
        (["--ratio", "caseload", "--per", "100"], "--per applies to --ratio per"),
        (["--staff", "nurses"], "--staff nurses: no column 'nurses'"),
        (["--base", "工作人员"], "--staff and --base are the same column (工作人员)"),
        (["--target", "0"], "--target must be above 0"),
        (["--parts", "工作人员"], "--parts and --total go together"),
        (
            ["--parts", "工作人员", "--total", "社区戒毒人员", "--target", "3"],
            "--parts/--total is a mode of its own",
        ),
        (["--parts", "工作人员", "--total", "工作人员"], "is also one of the --parts"),
        (["--by", "nothing"], "--by nothing: no column 'nothing'"),
    ],
)
def test_bad_options_are_one_clear_error(invoke, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", STATIONS, *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


def test_several_bases_must_be_chosen(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", POLICE])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {POLICE}: several base columns: 常住人口 (population), 总警力 (total_police); "
        "choose one with --base\n"
    )


def test_no_staff_column(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", "-"], input="机构,常住人口\nA,100\n")
    assert result.exit_code == 2
    assert "no staff column" in result.stderr and "--staff COL" in result.stderr


def test_no_base_column(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", "-"], input="机构,工作人员\nA,100\n")
    assert result.exit_code == 2
    assert "no base column" in result.stderr and "--base COL" in result.stderr


def test_bad_number_in_an_arbitrary_column_names_line_and_column(invoke) -> None:  # type: ignore[no-untyped-def]
    text = "机构,工作人员,编制数\nA,5,10\nB,6,1O\n"
    result = invoke(["staffing", "-", "--base", "编制数"], input=text)
    assert result.exit_code == 2
    assert result.stderr == "Error: <stdin> line 3, column 编制数: '1O' is not a number\n"


def test_negative_count_is_an_error(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", "-"], input="机构,工作人员,社区戒毒人员\nA,-5,10\n")
    assert result.exit_code == 2
    assert "is negative" in result.stderr


def test_strict_turns_a_missing_figure_into_an_error(invoke) -> None:  # type: ignore[no-untyped-def]
    text = "机构,工作人员,社区戒毒人员\nA,5,10\nB,,10\n"
    relaxed = invoke(["staffing", "-", "-f", "csv"], input=text)
    assert relaxed.exit_code == 0
    assert "B,,10," in relaxed.stdout
    strict = invoke(["staffing", "-", "--strict"], input=text)
    assert strict.exit_code == 2
    assert "line 3, column staff: missing value" in strict.stderr


def test_base_file_needs_a_unit_column(invoke, tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = tmp_path / "pop.csv"
    base.write_text("地区,常住人口\nx,100\n", encoding="utf-8")
    result = invoke(["staffing", STATIONS, "--base-file", str(base)])
    assert result.exit_code == 2
    assert "--base-file joins on the unit column" in result.stderr


def test_missing_file(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", "nope.csv"])
    assert result.exit_code == 2
    assert result.stderr == "Error: nope.csv: no such file\n"


def test_empty_file_warns_and_gives_an_empty_result(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", "-", "-f", "csv"], input="机构,工作人员,社区戒毒人员\n")
    assert result.exit_code == 0
    assert result.stdout == "unit,staff,base,caseload\n"
    assert "no data rows" in result.stderr
