"""The input layer: encodings, structure, numbers, columns, filters; every error names its place."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jdcli.errors import InputError, UsageError
from jdcli.loading import load, parse_numbers
from jdcli.loading.dates import parse_dates
from jdcli.loading.schemas import OCCUPANCY
from jdcli.loading.table import sniff_delimiter

DATA = Path(__file__).parent / "data"


def write(tmp_path: Path, text: str, name: str = "in.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_chinese_headers_gbk_detected() -> None:
    loaded = load(DATA / "beds_gbk.csv", OCCUPANCY)
    assert loaded.encoding == "gb18030"
    assert loaded.headers == {
        "facility": "机构",
        "region": "地区",
        "capacity": "床位数",
        "occupied": "在所人数",
    }
    assert loaded.frame["capacity"].tolist() == [1000, 500]  # "1,000" and full-width "５００"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "gb18030"])
def test_encodings_load_identically(tmp_path: Path, encoding: str) -> None:
    text = (DATA / "beds_zh.csv").read_text(encoding="utf-8")
    plain = load(DATA / "beds_zh.csv", OCCUPANCY).frame
    other = load(write(tmp_path, text, encoding=encoding), OCCUPANCY).frame
    pd.testing.assert_frame_equal(plain, other)


def test_crlf_loads_as_lf(tmp_path: Path) -> None:
    text = (DATA / "beds.csv").read_text(encoding="utf-8")
    crlf = load(write(tmp_path, text.replace("\n", "\r\n")), OCCUPANCY).frame
    pd.testing.assert_frame_equal(load(DATA / "beds.csv", OCCUPANCY).frame, crlf)


def test_explicit_encoding_and_unknown_encoding(tmp_path: Path) -> None:
    assert load(DATA / "beds_gbk.csv", OCCUPANCY, encoding="gbk").frame.shape == (2, 4)
    with pytest.raises(InputError, match="unknown encoding"):
        load(DATA / "beds_gbk.csv", OCCUPANCY, encoding="klingon")
    with pytest.raises(InputError, match="line 1: bytes that are not utf-8"):
        load(DATA / "beds_gbk.csv", OCCUPANCY, encoding="utf-8")


@pytest.mark.parametrize(
    ("header", "sep"),
    [
        ("a,b,c", ","),
        ("a\tb\tc", "\t"),
        ("a;b;c", ";"),
        ("a|b", "|"),
        ("single", ","),
        ('"x,y";z', ";"),
    ],
)
def test_sniff_delimiter(header: str, sep: str) -> None:
    assert sniff_delimiter(header) == sep


def test_tsv(tmp_path: Path) -> None:
    path = write(tmp_path, "facility\tcapacity\toccupied\nA\t1,000\t900\n", "in.tsv")
    assert load(path, OCCUPANCY).frame["capacity"].tolist() == [1000]


def series(values: list[str]) -> pd.Series:
    return pd.Series(values, index=range(2, 2 + len(values)), dtype="str")


def test_number_formats() -> None:
    parsed = parse_numbers(
        series(
            [
                "7,654",
                " 12 ",
                "１２３",
                "1,234,567.5",
                "-3",
                "",
                "NA",
                "n/a",
                "—",
                "无",
                "null",
                "-",
            ]
        ),
        source="f.csv",
        column="x",
    )
    assert parsed.tolist()[:5] == [7654, 12, 123, 1234567.5, -3]
    assert parsed.isna().tolist()[5:] == [True] * 7


def test_percent_sign_where_allowed() -> None:
    parsed = parse_numbers(
        series(["91.72%", "1.9 %"]), source="f.csv", column="x", allow_percent=True
    )
    assert parsed.tolist() == [91.72, 1.9]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1,5", "f.csv line 3, column x: '1,5' is not a number"),
        ("7,65O", "f.csv line 3, column x: '7,65O' is not a number"),
        ("12,34,567", "is not a number"),
        ("abc", "is not a number"),
        ("91%", "is a percentage; this column holds counts"),
        ("-1", "is negative"),
    ],
)
def test_bad_numbers_name_line_and_column(value: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        parse_numbers(series(["1", value]), source="f.csv", column="x", non_negative=True)


def test_repeated_cells_are_read_alike_and_errors_name_the_first_offending_line() -> None:
    """Cells are read once per distinct text: repeats get the same number, and an error names
    the earliest line holding an offending cell, whichever cell came first."""
    cells = ["7,654", "na", "12", "7,654", "", "12"]
    parsed = parse_numbers(series(cells), source="f.csv", column="x")
    assert parsed.isna().tolist() == [False, True, False, False, True, False]
    assert parsed.iloc[[0, 2, 3, 5]].tolist() == [7654, 12, 7654, 12]
    with pytest.raises(InputError, match=r"f\.csv line 4, column x: 'abc' is not a number"):
        parse_numbers(series(["1,000", "1,000", "abc", "xyz", "abc"]), source="f.csv", column="x")
    with pytest.raises(InputError, match="line 5, column x: '9%' is a percentage"):
        parse_numbers(series(["1,000", "2", "x", "9%"]), source="f.csv", column="x")


def test_key_columns_keep_text(tmp_path: Path) -> None:
    path = write(tmp_path, "facility,region,capacity,occupied\nNA,007,10,5\n")
    frame = load(path, OCCUPANCY).frame
    assert frame.loc[2, "facility"] == "NA"
    assert frame.loc[2, "region"] == "007"


def test_line_numbers_survive_blank_lines_and_quoted_newlines(tmp_path: Path) -> None:
    path = write(tmp_path, 'facility,capacity,occupied\n"A\nwing",10,5\n\nB,x,1\n')
    with pytest.raises(InputError, match="line 5, column capacity: 'x'"):
        load(path, OCCUPANCY)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('"facility","capacity","occupied"\n"A","10","5"\n"B","x","1"\n', 3),  # one line a row
        ('"facility","capacity","occupied"\r\n"A","10","5"\r\n"B","x","1"', 3),
        ('facility,capacity,occupied\n"A\r\nwing",10,5\nB,x,1\n', 4),  # a cell over two lines
        ('facility,capacity,occupied\n"A",10,5\n"B\n\nC",1,1\nD,x,1\n', 6),
    ],
)
def test_line_numbers_of_quoted_files(tmp_path: Path, text: str, line: int) -> None:
    path = tmp_path / "q.csv"
    path.write_bytes(text.encode("utf-8"))
    with pytest.raises(InputError, match=f"line {line}, column capacity: 'x'"):
        load(path, OCCUPANCY)


def test_missing_columns_are_all_named(tmp_path: Path) -> None:
    path = write(tmp_path, "机构,地区\nA,x\n", "beds.csv")
    with pytest.raises(InputError) as info:
        load(path, OCCUPANCY)
    message = str(info.value)
    assert "missing column(s) capacity, occupied (found: 机构 (facility), 地区 (region))" in message
    assert "--col capacity=NAME" in message


def test_col_mapping_and_case_insensitive_match(tmp_path: Path) -> None:
    path = write(tmp_path, " Facility ,核定人数,BEDS\nA,5,10\n")
    loaded = load(path, OCCUPANCY, col_map={"occupied": "核定人数"})
    assert loaded.frame.columns.tolist() == ["facility", "occupied", "capacity"]
    with pytest.raises(InputError, match="no column 'nope'"):
        load(path, OCCUPANCY, col_map={"occupied": "nope"})
    with pytest.raises(UsageError, match="unknown column 'seats'"):
        load(path, OCCUPANCY, col_map={"seats": "BEDS"})


def test_two_headers_meaning_one_column_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "床位,床位数,在所人数\n1,2,3\n")
    with pytest.raises(InputError, match="both mean capacity"):
        load(path, OCCUPANCY)


def test_bare_danwei_is_not_a_facility(tmp_path: Path) -> None:
    path = write(tmp_path, "单位,床位,在所人数\n张,10,5\n")
    assert "facility" not in load(path, OCCUPANCY).frame.columns


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("a,b\n1,2,3\n", "line 2: expected 2 fields"),
        ("a,b,c\n1,2\n", "line 2: expected 3 fields"),
        ('a,b\n1,"2\n3,4\n', "line 2: unterminated quote"),
        ('a,b\n1,2\n3,"4\n', "line 3: unterminated quote"),
        ("a,A\n1,2\n", "line 1: duplicate column 'A'"),
        ("a,,c,column_2\n1,2,3,4\n", "line 1: duplicate column 'column_2'"),
    ],
)
def test_structure_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        load(write(tmp_path, text), OCCUPANCY)


def test_binary_and_paths(tmp_path: Path) -> None:
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\x00\x01\x02\xff" * 10)
    with pytest.raises(InputError, match="binary"):
        load(binary, OCCUPANCY)
    with pytest.raises(InputError, match="no such file"):
        load(tmp_path / "nope.csv", OCCUPANCY)
    with pytest.raises(InputError, match="is a directory"):
        load(tmp_path, OCCUPANCY)


def test_header_only_gives_empty_frame(tmp_path: Path) -> None:
    frame = load(write(tmp_path, "capacity,occupied\n"), OCCUPANCY).frame
    assert frame.empty and frame.columns.tolist() == ["capacity", "occupied"]


def test_filters(tmp_path: Path) -> None:
    frame = load(DATA / "beds.csv", OCCUPANCY, filters={"region": ["north"]}).frame
    assert frame["facility"].tolist() == ["A", "B"]
    frame = load(DATA / "beds_zh.csv", OCCUPANCY, filters={"地区": ["白云区", "花都区"]}).frame
    assert len(frame) == 2
    with pytest.raises(UsageError, match="no column 'zone'"):
        load(DATA / "beds.csv", OCCUPANCY, filters={"zone": ["x"]})


def test_filter_applies_before_number_parsing(tmp_path: Path) -> None:
    path = write(tmp_path, "facility,capacity,occupied\nA,10,5\nB,bad,1\n")
    assert load(path, OCCUPANCY, filters={"facility": ["A"]}).frame["capacity"].tolist() == [10]


def test_dates() -> None:
    parsed = parse_dates(
        series(
            ["2018-05-31", "2018/5/31", "2018年5月31日", "2018-05", "2018年5月", "20180531", ""]
        ),
        source="f.csv",
        column="日期",
    )
    assert parsed.dt.strftime("%Y-%m-%d").tolist()[:6] == [
        "2018-05-31",
        "2018-05-31",
        "2018-05-31",
        "2018-05-01",
        "2018-05-01",
        "2018-05-31",
    ]
    assert pd.isna(parsed.iloc[6])
    with pytest.raises(InputError, match=r"f\.csv line 2, column 日期: '31/05/2018' is not a date"):
        parse_dates(series(["31/05/2018"]), source="f.csv", column="日期")


def test_column_messages_use_the_files_own_headers(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "staff.csv"
    path.write_text("区,年份,禁毒社工,社区戒毒人员,备注\n越秀区,2018,50,400,\n", encoding="utf-8")
    found = "区 (region), 年份 (period), 禁毒社工 (social_workers), 社区戒毒人员 (clients), 备注"
    for args in (["--filter", "街道=1"], ["--by", "街道"]):
        result = invoke(["staffing", str(path), *args])
        assert result.exit_code == 2
        assert f"(found: {found})" in result.stderr, result.stderr
