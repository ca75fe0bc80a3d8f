"""Time jdcli against DuckDB and a plain pandas script on the same inputs, in the same run.

    python benchmarks/run.py                       # full data (scale 1), 3 timed runs
    python benchmarks/run.py --scale 0.1 --runs 5  # smaller and quicker
    python benchmarks/run.py --growth              # also: jdcli's peak RSS on 4× the input

Each tool runs as its own process (CSV in → CSV out, the whole process timed), after one
untimed warm-up; the runs alternate between tools so a busy machine penalises all alike. The
figures are the median wall time and the median peak RSS (resident set, from the kernel's
rusage of the child). The outputs are compared (keys exactly, numbers to 1e-9 relative) and
the ratios to DuckDB and to pandas printed. A workload whose jdcli command does not exist yet
is skipped. Inputs are generated (deterministically) into ``--data`` when missing.

Two ratios to DuckDB are reported. The full-output ratio compares jdcli with a query that
reproduces its whole output (what jdcli costs for what it does); the shortest-query ratio
compares jdcli, run as a user would run it for the same numbers, with the shortest query such
a user would write (what they see). The shortest query's output is checked against jdcli's on
the numbers the two share.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEERS = HERE / "peers"
sys.path.insert(0, str(HERE))

from compare import compare_outputs  # noqa: E402
from generate import WORKLOADS as WORKLOAD_FILES  # noqa: E402
from generate import generate  # noqa: E402


@dataclass
class Workload:
    name: str
    command: str  # the jdcli command it needs
    inputs: tuple[str, ...]  # names in the data folder
    jdcli: tuple[str, ...]  # jdcli arguments after the input files
    keys: tuple[str, ...]  # columns identifying a row, to compare outputs
    # jdcli's arguments after the input files as a user wanting only the numbers runs it,
    # beside DuckDB's shortest query (None: no shortest-query peer for this workload).
    shortest: tuple[str, ...] | None = None
    shared: tuple[str, ...] = ()  # value columns the shortest query shares with jdcli


JDCLI, DUCKDB, PANDAS = "jdcli", "duckdb", "pandas"
JDCLI_USER, DUCKDB_SHORTEST = "jdcli, user's command", "duckdb, shortest query"
FILE_TAGS = {
    JDCLI: "jdcli",
    DUCKDB: "duckdb",
    PANDAS: "pandas",
    JDCLI_USER: "jdcli-user",
    DUCKDB_SHORTEST: "duckdb-shortest",
}

WORKLOADS = (
    Workload(
        "occupancy-facility-month",
        "occupancy",
        ("occupancy",),
        ("--freq", "month"),
        ("facility", "period"),
        ("--by", "facility", "--freq", "month", "--no-total"),
        ("occupancy_pct",),  # the query's capacity and occupied are sums, jdcli's daily means
    ),
    Workload(
        "occupancy-region-month",
        "occupancy",
        ("occupancy",),
        ("--by", "region", "--freq", "month"),
        ("region", "period"),
    ),
    Workload(
        "trends",
        "trends",
        ("trends",),
        ("--by", "region"),
        ("region", "metric", "period"),
        ("--by", "region"),
        ("value", "change_pct"),
    ),
    Workload(
        "staffing",
        "staffing",
        ("staff",),
        ("--base-file", "{clients}", "--base", "clients", "--ratio", "caseload"),
        ("unit", "period"),
        ("--base-file", "{clients}", "--base", "clients", "--ratio", "caseload", "--no-total"),
        ("staff", "base", "caseload"),
    ),
)


@dataclass
class Timing:
    wall: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)

    @property
    def median_wall(self) -> float:
        return statistics.median(self.wall)

    @property
    def median_rss(self) -> float:
        return statistics.median(self.rss_mb)


TIME = "/usr/bin/time"
RSS_MARK = "peak-rss-kib="


def measure(argv: Sequence[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process; a failure stops the benchmark.

    The peak RSS comes from GNU time's own small child: a child forked straight from this
    (large) Python process would report this process's RSS as its high-water mark.
    """
    wrapped = [TIME, "-f", RSS_MARK + "%M", *argv] if os.path.exists(TIME) else list(argv)
    start = time.perf_counter()
    process = subprocess.run(
        wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    wall = time.perf_counter() - start
    stderr = process.stderr.decode(errors="replace")
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(argv)}\n{stderr}")
    marks = [line for line in stderr.splitlines() if line.startswith(RSS_MARK)]
    rss_kib = float(marks[-1].removeprefix(RSS_MARK)) if marks else float("nan")
    return wall, rss_kib / 1024


def jdcli_executable() -> str:
    found = shutil.which("jdcli", path=str(Path(sys.executable).parent)) or shutil.which("jdcli")
    if found is None:
        raise SystemExit("jdcli is not installed in this environment (pip install -e .)")
    return found


def has_command(jdcli: str, command: str) -> bool:
    result = subprocess.run([jdcli, command, "--help"], capture_output=True, check=False)
    return result.returncode == 0


def commands(work: Workload, jdcli: str, data: Path, out: Path) -> dict[str, list[str]]:
    """Each tool's command line, by tool name (the shortest-query pair last)."""
    inputs = [str(data / f"{name}.csv") for name in work.inputs]
    peer_inputs = inputs + ([str(data / "clients.csv")] if work.name == "staffing" else [])
    python = sys.executable

    def jdcli_argv(arguments: tuple[str, ...], tool: str) -> list[str]:
        extra = [a.format(clients=data / "clients.csv") for a in arguments]
        return [jdcli, work.command, *inputs, *extra, "-f", "csv", "-o", str(output(tool))]

    def output(tool: str) -> Path:
        return out / f"{work.name}.{FILE_TAGS[tool]}.csv"

    argvs = {
        JDCLI: jdcli_argv(work.jdcli, JDCLI),
        DUCKDB: [
            python,
            str(PEERS / "duckdb_peer.py"),
            work.name,
            *peer_inputs,
            str(output(DUCKDB)),
        ],
        PANDAS: [
            python,
            str(PEERS / "pandas_peer.py"),
            work.name,
            *peer_inputs,
            str(output(PANDAS)),
        ],
    }
    if work.shortest is not None:
        if work.shortest != work.jdcli:
            argvs[JDCLI_USER] = jdcli_argv(work.shortest, JDCLI_USER)
        argvs[DUCKDB_SHORTEST] = [
            python,
            str(PEERS / "duckdb_peer.py"),
            "--shortest",
            work.name,
            *peer_inputs,
            str(output(DUCKDB_SHORTEST)),
        ]
    return argvs


def output_path(argv: Sequence[str]) -> Path:
    """The output file of a command line (its last argument)."""
    return Path(argv[-1])


def check_outputs(work: Workload, argvs: dict[str, list[str]]) -> list[str]:
    """Problems found comparing the tools' outputs (empty when they agree): the full-output
    peers on every column they share with jdcli, the shortest query on ``work.shared``."""
    full = {name: output_path(argvs[name]) for name in (JDCLI, DUCKDB, PANDAS) if name in argvs}
    problems = compare_outputs(full, work.keys) if len(full) > 1 else []
    if DUCKDB_SHORTEST in argvs:
        user = JDCLI_USER if JDCLI_USER in argvs else JDCLI
        shortest = {
            user: output_path(argvs[user]),
            DUCKDB_SHORTEST: output_path(argvs[DUCKDB_SHORTEST]),
        }
        problems += compare_outputs(shortest, work.keys, columns=work.shared)
    return problems


def bench(argvs: dict[str, list[str]], runs: int) -> dict[str, Timing]:
    """One warm-up each, then ``runs`` rounds, rotating which tool goes first."""
    names = list(argvs)
    for name in names:
        measure(argvs[name])
    timings = {name: Timing() for name in names}
    for round_ in range(runs):
        order = names[round_ % len(names) :] + names[: round_ % len(names)]
        for name in order:
            wall, rss = measure(argvs[name])
            timings[name].wall.append(wall)
            timings[name].rss_mb.append(rss)
    return timings


def report(title: str, timings: dict[str, Timing], reference: str = "duckdb") -> list[str]:
    base = timings.get("pandas")
    lines = [
        f"\n{title}",
        f"{'tool':<32}{'median s':>9}{'peak MB':>9}{'× ' + reference[:8]:>11}"
        + (f"{'× pandas':>10}" if base else "")
        + "   runs (s)",
    ]
    ref = timings.get(reference)
    for name, t in timings.items():
        runs = " ".join(f"{w:.2f}" for w in t.wall)
        ratio = f"{t.median_wall / ref.median_wall:.2f}" if ref else "—"
        vs_pandas = f"{t.median_wall / base.median_wall:>10.2f}" if base else ""
        lines.append(
            f"{name:<32}{t.median_wall:>9.2f}{t.median_rss:>9.0f}{ratio:>11}{vs_pandas}   {runs}"
        )
    if ref and JDCLI in timings:
        lines.append(
            f"jdcli peak RSS ÷ {reference}: {timings[JDCLI].median_rss / ref.median_rss:.2f}"
        )
    return lines


def ratios(timings: dict[str, Timing]) -> list[str]:
    """The full-output and the shortest-query ratios (time and peak RSS) of one workload."""
    pairs = [("full-output", JDCLI, DUCKDB)]
    if DUCKDB_SHORTEST in timings:
        pairs.append(
            ("shortest-query", JDCLI_USER if JDCLI_USER in timings else JDCLI, DUCKDB_SHORTEST)
        )
    lines = []
    for label, mine, theirs in pairs:
        if mine in timings and theirs in timings:
            a, b = timings[mine], timings[theirs]
            lines.append(
                f"{label} ratio ({mine} ÷ {theirs}): time {a.median_wall / b.median_wall:.2f}×, "
                f"peak RSS {a.median_rss / b.median_rss:.2f}×"
            )
    return lines


def startup(jdcli: str, runs: int) -> list[str]:
    compile_jdcli()
    python = sys.executable
    help_ = bench(
        {
            "jdcli --help": [jdcli, "--help"],
            "python -c 'import typer, rich'": [python, "-c", "import typer, rich"],
        },
        runs,
    )
    lines = report("start-up: --help", help_, reference="python -c 'import typer, rich'")
    bundled = bench(
        {
            "jdcli occupancy (bundled)": [jdcli, "occupancy", "-f", "csv"],
            "python -c 'import pandas'": [python, "-c", "import pandas"],
        },
        runs,
    )
    lines += report(
        "start-up: a command on the bundled data", bundled, reference="python -c 'import pandas'"
    )
    return lines


def compile_jdcli() -> None:
    """Byte-compile the jdcli package, as installing its wheel does. An editable install run
    with PYTHONDONTWRITEBYTECODE set (or from a read-only checkout) would otherwise compile
    every jdcli module at every start, about 40 ms that no installed copy pays."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("jdcli")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(folder, quiet=1)


def ensure_data(scale: float, data: Path, workloads: tuple[str, ...] = WORKLOAD_FILES) -> None:
    marker = data / f".scale-{scale:g}"
    if not marker.exists():
        print(f"generating inputs at scale {scale:g} into {data} ...", flush=True)
        for old in data.glob(".scale-*"):
            old.unlink()
        generate(scale, data, workloads=workloads)
        marker.touch()


def machine_line() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    import duckdb
    import pandas
    import pyarrow

    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, pandas {pandas.__version__}, "
        f"pyarrow {pyarrow.__version__}, duckdb {duckdb.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument(
        "--workload",
        action="append",
        choices=[w.name for w in WORKLOADS],
        help="run only this workload (repeatable)",
    )
    parser.add_argument(
        "--growth",
        action="store_true",
        help="also measure jdcli's peak RSS on 4× the occupancy input",
    )
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up timings")
    args = parser.parse_args()

    jdcli = jdcli_executable()
    args.out.mkdir(parents=True, exist_ok=True)
    ensure_data(args.scale, args.data)
    lines = [f"machine: {machine_line()}", f"scale {args.scale:g}, {args.runs} timed runs each"]
    print("\n".join(lines), flush=True)
    failed = False
    for work in WORKLOADS:
        if args.workload and work.name not in args.workload:
            continue
        if not has_command(jdcli, work.command):
            lines.append(f"\n{work.name}: skipped (no `jdcli {work.command}` command yet)")
            print(lines[-1], flush=True)
            continue
        argvs = commands(work, jdcli, args.data, args.out)
        timings = bench(argvs, args.runs)
        block = report(f"{work.name}", timings) + ratios(timings)
        problems = check_outputs(work, argvs)
        block.append("outputs agree" if not problems else "OUTPUTS DIFFER: " + "; ".join(problems))
        failed = failed or bool(problems)
        lines += block
        print("\n".join(block), flush=True)
    if args.growth:
        block = growth(jdcli, args)
        lines += block
        print("\n".join(block), flush=True)
    if not args.no_startup:
        block = startup(jdcli, max(args.runs, 5))
        lines += block
        print("\n".join(block), flush=True)
    if failed:
        raise SystemExit(1)


def growth(jdcli: str, args: argparse.Namespace) -> list[str]:
    """jdcli's peak RSS on the occupancy input and on one 4× as large (DuckDB alongside)."""
    big = args.data / "x4"
    ensure_data(args.scale * 4, big, ("occupancy",))
    work = WORKLOADS[0]
    small = bench(
        {
            k: v
            for k, v in commands(work, jdcli, args.data, args.out).items()
            if k in (JDCLI, DUCKDB)
        },
        args.runs,
    )
    large = bench(
        {k: v for k, v in commands(work, jdcli, big, args.out).items() if k in (JDCLI, DUCKDB)},
        args.runs,
    )
    lines = [f"\ngrowth: {work.name}, input ×4"]
    for name in small:
        growth = large[name].median_rss / small[name].median_rss
        lines.append(
            f"{name:<10} peak RSS {small[name].median_rss:>7.0f} MB → "
            f"{large[name].median_rss:>7.0f} MB (×{growth:.2f}); "
            f"wall {small[name].median_wall:.2f} s → {large[name].median_wall:.2f} s"
        )
    return lines


if __name__ == "__main__":
    main()
