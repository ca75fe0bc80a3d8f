"""The wheel ships the bundled datasets: install it apart and run it from another folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_runs_on_bundled_data_from_any_folder(tmp_path: Path) -> None:
    if not (ROOT / "pyproject.toml").exists():
        pytest.skip("not running from a source tree: no pyproject.toml to build")
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = wheels.glob("jdcli-*.whl")
    target = tmp_path / "site"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "NO_COLOR": "1"}
    run = subprocess.run(
        [sys.executable, "-c", "import jdcli.datasets as d; print(d.datasets_root())"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().startswith(str(target))
    occupancy = subprocess.run(
        [sys.executable, "-m", "jdcli", "occupancy", "-f", "csv"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert occupancy.returncode == 0, occupancy.stderr
    assert "7654,7020,91.7167494120721" in occupancy.stdout
    # The README's first command: the report of the bundled package, from the installed wheel.
    report = subprocess.run(
        [sys.executable, "-m", "jdcli", "report"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert report.returncode == 0, report.stderr
    assert report.stdout.startswith("# Guangzhou drug-control figures, 2018 report\n")
    for heading in ("## Key figures", "## Occupancy", "## Trends", "## Staffing", "## Claims"):
        assert heading in report.stdout
