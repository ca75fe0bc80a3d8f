"""Colour with a meaning in table views: status words and changes, on a terminal or with
FORCE_COLOR; never with NO_COLOR, in a pipe, or in machine formats."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from jdcli.styles import STATUS_STYLES, status_styles
from tests.conftest import DATA

#: An SGR sequence that sets a foreground or background colour.
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|4[0-7]|10[0-7]|38;|48;)[0-9;]*m")


def coloured(text: str, word: str) -> str | None:
    """The SGR codes right before ``word`` in ``text`` (None when it is plain)."""
    found = re.search(r"((?:\x1b\[[0-9;]*m)+)\s*" + re.escape(word), text)
    return found.group(1) if found else None


def test_status_styles_per_word() -> None:
    frame = pd.DataFrame({"band": ["normal", "high", "critical", "over", None], "x": [1] * 5})
    assert status_styles(frame) == {"band": ["green", "yellow", "red", "magenta", None]}
    verdicts = pd.DataFrame({"status": ["pass", "fail", "unverifiable", "meets", "short"]})
    assert status_styles(verdicts)["status"] == ["green", "red", "yellow", "green", "red"]
    # Colours only: NO_COLOR must leave no code of them.
    for words in STATUS_STYLES.values():
        assert all(" " not in style and style != "bold" for style in words.values())


@pytest.fixture
def force_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")


def test_occupancy_band_is_coloured_with_force_color(invoke, force_colour: None) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["occupancy", str(DATA / "beds_gbk.csv"), "-f", "table"])
    assert result.exit_code == 0
    assert coloured(result.stdout, "over") is not None, result.stdout
    assert COLOUR.search(coloured(result.stdout, "over") or "")


def test_verify_fail_is_red(invoke, force_colour: None) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["verify", "7020/7654 = 91.72%", "2469/20000 = 12.34%", "-f", "table"])
    assert result.exit_code == 1
    assert "\x1b[31m" in (coloured(result.stdout, "fail") or "")
    assert "\x1b[32m" in (coloured(result.stdout, "pass") or "")


def test_report_colours_changes_by_polarity(invoke, force_colour: None) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["report", "-f", "table"])
    assert result.exit_code == 0
    trends = result.stdout[result.stdout.index("Trends") :]
    # The bundled package says which way is good (every change there goes the good way):
    # its changes are green, as ``jdcli trends`` shows them.
    assert "\x1b[32m" in trends
    alone = invoke(["trends", "-f", "table"]).stdout
    assert "\x1b[32m" in alone


@pytest.mark.parametrize(
    "args",
    [
        ["occupancy", str(DATA / "beds_gbk.csv"), "-f", "table"],
        ["verify", "7020/7654 = 91.72%", "2469/20000 = 12.34%", "-f", "table"],
        ["report", "-f", "table"],
        ["trends", "-f", "table"],
    ],
)
def test_no_color_wins_over_force_color(  # type: ignore[no-untyped-def]
    invoke, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    result = invoke(args)
    assert result.exit_code in (0, 1)
    assert not COLOUR.search(result.stdout)


def test_no_colour_in_a_pipe_or_machine_formats(invoke, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    table = invoke(["occupancy", str(DATA / "beds_gbk.csv"), "-f", "table"])
    assert "\x1b[" not in table.stdout  # not a terminal: plain
    monkeypatch.setenv("FORCE_COLOR", "1")
    for fmt in ("csv", "json", "markdown"):
        machine = invoke(["occupancy", str(DATA / "beds_gbk.csv"), "-f", fmt])
        assert "\x1b[" not in machine.stdout
