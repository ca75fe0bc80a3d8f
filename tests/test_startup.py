"""Start-up stays light: help, version and usage errors never import pandas or pyarrow, and
no command imports pydantic."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
        (["--show-completion", "bash"], 0),
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


def test_arrow_keeps_freed_memory_unless_the_user_says_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from jdcli.cli import keep_arrow_memory

    monkeypatch.delenv("MIMALLOC_PURGE_DELAY", raising=False)
    keep_arrow_memory()
    assert os.environ["MIMALLOC_PURGE_DELAY"] == "-1"
    monkeypatch.setenv("MIMALLOC_PURGE_DELAY", "25")
    keep_arrow_memory()
    assert os.environ["MIMALLOC_PURGE_DELAY"] == "25"


@pytest.mark.skipif(sys.platform != "linux", reason="transparent huge pages are Linux's")
def test_a_command_runs_without_transparent_huge_pages(tmp_path: Path) -> None:
    # The setting is the process's own: read it back in a child that ran a command.
    script = (
        "import ctypes, sys\n"
        "from jdcli.cli import app\n"
        "try:\n"
        "    app(['datasets'], prog_name='jdcli')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(ctypes.CDLL(None).prctl(42, 0, 0, 0, 0), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert result.stderr.strip().splitlines()[-1] == "1", result.stderr


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell"])
def test_completion_script_for_each_shell(shell: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "jdcli", "--show-completion", shell],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stderr
    # The script completes jdcli's words by asking jdcli itself.
    assert "_JDCLI_COMPLETE" in result.stdout


def test_a_command_leaves_its_objects_to_the_exit() -> None:
    """After a command, the objects are frozen out of the garbage collector (no last full
    collection as the process exits); the command's output is complete before that."""
    script = (
        "import gc, sys\n"
        "from jdcli.cli import main\n"
        "sys.argv = ['jdcli', 'datasets']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "print(f'exit={code} frozen={gc.get_freeze_count() > 0}', file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stderr.strip().splitlines()[-1] == "exit=0 frozen=True", result.stderr
    assert result.stdout.strip()
