"""Start-up stays light: help, version and usage errors never import pandas or pyarrow, and
no command imports pydantic."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# Runs the CLI in a fresh interpreter and reports which heavy modules it imported.
SCRIPT = """
import sys
from jdcli.cli import main
sys.argv = ["jdcli", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
heavy = sorted(m for m in ("pandas", "pyarrow", "numpy", "pydantic") if m in sys.modules)
sys.stderr.write(f"\\nexit={code} heavy={','.join(heavy)}\\n")
"""


@pytest.mark.parametrize(
    ("args", "exit_code"),
    [
        (["--help"], 0),
        (["--version"], 0),
        (["occupancy", "--help"], 0),
        (["datasets", "--help"], 0),
        (["occupancy", "--no-such-option"], 2),
        (["occupancy", "--format", "nonsense"], 2),
        (["no-such-command"], 2),
    ],
)
def test_no_heavy_imports(args: list[str], exit_code: int) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, check=False
    )
    last = result.stderr.strip().splitlines()[-1]
    assert last == f"exit={exit_code} heavy=", result.stderr


def test_a_command_imports_no_pydantic() -> None:
    """Typer 0.29 would convert the parameters through pydantic (about 0.1 s more per run)."""
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, "occupancy", "-f", "csv"],
        capture_output=True,
        text=True,
        check=False,
    )
    last = result.stderr.strip().splitlines()[-1]
    assert last == "exit=0 heavy=numpy,pandas,pyarrow", result.stderr


@pytest.mark.parametrize(
    ("name", "ours", "users"),
    [("MIMALLOC_PURGE_DELAY", "-1", "25"), ("NUMPY_MADVISE_HUGEPAGE", "0", "1")],
)
def test_memory_settings_apply_unless_the_user_says_otherwise(
    monkeypatch: pytest.MonkeyPatch, name: str, ours: str, users: str
) -> None:
    from jdcli.cli import tune_memory

    monkeypatch.delenv(name, raising=False)
    tune_memory()
    assert os.environ[name] == ours
    monkeypatch.setenv(name, users)
    tune_memory()
    assert os.environ[name] == users
