"""Where the table is: titles, unit lines and blank lines above the header, notes after it,
empty header cells; the pure detector on grids, the loader on files, the command line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jdcli.errors import InputError, UsageError
from jdcli.loading import load
from jdcli.loading.layout import detect_layout, find_header, is_note, join_header, table_end
from jdcli.loading.schemas import OCCUPANCY
from jdcli.notes import collecting

TITLE = (
    "广州市强制隔离戒毒所床位使用情况表\n"
    "单位：张、人\n"
    "机构,床位,在所人数\n"
    "甲所,1000,900\n"
    "乙所,500,520\n"
    "注：数据截至2018年5月31日\n"
)
PADDED = (
    "广州市强制隔离戒毒所床位使用情况表,,\n"
    "单位：张、人,,\n"
    ",,\n"
    "机构,床位,在所人数\n"
    "甲所,1000,900\n"
    "乙所,500,520\n"
    ",,\n"
    "注：数据截至2018年5月31日,,\n"
    "资料来源：市局,,\n"
    "\n"
)
INDEX = ",机构,床位,在所人数\n0,甲所,1000,900\n1,乙所,500,520\n"


def grid(text: str, sep: str = ",") -> list[list[str]]:
    return [line.split(sep) if line else [] for line in text.split("\n")[:-1]]


# ------------------------------------------------------------------ the pure detector


@pytest.mark.parametrize(
    ("text", "header"),
    [
        ("a,b,c\n1,2,3\n", 0),
        (INDEX, 0),
        (TITLE, 2),
        (PADDED, 3),
        ("\n\na,b\n1,2\n", 2),  # blank lines above
        ("标题\na,b\nx,1\n", 1),  # a two-column table under a title
        ("标题,\na,b\nx,1\n", 1),  # the same, padded
        ("标题,,2018年\n单位：人,,\n机构,床位,在所人数\n甲,1,2\n", 2),
        ("title\nregion,2016,2017\nA,1,2\n", 1),  # years are labels
        ("a,b\n1,2,3\n", 0),  # ragged: stays the first row (the parser reports it)
        ("a,,c\n1,2,3\n", 0),  # an empty header cell: still the header
        ("a,b\nx,y,z\n1,2,3\n", 0),  # a full row is no title
        ("a:b:c\n1:2:3\n", 0),  # one column (an unknown delimiter)
        ("a,b,c\n", 0),  # header only
        ("标题\n1,2,3\n4,5,6\n", None),  # no header at all
    ],
)
def test_find_header(text: str, header: int | None) -> None:
    rows = grid(text)
    layout = detect_layout(rows)
    assert (None if layout is None else layout.header_index) == header


def test_layout_sorts_the_lines_around_the_table() -> None:
    layout = detect_layout(grid(PADDED))
    assert layout is not None
    assert layout.title_lines == (0,)
    assert layout.unit_lines == (1,)
    assert layout.blank_lines == (2,)
    assert layout.end == 6
    assert layout.note_lines == (7, 8)
    assert not layout.plain
    plain = detect_layout(grid("a,b\n1,2\n\n"))
    assert plain is not None and plain.plain


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("a,b\n1,2\n", 2),
        ("a,b\n1,2\n\n\n", 4),  # blank lines alone are no notes (the parser drops them)
        ("a,b\n1,2\n注：x\n", 2),
        ("a,b\n1,2\n\nNote: x\n\n", 2),
        ("a,b\n1,2\n* estimated\n", 2),
        ("a,b\n1,2\n①见附表\n②估计\n", 2),
        ("a,b\n1,2\n说明：\n1. 第一条\n2. 第二条\n", 2),  # continuation lines stay notes
        ("a,b\n1,2\nSource: bureau\n", 2),
        ("a,b\n注射室,2\n", 2),  # a data row starting 注 has other cells
        ("a,b\n1,2\n3,\n", 3),  # a row with only a first cell but no note prefix
    ],
)
def test_table_end(text: str, end: int) -> None:
    assert table_end(grid(text)) == end


def test_note_rows() -> None:
    assert is_note(["注：数据截至2018年5月31日", "", ""])
    assert is_note(["数据来源：统计局"])
    assert is_note(["NOTE: x"])
    assert not is_note(["注", "1"])
    assert not is_note(["", "注：x"])
    assert not is_note(["甲所"])


def test_join_header() -> None:
    top = ["机构", "床位", "", "在所人数", ""]
    bottom = ["", "核定", "实际", "", ""]
    assert join_header(top, bottom) == ["机构", "床位-核定", "床位-实际", "在所人数", ""]


def test_one_column_of_notes_is_a_table() -> None:
    layout = detect_layout([["Notes"], ["注：a"]])
    assert layout is not None and layout.header_index == 0 and layout.note_lines == ()
    assert find_header([]) is None


# ------------------------------------------------------------------ the loader on files


def write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def expected() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "facility": pd.Series(["甲所", "乙所"], dtype="str"),
            "capacity": pd.Series([1000, 500], dtype="Float64"),
            "occupied": pd.Series([900, 520], dtype="Float64"),
        }
    )
    return frame


def loaded_notes(path: Path, **options: object) -> tuple[object, list[str]]:
    with collecting() as notes:
        loaded = load(path, OCCUPANCY, **options)  # type: ignore[arg-type]
    return loaded, [str(n) for n in notes]


def test_title_file(tmp_path: Path) -> None:
    loaded, notes = loaded_notes(write(tmp_path, TITLE, "title.csv"))
    frame = loaded.frame  # type: ignore[attr-defined]
    pd.testing.assert_frame_equal(frame.reset_index(drop=True), expected())
    assert frame.index.tolist() == [4, 5]  # the file's lines
    assert loaded.title == "广州市强制隔离戒毒所床位使用情况表"  # type: ignore[attr-defined]
    assert loaded.unit_line == "单位：张、人"  # type: ignore[attr-defined]
    assert loaded.notes_text == "注：数据截至2018年5月31日"  # type: ignore[attr-defined]
    assert notes == [
        f"Note: {tmp_path / 'title.csv'}: header on line 3; lines 1–2 are a title and a unit "
        "line; its unit (单位：张、人) is not applied to the figures; line 6 after the table is "
        "a note, not data"
    ]


def test_index_file(tmp_path: Path) -> None:
    loaded, notes = loaded_notes(write(tmp_path, INDEX, "idx.csv"))
    frame = loaded.frame  # type: ignore[attr-defined]
    pd.testing.assert_frame_equal(frame.reset_index(drop=True), expected())
    assert len(notes) == 1 and "column 1 has no header (row names or an index)" in notes[0]


def test_index_column_named_with_col(tmp_path: Path) -> None:
    path = write(tmp_path, ",床位,在所人数\n甲所,1000,900\n")
    loaded = load(path, OCCUPANCY, col_map={"facility": "column_1"})
    assert loaded.frame["facility"].tolist() == ["甲所"]


@pytest.mark.parametrize(
    "text",
    [
        PADDED,
        TITLE.replace(",", "\t"),
        "标题\n\n机构,床位,在所人数\n甲所,1000,900\n乙所,500,520\n\n\n注：x\n\nSource: y\n\n",
        '"标题, 2018"\n机构,床位,在所人数\n甲所,1000,900\n乙所,500,520\n',
        TITLE.replace("\n", "\r\n"),
        ",机构,床位,在所人数\n0,甲所,1000,900\n1,乙所,500,520\n* 估计\n",
    ],
)
def test_variants_give_the_same_table(tmp_path: Path, text: str) -> None:
    loaded, notes = loaded_notes(write(tmp_path, text))
    pd.testing.assert_frame_equal(loaded.frame.reset_index(drop=True), expected())  # type: ignore[attr-defined]
    assert len(notes) == 1


def test_gb18030_title_file(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes(TITLE.encode("gb18030"))
    loaded = load(path, OCCUPANCY)
    pd.testing.assert_frame_equal(loaded.frame.reset_index(drop=True), expected())


def test_errors_name_the_files_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "标题\n单位：人\n\n机构,床位,在所人数\n甲所,1000,900\n乙所,x,1\n注：n\n")
    with pytest.raises(InputError, match="line 6, column 床位: 'x'"):
        load(path, OCCUPANCY)
    path = write(tmp_path, "标题\n机构,床位,在所人数\n甲所,1000,900\n乙所,5\n")
    with pytest.raises(InputError, match="line 4: expected 3 fields"):
        load(path, OCCUPANCY)
    path = write(tmp_path, "标题\n机构,床位,床位\n甲所,1000,900\n")
    with pytest.raises(InputError, match="line 2: duplicate column '床位'"):
        load(path, OCCUPANCY)
    path = write(tmp_path, '标题\n机构,床位,在所人数\n甲所,1000,900\n"乙所,5,1\n')
    with pytest.raises(InputError, match="line 4: unterminated quote"):
        load(path, OCCUPANCY)


def test_quoted_newlines_below_a_title(tmp_path: Path) -> None:
    path = write(tmp_path, '标题\n机构,床位,在所人数\n"甲\n所",1000,900\n乙所,x,1\n')
    with pytest.raises(InputError, match="line 5, column 床位: 'x'"):
        load(path, OCCUPANCY)


def test_no_header_found(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no header row found in lines 1–3.*--header-row"):
        load(write(tmp_path, "标题\n1,2,3\n4,5,6\n"), OCCUPANCY)


def test_overrides(tmp_path: Path) -> None:
    text = "report\nfacility,x\n机构,床位,在所人数\n甲所,1000,900\n乙所,500,520\n"
    path = write(tmp_path, text)
    for options in ({"skip": 2}, {"header_row": 3}):
        loaded, notes = loaded_notes(path, **options)
        pd.testing.assert_frame_equal(loaded.frame.reset_index(drop=True), expected())  # type: ignore[attr-defined]
        assert "header on line 3" in notes[0]
    with pytest.raises(UsageError, match="give one"):
        load(path, OCCUPANCY, skip=1, header_row=2)
    with pytest.raises(InputError, match="--header-row 9: no such line"):
        load(path, OCCUPANCY, header_row=9)
    with pytest.raises(UsageError, match="--header-rows expects 1 or 2"):
        load(path, OCCUPANCY, header_rows=3)


def test_two_row_header(tmp_path: Path) -> None:
    text = "表\n机构,床位,,在所人数\n,核定,实际,\n甲所,1000,990,900\n乙所,500,480,x\n注：n\n"
    path = write(tmp_path, text.replace(",x", ",470"))
    loaded, notes = loaded_notes(
        path, header_row=2, header_rows=2, col_map={"capacity": "床位-核定"}
    )
    headers = loaded.headers  # type: ignore[attr-defined]
    assert headers["capacity"] == "床位-核定"
    assert "header on lines 2–3, joined" in notes[0]
    path = write(tmp_path, text)
    with pytest.raises(InputError, match="line 5, column 在所人数: 'x'"):
        load(path, OCCUPANCY, header_row=2, header_rows=2, col_map={"capacity": "床位-核定"})


def test_large_file_with_notes_at_the_end(tmp_path: Path) -> None:
    rows = "".join(f"F{i},{i + 10},{i}\n" for i in range(20000))
    path = write(
        tmp_path, "标题,,\nfacility,capacity,occupied\n" + rows + "注：n,,\n数据来源：x,,\n"
    )
    loaded, notes = loaded_notes(path)
    frame = loaded.frame  # type: ignore[attr-defined]
    assert len(frame) == 20000
    assert frame.index[0] == 3 and frame.index[-1] == 20002
    assert notes[0].endswith("lines 20003–20004 after the table are notes, not data")
    assert loaded.notes_text == "注：n\n数据来源：x"  # type: ignore[attr-defined]


def test_plain_file_is_read_as_before(tmp_path: Path) -> None:
    path = write(tmp_path, "facility,capacity,occupied\nA,10,5\n\n")
    loaded, notes = loaded_notes(path)
    assert notes == []
    assert loaded.title is None and loaded.frame.index.tolist() == [2]  # type: ignore[attr-defined]


def test_stream_declines_title_and_notes(tmp_path: Path) -> None:
    from jdcli.loading.stream import open_stream

    clean = "facility,date,capacity,occupied\nA,2018-01-01,10,5\n"
    plain = write(tmp_path, clean, "plain.csv")
    assert open_stream(str(plain), OCCUPANCY, col_map={}, encoding=None) is not None
    assert open_stream(str(plain), OCCUPANCY, col_map={}, encoding=None, header_row=2) is None
    titled = write(tmp_path, "标题,,,\n" + clean, "titled.csv")
    assert open_stream(str(titled), OCCUPANCY, col_map={}, encoding=None) is None
    noted = write(tmp_path, clean + "注：n,,,\n", "noted.csv")
    assert open_stream(str(noted), OCCUPANCY, col_map={}, encoding=None) is None


# ------------------------------------------------------------------ the command line


def test_cli_title_file(invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    write(tmp_path, TITLE, "title.csv")
    write(tmp_path, "机构,床位,在所人数\n甲所,1000,900\n乙所,500,520\n", "clean.csv")
    result = invoke(["occupancy", "title.csv", "-f", "csv"])
    clean = invoke(["occupancy", "clean.csv", "-f", "csv"])
    assert result.exit_code == 0
    assert result.stdout == clean.stdout
    assert "甲所,1,1000,900,90" in result.stdout
    notes = result.stderr.splitlines()
    assert notes == [
        "Note: title.csv: header on line 3; lines 1–2 are a title and a unit line; its unit "
        "(单位：张、人) is not applied to the figures; line 6 after the table is a note, not data"
    ]


def test_cli_index_file(invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    pd.DataFrame({"机构": ["甲所", "乙所"], "床位": [1000, 500], "在所人数": [900, 520]}).to_csv(
        "idx.csv"
    )
    result = invoke(["occupancy", "idx.csv", "-f", "csv"])
    assert result.exit_code == 0
    assert "乙所,1,500,520,104" in result.stdout
    assert result.stderr == (
        "Note: idx.csv: column 1 has no header (row names or an index): it is left out "
        "(use it with --col NAME=column_1)\n"
    )


def test_cli_no_header(invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "标题\n1,2,3\n4,5,6\n", "numbers.csv")
    result = invoke(["occupancy", "numbers.csv"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Error: numbers.csv: no header row found")
    assert "--header-row N" in result.stderr
