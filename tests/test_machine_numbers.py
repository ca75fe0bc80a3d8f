"""Tier 2 and 3: the number form of the machine formats (floats at 15 significant digits) in
every writer and every path through it, and the human views judging decimals by that form."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from jdcli import render
from jdcli.formatting import format_machine, format_number, round_significant
from jdcli.render import Format, emit, human_cell, machine_value

#: (value, what every machine format writes)
NOISE = [
    (1.9 - 1.48, "0.42"),  # 0.41999999999999993
    (414 / 400 * 100, "103.5"),  # 103.49999999999999
    (-16.000000000000004, "-16"),
    (40.1 - 38.2, "1.9"),  # 1.8999999999999986
    (0.1 + 0.2, "0.3"),
    (471 / 1427 * 100, "33.0063069376314"),
    (7654.0, "7654"),
    (-0.0, "0"),
    (123456789.125, "123456789.125"),
    (1e9 + 0.5, "1000000000.5"),
    (1e-4, "0.0001"),
    (1e-7, "1e-07"),
    (1 / 3 * 1e-6, "3.33333333333333e-07"),
    (1e15, "1000000000000000"),
    (2.0**53, "9007199254740990"),
    (1e16, "1e+16"),
    (1e21, "1e+21"),
    (2.0**70, "1.18059162071741e+21"),
    (-1.5e300, "-1.5e+300"),
    (5e-324, "5e-324"),
    # Rounding up at 15 digits would overflow: the double is kept as it is.
    (1.7976931348623157e308, "1.7976931348623157e+308"),
]
VALUES = [value for value, _ in NOISE]
TEXTS = [text for _, text in NOISE]


@pytest.mark.parametrize(("value", "text"), NOISE)
def test_format_machine(value: float, text: str) -> None:
    assert format_machine(value) == text
    assert float(text) == (round_significant(value))


def test_undefined_is_empty() -> None:
    assert format_machine(math.nan) == format_machine(math.inf) == format_machine(-math.inf) == ""


def noise_frame(repeat: int = 1) -> pd.DataFrame:
    """The noise values in a float64 and a Float64 column, a NaN and an <NA> at the end, and
    a text column (so CSV goes through its block writer and JSON through its blocks)."""
    values = [*VALUES, math.nan] * repeat
    return pd.DataFrame(
        {
            "name": pd.Series([f"r{i}" for i in range(len(values))], dtype="str"),
            "x": pd.Series(values, dtype="float64"),
            "y": pd.Series(values, dtype="float64").astype("Float64"),
        }
    )


def write(frame: pd.DataFrame, fmt: Format) -> str:
    stream = io.StringIO()
    emit(frame, fmt, stream)
    return stream.getvalue()


# Each path through the writers: one block; many blocks, formatted on threads; each distinct
# value formatted once (repeated values); the records path of JSON (a repeated column name).
PATHS = ["block", "blocks", "repeated"]


def frame_for(path: str) -> pd.DataFrame:
    return noise_frame(repeat=3 if path == "repeated" else 1)


def patched(path: str) -> Any:
    return mock.patch.object(render, "_ROWS_PER_WRITE", 2 if path == "blocks" else 200_000)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("fmt", "sep"), [(Format.CSV, ","), (Format.TSV, "\t")])
def test_delimited_writes_15_digits(path: str, fmt: Format, sep: str) -> None:
    with patched(path):
        text = write(frame_for(path), fmt)
    rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    assert rows[0] == ["name", "x", "y"]
    expected = [*TEXTS, ""] * (3 if path == "repeated" else 1)
    assert [row[1] for row in rows[1:]] == expected
    assert [row[2] for row in rows[1:]] == expected
    assert "0.41999" not in text and "103.49999" not in text and ".0," not in text


@pytest.mark.parametrize("fmt", [Format.CSV, Format.TSV])
def test_single_float_column(fmt: Format) -> None:
    """One column goes through the csv module, with the same cells."""
    text = write(pd.DataFrame({"x": [*VALUES, math.nan]}), fmt)
    assert text.splitlines() == ["x", *TEXTS, '""']


def json_values(text: str, fmt: Format) -> list[dict[str, Any]]:
    def refuse(constant: str) -> None:
        raise AssertionError(f"not a JSON number: {constant}")

    if fmt is Format.JSON:
        parsed: list[dict[str, Any]] = json.loads(text, parse_constant=refuse)
        return parsed
    return [json.loads(line, parse_constant=refuse) for line in text.splitlines()]


@pytest.mark.parametrize("path", [*PATHS, "records"])
@pytest.mark.parametrize("fmt", [Format.JSON, Format.JSONL])
def test_json_writes_15_digits(path: str, fmt: Format) -> None:
    frame = frame_for(path)
    if path == "records":  # a name twice: written record by record through ``json``
        frame = frame.set_axis(["name", "x", "x"], axis=1)
    with patched(path):
        text = write(frame, fmt)
    rows = json_values(text, fmt)
    expected = [*[float(t) for t in TEXTS], None] * (3 if path == "repeated" else 1)
    assert [row["x"] for row in rows] == expected
    assert "0.41999" not in text and "103.49999" not in text and "NaN" not in text
    # Integral values are JSON integers, written without ".0".
    assert rows[VALUES.index(7654.0)]["x"] == 7654
    assert isinstance(rows[VALUES.index(-16.000000000000004)]["x"], int)
    for number in TEXTS:
        assert f": {number}," in text or f": {number}}}" in text or f": {number}\n" in text


def test_json_records_are_the_same_numbers() -> None:
    assert [machine_value(v) for v in VALUES] == [
        int(float(t)) if float(t).is_integer() and abs(float(t)) < 1e16 else float(t) for t in TEXTS
    ]
    assert machine_value(math.nan) is None
    assert machine_value(math.inf) is None
    assert machine_value(pd.NA) is None


@pytest.mark.parametrize("width", [1, 2])
def test_floats_in_a_mixed_column(width: int) -> None:
    """A column of Python objects writes its floats as a float column does."""
    cells = pd.Series([1.9 - 1.48, "x", 3, True, None, -16.000000000000004], dtype="object")
    frame = pd.DataFrame({"mixed": cells, "k": 1} if width == 2 else {"mixed": cells})
    rows = list(csv.reader(io.StringIO(write(frame, Format.CSV))))[1:]
    assert [row[0] for row in rows] == ["0.42", "x", "3", "True", "", "-16"]
    lines = json_values(write(frame, Format.JSONL), Format.JSONL)
    assert [r["mixed"] for r in lines] == [0.42, "x", 3, True, None, -16]


def test_integer_columns_are_left_alone() -> None:
    """Integers are not floats: every digit is written, beyond 2**53 and 15 digits too."""
    big = [2**53 + 1, -(2**63), 2**63 - 1, 123456789012345678]
    frame = pd.DataFrame({"n": pd.Series(big, dtype="int64"), "m": pd.Series(big, dtype="Int64")})
    lines = write(frame, Format.CSV).splitlines()[1:]
    assert lines == [f"{n},{n}" for n in big]
    assert [r["n"] for r in json_values(write(frame, Format.JSONL), Format.JSONL)] == big


def test_frames_keep_full_doubles() -> None:
    """Only the writing rounds: the frame given to a writer is unchanged."""
    frame = noise_frame()
    before = frame.copy()
    for fmt in (Format.CSV, Format.JSON, Format.JSONL, Format.TABLE, Format.MARKDOWN):
        write(frame, fmt)
    pd.testing.assert_frame_equal(frame, before)
    assert frame["x"].iloc[0] == 1.9 - 1.48


# ------------------------------------------------------------------ properties

#: Decimals of 16 digits ending in 5: the doubles nearest them (and their neighbours) lie just
#: either side of a halfway point at 15 digits.
NEAR_HALFWAY = st.builds(
    lambda digits, exponent, side: float(
        np.nextafter(float(f"{digits}5e{exponent}"), side * math.inf)
    ),
    st.integers(10**14, 10**15 - 1),
    st.integers(-340, 290),
    st.sampled_from([-1, 0, 1]),
)
FINITE = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.integers(-(10**17), 10**17).map(float),
    st.builds(lambda a, b: a / b, st.integers(0, 10**6), st.integers(1, 10**6)),
    NEAR_HALFWAY.filter(math.isfinite),
)


def read_back(value: float) -> float:
    """What a reader of CSV should get: the value at 15 significant digits."""
    return round_significant(value)


@given(st.lists(FINITE, min_size=1, max_size=20), st.integers(1, 3))
@example([1.9 - 1.48, 414 / 400 * 100, -16.000000000000004, 40.1 - 38.2], 1)
@example([123456789012345.5, 123456789012346.5, 0.5, 2.5e-5], 2)
def test_parsing_the_written_value_gives_it_at_15_digits(values: list[float], repeat: int) -> None:
    """In CSV (block and repeated-value paths) and in JSON, each float reads back as
    ``float(f"{x:.15g}")``, written with at most 15 significant digits (unless that would
    overflow) and integral values below 1e16 without a decimal point or exponent."""
    frame = pd.DataFrame({"x": values * repeat, "k": 1.5})
    rows = list(csv.reader(io.StringIO(write(frame, Format.CSV))))[1:]
    lines = write(frame, Format.JSONL).splitlines()
    for value, row, line in zip(values * repeat, rows, lines, strict=True):
        wanted = float(f"{value:.15g}")
        cell = row[0]
        if math.isinf(wanted):  # the double nearest the largest: kept as it is
            assert float(cell) == value
            continue
        assert float(cell) == wanted
        digits = cell.lstrip("-").split("e")[0].replace(".", "")
        assert len(digits.strip("0")) <= 15
        if wanted.is_integer() and abs(wanted) < 1e16:
            assert cell == str(int(wanted))
        number = json.loads(line)["x"]
        assert number == wanted
        assert line == json.dumps({"x": machine_value(value), "k": 1.5})


@given(st.lists(FINITE, max_size=50))
def test_vectorised_rounding_matches_one_by_one(values: list[float]) -> None:
    got = render._round_significant(np.array(values, dtype="float64"))
    assert got.tolist() == [round_significant(v) for v in values]


# ------------------------------------------------------------------ human views


#: Two doubles below 1.005 (``repr`` 1.0049999999999994): 1.005 at 15 digits.
BELOW_1_005 = float(np.nextafter(np.nextafter(1.005, 0), 0))


@pytest.mark.parametrize(
    ("column", "value", "shown"),
    [
        ("change_pct", -16.000000000000004, "-16%"),
        ("change_pct", -49.0, "-49%"),
        ("change_pp", 1.9 - 1.48, "+0.42 pp"),
        ("share_pct", 414 / 400 * 100, "103.50%"),
        ("value", 40.1 - 38.2, "1.90"),
        ("value", BELOW_1_005, "1.01"),  # 1.005 at 15 digits, half-up
        ("value", 7654.000000000001, "7,654"),
    ],
)
def test_human_views_judge_decimals_at_15_digits(column: str, value: float, shown: str) -> None:
    assert human_cell(column, value, 2) == shown


def test_table_shows_no_decimals_for_noise() -> None:
    frame = pd.DataFrame(
        {"metric": ["毒情体量", "吸毒人员"], "change_pct": [-16.000000000000004, -49.0]}
    )
    for fmt in (Format.TABLE, Format.MARKDOWN):
        text = write(frame, fmt)
        assert "-16%" in text and "-49%" in text and "-16.00%" not in text


def test_format_number_of_noise() -> None:
    assert format_number(-16.000000000000004, 2) == "-16"
    assert format_number(1.9 - 1.48, 2, sign=True) == "+0.42"
    assert format_number(414 / 400 * 100, 1) == "103.5"


# ------------------------------------------------------------------ the CLI


def test_bundled_staffing_csv_says_0_42(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", "-f", "csv"])
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.splitlines()[-1] == "禁毒民警 ÷ 总警力,before → after,,,1.9,,1.48,0.42"
    assert "0.41999" not in result.stdout


def test_bundled_staffing_json_says_0_42(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["staffing", "-f", "json"])
    assert result.exit_code == 0
    assert result.stderr == ""
    assert json.loads(result.stdout)[-1]["share_pct_change_pp"] == 0.42
    assert "0.41999" not in result.stdout
