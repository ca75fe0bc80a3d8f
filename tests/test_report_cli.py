"""``jdcli report``: the bundled report in each format, partial packages, format errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import DATA, assert_golden

PARTIAL = DATA / "package_partial"


def skipped_notes(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Note: ")]


def test_bundled_markdown(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["report", "-f", "markdown"])
    assert result.exit_code == 0, result.stderr
    assert_golden("report_bundled.md", result.stdout)
    assert result.stdout.startswith("# Guangzhou drug-control figures, 2018 report\n")
    assert "| occupancy | bed occupancy" in result.stdout
    assert "## Claims checked" in result.stdout


def test_auto_is_markdown_when_piped(invoke) -> None:  # type: ignore[no-untyped-def]
    piped = invoke(["report"])
    explicit = invoke(["report", "-f", "markdown"])
    assert piped.exit_code == 0
    assert piped.stdout == explicit.stdout


def test_bundled_json_has_a_key_per_section(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["report", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert_golden("report_bundled.json", result.stdout)
    document = json.loads(result.stdout)
    assert {"report", "headline", "occupancy", "trends", "staffing", "verify"} <= set(document)
    occupancy = document["occupancy"]["rows"][0]
    assert occupancy["occupancy_pct"] == 91.71674941207212
    verify = document["verify"]["rows"]
    assert verify[0]["status"] == "pass"


def test_bundled_table(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["report", "-f", "table"])
    assert result.exit_code == 0, result.stderr
    assert_golden("report_bundled.txt", result.stdout)
    assert "Key figures" in result.stdout


def test_partial_package_skips_sections_with_a_note(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["report", str(PARTIAL), "-f", "markdown"])
    assert result.exit_code == 0, result.stderr
    assert_golden("report_partial.md", result.stdout)
    assert skipped_notes(result.stderr) == [
        "Note: Trends skipped: the package assigns no resource to jdcli trends",
        "Note: Staffing skipped: the package assigns no resource to jdcli staffing",
        "Note: Claims checked skipped: the package assigns no resource to jdcli verify",
    ]
    # The headline compares the overall rate with the previous period, in points.
    assert re.search(r"\|\s+97\.27% \|\s+\+6\.36 pp \| ↑ up", result.stdout)


def test_partial_package_json(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["report", str(PARTIAL), "-f", "json"])
    document = json.loads(result.stdout)
    assert document["verify"] == {
        "title": "Claims checked",
        "skipped": "the package assigns no resource to jdcli verify",
    }
    headline = document["headline"][0]
    assert headline["direction"] == "up"
    assert headline["change"] == pytest.approx(107 / 110 * 100 - 100 / 110 * 100)


def test_missing_command_module_is_skipped(invoke, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from jdcli.cli import report

    monkeypatch.setattr(report, "BUILDERS", {"occupancy": report.BUILDERS["occupancy"]})
    result = invoke(["report", "-f", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["verify"]["skipped"] == "jdcli verify is not in this version"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl"])
def test_no_csv_form(invoke, fmt: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["report", "-f", fmt])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"Error: a report has no {fmt} form" in result.stderr


def test_output_file_takes_markdown_from_the_extension(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "report.md"
    result = invoke(["report", "-o", str(target)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == invoke(["report", "-f", "markdown"]).stdout


def test_output_csv_extension_is_refused(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["report", "-o", str(tmp_path / "report.csv")])
    assert result.exit_code == 2
    assert not (tmp_path / "report.csv").exists()


@pytest.mark.parametrize("dataset", ["no-such-dataset", str(DATA)])
def test_unknown_dataset(invoke, dataset: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["report", dataset])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")


def test_bundled_dataset_by_name(invoke) -> None:  # type: ignore[no-untyped-def]
    by_name = invoke(["report", "guangzhou-2018", "-f", "json"])
    default = invoke(["report", "-f", "json"])
    assert by_name.exit_code == 0
    assert by_name.stdout == default.stdout
