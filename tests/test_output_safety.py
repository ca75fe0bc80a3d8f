"""Output safety: atomic -o that never overwrites an input, --excel, escaping in tables."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jdcli.render import RenderOptions, to_delimited

BAD = Path(__file__).parent / "data" / "bad"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding a copy of plain.csv, made the working directory."""
    (tmp_path / "in.csv").write_bytes((BAD / "plain.csv").read_bytes())
    monkeypatch.chdir(tmp_path)
    return tmp_path


def one_error(result: Any, fragment: str) -> None:
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and fragment in errors[0], result.stderr
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------ -o


def test_output_is_written_whole_and_nothing_else(invoke: Any, work: Path) -> None:
    to_stdout = invoke(["occupancy", "in.csv", "-f", "csv"])
    result = invoke(["occupancy", "in.csv", "-o", "out.csv"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert (work / "out.csv").read_text(encoding="utf-8") == to_stdout.stdout
    assert sorted(p.name for p in work.iterdir()) == ["in.csv", "out.csv"]  # no temp file left


def test_output_file_gets_the_usual_mode(invoke: Any, work: Path) -> None:
    mask = os.umask(0o022)
    try:
        assert invoke(["occupancy", "in.csv", "-o", "new.csv"]).exit_code == 0
        assert (work / "new.csv").stat().st_mode & 0o777 == 0o644  # not mkstemp's 0600
        (work / "new.csv").chmod(0o640)
        assert invoke(["occupancy", "in.csv", "-o", "new.csv"]).exit_code == 0
        assert (work / "new.csv").stat().st_mode & 0o777 == 0o640  # a replaced file keeps its mode
    finally:
        os.umask(mask)


@pytest.mark.parametrize(
    "target", ["in.csv", "./in.csv", "sub/../in.csv", "link.csv", "hard.csv"], ids=str
)
def test_never_overwrites_the_input(invoke: Any, work: Path, target: str) -> None:
    (work / "sub").mkdir()
    (work / "link.csv").symlink_to(work / "in.csv")
    os.link(work / "in.csv", work / "hard.csv")
    before = (work / "in.csv").read_bytes()
    one_error(invoke(["occupancy", "in.csv", "-o", target]), "refusing to overwrite the input")
    assert (work / "in.csv").read_bytes() == before


def test_never_overwrites_the_input_read_through_a_symlink(invoke: Any, work: Path) -> None:
    (work / "link.csv").symlink_to(work / "in.csv")
    before = (work / "in.csv").read_bytes()
    one_error(invoke(["occupancy", "link.csv", "-o", "in.csv"]), "refusing to overwrite")
    assert (work / "in.csv").read_bytes() == before


@pytest.mark.parametrize("bad", ["non_numeric.csv", "ragged_long.csv", "empty.csv"])
def test_on_error_nothing_is_written(invoke: Any, work: Path, bad: str) -> None:
    (work / bad).write_bytes((BAD / bad).read_bytes())
    (work / "old.csv").write_text("previous result\n", encoding="utf-8")
    result = invoke(["occupancy", bad, "-o", "new.csv"])
    assert result.exit_code == 2 and result.stdout == ""
    result = invoke(["occupancy", bad, "-o", "old.csv"])
    assert result.exit_code == 2 and result.stdout == ""
    assert not (work / "new.csv").exists()
    assert (work / "old.csv").read_text(encoding="utf-8") == "previous result\n"
    assert sorted(p.name for p in work.iterdir()) == sorted(["in.csv", bad, "old.csv"])


def test_on_error_stdout_stays_empty(invoke: Any) -> None:
    for args in (["-f", "csv"], ["-f", "table"], ["-f", "json"]):
        result = invoke(["occupancy", str(BAD / "bad_date.csv"), *args])
        assert result.exit_code == 2 and result.stdout == ""


def test_output_to_a_directory_is_an_error(invoke: Any, work: Path) -> None:
    (work / "folder").mkdir()
    one_error(invoke(["occupancy", "in.csv", "-f", "csv", "-o", "folder"]), "is a directory")


def test_output_in_a_missing_folder_is_an_error(invoke: Any, work: Path) -> None:
    one_error(invoke(["occupancy", "in.csv", "-o", "nope/out.csv"]), "folder nope does not exist")


def test_failed_write_leaves_old_file_and_no_temp(
    invoke: Any, work: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (work / "out.csv").write_text("previous result\n", encoding="utf-8")

    def full_disk(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    one_error(invoke(["occupancy", "in.csv", "-o", "out.csv"]), "cannot write (No space left")
    assert (work / "out.csv").read_text(encoding="utf-8") == "previous result\n"
    assert sorted(p.name for p in work.iterdir()) == ["in.csv", "out.csv"]


# ------------------------------------------------------------------ --excel


def test_excel_csv(invoke: Any) -> None:
    result = invoke(["occupancy", str(BAD / "formula.csv"), "-f", "csv", "--excel"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("\ufefffacility,units,capacity,")
    lines = result.stdout.splitlines()
    assert "'+cmd,1,500,520,104,-20,over" in lines  # text neutralised, -20 (a number) untouched
    assert "'-2,1,300,200,66.6666666666667,100,normal" in lines
    assert '"\'=HYPERLINK(""http://x"")",1,1000,900,90,100,high' in lines
    assert "'@SUM(A1),1,10,5,50,5,normal" in lines
    assert "Total,4,1810,1625,89.7790055248619,185,high" in lines


def test_without_excel_cells_are_as_given(invoke: Any) -> None:
    result = invoke(["occupancy", str(BAD / "formula.csv"), "-f", "csv"])
    assert not result.stdout.startswith("\ufeff")
    assert "+cmd,1,500,520,104,-20,over" in result.stdout.splitlines()


def test_excel_to_a_file(invoke: Any, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    result = invoke(["occupancy", str(BAD / "formula.csv"), "--excel", "-o", str(out)])
    assert result.exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbffacility,")
    assert b"\n'+cmd," in data


def test_excel_neutralises_every_formula_start() -> None:
    frame = pd.DataFrame(
        {
            "label": ["=1+1", "+1", "-1", "@x", "\tx", "\rx", "plain", "a=b", None],
            "value": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0, 7.0, 8.0, None],
        }
    ).astype({"label": "str", "value": "Float64"})
    stream = io.StringIO()
    to_delimited(frame, stream, RenderOptions(excel=True), ",")
    rows = stream.getvalue().removeprefix("\ufeff").split("\n")
    assert rows[0] == "label,value"
    assert [r.split(",")[0] for r in rows[1:6]] == ["'=1+1", "'+1", "'-1", "'@x", "'\tx"]
    assert rows[6] == '"\'\rx",6'
    assert rows[7:10] == ["plain,7", "a=b,8", ","]
    assert [r.split(",")[1] for r in rows[1:4]] == ["-1.5", "2", "-3"]


def test_excel_neutralises_header_cells() -> None:
    frame = pd.DataFrame({"=cmd": ["x"], "n": [1]})
    stream = io.StringIO()
    to_delimited(frame, stream, RenderOptions(excel=True), ",")
    assert stream.getvalue() == "\ufeff'=cmd,n\nx,1\n"


# ------------------------------------------------------------------ terminal safety


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_markup_and_escapes_are_shown_literally(invoke: Any, fmt: str) -> None:
    result = invoke(["occupancy", str(BAD / "control_chars.csv"), "-f", fmt])
    assert result.exit_code == 0, result.stderr
    assert "[bold red]x[/]" in result.stdout
    assert "\\x1b[31mred\\x1b[0m" in result.stdout
    assert "\x1b" not in result.stdout


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_escapes_in_headers_and_file_names(invoke: Any, fmt: str, tmp_path: Path) -> None:
    name = "x\x1b[2Jy.csv"
    (tmp_path / name).write_text(
        "facility,\x1b[31mregion[b],capacity,occupied\nA,\x1b]0;title\x07r1,1,1\nB,r2,2,2\n",
        encoding="utf-8",
    )
    result = invoke(["occupancy", str(tmp_path / name), "--by", "\x1b[31mregion[b]", "-f", fmt])
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\\x1b[31mregion[b]" in result.stdout
    assert "\\x1b]0;title\\x07r1" in result.stdout


def test_escapes_in_messages(invoke: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("facility,capacity,occupied\nA,\x1b[31m1,1\n", encoding="utf-8")
    result = invoke(["occupancy", str(path)])
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr
    assert "\\x1b[31m1" in result.stderr
    path.write_text("facility,capacity,occupied\nA,1,1\nB,2,2\n\x1b[2J合计,3,3\n", encoding="utf-8")
    result = invoke(["occupancy", str(path), "-f", "csv"])
    assert result.exit_code == 0
    assert "\x1b" not in result.stderr and "\\x1b[2J合计" in result.stderr


# ------------------------------------------------------------------ CSV round trip

TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=12)


@given(cells=st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=6), sep=st.sampled_from(",\t"))
def test_delimited_output_reads_back_exactly(cells: list[tuple[str, str]], sep: str) -> None:
    """Whatever the text (quotes, delimiters, CR, LF), a CSV reader gets the cells back."""
    frame = pd.DataFrame(cells, columns=["a", "b"]).astype("str")
    stream = io.StringIO()
    to_delimited(frame, stream, RenderOptions(), sep)
    rows = list(csv.reader(io.StringIO(stream.getvalue(), newline=""), delimiter=sep))
    assert rows == [["a", "b"], *[list(pair) for pair in cells]]


@pytest.mark.parametrize("target", ["datapackage.json", "centres.csv", "./x/../centres.csv"])
def test_report_never_overwrites_its_package(invoke: Any, tmp_path: Path, target: str) -> None:
    package = tmp_path / "pkg"
    (package / "x").mkdir(parents=True)
    (package / "datapackage.json").write_text(
        '{"name": "p", "resources": [{"name": "c", "path": "centres.csv",'
        ' "jdcli": {"command": "occupancy"}}]}',
        encoding="utf-8",
    )
    (package / "centres.csv").write_bytes((BAD / "plain.csv").read_bytes())
    before = {p.name: p.read_bytes() for p in package.iterdir() if p.is_file()}
    result = invoke(["report", str(package), "-f", "markdown", "-o", str(package / target)])
    one_error(result, "refusing to overwrite the input file")
    assert {p.name: p.read_bytes() for p in package.iterdir() if p.is_file()} == before


def test_empty_file_name(invoke: Any) -> None:
    one_error(invoke(["occupancy", "", "-f", "csv"]), "an empty file name")
