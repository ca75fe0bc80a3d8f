"""Tier 2 and 3: ``jdcli staffing`` through the CLI; stdout, stderr and exit code checked apart."""

from __future__ import annotations

import json
import re

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
        f"社工 ÷ 专职和社工,2018-07,471,1427,{471 / 1427 * 100:.15g},,,",
        f"专职和社工 per 街镇,2018-07,1427,170,,{1427 / 170:.15g},,",
        f"社工 per 街镇,2018-07,471,170,,{471 / 170:.15g},,",
        "禁毒民警 ÷ 总警力,before → after,,,1.9,,1.48,0.42",
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
    # The caption wraps with the table's width: read it as one line.
    assert "Source: guangzhou-2018/staffing.csv" in " ".join(result.stdout.split())
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
    assert rows[0]["caseload"] == float(f"{1000 / 9:.15g}")
    assert rows[2]["caseload"] is None
    assert rows[3] == {
        "unit": "Total",
        "period": "2018",
        "units": 2,
        "staff": 23,
        "base": 1330,
        "caseload": float(f"{1330 / 23:.15g}"),
    }


def test_share_of_police_with_explain(invoke, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(DATA)
    result = invoke(
        ["staffing", "staffing_police.csv", "--base", "总警力", "--explain", "-f", "csv"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert_golden("staffing_police_share.csv", result.stdout)
    assert "Total,2017,2,42,3000,1.4,42 / 3000 = 1.40%" in result.stdout  # 1.4000000000000001


def test_per_100000_default_from_population(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(
        ["staffing", POLICE, "--base", "population", "--by", "部门", "--no-total", "-f", "csv"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "unit,period,staff,base,per_100000"
    assert f"白云分局,2018,41,2711000,{41 / 2711000 * 100000:.15g}" in result.stdout


def test_per_n_option_accepts_thousands_separator(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", STATIONS, "--per", "1,000", "-f", "table"])
    assert result.exit_code == 0
    assert "per_1000" in result.stdout
    assert "--ratio per" in result.stdout


def test_by_region_aggregates_units(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", STATIONS, "--by", "区", "--ratio", "share", "-f", "csv"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:4] == [
        "region,period,units,staff,base,share_pct",
        f"番禺区,2017,1,8,210,{8 / 210 * 100:.15g}",
        "白云区,2017,1,12,300,4",
        "花都区,2017,1,5,160,3.125",
    ]


def test_base_file_keeps_units_found_in_one_file(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(
        ["staffing", STATIONS, "--base-file", POPULATION, "--filter", "年份=2018", "-f", "csv"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "unit,period,units,staff,base,per_100000",
        "番禺站,2018,1,9,,",
        f"白云站,2018,1,14,2711000,{14 / 2711000 * 100000:.15g}",
        "花都站,2018,1,0,1094000,0",
        f"Total,2018,2,14,3805000,{14 / 3805000 * 100000:.15g}",
        "黄埔站,,1,,1030000,",
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
        f"广州市,2018-07,471,471,1427,956,{956 / 1427 * 100:.15g},unexplained",
    ]


def test_any_column_can_be_the_numerator_and_is_parsed(invoke) -> None:  # type: ignore[no-untyped-def]
    text = '机构,编制数,在岗\nA,"1,200",900\nB,300,310\n'
    result = invoke(
        ["staffing", "-", "--staff", "在岗", "--base", "编制数", "--ratio", "share", "-f", "csv"],
        input=text,
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "unit,units,staff,base,share_pct",
        "A,1,900,1200,75",
        f"B,1,310,300,{310 / 300 * 100:.15g}",
        f"Total,2,1210,1500,{1210 / 1500 * 100:.15g}",
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
        (["--target", "0"], "--target for a caseload expects a number above 0 such as 30"),
        (["--target", "30:2"], "got '30:2'"),
        (["--target", "many"], "got 'many'"),
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
    assert "B,1,,10," in relaxed.stdout
    assert "Total,1,5,10,2" in relaxed.stdout  # B is left out of the total
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


# ------------------------------------------------------------------ --compare (trends engine)


def test_compare_yoy_share_in_percentage_points(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", POLICE, "--base", "总警力", "--compare", "yoy", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "unit,period,units,staff,base,share_pct,base_period,share_pct_change_pp"
    assert lines[1] == "白云分局,2017,1,30,2000,1.5,,"
    assert lines[4] == f"白云分局,2018,1,41,2050,2,2017,{41 / 2050 * 100 - 1.5:.15g}"
    share, before = 60 / 3050 * 100, 42 / 3000 * 100
    assert lines[6] == f"Total,2018,2,60,3050,{share:.15g},2017,{share - before:.15g}"


def test_compare_table_labels_pp(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", POLICE, "--base", "总警力", "--compare", "yoy", "-f", "table"])
    assert result.exit_code == 0
    assert "+0.50 pp" in result.stdout and "+0.70 pp" in result.stdout
    assert "year earlier (同比), in percentage" in result.stdout


def test_compare_per_n_change_and_relative_change(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(
        ["staffing", POLICE, "--base", "常住人口", "--compare", "prev", "--no-total", "-f", "json"]
    )
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    after = rows[1]
    assert after["period"] == "2018" and after["base_period"] == "2017"
    before_rate, rate = 30 / 2711000 * 100000, 41 / 2711000 * 100000
    assert after["per_100000_change"] == pytest.approx(rate - before_rate)
    assert after["per_100000_change_pct"] == pytest.approx((rate / before_rate - 1) * 100)
    assert rows[0]["per_100000_change"] is None


def test_compare_never_bridges_a_gap(invoke) -> None:  # type: ignore[no-untyped-def]
    text = "机构,年份,民警,总警力\nA,2015,10,1000\nA,2017,20,1000\nA,2018,25,1000\n"
    result = invoke(["staffing", "-", "--compare", "yoy", "-f", "csv"], input=text)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "unit,period,staff,base,share_pct,base_period,share_pct_change_pp",
        "A,2015,10,1000,1,,",
        "A,2017,20,1000,2,,",
        "A,2018,25,1000,2.5,2017,0.5",
    ]
    assert "1 row(s) have no change" in result.stderr


def test_compare_with_undefined_ratio_is_empty(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", STATIONS, "--compare", "yoy", "-f", "csv"])
    assert result.exit_code == 0
    assert "花都站,2018,1,0,150,,2017,," in result.stdout


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--compare", "mom"], None, "--compare must be yoy or prev, got 'mom'"),
        (["--compare", "yoy"], "机构,工作人员,社区戒毒人员\nA,1,2\n", "--compare needs a period"),
        (
            ["--compare", "yoy"],
            "机构,年份,工作人员,社区戒毒人员\nA,第一年,1,2\n",
            "<stdin>: --compare yoy: period '第一年' is not a year",
        ),
    ],
)
def test_compare_errors(invoke, args: list[str], stdin: str | None, message: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", STATIONS if stdin is None else "-", *args], input=stdin)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr


def test_bundled_explain_gives_each_formula(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", "--explain", "-f", "csv"])
    assert result.exit_code == 0
    explained = [line.rsplit(",", 1)[1] for line in result.stdout.splitlines()[1:]]
    assert explained == [
        "471 / 1427 = 33.01%",
        "1427 / 170 = 8.39",
        "471 / 170 = 2.77",
        "1.90% − 1.48% = +0.42 pp",
    ]


def test_per_n_explain_names_n(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(
        ["staffing", POLICE, "--base", "常住人口", "--explain", "--no-total", "-f", "csv"]
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1].endswith(",30 / 2711000 × 100000 = 1.11")


def test_gbk_file_and_output_file(invoke, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "stations.csv"
    source.write_bytes(
        "机构,工作人员,社区戒毒人员\n白云站,12,300\n花都站,5,160\n".encode("gb18030")
    )
    target = tmp_path / "out.json"
    result = invoke(["staffing", str(source), "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    rows = json.loads(target.read_text(encoding="utf-8"))
    assert [r["caseload"] for r in rows] == [25, 32, float(f"{460 / 17:.15g}")]


def test_base_file_joined_on_unit_and_period(invoke, tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = tmp_path / "clients.csv"
    base.write_text(
        "单位名称,年份,社区戒毒人员\n白云站,2017,300\n白云站,2018,330\n花都站,2017,160\n",
        encoding="utf-8",
    )
    staff = tmp_path / "staff.csv"
    staff.write_text(
        "单位名称,年份,工作人员\n白云站,2017,12\n白云站,2018,14\n花都站,2017,5\n花都站,2018,6\n",
        encoding="utf-8",
    )
    result = invoke(["staffing", str(staff), "--base-file", str(base), "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "unit,period,units,staff,base,caseload",
        "白云站,2017,1,12,300,25",
        "花都站,2017,1,5,160,32",
        "Total,2017,2,17,460,27.0588235294118",
        f"白云站,2018,1,14,330,{330 / 14:.15g}",
        "花都站,2018,1,6,,",
        f"Total,2018,1,14,330,{330 / 14:.15g}",
    ]
    assert "1 unit(s) and period(s) only in " in result.stderr
    assert ": 花都站 2018" in result.stderr


@pytest.mark.parametrize("written", ["30", "30:1", "30 : 1", "30：1"])
def test_caseload_target_as_staffing_rules_write_it(invoke, written: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(
        ["staffing", STATIONS, "--target", written, "--filter", "年份=2018", "-f", "csv"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"Total,2018,2,23,1330,{1330 / 23:.15g},30,50,30,short"


def test_share_target_with_percent_sign_meets_exactly(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", POLICE, "--base", "总警力", "--target", "1.9%", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    # 19 of 1,000 is exactly 1.9%: it meets the target (1.9 × 1000 ÷ 100 is not 19.000…01).
    assert "花都分局,2018,1,19,1000,1.9,1.9,19,0,meets" in result.stdout
    assert "白云分局,2018,1,41,2050,2,1.9,39,0,meets" in result.stdout


def write_package(folder, views: list[dict[str, str]]) -> None:  # type: ignore[no-untyped-def]
    folder.mkdir()
    (folder / "staff.csv").write_text(
        "unit,period,nurses,beds,share\nH,2019,40,100,\nH,before,,,2%\nH,after,,,2.5%\n",
        encoding="utf-8",
    )
    package = {
        "name": "demo",
        "resources": [
            {"name": "staff", "path": "staff.csv", "jdcli": {"command": "staffing", "views": views}}
        ],
    }
    (folder / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")


def test_views_of_another_package(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from jdcli.analyses.staffing import bundled_view
    from jdcli.datasets import resources

    folder = tmp_path / "demo"
    write_package(
        folder,
        [
            {"label": "nurses per bed", "staff": "nurses", "base": "beds"},
            {"label": "share", "stated": "share", "before": "before", "after": "after"},
        ],
    )
    table, title, text = bundled_view(
        explain=True, resource=resources(folder)[0], label="demo/staff.csv"
    )
    assert title == "Staffing (H)"
    assert table["measure"].tolist() == ["nurses per bed", "share"]
    assert table["per_1"].iloc[0] == 0.4
    assert table["share_pct_change_pp"].iloc[1] == 2.5 - 2
    assert table["explain"].tolist() == ["40 / 100 = 0.40", "2.50% − 2% = +0.50 pp"]
    assert "beds → per_1 (base: beds)" in text and "demo/staff.csv" in text


@pytest.mark.parametrize(
    ("views", "message"),
    [
        ([], "lists no staffing views"),
        ([{"label": "x", "staff": "nurses"}], re.escape("view 'x' needs column(s) staff and base")),
        (
            [{"label": "x", "staff": "doctors", "base": "beds"}],
            re.escape("needs column(s) doctors"),
        ),
    ],
)
def test_bad_views_are_clear_errors(tmp_path, views, message: str) -> None:  # type: ignore[no-untyped-def]
    from jdcli.analyses.staffing import bundled_view
    from jdcli.datasets import resources
    from jdcli.errors import UsageError

    folder = tmp_path / "demo"
    write_package(folder, views)
    with pytest.raises(UsageError, match=message):
        bundled_view(resource=resources(folder)[0])


def test_parts_explain(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(
        [
            "staffing",
            STATIONS,
            "--parts",
            "工作人员",
            "--total",
            "社区戒毒人员",
            "--filter",
            "年份=2018",
            "--explain",
            "-f",
            "csv",
        ]
    )
    assert result.exit_code == 0, result.stderr
    explained = [line.rsplit(",", 1)[1] for line in result.stdout.splitlines()[1:]]
    assert explained == [
        "1000 − 9 = 991 (99.10%)",
        "330 − 14 = 316 (95.76%)",
        "150 − 0 = 150 (100%)",
        "1480 − 23 = 1457 (98.45%)",
    ]


def test_key_figures_of_the_bundled_view() -> None:
    from jdcli.analyses.staffing import bundled_view, key_figures

    table, _, _ = bundled_view()
    figures = key_figures(table)
    assert [(f["figure"], f["unit"], f["note"]) for f in figures] == [
        ("社工 ÷ 专职和社工", "%", "471 / 1427"),
        ("专职和社工 per 街镇", "per 1", "1427 / 170"),
        ("社工 per 街镇", "per 1", "471 / 170"),
        ("禁毒民警 ÷ 总警力", "%", "as stated"),
    ]
    assert figures[0]["value"] == 471 / 1427 * 100
    assert figures[0]["change"] is None
    assert figures[3]["change"] == 1.9 - 1.48
    assert figures[3]["change_unit"] == "pp"


def test_key_figures_of_a_ratio_table_skip_undefined_rows() -> None:
    from jdcli.analyses.staffing import key_figures, ratio_table, resolve_spec
    from jdcli.loading import load
    from jdcli.loading.schemas import STAFFING

    loaded = load(POLICE, STAFFING)
    spec = resolve_spec(loaded, None, "常住人口", None, None)
    table, _ = ratio_table(loaded, spec, [], compare="yoy")
    figures = key_figures(table)
    assert figures[-1]["figure"] == "Total"
    assert figures[-1]["unit"] == "per 100000"
    assert figures[-1]["note"] == "60 / 3805000"
    assert figures[-1]["change"] == pytest.approx(60 / 38.05 - 42 / 38.05)
