"""``jdcli report -f html``: one self-contained page with every section's table and chart,
no external URL, failing claims marked, and data escaped."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jdcli.cli import app

runner = CliRunner()
BUNDLED = Path(__file__).parents[1] / "datasets" / "guangzhou-2018"


class Page(HTMLParser):
    """The page's sections, tables, inline SVGs, external references and cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, dict[str, int]] = {}
        self.current = ""
        self.external: list[str] = []
        self.cells: list[str] = []
        self.scripts = 0
        self.failing_rows = 0
        self._cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "section":
            self.current = str(found.get("id"))
            self.sections[self.current] = {"table": 0, "svg": 0}
        if tag in ("table", "svg") and self.current:
            self.sections[self.current][tag] += 1
        if tag == "script":
            self.scripts += 1
        if tag == "tr" and found.get("class") == "fail":
            self.failing_rows += 1
        for name in ("src", "href"):
            value = found.get(name) or ""
            if re.match(r"(https?:)?//", value):
                self.external.append(value)
        if tag == "link" or tag == "img":
            self.external.append(f"<{tag}>")
        self._cell = tag == "td"

    def handle_data(self, data: str) -> None:
        if self._cell:
            self.cells.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._cell = False


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def test_bundled_report_page(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "-o", str(out)])  # the extension picks html
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    page = parse(text)
    assert set(page.sections) == {"occupancy", "trends", "staffing", "verify"}
    for name, counts in page.sections.items():
        assert counts["table"] == 1, name
        assert counts["svg"] == 1, name
    assert page.external == [] and page.scripts == 0
    assert "@page { size: A4" in text
    assert "Occupancy %" in text and "91.72%" in text  # human headers, table-view numbers
    assert "Key figures" in text and "毒情体量" in text


def test_script_in_a_data_cell_arrives_as_text(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    shutil.copytree(BUNDLED, package)
    claims = package / "claims.csv"
    # A claim that fails (7020 of 7654 is not 50%), labelled with markup.
    with claims.open("a", encoding="utf-8") as stream:
        stream.write("<script>alert(1)</script>,ratio,7020,7654,,,50%,,,\n")
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(package), "-f", "html", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    page = parse(text)
    assert page.scripts == 0
    assert "<script>" not in text
    assert "<script>alert(1)</script>" in page.cells  # the cell shows the text itself
    assert page.failing_rows >= 1 and "claim(s) fail" in text


def test_html_to_stdout(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "-f", "html"])
    assert result.exit_code == 0
    assert result.stdout.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("command", ["occupancy", "trends", "staffing", "verify"])
def test_a_command_table_as_a_page(command: str) -> None:
    result = runner.invoke(app, [command, "-f", "html"])
    assert result.exit_code in (0, 1)
    page = parse(result.stdout)
    assert page.scripts == 0 and page.external == []
    assert "<table>" in result.stdout


def test_json_report_unchanged_by_html() -> None:
    result = runner.invoke(app, ["report", "-f", "json"])
    assert set(json.loads(result.stdout)) >= {"report", "headline", "occupancy"}
