"""Excel workbooks: -o FILE.xlsx and -f xlsx write typed cells, read back here with openpyxl."""

from __future__ import annotations

import csv
import io
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

openpyxl = pytest.importorskip("openpyxl")

DATA = Path(__file__).parent / "data"


def workbook(path: Path | bytes) -> Any:
    source = io.BytesIO(path) if isinstance(path, bytes) else path
    return openpyxl.load_workbook(source)


def table(sheet: Any) -> tuple[list[str], list[list[Any]]]:
    """The header and the rows above the first blank row (the lines under it are captions)."""
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    body = []
    for row in rows[1:]:
        if all(c.value is None for c in row):
            break
        body.append(list(row))
    return header, body


def lines_under(sheet: Any) -> list[str]:
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    blank = next(i for i, row in enumerate(rows) if i and all(v is None for v in row))
    return [row[0] for row in rows[blank + 1 :] if row[0] is not None]


def csv_rows(text: str) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]


def assert_same_as_csv(sheet: Any, csv_text: str) -> None:
    """Every cell holds the CSV's value: a number cell for a number (percent columns as
    value/100 with a percent format), text as text, an empty cell for an empty field."""
    header, rows = table(sheet)
    csv_header, csv_body = csv_rows(csv_text)
    assert header == csv_header
    assert len(rows) == len(csv_body)
    for row, fields in zip(rows, csv_body, strict=True):
        for name, cell, field in zip(header, row, fields, strict=True):
            if field == "":
                assert cell.value is None, (name, cell.value)
                continue
            try:
                number = float(field)
            except ValueError:
                assert cell.data_type == "s" and cell.value == field, (name, cell.value, field)
                continue
            if field in ("true", "false"):
                assert cell.value is (field == "true")
            elif name == "period" or name.endswith("_period"):
                # A label: text when the result holds it as text ("2016", "2018-05").
                assert str(cell.value) == field, (name, cell.value, field)
            elif name.endswith("_pct"):
                assert "%" in cell.number_format, (name, cell.number_format)
                assert cell.value == pytest.approx(number / 100, rel=1e-14, abs=0), name
            else:
                assert cell.data_type == "n", (name, cell.value)
                assert cell.value == number, (name, cell.value, field)  # the CSV's 15 digits


# ------------------------------------------------------------------ each command


@pytest.mark.parametrize(
    "args",
    [
        ["occupancy"],
        ["occupancy", str(DATA / "beds.csv"), "--by", "region", "--explain"],
        ["trends"],
        ["trends", str(DATA / "trends_region.csv"), "--by", "region"],
        ["staffing"],
        ["verify"],
        ["datasets"],
    ],
    ids=lambda args: " ".join(Path(a).name for a in args),
)
def test_cells_hold_the_csv_values(invoke: Any, tmp_path: Path, args: list[str]) -> None:
    as_csv = invoke([*args, "-f", "csv"])
    out = tmp_path / "result.xlsx"
    result = invoke([*args, "-o", str(out)])
    assert as_csv.exit_code == 0, as_csv.stderr
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    book = workbook(out)
    assert_same_as_csv(book.worksheets[0], as_csv.stdout)
    assert [p.name for p in tmp_path.iterdir()] == ["result.xlsx"]  # no temporary file left


def test_occupancy_sheet_looks_right(invoke: Any, tmp_path: Path) -> None:
    out = tmp_path / "beds.xlsx"
    assert invoke(["occupancy", "-o", str(out)]).exit_code == 0
    sheet = workbook(out).worksheets[0]
    assert sheet.title == "Bed occupancy"
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    header, rows = table(sheet)
    cells = dict(zip(header, rows[0], strict=True))
    assert cells["occupancy_pct"].value == pytest.approx(0.917167494120721, rel=1e-15)
    assert cells["occupancy_pct"].number_format == "#,##0.00%"
    assert cells["capacity"].value == 7654 and cells["capacity"].number_format == "#,##0"
    assert cells["period"].value == "2018-05"
    under = lines_under(sheet)
    assert under[0] == "Bed occupancy"
    assert sheet.cell(row=len(rows) + 3, column=1).font.bold  # the title
    assert under[1].startswith("Occupancy = Σ occupied ÷ Σ capacity")
    assert "a cell holds the fraction" in under[2]


def test_points_are_plain_numbers_shown_as_pp(invoke: Any, tmp_path: Path) -> None:
    out = tmp_path / "staffing.xlsx"
    assert invoke(["staffing", "-f", "xlsx", "-o", str(out)]).exit_code == 0
    header, rows = table(workbook(out).worksheets[0])
    column = header.index("share_pct_change_pp")
    points = [row[column] for row in rows if row[column].value is not None]
    assert [cell.value for cell in points] == [pytest.approx(0.42)]
    assert '" pp"' in points[0].number_format and "%" not in points[0].number_format


def test_years_have_no_thousands_separator(tmp_path: Path) -> None:
    from jdcli.render import Format, RenderOptions, emit

    frame = pd.DataFrame({"period": [2017, 2018], "base_period": [2016.0, None], "n": [1, 2]})
    out = tmp_path / "years.xlsx"
    with out.open("w", encoding="utf-8") as stream:
        emit(frame, Format.XLSX, stream, RenderOptions())
    _, rows = table(workbook(out).worksheets[0])
    assert [c.number_format for c in rows[0]] == ["0", "0", "#,##0"]
    assert rows[1][1].value is None


# ------------------------------------------------------------------ text stays text


def test_text_is_never_a_formula(invoke: Any, tmp_path: Path) -> None:
    names = [
        "=1+1",
        "+SUM(A1:A2)",
        "-2+3",
        "@SUM(A1)",
        '=HYPERLINK("http://x","y")',
        "=cmd|' /C x'!A0",
    ]
    source = tmp_path / "names.csv"
    lines = ["facility,capacity,occupied"] + [
        f'"{n.replace(chr(34), chr(34) * 2)}",100,{i}' for i, n in enumerate(names)
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "names.xlsx"
    result = invoke(["occupancy", str(source), "--no-total", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    header, rows = table(workbook(out).worksheets[0])
    cells = [row[header.index("facility")] for row in rows]
    assert sorted(c.value for c in cells) == sorted(names)  # no ' added, nothing evaluated
    assert {c.data_type for c in cells} == {"s"}
    # And in the file itself: no formula element anywhere.
    import zipfile

    with zipfile.ZipFile(out) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert all(b"<f>" not in archive.read(n) for n in sheets)


# ------------------------------------------------------------------ stdout


def test_xlsx_to_a_terminal_is_a_usage_error(invoke: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("jdcli.cli.common._is_terminal", lambda stream: True)
    result = invoke(["occupancy", "-f", "xlsx"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Error: --format xlsx writes a binary file" in result.stderr
    assert "-o FILE.xlsx" in result.stderr


def test_xlsx_to_a_pipe_is_the_workbook(invoke: Any, tmp_path: Path) -> None:
    result = invoke(["occupancy", "-f", "xlsx"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes[:2] == b"PK"
    header, rows = table(workbook(result.stdout_bytes).worksheets[0])
    assert rows[0][header.index("capacity")].value == 7654


@pytest.mark.slow
def test_xlsx_through_a_real_pipe(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jdcli", "occupancy", "-f", "xlsx"],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert workbook(done.stdout).worksheets[0]["A1"].value == "facility"


def test_writing_csv_never_imports_the_workbook_writer() -> None:
    script = (
        "import sys\nfrom jdcli.cli import run_command\n"
        "sys.argv = ['jdcli', 'occupancy', '-f', 'csv']\nrun_command()\n"
        "sys.stderr.write('xlsxwriter' in sys.modules and 'LOADED' or 'NOT LOADED')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.stderr.endswith("NOT LOADED"), done.stderr


# ------------------------------------------------------------------ report


def test_report_workbook_has_key_figures_and_a_sheet_per_section(
    invoke: Any, tmp_path: Path
) -> None:
    out = tmp_path / "report.xlsx"
    result = invoke(["report", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    book = workbook(out)
    assert book.sheetnames == ["Key figures", "Occupancy", "Trends", "Staffing", "Claims checked"]
    header, rows = table(book["Key figures"])
    first = dict(zip(header, rows[0], strict=True))
    assert first["unit"].value == "%"
    assert first["value"].value == pytest.approx(0.917167494120721, rel=1e-15)
    assert "%" in first["value"].number_format
    assert lines_under(book["Key figures"])[0] == "Guangzhou drug-control figures, 2018 report"
    as_json = invoke(["occupancy", "-f", "csv"]).stdout
    assert_same_as_csv(book["Occupancy"], as_json)
    assert lines_under(book["Trends"])[0] == "Trends"
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"


def test_report_workbook_leaves_out_skipped_sections(tmp_path: Path) -> None:
    from jdcli.report_model import HEADLINE_COLUMNS, Report, Section
    from jdcli.report_render import to_xlsx_report

    frame = pd.DataFrame({"facility": ["A"], "occupancy_pct": [91.5]})
    report = Report(
        title="T",
        dataset="d",
        source="s",
        headline=pd.DataFrame(columns=list(HEADLINE_COLUMNS)),
        sections=(
            Section("occupancy", "Occupancy", frame, "caption"),
            Section("trends", "Trends", None, "", skipped="no resource"),
        ),
    )
    out = tmp_path / "r.xlsx"
    with out.open("w", encoding="utf-8") as stream:
        to_xlsx_report(report, stream, 2)
    book = workbook(out)
    assert book.sheetnames == ["Key figures", "Occupancy"]
    assert "Trends: skipped (no resource)" in lines_under(book["Key figures"])
    assert book["Occupancy"]["B2"].value == pytest.approx(0.915)


# ------------------------------------------------------------------ cells and widths


def test_missing_and_infinite_values_are_empty_cells(tmp_path: Path) -> None:
    from jdcli.render import Format, RenderOptions, emit

    frame = pd.DataFrame(
        {
            "n": pd.array([1, None], dtype="Int64"),
            "x_pct": [math.inf, math.nan],
            "label": ["a", None],
            "flag": pd.array([True, None], dtype="boolean"),
        }
    )
    out = tmp_path / "m.xlsx"
    with out.open("w", encoding="utf-8") as stream:
        emit(frame, Format.XLSX, stream, RenderOptions())
    sheet = workbook(out).worksheets[0]
    assert [c.value for c in sheet[2]] == [1, None, "a", True]
    assert [c.value for c in sheet[3]] == [None, None, None, None]


def test_wide_characters_count_double_in_column_widths(tmp_path: Path) -> None:
    from jdcli.render import Format, RenderOptions, emit
    from jdcli.render_xlsx import display_width

    assert display_width("强制隔离戒毒所") == 14
    frame = pd.DataFrame({"a": ["强制隔离戒毒所"], "b": ["abcdefg"]})
    out = tmp_path / "w.xlsx"
    with out.open("w", encoding="utf-8") as stream:
        emit(frame, Format.XLSX, stream, RenderOptions())
    widths = workbook(out).worksheets[0].column_dimensions
    assert widths["A"].width > widths["B"].width + 6


def test_full_precision_of_the_csv(tmp_path: Path) -> None:
    from jdcli.render import Format, RenderOptions, emit

    values = [0.1 + 0.2, 1 / 3, 414 / 400 * 100, 1.9 - 1.48, 123456789.123456789, 1e-7]
    frame = pd.DataFrame({"v": values})
    text = io.StringIO()
    emit(frame, Format.CSV, text, RenderOptions())
    out = tmp_path / "p.xlsx"
    with out.open("w", encoding="utf-8") as stream:
        emit(frame, Format.XLSX, stream, RenderOptions())
    cells = [c.value for (c,) in workbook(out).worksheets[0].iter_rows(min_row=2)]
    assert cells == [float(v) for v in text.getvalue().split()[1:]]


def test_sheet_names_are_made_acceptable() -> None:
    from jdcli.render_xlsx import _sheet_name

    used: set[str] = set()
    assert _sheet_name("a/b:c", used) == "a b c"
    assert _sheet_name("A B C", used) == "A B C (2)"
    assert len(_sheet_name("x" * 40, used)) == 31
    assert _sheet_name("", used) == "Sheet"
