"""The benchmark's own pieces work: tiny generated data, jdcli and its peers agree (nothing
is timed here; the timings are in benchmarks/RESULTS.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
pytestmark = pytest.mark.skipif(not BENCHMARKS.is_dir(), reason="benchmarks/ not shipped")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(BENCHMARKS))
    from generate import generate

    folder = tmp_path_factory.mktemp("bench")
    generate(0.002, folder)
    return folder


def test_generator_is_deterministic_and_has_the_traps(tiny: Path, tmp_path: Path) -> None:
    from generate import generate

    again = generate(0.002, tmp_path)
    for name, path in again.items():
        assert path.read_bytes() == (tiny / path.name).read_bytes(), name
    census = pd.read_csv(tiny / "occupancy.csv")
    assert list(census.columns) == ["date", "region", "facility", "capacity", "occupied"]
    assert (census["occupied"] > census["capacity"]).any()  # over-capacity days
    panel = pd.read_csv(tiny / "trends.csv")
    assert (panel["value"] == 0).any()  # zero bases
    years = panel.groupby(["region", "metric"])["period"].agg(["min", "max", "count"])
    assert (years["max"] - years["min"] + 1 > years["count"]).any()  # gap years
    staff = pd.read_csv(tiny / "staff.csv")
    assert (staff["staff"] == 0).any()


@pytest.mark.parametrize("workload", ["occupancy-facility-month", "occupancy-region-month"])
def test_jdcli_and_peers_agree(tiny: Path, tmp_path: Path, workload: str) -> None:
    from compare import compare_outputs
    from run import WORKLOADS

    work = next(w for w in WORKLOADS if w.name == workload)
    outputs = {"jdcli": tmp_path / "jdcli.csv", "pandas": tmp_path / "pandas.csv"}
    source = str(tiny / "occupancy.csv")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "jdcli",
            work.command,
            source,
            *work.jdcli,
            "-f",
            "csv",
            "-o",
            str(outputs["jdcli"]),
        ],
        check=True,
    )
    peers = {"pandas": "pandas_peer.py"}
    try:
        import duckdb  # noqa: F401

        peers["duckdb"] = "duckdb_peer.py"
        outputs["duckdb"] = tmp_path / "duckdb.csv"
    except ImportError:
        pass
    for name, script in peers.items():
        subprocess.run(
            [
                sys.executable,
                str(BENCHMARKS / "peers" / script),
                workload,
                source,
                str(outputs[name]),
            ],
            check=True,
        )
    assert compare_outputs(outputs, work.keys) == []


def test_comparison_notices_a_difference(tiny: Path, tmp_path: Path) -> None:
    from compare import compare_outputs

    good = tmp_path / "a.csv"
    good.write_text("facility,period,occupancy_pct\nA,2018-01,91.5\nTotal,2018-01,90\n")
    bad = tmp_path / "b.csv"
    bad.write_text("facility,period,occupancy_pct\nA,2018-01,91.6\n")
    problems = compare_outputs({"jdcli": good, "other": bad}, ("facility", "period"))
    assert problems == [
        "other: 1 value(s) differ in occupancy_pct, e.g. ('A', '2018-01'): 91.5 vs 91.6"
    ]


def test_peers_cover_every_workload() -> None:
    sys.path.insert(0, str(BENCHMARKS))  # not only when a fixture has done it
    from run import WORKLOADS

    for script in ("pandas_peer.py", "duckdb_peer.py"):
        text = (BENCHMARKS / "peers" / script).read_text(encoding="utf-8")
        for work in WORKLOADS:
            assert f'"{work.name}"' in text, (script, work.name)


@pytest.mark.parametrize("workload", ["trends", "staffing"])
def test_peers_agree_on_workloads_awaiting_their_command(
    tiny: Path, tmp_path: Path, workload: str
) -> None:
    pytest.importorskip("duckdb")
    from compare import compare_outputs
    from run import WORKLOADS

    work = next(w for w in WORKLOADS if w.name == workload)
    inputs = (
        [str(tiny / "trends.csv")]
        if workload == "trends"
        else [str(tiny / "staff.csv"), str(tiny / "clients.csv")]
    )
    outputs = {"duckdb": tmp_path / "duckdb.csv", "pandas": tmp_path / "pandas.csv"}
    for name in outputs:
        subprocess.run(
            [
                sys.executable,
                str(BENCHMARKS / "peers" / f"{name}_peer.py"),
                workload,
                *inputs,
                str(outputs[name]),
            ],
            check=True,
        )
    assert compare_outputs(outputs, work.keys) == []
    result = pd.read_csv(outputs["pandas"])
    if workload == "trends":
        assert result["change_pct"].isna().sum() > result["period"].eq(2011).sum()  # gaps, zeros
    else:
        assert result["caseload"].isna().any() and result["staff"].isna().any()


@pytest.mark.parametrize("workload", ["occupancy-facility-month", "trends", "staffing"])
def test_shortest_query_agrees_with_jdcli_on_the_numbers_they_share(
    tiny: Path, tmp_path: Path, workload: str
) -> None:
    pytest.importorskip("duckdb")
    from run import DUCKDB_SHORTEST, JDCLI, JDCLI_USER, WORKLOADS, check_outputs, commands

    work = next(w for w in WORKLOADS if w.name == workload)
    argvs = commands(work, "jdcli", tiny, tmp_path)
    assert DUCKDB_SHORTEST in argvs
    user = JDCLI_USER if JDCLI_USER in argvs else JDCLI
    for name in (user, DUCKDB_SHORTEST):
        argv = argvs[name]
        if name == user:  # the installed jdcli of this environment
            argv = [sys.executable, "-m", "jdcli", *argv[1:]]
        subprocess.run(argv, check=True)
    chosen = {name: argvs[name] for name in (user, DUCKDB_SHORTEST)}
    assert check_outputs(work, chosen) == []
    # The check looks at the shared numbers: a changed rate is noticed.
    shortest = Path(argvs[DUCKDB_SHORTEST][-1])
    frame = pd.read_csv(shortest, dtype=str, keep_default_na=False)
    column = work.shared[-1]
    row = int((frame[column] != "").to_numpy().argmax())
    frame.loc[row, column] = str(float(frame.loc[row, column]) * 1.01)
    frame.to_csv(shortest, index=False)
    assert any(column in problem for problem in check_outputs(work, chosen))
