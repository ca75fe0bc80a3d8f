"""Reading workbooks (.xlsx written here with XlsxWriter), Parquet files, and the layout
options --sheet, --skip, --header-row and --header-rows on the command line."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

xlsxwriter = pytest.importorskip("xlsxwriter")

import jdcli  # noqa: E402
from jdcli.errors import InputError, UsageError  # noqa: E402
from jdcli.loading import load  # noqa: E402
from jdcli.loading.schemas import OCCUPANCY  # noqa: E402
from jdcli.loading.workbook import sniff_kind  # noqa: E402

CLEAN = "机构,床位,在所人数,使用率\n甲所,1000,900,90%\n乙所,500,520,104%\n"


def office_book(path: Path, **options: Any) -> Path:
    """A sheet as offices make it: a merged title, a unit line, a two-row header with
    cells merged across and down, a formula with its cached value, percent-formatted rates,
    a number stored as text, a note under the table; a first sheet with only a remark."""
    book = xlsxwriter.Workbook(str(path), options)
    first = book.add_worksheet("说明")
    first.write("A1", "本表由统计科汇总")
    sheet = book.add_worksheet("床位")
    percent = book.add_format({"num_format": "0.00%"})
    sheet.merge_range("A1:D1", "广州市强制隔离戒毒所床位使用情况表")
    sheet.write("A2", "单位：张、人")
    sheet.merge_range("A3:A4", "机构")
    sheet.merge_range("B3:C3", "床位使用")
    sheet.write("B4", "床位")
    sheet.write("C4", "在所人数")
    sheet.merge_range("D3:D4", "使用率")
    sheet.write_row("A5", ["甲所", 1000, 900])
    sheet.write("D5", 0.9, percent)
    sheet.write("A6", "乙所")
    sheet.write_string("B6", "500")
    sheet.write_formula("C6", "=B6+20", None, 520)
    sheet.write("D6", 1.04, percent)
    sheet.write("A8", "注：数据截至2018年5月31日")
    book.close()
    return path


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_office_workbook_gives_the_clean_csvs_result(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    book = office_book(tmp_path / "book.xlsx")
    clean = write_csv(tmp_path / "clean.csv", CLEAN)
    from_book = invoke(["occupancy", str(book), "-f", "csv"])
    from_csv = invoke(["occupancy", str(clean), "-f", "csv"])
    assert from_book.exit_code == 0, from_book.stderr
    assert from_book.stdout == from_csv.stdout
    assert "甲所,1,1000,900,90," in from_book.stdout
    assert from_book.stderr.splitlines() == [
        f"Note: {book}: sheet 床位 (its row numbers are the line numbers here); cells merged "
        "across columns over a row of sub-headers; header on lines 3–4, joined; lines 1–2 are "
        "a title and a unit line; its unit (单位：张、人) is not applied to the figures; line 8 "
        "after the table is a note, not data"
    ]


def test_loaded_workbook_keeps_title_unit_notes_and_sheet(tmp_path: Path) -> None:
    loaded = load(office_book(tmp_path / "book.xlsx"), OCCUPANCY)
    assert loaded.sheet == "床位"
    assert loaded.title == "广州市强制隔离戒毒所床位使用情况表"
    assert loaded.unit_line == "单位：张、人"
    assert loaded.notes_text == "注：数据截至2018年5月31日"
    assert loaded.headers == {
        "facility": "机构",
        "capacity": "床位使用-床位",
        "occupied": "床位使用-在所人数",
    }
    assert list(loaded.frame.index) == [5, 6]  # the sheet's rows
    assert loaded.frame["capacity"].tolist() == [1000, 500]


def test_caption_names_sheet_title_unit_and_notes(tmp_path: Path) -> None:
    result = jdcli.occupancy(office_book(tmp_path / "book.xlsx"))
    assert "Source: " in result.caption
    assert (
        "book.xlsx, sheet 床位: 广州市强制隔离戒毒所床位使用情况表 (单位：张、人, not applied). "
        "注：数据截至2018年5月31日"
    ) in result.caption


def test_percent_cells_read_as_the_percentage_shown(tmp_path: Path) -> None:
    book = office_book(tmp_path / "book.xlsx")
    trends = tmp_path / "rates.xlsx"
    workbook = xlsxwriter.Workbook(str(trends))
    sheet = workbook.add_worksheet()
    percent = workbook.add_format({"num_format": "0.0%"})
    sheet.write_row("A1", ["metric", "year", "value"])
    sheet.write_row("A2", ["禁毒警察占比（%）", 2016])
    sheet.write("C2", 0.0148, percent)
    sheet.write_row("A3", ["禁毒警察占比（%）", 2017])
    sheet.write("C3", 0.019, percent)
    workbook.close()
    result = jdcli.trends(trends)
    assert result.frame["value"].tolist() == [1.48, 1.9]
    assert result.frame["change_pp"].iloc[1] == pytest.approx(0.42)
    assert book.exists()


def test_error_cells_are_missing_values_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "errors.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row("A1", ["facility", "capacity", "occupied"])
    sheet.write_row("A2", ["A", 100, 90])
    sheet.write("A3", "B")
    sheet.write_formula("B3", "=1/0", None, "#DIV/0!")
    sheet.write("C3", 50)
    book.close()
    result = jdcli.occupancy(path)
    warnings = [n.text for n in result.notes if n.level == "Warning"]
    assert f"{path}: 1 error cell read as missing (B3 #DIV/0!)" in warnings
    assert result.frame["facility"].tolist() == ["A"]  # B's capacity is missing


@pytest.mark.parametrize("date_1904", [False, True])
def test_dates_in_both_date_systems(tmp_path: Path, date_1904: bool) -> None:
    path = tmp_path / "census.xlsx"
    book = xlsxwriter.Workbook(str(path), {"date_1904": date_1904})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet()
    sheet.write_row("A1", ["facility", "date", "capacity", "occupied"])
    for row, (facility, when) in enumerate(
        [("A", dt.date(2018, 1, 31)), ("A", dt.date(2018, 2, 28)), ("B", dt.date(2018, 2, 28))],
        start=1,
    ):
        sheet.write(row, 0, facility)
        sheet.write_datetime(row, 1, dt.datetime.combine(when, dt.time()), day)
        sheet.write_row(row, 2, [100, 90 + row])
    book.close()
    result = jdcli.occupancy(path, freq="month", by="facility")
    rows = result.frame[result.frame["facility"] == "A"]
    assert rows["period"].tolist() == ["2018-01", "2018-02"]


def test_sheet_by_name_number_and_errors(tmp_path: Path) -> None:
    path = office_book(tmp_path / "book.xlsx")
    assert jdcli.occupancy(path, sheet="床位").frame.equals(jdcli.occupancy(path).frame)
    assert jdcli.occupancy(path, sheet="2").frame.equals(jdcli.occupancy(path).frame)
    with pytest.raises(InputError, match=r"no sheet '汇总' \(sheets: 1 说明, 2 床位\)"):
        jdcli.occupancy(path, sheet="汇总")
    with pytest.raises(InputError, match="missing column"):
        jdcli.occupancy(path, sheet="说明")  # one cell: no table of occupancy


def test_empty_sheet_and_empty_workbook(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("空")
    book.close()
    with pytest.raises(InputError, match="no sheet holds a table"):
        jdcli.occupancy(path)
    with pytest.raises(InputError, match="sheet 空 is empty"):
        jdcli.occupancy(path, sheet="空")


def test_detected_by_content_not_by_name(tmp_path: Path) -> None:
    book = office_book(tmp_path / "book.xlsx")
    disguised = tmp_path / "export.csv"
    shutil.copy(book, disguised)
    assert sniff_kind(disguised.read_bytes()) == "xlsx"
    assert jdcli.occupancy(disguised).frame.equals(jdcli.occupancy(book).frame)
    text_named_xlsx = write_csv(tmp_path / "text.xlsx", CLEAN)
    clean = write_csv(tmp_path / "clean.csv", CLEAN)
    assert jdcli.occupancy(text_named_xlsx).frame.equals(jdcli.occupancy(clean).frame)


def test_damaged_encrypted_and_other_archives(tmp_path: Path) -> None:
    book = office_book(tmp_path / "book.xlsx").read_bytes()
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(book[: len(book) // 2])
    with pytest.raises(InputError, match=r"damaged\.xlsx: a damaged ZIP archive"):
        jdcli.occupancy(damaged)
    import zipfile

    archive = tmp_path / "files.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("a.txt", "x")
    with pytest.raises(InputError, match="a ZIP archive that holds no workbook"):
        jdcli.occupancy(archive)
    encrypted = tmp_path / "secret.xlsx"
    encrypted.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "EncryptionInfo".encode("utf-16-le")
    )
    with pytest.raises(InputError, match="password-protected"):
        jdcli.occupancy(encrypted)
    broken_xls = tmp_path / "broken.xls"
    broken_xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(InputError, match=r"broken\.xls: cannot read the xls workbook"):
        jdcli.occupancy(broken_xls)


def test_round_trip_through_xlsx_output(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "result.xlsx"
    book = office_book(tmp_path / "book.xlsx")
    written = invoke(["occupancy", str(book), "-o", str(out)])
    assert written.exit_code == 0, written.stderr
    as_csv = invoke(["occupancy", str(book), "-f", "csv"]).stdout
    # The result table read again: its Total row is a published total, set aside and
    # checked against the facilities, whose figures come back as the CSV has them.
    again = invoke(["occupancy", str(out), "-f", "csv"])
    assert again.exit_code == 0, again.stderr
    assert again.stdout == as_csv
    assert "matches the sum" in again.stderr or "Total" in again.stderr


def test_layout_options_on_the_command_line(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "标题\n机构,床位,在所人数\n甲所,1000,900\n"
    path = write_csv(tmp_path / "t.csv", text)
    by_row = invoke(["occupancy", str(path), "--header-row", "2", "-f", "csv"])
    by_skip = invoke(["occupancy", str(path), "--skip", "1", "-f", "csv"])
    assert by_row.exit_code == by_skip.exit_code == 0
    assert by_row.stdout == by_skip.stdout
    assert "甲所,1000,900,90," in by_row.stdout
    two = write_csv(tmp_path / "two.csv", "机构,床位,\n,核定床位,在所人数\n甲所,1000,900\n")
    joined = invoke(["trends", "--help"])
    assert "--header-rows" in joined.stdout
    result = invoke(
        ["occupancy", str(two), "--header-rows", "2", "-f", "csv"]
    )  # 床位-核定床位 and 床位-在所人数 are known by their sub-headers
    assert result.exit_code == 0, result.stderr
    assert "甲所,1000,900,90," in result.stdout
    sheet_on_csv = invoke(["occupancy", str(path), "--sheet", "1"])
    assert sheet_on_csv.exit_code == 2
    assert sheet_on_csv.stderr == f"Error: --sheet 1: {path} is not a workbook\n"
    both = invoke(["staffing", str(path), "--skip", "1", "--header-row", "2"])
    assert both.exit_code == 2
    assert "give one" in both.stderr


def test_layout_options_refused_for_a_dataframe() -> None:
    frame = pd.DataFrame({"facility": ["A"], "capacity": [10], "occupied": [5]})
    with pytest.raises(UsageError, match="apply to files"):
        jdcli.occupancy(frame, sheet="1")


def test_parquet(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow.parquet")
    frame = pd.DataFrame(
        {
            "facility": ["A", "A", "B"],
            "date": pd.to_datetime(["2018-01-31", "2018-02-28", "2018-02-28"]),
            "capacity": [100, 100, 50],
            "occupied": [90.0, 95.0, 49.0],
        }
    )
    path = tmp_path / "census.parquet"
    frame.to_parquet(path)
    csv_path = tmp_path / "census.csv"
    frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d")).to_csv(csv_path, index=False)
    from_parquet = jdcli.occupancy(path, freq="month").frame
    from_csv = jdcli.occupancy(csv_path, freq="month").frame
    pd.testing.assert_frame_equal(from_parquet, from_csv)
    with pytest.raises(UsageError, match="Parquet file, not a workbook"):
        jdcli.occupancy(path, sheet="1")
