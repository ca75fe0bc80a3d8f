"""`jdcli trends` and `jdcli verify` apply one rounding rule: the same figures, the same verdict."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

# (earlier level, later level, reported change as written, consistent by the rule)
PAIRS = [
    ("20000", "22469", "12.35", True),  # exactly +12.345%: half-up gives 12.35
    ("20000", "22469", "12.34", False),  # … never 12.34, whatever a float would say
    ("20000", "17531", "-12.35", True),  # half-up goes away from zero
    ("20000", "17531", "-12.34", False),
    ("12.5", "10.1", "-19.2", True),  # levels with decimals stand for what rounds to them
    ("12.5", "10.1", "-17", False),
    ("25", "15", "-40", True),  # exact counts
    ("25", "16", "-40", False),
    ("2000", "~2300", "17", True),  # ~2300 is 2250 to 2350
    ("2000", "~2300", "12", False),  # 12.5% is outside [11.5, 12.5)
    ("2000", "ca. 2300", "18", True),  # 17.5% meets [17.5, 18.5)
    ("~55", "60", "9", True),  # ~55 is 54.5 to 55.5
]


def trends_verdicts(invoke, tmp_path: Path) -> list[bool]:  # type: ignore[no-untyped-def]
    lines = ["metric,period,value,reported_change_pct"]
    for i, (before, after, reported, _) in enumerate(PAIRS):
        lines += [f'm{i:02},2016,"{before}",', f'm{i:02},2017,"{after}",{reported}']
    path = tmp_path / "levels.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = invoke(["trends", "-f", "csv", str(path)])
    assert result.exit_code == 0, result.stderr
    flags = {
        r["metric"]: r["flag"]
        for r in csv.DictReader(io.StringIO(result.stdout))
        if r["period"] == "2017"
    }
    assert set(flags.values()) <= {"consistent", "mismatch"}, flags
    return [flags[f"m{i:02}"] == "consistent" for i in range(len(PAIRS))]


def verify_verdicts(invoke) -> list[bool]:  # type: ignore[no-untyped-def]
    claims = [f"m{i:02}: {a} -> {b} = {r}%" for i, (a, b, r, _) in enumerate(PAIRS)]
    result = invoke(["verify", "-f", "csv", *claims])
    assert result.exit_code in (0, 1), result.stderr
    status = {r["label"]: r["status"] for r in csv.DictReader(io.StringIO(result.stdout))}
    assert set(status.values()) <= {"pass", "fail"}, status
    return [status[f"m{i:02}"] == "pass" for i in range(len(PAIRS))]


def test_trends_and_verify_give_the_same_verdicts(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    expected = [ok for *_, ok in PAIRS]
    assert trends_verdicts(invoke, tmp_path) == expected
    assert verify_verdicts(invoke) == expected


@pytest.mark.parametrize(("reported", "flag"), [("12.35%", "consistent"), ("12.34%", "mismatch")])
def test_trends_decides_the_2469_of_20000_edge_exactly(  # type: ignore[no-untyped-def]
    invoke, tmp_path: Path, reported: str, flag: str
) -> None:
    """A rate level pair: 20000 → 22469 cases is exactly +12.345%."""
    path = tmp_path / "edge.csv"
    path.write_text(
        f"指标,年份,数值,同比\n案件,2016,20000,\n案件,2017,22469,{reported}\n", encoding="utf-8"
    )
    result = invoke(["trends", "-f", "csv", str(path)])
    assert result.exit_code == 0
    row = next(r for r in csv.DictReader(io.StringIO(result.stdout)) if r["period"] == "2017")
    assert row["flag"] == flag
    assert ("disagree" in result.stderr) == (flag == "mismatch")
