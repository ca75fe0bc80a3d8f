"""Several files read as one table: the same result as one file holding all their rows,
messages naming the file and line of a row, and an error for a file whose columns differ."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import jdcli
from jdcli.errors import InputError, UsageError
from jdcli.loading.many import Line, combined_name

HEADER = "facility,date,capacity,occupied\n"
MONTHS = [
    "A,2018-01-31,100,90\nB,2018-01-31,50,45\n",
    "A,2018-02-28,100,95\nB,2018-02-28,50,47\n",
    "A,2018-03-31,100,99\nB,2018-03-31,50,52\n",
]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_several_files_equal_one_file(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    parts = [write(tmp_path, f"2018-0{i + 1}.csv", HEADER + rows) for i, rows in enumerate(MONTHS)]
    whole = write(tmp_path, "all.csv", HEADER + "".join(MONTHS))
    args = ["--freq", "month", "-f", "csv"]
    together = invoke(["occupancy", *map(str, parts), *args])
    alone = invoke(["occupancy", str(whole), *args])
    assert together.exit_code == 0, together.stderr
    assert together.stdout == alone.stdout
    assert together.stderr == alone.stderr == ""


def test_a_workbook_and_a_csv_together(tmp_path: Path) -> None:
    xlsxwriter = pytest.importorskip("xlsxwriter")
    book = tmp_path / "feb.xlsx"
    workbook = xlsxwriter.Workbook(str(book))
    sheet = workbook.add_worksheet()
    sheet.write_row("A1", ["机构", "日期", "床位", "在所人数"])
    sheet.write_row("A2", ["A", "2018-02-28", 100, 95])
    workbook.close()
    january = write(tmp_path, "jan.csv", HEADER + "A,2018-01-31,100,90\n")
    result = jdcli.occupancy([january, book], freq="month")
    assert result.frame["occupied"].tolist()[:2] == [90, 95]


def test_messages_name_the_file_and_line(tmp_path: Path) -> None:
    first = write(tmp_path, "a.csv", HEADER + MONTHS[0])
    second = write(tmp_path, "b.csv", HEADER + "A,2018-02-28,100,95\nB,2018-02-28,50,\n")
    with pytest.raises(InputError) as error:
        jdcli.occupancy([first, second], strict=True)
    assert str(error.value).startswith(f"{first} + {second} line 3 of {second}, column occupied")
    bad_date = write(tmp_path, "c.csv", HEADER + "A,2018-0x-28,100,95\n")
    with pytest.raises(InputError, match=f"line 2 of {bad_date}, column date: '2018-0x-28'"):
        jdcli.occupancy([first, bad_date], freq="month")


def test_duplicate_period_across_files_names_both(tmp_path: Path) -> None:
    one = write(tmp_path, "t1.csv", "metric,year,value\nx,2016,5\nx,2017,6\n")
    two = write(tmp_path, "t2.csv", "metric,year,value\nx,2017,7\n")
    with pytest.raises(InputError) as error:
        jdcli.trends([one, two])
    message = str(error.value)
    assert f"3 of {one}" in message and f"2 of {two}" in message
    assert "duplicate period '2017'" in message


def test_published_total_in_another_file_is_checked(tmp_path: Path) -> None:
    parts = write(tmp_path, "parts.csv", "facility,capacity,occupied\nA,100,90\nB,50,45\n")
    total = write(tmp_path, "total.csv", "facility,capacity,occupied\n合计,150,130\n")
    result = jdcli.occupancy([parts, total])
    warnings = [n.text for n in result.notes if n.level == "Warning"]
    assert any(
        f"合计 line 2 of {total}" in w and "occupied 130 ≠ sum of rows 135" in w for w in warnings
    )
    assert result.frame["occupied"].tolist()[:3] == [90, 45, 135]


def test_a_file_with_other_columns_is_named(tmp_path: Path) -> None:
    first = write(tmp_path, "a.csv", HEADER + MONTHS[0])
    other = write(tmp_path, "b.csv", "facility,capacity,occupied\nA,100,95\n")
    with pytest.raises(
        InputError, match=f"{other}: its columns differ from {first}'s \\(no date\\)"
    ):
        jdcli.occupancy([first, other])
    with pytest.raises(UsageError, match="given twice"):
        jdcli.occupancy([first, first])


def test_headers_may_differ_when_they_mean_the_same(tmp_path: Path) -> None:
    first = write(tmp_path, "a.csv", HEADER + MONTHS[0])
    second = write(tmp_path, "b.csv", "机构,日期,床位,在所人数\n" + MONTHS[1])
    frame = jdcli.occupancy([first, second], freq="month").frame
    assert frame["period"].drop_duplicates().tolist() == ["2018-01", "2018-02"]


def test_output_may_not_overwrite_any_input(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = write(tmp_path, "a.csv", HEADER + MONTHS[0])
    second = write(tmp_path, "b.csv", HEADER + MONTHS[1])
    result = invoke(["occupancy", str(first), str(second), "-o", str(second)])
    assert result.exit_code == 2
    assert second.read_text(encoding="utf-8") == HEADER + MONTHS[1]


def test_combined_names() -> None:
    assert combined_name(["a.csv", "b.csv"]) == "a.csv + b.csv"
    many = [f"2018-{m:02d}.csv" for m in range(1, 13)]
    assert combined_name(many) == "2018-01.csv … 2018-12.csv (12 files)"
    line = Line(5, "b.csv")
    assert f"b.csv line {line}" == "b.csv line 5 of b.csv"
    assert line == 5 and line != Line(5, "c.csv") and line + 1 == 6


@given(st.integers(min_value=1, max_value=len(MONTHS[0].splitlines()) * 3 - 1))
def test_splitting_the_rows_changes_nothing(cut: int) -> None:
    rows = "".join(MONTHS).splitlines(keepends=True)
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        first = write(base, "a.csv", HEADER + "".join(rows[:cut]))
        second = write(base, "b.csv", HEADER + "".join(rows[cut:]))
        whole = write(base, "all.csv", HEADER + "".join(rows))
        together = jdcli.occupancy([first, second], freq="month").frame
        alone = jdcli.occupancy(whole, freq="month").frame
        pd.testing.assert_frame_equal(together, alone)
