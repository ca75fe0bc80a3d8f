"""``jdcli trends`` with units in headers, ``--rate METRIC`` and the rate-name note.

The result frame is checked whole (``compute``, as the CLI writes it); the CLI through
``CliRunner`` with stdout, stderr and exit code apart.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from jdcli.analyses.trends import compute
from jdcli.loading import load
from jdcli.loading.schemas import TRENDS
from tests.conftest import DATA

COLUMNS = [
    "metric",
    "unit",
    "period",
    "value",
    "base_period",
    "base_value",
    "change",
    "change_pct",
    "change_pp",
    "cumulative_change_pct",
    "reported_change_pct",
    "flag",
]
NUMBERS = [c for c in COLUMNS[3:11] if c != "base_period"]


def expected(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    """The result frame from (metric, unit, period, value, base_period, base_value, change,
    change_pct, change_pp, flag) rows of two-period series: cumulative = change_pct."""
    records = [(*r[:9], r[7], None, r[9]) for r in rows]
    frame = pd.DataFrame(records, columns=COLUMNS)
    for column in NUMBERS:
        frame[column] = frame[column].astype("Float64")
    for column in ("metric", "unit", "period", "base_period", "flag"):
        frame[column] = frame[column].astype("str")
    return frame


def result_frame(path: Path | str, **options: object) -> pd.DataFrame:
    result = compute(load(path, TRENDS), by=[], **options)  # type: ignore[arg-type]
    return result.frame.reset_index(drop=True)


def rows(stdout: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(stdout)))


# ------------------------------------------------------------------ the result frame


def test_units_in_chinese_headers_fill_the_unit_column_and_percent_changes_in_points() -> None:
    na = None
    want = expected(
        [
            ("戒断三年未复吸率", "%", "2016", 38.2, na, na, na, na, na, "first"),
            ("戒断三年未复吸率", "%", "2017", 40.1, "2016", 38.2, 1.9, 4.973822, 1.9, na),
            ("抓获人数", "人", "2016", 1500, na, na, na, na, na, "first"),
            ("抓获人数", "人", "2017", 1450, "2016", 1500, -50, -3.333333, na, na),
            ("破案数", "起", "2016", 1200, na, na, na, na, na, "first"),
            ("破案数", "起", "2017", 1300, "2016", 1200, 100, 8.333333, na, na),
            ("社区戒毒执行率", "百分比", "2016", 97.5, na, na, na, na, na, "first"),
            ("社区戒毒执行率", "百分比", "2017", 99.36, "2016", 97.5, 1.86, 1.907692, 1.86, na),
            # A multiplier is shown in the unit, never applied: 850 stays 850 (万元).
            ("禁毒经费", "万元", "2016", 850, na, na, na, na, na, "first"),
            ("禁毒经费", "万元", "2017", 900, "2016", 850, 50, 5.882353, na, na),
            ("缴毒量", "千克", "2016", 320.5, na, na, na, na, na, "first"),
            ("缴毒量", "千克", "2017", 300, "2016", 320.5, -20.5, -6.396256, na, na),
        ]
    )
    pd.testing.assert_frame_equal(result_frame(DATA / "trends_units_zh.csv"), want)


def test_units_in_english_headers_per_100000_is_not_a_percent() -> None:
    na = None
    want = expected(
        [
            ("Arrests", "people", "2016", 1500, na, na, na, na, na, "first"),
            ("Arrests", "people", "2017", 1450, "2016", 1500, -50, -3.333333, na, na),
            ("Drug deaths", "per 100,000", "2016", 3.1, na, na, na, na, na, "first"),
            ("Drug deaths", "per 100,000", "2017", 3.4, "2016", 3.1, 0.3, 9.677419, na, na),
            ("Relapse rate", "%", "2016", 38.2, na, na, na, na, na, "first"),
            ("Relapse rate", "%", "2017", 40.1, "2016", 38.2, 1.9, 4.973822, 1.9, na),
            ("Seizures", "thousand tonnes", "2016", 2, na, na, na, na, na, "first"),
            ("Seizures", "thousand tonnes", "2017", 2.5, "2016", 2, 0.5, 25, na, na),
        ]
    )
    pd.testing.assert_frame_equal(result_frame(DATA / "trends_units_en.csv"), want)


def test_a_long_file_takes_its_unit_from_the_value_header(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("年份,指标,数值（%）\n2016,复吸率,38.2\n2017,复吸率,40.1\n", encoding="utf-8")
    na = None
    want = expected(
        [
            ("复吸率", "%", "2016", 38.2, na, na, na, na, na, "first"),
            ("复吸率", "%", "2017", 40.1, "2016", 38.2, 1.9, 4.973822, 1.9, na),
        ]
    )
    pd.testing.assert_frame_equal(result_frame(path), want)


def test_a_unit_cell_wins_over_the_header_and_metric_cells_carry_units(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        "year,indicator,value (people),unit\n"
        "2016,arrests,10,\n2017,arrests,12,\n"
        "2016,share,10,%\n2017,share,12,%\n"
        "2016,Relapse rate (%),38.2,\n2017,Relapse rate (%),40.1,\n",
        encoding="utf-8",
    )
    frame = result_frame(path)
    assert frame[["metric", "unit"]].drop_duplicates().to_numpy().tolist() == [
        ["Relapse rate", "%"],
        ["arrests", "people"],
        ["share", "%"],
    ]
    assert frame["change_pp"].dropna().round(6).tolist() == [1.9, 2.0]


def test_rate_names_metrics_with_or_without_their_unit(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(
        "年份,复吸率,比例（个）,破案数\n2016,38.2,1,10\n2017,40.1,2,12\n", encoding="utf-8"
    )
    chosen = result_frame(path, rate=["复吸率（%）", "比例（个）"])
    points = chosen.dropna(subset=["change_pp"])
    assert points[["metric", "change_pp"]].round(6).to_numpy().tolist() == [
        ["复吸率", 1.9],
        ["比例", 1.0],
    ]
    assert result_frame(path, rate=True)["change_pp"].notna().sum() == 3


# ------------------------------------------------------------------ the command line


def test_cli_markdown_of_a_wide_file_with_units(invoke, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(DATA)
    result = invoke(
        ["trends", "trends_units_zh.csv", "-f", "markdown", "--metric", "戒断三年未复吸率（%）"]
    )
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == (
        "**Trends**\n\n"
        "| Metric           | Unit   | Period   |   Value | Base period   |   Change |"
        "   YoY % |   Change (pp) |   Cumulative % | Note   |\n"
        "|------------------|--------|----------|---------|---------------|----------|"
        "---------|---------------|----------------|--------|\n"
        "| 戒断三年未复吸率 | %      | 2016     |   38.20 | —             |        — |"
        "       — |             — |              — | first  |\n"
        "| 戒断三年未复吸率 | %      | 2017     |   40.10 | 2016: 38.20   |    +1.90 |"
        "  +4.97% |      +1.90 pp |         +4.97% | —      |\n\n"
        "Change year on year (同比): each period against the same period one year earlier; a "
        "missing comparison period is a gap, never bridged. Rates change in percentage points "
        "(pp); change_pct is the relative change. Source: trends_units_zh.csv\n"
    )


def test_cli_csv_keeps_units_and_metric_accepts_either_form(invoke) -> None:  # type: ignore[no-untyped-def]
    path = str(DATA / "trends_units_en.csv")
    result = invoke(
        ["trends", path, "-f", "csv", "--metric", "Relapse rate (%)", "--metric", "Drug deaths"]
    )
    assert result.exit_code == 0
    assert result.stderr == ""
    records = rows(result.stdout)
    assert [(r["metric"], r["unit"], r["period"]) for r in records] == [
        ("Drug deaths", "per 100,000", "2016"),
        ("Drug deaths", "per 100,000", "2017"),
        ("Relapse rate", "%", "2016"),
        ("Relapse rate", "%", "2017"),
    ]
    assert records[1]["change_pp"] == ""
    assert float(records[3]["change_pp"]) == pytest.approx(1.9)


RATE_NAMES = "年份,复吸率,relapse_rate,corporate,破案数\n2016,38.2,3,5,10\n2017,40.1,4,6,12\n"


def test_a_rate_name_without_a_unit_gets_a_note_not_points(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["trends", "-", "-f", "csv"], input=RATE_NAMES)
    assert result.exit_code == 0
    assert result.stderr == (
        "Note: <stdin>: 复吸率, relapse_rate look like rates (率/rate) but have no unit: changes "
        "are relative (change_pct); if in percent, add --rate 复吸率 --rate relapse_rate or write "
        "the unit in the header (复吸率（%）) for changes in points (change_pp)\n"
    )
    assert all(r["change_pp"] == "" for r in rows(result.stdout))


def test_rate_with_a_list_of_metrics(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["trends", "-", "-f", "csv", "--rate", "复吸率（%）"], input=RATE_NAMES)
    assert result.exit_code == 0
    assert result.stderr == (
        "Note: <stdin>: relapse_rate looks like a rate (率/rate) but has no unit: changes are "
        "relative (change_pct); if in percent, add --rate relapse_rate or write the unit in the "
        "header (relapse_rate (%)) for changes in points (change_pp)\n"
    )
    points = {r["metric"]: r["change_pp"] for r in rows(result.stdout) if r["period"] == "2017"}
    assert float(points["复吸率"]) == pytest.approx(1.9)
    assert points["relapse_rate"] == points["破案数"] == points["corporate"] == ""
    both = invoke(
        ["trends", "-", "--rate=复吸率", "--rate", "relapse_rate", "-f", "csv"], input=RATE_NAMES
    )
    assert both.exit_code == 0
    assert both.stderr == ""
    points = {r["metric"]: r["change_pp"] for r in rows(both.stdout) if r["period"] == "2017"}
    assert points["relapse_rate"] == "1"
    assert points["破案数"] == ""


@pytest.mark.parametrize(
    "args",
    [
        ["trends", "-", "--rate"],  # at the end
        ["trends", "--rate", "-", "-f", "csv"],  # before stdin's -
        ["trends", "-", "--rate", "-f", "csv"],  # before another option
        ["trends", "-", "--rate", "--rate", "复吸率"],  # bare wins: every value
    ],
)
def test_rate_alone_still_means_every_value(invoke, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = invoke([*args, "-f", "csv"] if "-f" not in args else args, input=RATE_NAMES)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert [r["change_pp"] != "" for r in rows(result.stdout) if r["period"] == "2017"] == [
        True
    ] * 4


def test_rate_names_an_unknown_metric(invoke, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    unknown = invoke(["trends", "-", "--rate", "arrests"], input=RATE_NAMES)
    assert unknown.exit_code == 2
    assert unknown.stdout == ""
    assert unknown.stderr == (
        "Error: --rate arrests: no such metric in <stdin> (found: 复吸率, relapse_rate, "
        "corporate, 破案数)\n"
    )
    # ``--rate FILE``: FILE is read as a metric; the error says where a bare --rate goes.
    monkeypatch.chdir(tmp_path)
    Path("wide.csv").write_text(RATE_NAMES, encoding="utf-8")
    misplaced = invoke(["trends", "--rate", "wide.csv"])
    assert misplaced.exit_code == 2
    assert misplaced.stderr.startswith("Error: --rate wide.csv: no such metric in guangzhou-2018/")
    assert misplaced.stderr.endswith(
        "; to make every value a rate, put FILE before --rate (wide.csv --rate)\n"
    )
    no_metric = invoke(["trends", "-", "--rate", "x"], input="year,value\n2016,1\n")
    assert no_metric.exit_code == 2
    assert no_metric.stderr == "Error: --rate: <stdin> has no metric column (指标/metric)\n"


def test_rate_help_says_what_a_bare_rate_means(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["trends", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "--rate [METRIC]" in text
    assert "--rate alone (after FILE): every value; --rate METRIC (repeatable;" in text


def test_polarity_of_a_wide_column_with_a_unit(tmp_path: Path) -> None:
    from jdcli.analyses.trends import metric_polarity
    from jdcli.cli.common import load_input

    (tmp_path / "wide.csv").write_text("年份,破案数（起）\n2016,1\n2017,2\n", encoding="utf-8")
    field = {"name": "破案数（起）", "polarity": "up-is-good"}
    package = {"resources": [{"name": "w", "path": "wide.csv", "schema": {"fields": [field]}}]}
    (tmp_path / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    loaded = load_input(
        str(tmp_path / "wide.csv"), TRENDS, "trends", col=None, filters=None, encoding=None
    )
    assert metric_polarity(loaded) == {"破案数（起）": "up-is-good", "破案数": "up-is-good"}
