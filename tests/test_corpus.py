"""The bad-input corpus (tests/data/bad/cases.toml) through every command that reads a file.

Each case ends in exit 0 with a correct result, or exit 2 with exactly one ``Error:`` line
naming the file (and the line and column where they apply) and nothing on stdout — never a
traceback. To cover a new command, add it to ``FILE_COMMANDS``; to add a case, add a file and
an entry in cases.toml.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import pytest
import typer.main

from jdcli.cli import app

BAD = Path(__file__).parent / "data" / "bad"
CASES: list[dict[str, Any]] = tomllib.loads((BAD / "cases.toml").read_text(encoding="utf-8"))[
    "case"
]

#: Every command that reads a CSV FILE, with the options that make its output machine-readable.
#: A command listed here but not (yet) registered is skipped with the reason printed.
FILE_COMMANDS: dict[str, list[str]] = {
    "occupancy": ["-f", "csv"],
    "trends": ["-f", "csv"],
    "staffing": ["-f", "csv"],
    "verify": ["-f", "csv"],
}

#: Commands that read a dataset package (a folder) instead of a CSV FILE: their own cases only.
PACKAGE_COMMANDS: dict[str, list[str]] = {"report": ["-f", "json"]}
OPTIONS = FILE_COMMANDS | PACKAGE_COMMANDS

AVAILABLE = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def command_param(command: str, *values: Any, id: str) -> Any:
    """A pytest param for ``command``, skipped (reason shown) when the command does not exist."""
    marks = pytest.mark.skipif(
        command not in AVAILABLE, reason=f"jdcli {command} is not available on this branch yet"
    )
    return pytest.param(command, *values, marks=marks, id=id)


def corpus_params() -> list[Any]:
    params = []
    for case in CASES:
        commands = FILE_COMMANDS if case["commands"] == "all" else case["commands"]
        for command in commands:
            label = " ".join([case["file"], *case.get("args", [])])
            params.append(command_param(command, case, id=f"{command}-{label}"))
    return params


def run_file(invoke: Any, command: str, path: Path | str, *extra: str) -> Any:
    return invoke([command, str(path), *OPTIONS[command], *extra])


def assert_one_error(result: Any, *fragments: str) -> str:
    """Exit 2, nothing on stdout, exactly one ``Error:`` line containing every fragment."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    for fragment in fragments:
        assert fragment in errors[0]
    return errors[0]


def test_every_file_has_a_case() -> None:
    listed = {case["file"] for case in CASES}
    on_disk = {p.name for p in BAD.iterdir() if p.name != "cases.toml"}
    assert on_disk - listed == set(), "files in tests/data/bad without a case in cases.toml"
    assert listed - on_disk == {"no_such_file.csv"}


@pytest.mark.parametrize(("command", "case"), corpus_params())
def test_corpus(
    invoke: Any, command: str, case: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(BAD)  # messages then name the file as the user typed it
    result = run_file(invoke, command, case["file"], *case.get("args", []))
    assert "Traceback" not in result.stderr
    if case["exit"] == 2:
        assert_one_error(result, case.get("names", case["file"]), *case.get("message", []))
        return
    assert result.exit_code == 0, result.stderr
    assert "Error:" not in result.stderr
    for fragment in case.get("message", []):
        assert fragment in result.stderr
    if not case.get("message"):
        assert result.stderr == ""
    for fragment in case.get("stdout", []):
        assert fragment in result.stdout
    if "same_as" in case:
        reference = run_file(invoke, command, case["same_as"], *case.get("args", []))
        assert reference.exit_code == 0
        assert result.stdout == reference.stdout
        assert result.stdout.encode() == reference.stdout.encode()


@pytest.mark.parametrize(
    "command", [command_param(c, id=c) for c in ("occupancy",)]
)  # commands whose output carries a label column through
def test_long_field_comes_through_whole(invoke: Any, command: str) -> None:
    result = run_file(invoke, command, BAD / "long_field.csv")
    assert result.exit_code == 0, result.stderr
    assert "长" * 100_000 + "," in result.stdout


def test_long_field_in_a_table(invoke: Any) -> None:
    result = invoke(["occupancy", str(BAD / "long_field.csv"), "-f", "table"])
    assert result.exit_code == 0, result.stderr
    # A table cuts a long label after two lines with … (the machine formats have it whole:
    # test_long_field_comes_through_whole); every line stays within the width.
    assert 0 < result.stdout.count("长") < 200
    assert "…" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 120
    assert (
        invoke(["occupancy", str(BAD / "long_field.csv"), "--wide", "-f", "table"]).stdout.count(
            "长"
        )
        == 100_000
    )


@pytest.mark.parametrize("command", [command_param(c, id=c) for c in FILE_COMMANDS])
def test_unreadable_file(invoke: Any, command: str, tmp_path: Path) -> None:
    path = tmp_path / "locked.csv"
    path.write_text((BAD / "plain.csv").read_text(encoding="utf-8"), encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip(
                "running as root: file permissions do not block reads here "
                "(test_unreadable_file_error_path covers the error)"
            )
        assert_one_error(run_file(invoke, command, path), "locked.csv: permission denied")
    finally:
        path.chmod(0o644)


@pytest.mark.parametrize("command", [command_param(c, id=c) for c in FILE_COMMANDS])
def test_unreadable_file_error_path(
    invoke: Any, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The permission error path, simulated (works as root too)."""
    path = tmp_path / "locked.csv"
    path.write_text((BAD / "plain.csv").read_text(encoding="utf-8"), encoding="utf-8")
    real = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self.name == "locked.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    assert_one_error(run_file(invoke, command, path), "locked.csv: permission denied")


def test_gbk_needs_no_encoding_option_but_accepts_one(invoke: Any) -> None:
    detected = run_file(invoke, "occupancy", BAD / "gbk.csv")
    named = run_file(invoke, "occupancy", BAD / "gbk.csv", "--encoding", "gbk")
    assert detected.exit_code == named.exit_code == 0
    assert detected.stdout == named.stdout


def test_wrong_encoding_named(invoke: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    result = run_file(invoke, "occupancy", "gbk.csv", "--encoding", "ascii")
    assert_one_error(result, "gbk.csv line 1: bytes that are not ascii")


def test_bom_and_crlf_on_stdin(invoke: Any) -> None:
    plain = invoke(["occupancy", "-", "-f", "csv"], input=(BAD / "plain.csv").read_bytes())
    both = invoke(["occupancy", "-", "-f", "csv"], input=(BAD / "bom_crlf.csv").read_bytes())
    assert plain.exit_code == both.exit_code == 0
    assert both.stdout == plain.stdout


def test_million_rows_on_stdin(invoke: Any) -> None:
    """1,000,000 rows through stdin: the right totals, in a few seconds."""
    import numpy as np

    n = 1_000_000
    i = np.arange(n)
    facility = np.array([f"F{k}" for k in range(7)])[i % 7]
    capacity = 100 + i % 50
    occupied = i % 120
    body = "\n".join(
        f"{f},{c},{o}"
        for f, c, o in zip(facility, capacity.tolist(), occupied.tolist(), strict=True)
    )
    data = ("facility,capacity,occupied\n" + body + "\n").encode()
    result = invoke(["occupancy", "-", "-f", "csv"], input=data)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + 7 + 1
    total_cap, total_occ = int(capacity.sum()), int(occupied.sum())
    assert lines[-1].startswith(
        f"Total,7,{total_cap},{total_occ},{total_occ / total_cap * 100:.15g},"
    )
    f3 = i % 7 == 3
    assert lines[4].startswith(f"F3,1,{int(capacity[f3].sum())},{int(occupied[f3].sum())},")


@pytest.mark.parametrize(
    ("encoding", "message"),
    [
        ("nope", "unknown encoding 'nope'"),
        ("hex", "'hex' is not a text encoding"),
        ("rot13", "'rot13' is not a text encoding"),
        ("undefined", "plain.csv: cannot decode as undefined"),
        ("utf-32", "plain.csv line 1: bytes that are not utf-32"),
    ],
)
@pytest.mark.parametrize("command", [command_param(c, id=c) for c in FILE_COMMANDS])
def test_odd_encoding_names(
    invoke: Any, command: str, encoding: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(BAD)
    assert_one_error(run_file(invoke, command, "plain.csv", "--encoding", encoding), message)


@pytest.mark.parametrize(
    ("command", "file", "column", "message"),
    [
        command_param(c, f, col, msg, id=f"{c}-{col}")
        for c, f, col, msg in [
            ("occupancy", "plain.csv", "capacity", "numbers that are added up"),
            (
                "occupancy",
                "gbk.csv",
                "在所人数",
                "occupied is a column of numbers that are added up",
            ),
            ("staffing", "staffing_plain.csv", "staff", "numbers that are added up"),
            ("trends", "trends_plain.csv", "value", "the figure whose change is computed"),
            ("trends", "trends_plain.csv", "period", "the time axis"),
        ]
    ],
)
def test_a_value_column_is_not_a_grouping_key(
    invoke: Any, command: str, file: str, column: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(BAD)
    result = run_file(invoke, command, file, "--by", column)
    assert_one_error(result, f"--by {column}:", message)
