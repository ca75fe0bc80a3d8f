"""Whole-process behaviour (subprocess, ``python -m jdcli``): determinism across runs, locales
and hash seeds, and a reader that goes away (``| head -1``) without a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BAD = Path(__file__).parent / "data" / "bad"

pytestmark = pytest.mark.slow


def available_locales() -> set[str]:
    try:
        out = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return set()
    return {line.strip().lower().replace("-", "") for line in out.splitlines()}


def jdcli(args: list[str], env_extra: dict[str, str], **kwargs: object) -> bytes:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_") and k != "LANG"}
    env.update({"NO_COLOR": "1", "COLUMNS": "120"}, **env_extra)
    result = subprocess.run(
        [sys.executable, "-m", "jdcli", *args], env=env, capture_output=True, check=False
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert b"Traceback" not in result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def census(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Facilities in several regions and months, names whose order differs between locales."""
    path = tmp_path_factory.mktemp("det") / "census.csv"
    names = ["东区所", "西区所", "Zeta", "alpha", "Äbc", "南山", "b-2", "B-10"]
    regions = ["越秀", "Haizhu", "天河"]
    lines = ["facility,region,date,capacity,occupied"]
    for month in range(1, 5):
        for i, name in enumerate(names):
            lines.append(
                f"{name},{regions[i % 3]},2018-{month:02d}-15,{100 + 7 * i},{80 + 3 * i + month}"
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


ENVIRONMENTS = {
    "C": {"LC_ALL": "C", "PYTHONHASHSEED": "0"},
    "C.UTF-8": {"LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "1"},
    "C.UTF-8, random hash seed": {"LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "random"},
    "zh_CN.UTF-8": {"LC_ALL": "zh_CN.UTF-8", "PYTHONHASHSEED": "4242"},
}

# One machine and one human format of occupancy (the others share their ordering and number
# code), and the report of the bundled package, which runs every command's computation.
RUNS = {
    "occupancy-csv": ["occupancy", "{census}", "--by", "region", "--freq", "month", "-f", "csv"],
    "occupancy-table": [
        "occupancy", "{census}", "--by", "region", "--by", "facility", "--as-of", "2018-03-31",
        "-f", "table",
    ],
    "report-markdown": ["report", "-f", "markdown"],
}  # fmt: skip


def run(name: str, census: Path, env: dict[str, str]) -> bytes:
    return jdcli([arg.format(census=census) for arg in RUNS[name]], env)


@pytest.fixture(scope="module")
def reference(census: Path) -> dict[str, bytes]:
    """Output under LC_ALL=C, PYTHONHASHSEED=0, once per run."""
    outputs = {name: run(name, census, ENVIRONMENTS["C"]) for name in RUNS}
    assert all(outputs.values())
    return outputs


@pytest.mark.parametrize("name", list(RUNS))
@pytest.mark.parametrize("label", [label for label in ENVIRONMENTS if label != "C"])
def test_output_is_byte_identical_across_locales_and_hash_seeds(
    census: Path, reference: dict[str, bytes], label: str, name: str
) -> None:
    env = ENVIRONMENTS[label]
    if env["LC_ALL"].lower().replace("-", "") not in available_locales():
        pytest.skip(f"locale {env['LC_ALL']} is not installed here (see locale -a)")
    output = run(name, census, env)
    assert output == reference[name], f"output under {label} differs from LC_ALL=C"


def test_same_output_on_every_run(census: Path, reference: dict[str, bytes]) -> None:
    assert run("occupancy-csv", census, ENVIRONMENTS["C"]) == reference["occupancy-csv"]


def big_file(folder: Path, rows: int) -> Path:
    path = folder / f"big{rows}.csv"
    body = "\n".join(f"F{i},{100 + i % 50},{i % 120}" for i in range(rows))
    path.write_text("facility,capacity,occupied\n" + body + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough output (about 2 MB of CSV) to fill any pipe buffer."""
    return big_file(tmp_path_factory.mktemp("pipe"), 40_000)


@pytest.fixture(scope="module")
def big_for_tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough for a table (over 200 kB) without making rich lay out 40,000 rows."""
    return big_file(tmp_path_factory.mktemp("pipe"), 2_500)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "table", "markdown"])
def test_broken_pipe_is_quiet(big: Path, big_for_tables: Path, fmt: str) -> None:
    """``jdcli occupancy … | head -1``: one line, no traceback, no 'Exception ignored'."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    path = big_for_tables if fmt in ("table", "markdown") else big
    proc = subprocess.Popen(
        [sys.executable, "-m", "jdcli", "occupancy", str(path), "-f", fmt],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader goes away, as head does
    stderr = proc.stderr.read().decode(errors="replace")
    code = proc.wait(timeout=300)
    assert first
    assert "Traceback" not in stderr
    assert "Exception ignored" not in stderr
    assert stderr == ""
    assert code in (0, -13), stderr  # a quiet exit, or SIGPIPE's default action


def test_pipe_into_head_in_a_shell(big: Path) -> None:
    script = f'"{sys.executable}" -m jdcli occupancy "{big}" -f csv | head -1'
    result = subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=False)
    assert result.stdout == "facility,units,capacity,occupied,occupancy_pct,free,band\n"
    assert result.stderr == ""


def test_the_process_ends_with_all_its_output_and_its_exit_code(tmp_path: Path) -> None:
    """The entry point ends the process without tearing the interpreter down: everything
    written to a pipe or a file arrives, and the exit codes are the command's."""
    path = tmp_path / "long.csv"
    rows = [f"R{r // 100},m{r // 20 % 5},{2000 + r % 20},{r}" for r in range(60_000)]
    path.write_text("region,metric,period,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1"}

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        command = [sys.executable, "-m", "jdcli", *args]
        return subprocess.run(command, env=env, capture_output=True, check=False)

    piped = run("trends", str(path), "--by", "region", "-f", "csv")
    assert piped.returncode == 0, piped.stderr
    written = tmp_path / "out.csv"
    assert (
        run("trends", str(path), "--by", "region", "-f", "csv", "-o", str(written)).returncode == 0
    )
    assert piped.stdout == written.read_bytes()
    assert piped.stdout.count(b"\n") == 60_001
    failed = run("occupancy", "--fail-above", "50", "-f", "csv")
    assert (failed.returncode, failed.stderr.startswith(b"Check failed:")) == (1, True)
    assert failed.stdout.count(b"\n") == 2  # the table is written before the check fails
    assert run("occupancy", "--no-such-option").returncode == 2


def test_output_that_cannot_be_flushed_at_the_end_is_an_error() -> None:
    script = (
        "import io, sys\n"
        "from jdcli.cli import _end\n"
        "class Full(io.StringIO):\n"
        "    def flush(self):\n"
        "        raise OSError(28, 'No space left on device')\n"
        "sys.stdout = Full()\n"
        "_end(0)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 120
    assert done.stderr == "Error: the output could not be written: No space left on device\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_a_full_disk_mid_way_is_one_error_line_and_120(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "long.csv"
    rows = "\n".join(f"R{i // 20},{2000 + i % 20},{i}" for i in range(60_000))
    path.write_text("region,period,value\n" + rows + "\n", encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    with open("/dev/full", "w") as full:  # every write fails: No space left on device
        done = subprocess.run(
            [sys.executable, "-m", "jdcli", "trends", str(path), "--by", "region", "-f", fmt],
            stdout=full,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
            check=False,
        )
    assert done.returncode == 120
    assert done.stderr.splitlines() == [
        "Error: the output could not be written: No space left on device"
    ]
