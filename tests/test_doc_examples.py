"""Every ``jdcli …`` line in the code blocks of README.md and docs/*.md runs as written from
the repository root: exit 0 or 1, or 2 where a trailing comment says ``# exits 2``; where a
block shows the output (``$ jdcli …`` followed by lines), those lines are what it prints."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def blocks(text: str) -> list[list[str]]:
    """The lines of each fenced code block."""
    found: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if line.strip().startswith("```"):
            if current is None:
                current = []
            else:
                found.append(current)
                current = None
        elif current is not None:
            current.append(line)
    return found


def examples() -> list[tuple[str, str, list[str]]]:
    """(page, command line, shown output lines) for every ``jdcli`` line in a code block."""
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        # Python blocks are not shell: drop them before looking for jdcli lines.
        text = re.sub(r"```python\n.*?```", "", text, flags=re.S)
        for block in blocks(text):
            for index, line in enumerate(block):
                stripped = line.strip()
                prompt = stripped.startswith("$ ")
                command = stripped[2:] if prompt else stripped
                if not command.startswith("jdcli "):
                    continue
                shown: list[str] = []
                if prompt:
                    for after in block[index + 1 :]:
                        if after.strip().startswith("$ "):
                            break
                        shown.append(after.rstrip())
                found.append((page.name, command, shown))
    return found


def test_the_pages_have_examples() -> None:
    assert len(examples()) >= 30


@pytest.mark.parametrize(("page", "command", "shown"), examples(), ids=lambda v: str(v)[:60])
def test_example_runs_as_written(page: str, command: str, shown: list[str], tmp_path: Path) -> None:
    words = shlex.split(command, comments=True)
    expected = 2 if re.search(r"#\s*exits 2\b", command) else None
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    env.pop("FORCE_COLOR", None)
    # Files an example writes (-o) go to a scratch copy of their name, never into the tree.
    args = [*words[1:]]
    for position, word in enumerate(args[:-1]):
        if word in ("-o", "--output"):
            args[position + 1] = str(tmp_path / Path(args[position + 1]).name)
    result = subprocess.run(
        [sys.executable, "-m", "jdcli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    if expected is not None:
        assert result.returncode == expected, result.stderr
    else:
        assert result.returncode in (0, 1), f"{page}: {command}\n{result.stderr}"
    if shown:
        printed = [line.rstrip() for line in result.stdout.splitlines()]
        # Every line shown is printed, in order (a page may leave out a title line).
        position = 0
        for line in shown:
            while position < len(printed) and printed[position] != line:
                position += 1
            assert position < len(printed), f"{page}: {command}: not printed: {line!r}"
            position += 1
