"""Tier 3: ``jdcli trends`` through the CLI; stdout, stderr and exit code checked apart."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jdcli.analyses.trends_views import sparklines
from jdcli.styles import polarity_styles
from tests.conftest import DATA, assert_golden


def rows(stdout: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(stdout)))


def find(records: list[dict[str, str]], metric: str, period: str) -> dict[str, str]:
    matches = [r for r in records if r["metric"] == metric and r["period"] == period]
    assert len(matches) == 1, (metric, period, records)
    return matches[0]


# ------------------------------------------------------------------ the bundled article


def test_bundled_shows_every_change_of_the_article(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["trends", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    records = rows(result.stdout)
    volume = [find(records, "毒情体量", p) for p in ("2015", "2016", "2017")]
    assert [r["value"] for r in volume] == ["100", "86", "72.24"]
    assert [r["flag"] for r in volume] == ["index base", "chained", "chained"]
    assert volume[0]["unit"] == "index (2015=100)"
    assert float(volume[2]["cumulative_change_pct"]) == pytest.approx(-27.76)
    assert float(volume[2]["change_pct"]) == pytest.approx(-16)
    for metric, change in (
        ("50克以上缴毒案件指向广州", -49),
        ("经广州流出毒品数量", -24),
        ("新发现吸毒人员", -19),
    ):
        row = find(records, metric, "2017")
        assert float(row["change_pct"]) == change
        assert row["flag"] == "chained"
    labs_2016, labs_2017 = (
        find(records, "小型制毒窝点", "2016"),
        find(records, "小型制毒窝点", "2017"),
    )
    assert (labs_2016["value"], labs_2016["flag"], labs_2016["unit"]) == ("25", "derived", "个")
    assert (labs_2017["change"], labs_2017["change_pct"], labs_2017["flag"]) == (
        "-10",
        "-40",
        "derived base",
    )
    users = find(records, "本市户籍吸毒人员增速", "2017")
    assert float(users["change_pp"]) == pytest.approx(-2.5)
    assert users["change_pct"].startswith("-32.05")
    for metric, average in (("破案数", "4"), ("逮捕数", "9"), ("查处数", "17"), ("强戒数", "19")):
        row = find(records, metric, "since 2016")
        assert (row["avg_annual_change_pct"], row["change_pct"], row["flag"]) == (
            average,
            "",
            "average annual",
        )
    price = find(records, "冰毒批发价", "")
    assert (price["multiple"], price["change_pct"], price["flag"]) == (
        "4",
        "",
        "multiple (no period)",
    )


@pytest.mark.parametrize(("fmt", "ext"), [("table", "txt"), ("markdown", "md"), ("csv", "csv")])
def test_bundled_golden(invoke, fmt: str, ext: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["trends", "-f", fmt])
    assert result.exit_code == 0
    assert_golden(f"trends_bundled.{ext}", result.stdout)


def test_bundled_summary_golden(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["trends", "--summary", "-f", "table"])
    assert result.exit_code == 0
    assert "█▄▁" in result.stdout
    assert_golden("trends_bundled_summary.txt", result.stdout)
    machine = rows(invoke(["trends", "--summary", "-f", "csv"]).stdout)
    assert "trend" not in machine[0]  # the sparkline is for people only
    volume = next(r for r in machine if r["metric"] == "毒情体量")
    assert (volume["first_period"], volume["last_period"], volume["years"]) == ("2015", "2017", "2")
    assert float(volume["change_pct"]) == pytest.approx(-27.76)
    price = next(r for r in machine if r["metric"] == "冰毒批发价")
    assert (price["multiple"], price["doublings"]) == ("4", "2")


def test_table_caption_says_which_comparison(invoke) -> None:  # type: ignore[no-untyped-def]
    assert "Change year on year (同比)" in invoke(["trends", "-f", "table"]).stdout
    prev = invoke(["trends", "-f", "table", "--compare", "prev"])
    assert "Sequential change (环比)" in prev.stdout
    assert "not checked against sequential" in prev.stderr


def test_json_is_full_precision_with_nulls(invoke) -> None:  # type: ignore[no-untyped-def]
    records = json.loads(invoke(["trends", "-f", "json", "--metric", "毒情体量"]).stdout)
    assert [r["period"] for r in records] == ["2015", "2016", "2017"]
    assert records[0]["change_pct"] is None
    assert records[2]["cumulative_change_pct"] == pytest.approx(-27.76)


# ------------------------------------------------------------------ rules on user files


def test_chinese_headers_precision_check_pp_and_gap(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["trends", str(DATA / "trends_zh.csv"), "-f", "csv"])
    assert result.exit_code == 0
    assert result.stderr.strip() == (
        "Note: 1 reported change(s) disagree with the levels beyond rounding "
        "(flag mismatch; reports often revise their bases)"
    )
    records = rows(result.stdout)
    assert find(records, "床位", "2016")["flag"] == "consistent"
    assert find(records, "床位", "2017")["flag"] == "mismatch"
    gap = find(records, "床位", "2019")
    assert (gap["change"], gap["base_period"], gap["reported_change_pct"], gap["flag"]) == (
        "",
        "",
        "-5",
        "gap",
    )
    share = find(records, "占比", "2017")
    assert float(share["change_pp"]) == pytest.approx(0.42)
    assert float(share["change_pct"]) == pytest.approx(28.378378, rel=1e-6)
    table = invoke(["trends", str(DATA / "trends_zh.csv"), "-f", "markdown", "--metric", "占比"])
    assert "+0.42 pp" in table.stdout and "+28.38%" in table.stdout


def test_monthly_yoy_and_prev(invoke) -> None:  # type: ignore[no-untyped-def]
    yoy = rows(invoke(["trends", str(DATA / "trends_monthly.csv"), "-f", "csv"]).stdout)
    assert [(r["period"], r["base_period"], r["flag"]) for r in yoy] == [
        ("2016-05", "", "first"),
        ("2016-06", "", "first"),
        ("2017-04", "", "first"),
        ("2017-05", "2016-05", ""),
    ]
    prev = rows(
        invoke(
            ["trends", str(DATA / "trends_monthly.csv"), "-f", "csv", "--compare", "prev"]
        ).stdout
    )
    assert [(r["period"], r["base_period"], r["flag"]) for r in prev] == [
        ("2016-05", "", "first"),
        ("2016-06", "2016-05", ""),
        ("2017-04", "", "gap"),
        ("2017-05", "2017-04", ""),
    ]


def test_zero_and_negative_bases_by_region(invoke) -> None:  # type: ignore[no-untyped-def]
    records = rows(
        invoke(["trends", str(DATA / "trends_region.csv"), "--by", "region", "-f", "csv"]).stdout
    )
    zero = next(r for r in records if r["region"] == "天河区" and r["period"] == "2018")
    assert (zero["change"], zero["change_pct"], zero["flag"]) == ("5", "", "zero base")
    negative = next(r for r in records if r["region"] == "越秀区" and r["period"] == "2018")
    assert (negative["change_pct"], negative["flag"]) == ("50", "negative base")
    assert [r["region"] for r in records] == ["天河区", "天河区", "越秀区", "越秀区", "越秀区"]


def test_wide_format_one_metric_per_column(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["trends", str(DATA / "trends_wide.csv"), "-f", "csv"])
    assert result.exit_code == 0
    assert "ignored non-numeric column(s) note" in result.stderr
    records = rows(result.stdout)
    assert [(r["metric"], r["period"]) for r in records] == [
        ("arrests", "2016"),
        ("arrests", "2018"),
        ("cases", "2016"),
        ("cases", "2017"),
        ("cases", "2018"),
    ]
    assert records[1]["flag"] == "gap"
    assert records[4]["change_pct"] == "-25"


def test_index_since_until_metric(invoke) -> None:  # type: ignore[no-untyped-def]
    args = [
        "trends",
        str(DATA / "trends_wide.csv"),
        "-f",
        "csv",
        "--metric",
        "cases",
        "--index",
        "2016",
    ]
    records = rows(invoke([*args, "--since", "2017", "--until", "2017"]).stdout)
    assert [(r["period"], r["index"], r["change_pct"]) for r in records] == [("2017", "120", "20")]
    unknown = invoke([*args, "--metric", "seizures"])
    assert unknown.exit_code == 2
    assert "Error: --metric seizures: no such metric" in unknown.stderr
    bad = invoke([*args, "--since", "soon"])
    assert bad.exit_code == 2
    assert "Error: --since soon: period 'soon' is not a year" in bad.stderr


WIDE_WARNINGS = (
    "Warning: trends_wide.csv: ignored non-numeric column(s) note\n"
    "Warning: trends_wide.csv: skipped 1 row(s) without a period or without a value\n"
)


def test_index_names_series_without_the_base_period(invoke, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(DATA)
    result = invoke(["trends", "trends_wide.csv", "-f", "csv", "--index", "2017"])
    assert result.exit_code == 0
    assert result.stderr == (
        WIDE_WARNINGS
        + "Note: --index 2017: no value in 2017 for metric=arrests; their index is empty\n"
    )
    records = rows(result.stdout)
    assert [(r["metric"], r["period"], r["index"]) for r in records] == [
        ("arrests", "2016", ""),
        ("arrests", "2018", ""),
        ("cases", "2016", "83.3333333333333"),
        ("cases", "2017", "100"),
        ("cases", "2018", "75"),
    ]


def test_index_names_series_with_a_zero_base(invoke) -> None:  # type: ignore[no-untyped-def]
    text = "年份,地区,数值\n2016,天河区,0\n2017,天河区,5\n2016,越秀区,4\n2017,越秀区,5\n"
    result = invoke(["trends", "-", "--by", "地区", "--index", "2016", "-f", "csv"], input=text)
    assert result.exit_code == 0
    assert result.stderr == (
        "Note: --index 2016: the value in 2016 is zero or negative for region=天河区; their "
        "index is empty\n"
    )
    assert [r["index"] for r in rows(result.stdout)] == ["", "", "100", "125"]


def test_index_no_series_has_the_base_period(invoke, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(DATA)
    result = invoke(["trends", "trends_wide.csv", "--index", "2015"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        WIDE_WARNINGS
        + "Error: --index 2015: no series has a value in 2015 (periods: 2016, 2017, 2018)\n"
    )
    monthly = "period,value\n" + "".join(
        f"{y}-{m:02d},{m}\n" for y in (2016, 2017) for m in range(1, 13)
    )
    result = invoke(["trends", "-", "--index", "2016"], input=monthly)
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --index 2016: no series has a value in 2016 (periods: 2016-01, 2016-02, 2016-03, "
        "2016-04, 2016-05, 2016-06, …, 2017-07, 2017-08, 2017-09, 2017-10, 2017-11, 2017-12; "
        "24 periods)\n"
    )


def test_rate_option(invoke) -> None:  # type: ignore[no-untyped-def]
    records = rows(invoke(["trends", str(DATA / "trends_wide.csv"), "-f", "csv", "--rate"]).stdout)
    assert records[3]["change_pp"] == "20"


# ------------------------------------------------------------------ errors


def test_duplicate_period_names_both_lines(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["trends", str(DATA / "trends_dupe.csv")])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert result.stderr.endswith(
        "trends_dupe.csv line 3 and line 6: duplicate period '2017' for metric=a "
        "(one value per series and period)\n"
    )
    assert result.stderr.count("\n") == 1


def test_mixed_frequencies_name_both_lines(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["trends", str(DATA / "trends_mixed.csv")])
    assert result.exit_code == 2
    assert "trends_mixed.csv line 2 and line 3: mixed frequencies in one series" in result.stderr


def test_unreadable_period_and_freq(invoke) -> None:  # type: ignore[no-untyped-def]
    bad = invoke(["trends", "-", "-f", "csv"], input="period,value\n2016,1\nlast year,2\n")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("Error: <stdin> line 3: period 'last year' is not a year")
    wrong = invoke(["trends", str(DATA / "trends_monthly.csv"), "--freq", "year"])
    assert wrong.exit_code == 2
    assert "is a month, not a year (--freq year)" in wrong.stderr


def test_missing_value_skipped_or_strict(invoke) -> None:  # type: ignore[no-untyped-def]
    text = "period,value\n2016,1\n2017,\n2018,3\n"
    loose = invoke(["trends", "-", "-f", "csv"], input=text)
    assert loose.exit_code == 0
    assert "skipped 1 row(s)" in loose.stderr
    assert [r["flag"] for r in rows(loose.stdout)] == ["first", "gap"]
    strict = invoke(["trends", "-", "--strict"], input=text)
    assert strict.exit_code == 2
    assert strict.stderr.startswith("Error: <stdin> line 3: missing value")


def test_no_value_column(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["trends", "-"], input="period,note\n2016,x\n")
    assert result.exit_code == 2
    assert "no value column" in result.stderr


# ------------------------------------------------------------------ presentation helpers


def test_polarity_styles_colour_by_desirable_direction() -> None:
    table = pd.DataFrame(
        {
            "metric": ["cases", "cases", "solved", "other"],
            "change": [-1.0, 2.0, 3.0, 4.0],
            "change_pct": [pd.NA, 1.0, 0.0, 1.0],
        }
    )
    styles = polarity_styles(table, {"cases": "down-is-good", "solved": "up-is-good"})
    assert styles["change"] == ["green", "red", "green", None]
    assert styles["change_pct"] == [None, "red", None, None]
    assert polarity_styles(table, {}) == {}


def test_sparkline_marks_gaps(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(
        ["trends", str(DATA / "trends_zh.csv"), "--summary", "-f", "table", "--metric", "床位"]
    )
    assert "█▄▃ ▁" in result.stdout  # 12.5, 10.1, 9, (no 2018), 8
    assert sparklines  # the helper is importable for ``jdcli report``


def test_bad_number_names_line_and_column(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["trends", "-"], input='period,数值\n2016,12\n2017,"12,5O"\n')
    assert result.exit_code == 2
    assert result.stderr == "Error: <stdin> line 3, column 数值: '12,5O' is not a number\n"


def test_a_multiple_keeps_its_period_when_it_has_one(invoke) -> None:  # type: ignore[no-untyped-def]
    text = (
        "period,value,reported_multiple,reported_since,reported_change_pct\n"
        "2017,,4,,\n2017,,,2015,3\n"
    )
    records = rows(invoke(["trends", "-", "-f", "csv"], input=text).stdout)
    assert [
        (r["period"], r["multiple"], r["avg_annual_change_pct"], r["flag"]) for r in records
    ] == [
        ("2017", "4", "", "multiple"),
        ("2015–2017", "", "3", "average annual"),
    ]


def test_header_only_file_gives_an_empty_result(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["trends", "-", "-f", "csv"], input="period,value\n")
    assert result.exit_code == 0
    assert result.stdout.startswith("unit,period,value,base_period")
    assert result.stdout.count("\n") == 1
    assert "no data rows" in result.stderr


def test_bundled_polarity_comes_from_the_datapackage() -> None:
    from jdcli.analyses.trends import metric_polarity
    from jdcli.cli.common import load_input
    from jdcli.loading.schemas import TRENDS

    loaded = load_input(None, TRENDS, "trends", col=None, filters=None, encoding=None)
    polarity = metric_polarity(loaded)
    assert polarity["毒情体量"] == "down-is-good"
    assert polarity["破案数"] == "up-is-good"


def test_polarity_from_a_field_of_a_wide_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from jdcli.analyses.trends import metric_polarity
    from jdcli.cli.common import load_input
    from jdcli.loading.schemas import TRENDS

    (tmp_path / "wide.csv").write_text("year,cases\n2016,1\n2017,2\n", encoding="utf-8")
    (tmp_path / "datapackage.json").write_text(
        json.dumps(
            {
                "resources": [
                    {
                        "name": "w",
                        "path": "wide.csv",
                        "schema": {"fields": [{"name": "cases", "polarity": "down-is-good"}]},
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    loaded = load_input(
        str(tmp_path / "wide.csv"), TRENDS, "trends", col=None, filters=None, encoding=None
    )
    assert metric_polarity(loaded) == {"cases": "down-is-good"}


def test_report_has_a_trends_section(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["report", "-f", "markdown"])
    assert result.exit_code == 0
    section = result.stdout.split("## Trends", 1)[1].split("\n## ", 1)[0]
    assert "72.24" in section and "-27.76%" in section and "-2.50 pp" in section
    assert "| trends    | 本市户籍吸毒人员增速" in result.stdout  # a key figure per series


def test_col_and_filter_options(invoke) -> None:  # type: ignore[no-untyped-def]
    text = "年份,地区,案件数\n2016,甲,10\n2017,甲,12\n2016,乙,5\n2017,乙,4\n"
    result = invoke(
        ["trends", "-", "--col", "value=案件数", "--filter", "地区=乙", "-f", "csv"], input=text
    )
    assert result.exit_code == 0, result.stderr
    records = rows(result.stdout)
    assert [(r["period"], r["change_pct"]) for r in records] == [("2016", ""), ("2017", "-20")]


@pytest.mark.parametrize("summary", [[], ["--summary"]])
def test_filtering_rows_never_changes_the_columns(invoke, summary: list[str]) -> None:  # type: ignore[no-untyped-def]
    whole = invoke(["trends", "-f", "csv", *summary]).stdout.splitlines()[0]
    part = invoke(["trends", "-f", "csv", "--metric", "毒情体量", *summary]).stdout.splitlines()[0]
    assert part == whole


def test_reported_since_must_be_a_period(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(
        ["trends", "-"], input="period,metric,reported_change_pct,reported_since\n,x,5,soon\n"
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: <stdin> line 2: period 'soon' is not a year")
    assert "(column reported_since)" in result.stderr


def test_a_file_of_multiples_only(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["trends", "-", "-f", "csv"], input="年份,指标,倍数\n,price,4\n")
    assert result.exit_code == 0, result.stderr
    assert rows(result.stdout)[0]["multiple"] == "4"


PERIODS = ["2015", "2016", "2017", "2019", "2016Q1", "2017Q1", "2016-05", "2017-05", "2016-02-29",
           "2017-02-28", "", "x"]  # fmt: skip
FIGURES = ["", "0", "-5", "12.5", "~55", "7.8%", "100", "-100", "1e3", "abc"]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b"]),
            st.sampled_from(PERIODS),
            st.sampled_from(FIGURES),
            st.sampled_from(["", "-14", "5", "-100", "0.5"]),
            st.sampled_from(["", "", "", "2016"]),
            st.sampled_from(["", "", "", "4"]),
        ),
        max_size=8,
    ),
    st.sampled_from(
        [[], ["--compare", "prev"], ["--summary"], ["-f", "table"], ["--index", "2016"]]
    ),
)
def test_random_trends_files_exit_0_or_2(cells: list[tuple[str, ...]], options: list[str]) -> None:
    """Any mix of periods, figures and reported changes: a result or one Error line."""
    from typer.testing import CliRunner

    from jdcli.cli import app

    lines = ["metric,period,value,reported_change_pct,reported_since,reported_multiple"]
    lines += [",".join(row) for row in cells]
    result = CliRunner().invoke(app, ["trends", "-", *options], input="\n".join(lines) + "\n")
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert result.stderr.strip().splitlines()[-1].startswith("Error: ")
