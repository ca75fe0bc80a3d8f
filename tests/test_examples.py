"""The example files (datasets/examples): listed, nameable as FILE, realistic and consistent."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from jdcli.datasets import bundled_file

EXAMPLES = Path(__file__).resolve().parents[1] / "datasets" / "examples"


def test_examples_are_listed_by_jdcli_datasets(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["datasets", "-f", "csv"])
    assert result.exit_code == 0
    for name in ("census_monthly", "indicators_wide", "indicators_by_district", "police"):
        assert f"examples,{name},examples/{name}.csv," in result.stdout
    assert "examples,stations,examples/stations.csv," in result.stdout
    assert "examples,claims,examples/claims.csv," in result.stdout


def test_a_bundled_resource_is_named_as_jdcli_datasets_prints_it(  # type: ignore[no-untyped-def]
    invoke, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)  # anywhere: the name is not a path here
    found = bundled_file("examples/police.csv")  # in the package: installed or editable
    assert found is not None and found.name == "police.csv"
    assert found.read_bytes() == (EXAMPLES / "police.csv").read_bytes()
    assert bundled_file("examples/nope.csv") is None
    assert bundled_file("nope/police.csv") is None
    result = invoke(["occupancy", "guangzhou-2018/rehab_centres.csv", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert "7654,7020,91.7167494120721" in result.stdout
    staffing = invoke(["staffing", "examples/police.csv", "--base", "总警力", "-f", "csv"])
    assert staffing.exit_code == 0, staffing.stderr
    assert "examples/police.csv (bundled)" in staffing.stderr
    missing = invoke(["occupancy", "examples/nope.csv"])
    assert missing.exit_code == 2
    assert missing.stderr == "Error: examples/nope.csv: no such file\n"


def test_census_has_five_centres_two_years_a_missing_month_and_true_totals() -> None:
    frame = pd.read_csv(EXAMPLES / "census_monthly.csv", dtype={"月份": str})
    parts = frame[frame["机构名称"] != "合计"]
    totals = frame[frame["机构名称"] == "合计"].set_index("月份")
    assert parts["机构名称"].nunique() == 5
    assert sorted(set(frame["月份"])) == [
        f"{y}-{m:02d}" for y in (2023, 2024) for m in range(1, 13)
    ]
    per_month = parts.groupby("月份")["机构名称"].nunique()
    assert list(per_month[per_month < 5].index) == ["2024-03"]  # the missing month
    sums = parts.groupby("月份")[["核定床位", "在所人数"]].sum()
    pd.testing.assert_frame_equal(totals[["核定床位", "在所人数"]], sums, check_names=False)


def test_police_totals_equal_their_districts() -> None:
    frame = pd.read_csv(EXAMPLES / "police.csv")
    parts = frame[frame["区"] != "合计"].groupby("年份")[["总警力", "禁毒民警"]].sum()
    totals = frame[frame["区"] == "合计"].set_index("年份")[["总警力", "禁毒民警"]]
    pd.testing.assert_frame_equal(totals, parts, check_names=False)


def test_claims_follow_from_the_example_files(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["verify", "examples/claims.csv", "-f", "json"])
    assert result.exit_code == 1  # one claim deliberately fails, and its note says so
    rows = json.loads(result.stdout)
    assert [r["status"] for r in rows].count("fail") == 1
    failing = next(r for r in rows if r["status"] == "fail")
    assert failing["label"] == "缴获毒品 2023 同比"


def test_report_of_the_examples(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["report", str(EXAMPLES), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    for key in ("occupancy", "trends", "staffing", "verify"):
        assert "rows" in document[key], key
