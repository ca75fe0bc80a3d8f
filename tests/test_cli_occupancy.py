"""Tier 3: ``jdcli occupancy`` through the CLI; stdout, stderr and exit code checked apart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, assert_golden


def test_bundled_default_csv(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["occupancy", "-f", "csv"])
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == (
        "facility,period,capacity,occupied,occupancy_pct,free,band\n"
        "全市强制隔离戒毒所,2018-05,7654,7020,91.7167494120721,634,high\n"
    )


def test_bundled_default_table_shows_9172(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["occupancy", "-f", "table", "--explain"])
    assert result.exit_code == 0
    assert "91.72%" in result.stdout
    assert "7020 / 7654 = 91.72%" in result.stdout
    assert "guangzhou-2018/rehab_centres.csv (bundled)" in result.stdout
    assert_golden("occupancy_bundled.txt", result.stdout)


@pytest.mark.parametrize(("fmt", "ext"), [("markdown", "md"), ("json", "json"), ("tsv", "tsv")])
def test_bundled_golden_formats(invoke, fmt: str, ext: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["occupancy", "-f", fmt])
    assert result.exit_code == 0
    assert_golden(f"occupancy_bundled.{ext}", result.stdout)


def test_gbk_chinese_headers_by_region(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["occupancy", str(DATA / "beds_gbk.csv"), "--by", "地区", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "region,units,capacity,occupied,occupancy_pct,free,band",
        "白云区,1,1000,920,92,80,critical",
        "花都区,1,500,510,102,-10,over",
        "Total,2,1500,1430,95.3333333333333,70,critical",
    ]


def test_stdin(invoke) -> None:  # type: ignore[no-untyped-def]
    text = (DATA / "beds.csv").read_text(encoding="utf-8")
    result = invoke(["occupancy", "-", "--by", "region", "--no-total", "-f", "jsonl"], input=text)
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["region"] for r in rows] == ["north", "south"]
    assert rows[0]["occupancy_pct"] == 100 / 110 * 100


def test_freq_month_skips_incomplete_rows_with_one_warning(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["occupancy", str(DATA / "census_daily.csv"), "--freq", "month", "-f", "csv"])
    assert result.exit_code == 0
    assert result.stderr.count("Warning:") == 1
    assert "skipped 1 row(s) with a missing capacity or occupied value" in result.stderr
    assert result.stdout.splitlines() == [
        "facility,period,units,capacity,occupied,occupancy_pct,free,band",
        "A,2018-05,1,100,92,92,8,critical",
        "B,2018-05,1,70,60,85.7142857142857,10,high",
        "Total,2018-05,2,170,152,89.4117647058824,18,high",
        "A,2018-06,1,100,101,101,-1,over",
        "B,2018-06,1,50,40,80,10,normal",
        "Total,2018-06,2,150,141,94,9,critical",
    ]


def test_strict_turns_a_missing_value_into_an_error(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["occupancy", str(DATA / "census_daily.csv"), "--strict"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert "census_daily.csv line 8, column occupied: missing value" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_as_of(invoke) -> None:  # type: ignore[no-untyped-def]
    args = ["occupancy", str(DATA / "census_daily.csv"), "--as-of", "2018-05-31", "-f", "csv"]
    result = invoke(args)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == (
        "facility,latest_date,units,capacity,occupied,occupancy_pct,free,band"
    )
    assert result.stdout.splitlines()[1] == "A,2018-05-02,1,100,94,94,6,critical"


def test_fail_above_exits_1_after_writing_data(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["occupancy", str(DATA / "beds_gbk.csv"), "--fail-above", "100", "-f", "csv"])
    assert result.exit_code == 1
    assert "第二戒毒所,1,500,510,102,-10,over" in result.stdout
    assert result.stderr.strip() == "Check failed: 1 group(s) above 100%: 第二戒毒所 (102%)"
    ok = invoke(["occupancy", str(DATA / "beds_gbk.csv"), "--fail-above", "102", "-f", "csv"])
    assert ok.exit_code == 0


def test_output_file_by_extension(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out.json"
    result = invoke(["occupancy", "-o", str(target)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))[0]["capacity"] == 7654
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temp file left behind


def test_output_unknown_extension_is_a_usage_error(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["occupancy", "-o", str(tmp_path / "out.xls")])
    assert result.exit_code == 2
    assert "add --format" in result.stderr
    assert not (tmp_path / "out.xls").exists()
    forced = invoke(["occupancy", "-o", str(tmp_path / "out.xls"), "-f", "csv"])
    assert forced.exit_code == 0


def test_output_refuses_to_overwrite_input(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "beds.csv"
    original = (DATA / "beds.csv").read_bytes()
    source.write_bytes(original)
    result = invoke(["occupancy", str(source), "-o", str(source)])
    assert result.exit_code == 2
    assert "refusing to overwrite the input file" in result.stderr
    assert source.read_bytes() == original


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--bands", "92,85,100"], "--bands expects three increasing percentages"),
        (["--freq", "month"], "--freq needs a date column"),
        (["--by", "zone"], "--by zone: no column 'zone'"),
        (["--col", "capacity"], "--col expects NAME=VALUE"),
        (["--filter", "nothing"], "--filter expects COL=VALUE"),
        (["--filter", " !=x"], "--filter expects COL=VALUE or COL!=VALUE"),
        (["--filter", "zone!=x"], "--filter zone!=…: no column 'zone'"),
    ],
)
def test_usage_errors(invoke, args: list[str], fragment: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["occupancy", str(DATA / "beds.csv"), *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_columns_one_line(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "beds.csv"
    path.write_text("机构,在所人数,核定\nA,1,2\n", encoding="utf-8")
    result = invoke(["occupancy", str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: {path}: missing column(s) capacity "
        "(found: 机构 (facility), 在所人数 (occupied), 核定); needs "
        "capacity+occupied or capacity_days+occupied_days; map one with --col capacity=NAME"
    ]
    mapped = invoke(["occupancy", str(path), "--col", "capacity=核定", "-f", "csv"])
    assert mapped.exit_code == 0
    assert mapped.stdout.splitlines()[1] == "A,2,1,50,1,normal"
    twice = invoke(["occupancy", str(path), "--col", "capacity=核定", "--col", "occupied=核定"])
    assert twice.exit_code == 2
    assert "both name column '核定'" in twice.stderr


def test_header_only_gives_empty_result_and_warning(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "empty.csv"
    path.write_text("facility,capacity,occupied\n", encoding="utf-8")
    result = invoke(["occupancy", str(path), "-f", "csv"])
    assert result.exit_code == 0
    assert result.stdout == "facility,capacity,occupied,occupancy_pct,free,band\n"
    assert "no data rows" in result.stderr


def test_filter(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["occupancy", str(DATA / "beds.csv"), "--filter", "region=south", "-f", "csv"])
    assert result.stdout.splitlines()[1:] == ["C,1200,1100,91.6666666666667,100,high"]


def test_help_lists_shared_options(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["occupancy", "--help"])
    assert result.exit_code == 0
    for option in ("--format", "--output", "--col", "--filter", "--decimals", "--encoding", "--by"):
        assert option in result.stdout


def run_jdcli(args: list[str], **kwargs) -> subprocess.CompletedProcess[bytes]:  # type: ignore[no-untyped-def]
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-m", "jdcli", *args], env=env, capture_output=True, **kwargs
    )


def test_broken_pipe_is_quiet(tmp_path: Path) -> None:
    rows = "".join(f"F{i},region{i % 7},100,{i % 120}\n" for i in range(60_000))
    source = tmp_path / "big.csv"
    source.write_text("facility,region,capacity,occupied\n" + rows, encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1"}
    pipeline = subprocess.run(
        f'"{sys.executable}" -m jdcli occupancy "{source}" -f csv | head -1',
        shell=True,
        env=env,
        capture_output=True,
        check=False,
    )
    assert pipeline.stdout == b"facility,units,capacity,occupied,occupancy_pct,free,band\n"
    assert b"Traceback" not in pipeline.stderr
    assert pipeline.stderr == b""


def test_missing_file_subprocess_has_no_traceback(tmp_path: Path) -> None:
    result = run_jdcli(["occupancy", str(tmp_path / "missing.csv")])
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.decode().strip() == f"Error: {tmp_path / 'missing.csv'}: no such file"


@pytest.mark.parametrize("limit", ["nan", "inf"])
def test_fail_above_must_be_finite(invoke, limit: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["occupancy", "--fail-above", limit])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "--fail-above expects a finite percentage" in result.stderr


def test_trailing_empty_unnamed_columns_are_dropped(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "excel.csv"
    path.write_text("facility,capacity,occupied,,\nA,10,5,,\n", encoding="utf-8")
    result = invoke(["occupancy", str(path), "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1] == "A,10,5,50,5,normal"
    path.write_text("facility,capacity,occupied,\nA,10,5,x\n", encoding="utf-8")
    result = invoke(["occupancy", str(path), "-f", "csv"])
    # A column with values and no header is read under its positional name, with a note.
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1] == "A,10,5,50,5,normal"
    assert result.stderr == f"Note: {path}: column 4 has no header: read as column_4\n"
