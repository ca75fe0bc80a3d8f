"""The fast paths give exactly what the general paths give: typed CSV reading, date parsing of
distinct cells, the integer-code census mean, vectorised CSV number formatting."""

from __future__ import annotations

import io
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal, assert_series_equal

import jdcli.loading as loading
from jdcli.errors import InputError
from jdcli.formatting import format_machine
from jdcli.loading import load
from jdcli.loading.dates import _parse, parse_dates
from jdcli.loading.schemas import OCCUPANCY
from jdcli.loading.source import read_source
from jdcli.metrics.occupancy import _mean_over_instants, _sum, occupancy_rate
from jdcli.render import machine_strings

# Cells that are numbers, missing tokens, or not numbers, as real extracts write them.
NUMBER_CELLS = [
    "12",
    "0",
    "7020",
    "0.5",
    ".5",
    "5.",
    "+4",
    "1e3",
    "1E-2",
    " 12 ",
    "12 ",
    "-3",
    "-0",
    "",
    "NA",
    "na",
    "N/A",
    "n/a",
    "-",
    "—",
    "--",
    "null",
    "NULL",
    "None",
    "nan",
    "NaN",
    "无",
    "inf",
    "-inf",
    "Infinity",
    "91.72%",
    '"7,654"',
    "1,5",
    "１２",
    "abc",
    "0x10",
    "1_000",
    "12.5.1",
    "9007199254740993",
    "0.1",
    "3.141592653589793238",
]
TEXT_CELLS = ["A", "NA", "", " b ", "广州", "00123", "-"]


def _load_both(path: Path, **kwargs: object) -> tuple[object, object]:
    """(typed path result, text-only path result); each a Loaded or the error message."""

    def attempt() -> object:
        try:
            return load(path, OCCUPANCY, **kwargs)  # type: ignore[arg-type]
        except InputError as exc:
            return f"InputError: {exc}"

    fast = attempt()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loading, "_numeric_headers", lambda *args, **kw: {})
        slow = attempt()
    return fast, slow


def _assert_same(fast: object, slow: object) -> None:
    if isinstance(slow, str) or isinstance(fast, str):
        assert fast == slow
        return
    assert isinstance(fast, loading.Loaded) and isinstance(slow, loading.Loaded)
    assert_frame_equal(fast.frame, slow.frame)
    assert (fast.name, fast.headers, fast.required) == (slow.name, slow.headers, slow.required)


row = st.tuples(
    st.sampled_from(TEXT_CELLS), st.sampled_from(NUMBER_CELLS), st.sampled_from(NUMBER_CELLS)
)


@given(
    rows=st.lists(st.one_of(row, st.just(None)), min_size=1, max_size=12),
    sep=st.sampled_from([",", "\t", ";"]),
    crlf=st.booleans(),
)
def test_typed_reading_matches_text_reading(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[tuple[str, str, str] | None],
    sep: str,
    crlf: bool,
) -> None:
    lines = [sep.join(["facility", "capacity", "occupied"])]
    for cells in rows:
        lines.append("" if cells is None else sep.join(cells))  # None: a blank line
    path = tmp_path_factory.mktemp("typed") / "beds.csv"
    path.write_bytes(("\r\n" if crlf else "\n").join(lines).encode("utf-8") + b"\n")
    fast, slow = _load_both(path)
    _assert_same(fast, slow)


@pytest.mark.parametrize(
    "text",
    [
        "facility,capacity,occupied\nA,10,9\n,,\nB,5,NA\n",  # an all-empty row is dropped
        "facility,capacity,occupied\nA,10,9\nNA,,\n",  # "NA" text: not a blank row
        "facility,capacity,occupied\nA,10,9\n,NA,\n",  # "NA" number: not a blank row
        "facility,capacity,occupied\nA,10,9\n\n\nB,5,x\n",  # error line after blank lines
        "facility,capacity,occupied\nA,10,9\nB,5\n",  # ragged
        "facility,capacity,occupied\nA,10,9,1\n",  # ragged: more fields
        'facility,capacity,occupied\n"A\nB",10,9\nC,-1,2\n',  # quoted newline, then negative
        "facility,capacity,capacity\nA,1,2\n",  # duplicate header
        "facility,capacity,occupied\n",  # header only
        "设施,床位数,在所人数\n白云所,1200,1150\n",  # Chinese headers, UTF-8
        'facility,capacity,occupied,note\nA,10,9,"x, y"\n',  # quoted comma
    ],
)
def test_typed_reading_matches_text_reading_cases(tmp_path: Path, text: str) -> None:
    path = tmp_path / "beds.csv"
    path.write_text(text, encoding="utf-8")
    fast, slow = _load_both(path)
    _assert_same(fast, slow)


def test_filtered_numeric_column_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "beds.csv"
    path.write_text("facility,capacity,occupied\nA,10,9\nB,5,4\n", encoding="utf-8")
    fast, slow = _load_both(path, filters={"capacity": ["10"]})
    _assert_same(fast, slow)
    assert isinstance(fast, loading.Loaded)
    assert fast.frame["facility"].tolist() == ["A"]


def test_utf8_source_is_read_without_decoding_until_asked(tmp_path: Path) -> None:
    path = tmp_path / "beds.csv"
    content = "机构,床位数\r\n白云所,1200\r\n"
    path.write_bytes(content.encode("utf-8"))
    source = read_source(path)
    assert source.encoding == "utf-8"
    assert source.payload() == content.replace("\r\n", "\n").encode("utf-8")
    assert source.text == content


def test_nul_after_the_first_block_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "beds.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 20000 + b"\x00\n")
    with pytest.raises(InputError, match="contains NUL characters"):
        read_source(path)


def test_date_parsing_of_distinct_cells_matches_cell_by_cell() -> None:
    days = pd.date_range("2018-01-01", periods=40).strftime("%Y-%m-%d").tolist()
    cells = [days[i % 40] for i in range(20_000)] + ["2018年5月", "", "NA", "2018/05/31"]
    raw = pd.Series(cells, index=range(2, len(cells) + 2), dtype="str")
    assert_series_equal(
        parse_dates(raw, source="f", column="date"), _parse(raw, source="f", column="date")
    )
    assert parse_dates(raw, source="f", column="date").iloc[-4:].isna().tolist() == [
        False,
        True,
        True,
        False,
    ]
    bad = raw.copy()
    bad.iloc[15_000] = "2018-13-01"
    with pytest.raises(InputError, match=r"f line 15002, column date: '2018-13-01' is not a date"):
        parse_dates(bad, source="f", column="date")


@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.integers(-(2**60), 2**60).map(float),
            st.floats(min_value=-1e9, max_value=1e9),
        ),
        max_size=50,
    )
)
def test_vectorised_float_cells_match_format_machine(values: list[float]) -> None:
    series = pd.Series(values, dtype="float64")
    expected = ["" if math.isnan(v) else format_machine(v) for v in values]
    assert machine_strings(series) == expected


def test_machine_strings_of_text_and_nullable_columns() -> None:
    assert machine_strings(pd.Series(["a", None, "c"], dtype="str")) == ["a", "", "c"]
    assert machine_strings(pd.Series([1, None], dtype="Int64")) == ["1", ""]
    assert machine_strings(pd.Series([True, None], dtype="boolean")) == ["true", ""]
    assert machine_strings(pd.Series([1.5, None, 2.0], dtype="Float64")) == ["1.5", "", "2"]


census_rows = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C"]),
        st.sampled_from(["north", "south"]),
        st.integers(0, 6),
        st.integers(0, 50),
        st.integers(0, 60),
    ),
    min_size=1,
    max_size=40,
)


@given(census_rows)
def test_census_mean_matches_two_stage_groupby(rows: list[tuple[str, str, int, int, int]]) -> None:
    frame = pd.DataFrame(rows, columns=["facility", "region", "day", "capacity", "occupied"])
    frame = frame.astype(
        {"facility": "str", "region": "str", "capacity": "Float64", "occupied": "Float64"}
    )
    frame["date"] = pd.Timestamp("2018-01-01") + pd.to_timedelta(frame["day"], unit="D")
    frame["period"] = np.where(frame["day"] < 3, "2018-01", "2018-02")
    frame["period"] = frame["period"].astype("str")
    for keys in (["facility"], ["region"]):
        result = occupancy_rate(frame, keys, unit=["facility"], period="period", instant="date")
        unit_keys = list(dict.fromkeys([*keys, "facility", "period"]))
        aggs = {"capacity": "sum", "occupied": "sum"}
        parts = _sum(frame, [*unit_keys, "date"], aggs)
        means = _mean_over_instants(parts, unit_keys, "capacity", "occupied", [])
        reference = occupancy_rate(means, keys, unit=["facility"], period="period")
        assert_frame_equal(result, reference)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_for_large_inputs_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jdcli.cli import common

    path = tmp_path / "beds.csv"
    path.write_text("facility,capacity,occupied\n" + "A,10,9\n" * 2000, encoding="utf-8")
    monkeypatch.setenv("TERM", "xterm")

    def run(stream: io.StringIO) -> str:
        monkeypatch.setattr(sys, "stderr", stream)
        loaded = common.load_input(
            str(path), OCCUPANCY, "occupancy", col=None, filters=None, encoding=None
        )
        assert len(loaded.frame) == 2000
        return stream.getvalue()

    assert run(_Terminal()) == ""  # under the size limit
    monkeypatch.setattr(common, "PROGRESS_FROM_BYTES", 1000)
    assert "Reading beds.csv" in run(_Terminal())
    assert run(io.StringIO()) == ""  # not a terminal: silent


def _total_rows_reference(rows: pd.DataFrame, values: list[str], within: list[str]) -> pd.Series:
    """Whole-frame group transforms, as total_rows was first written (the slow reference)."""
    data = rows[values].astype("float64")
    complete = data.notna().all(axis=1)
    data = data.where(complete, 0.0)
    keys = [rows[c] for c in within]
    if keys:
        sums = data.groupby(keys, dropna=False, sort=False).transform("sum")
        sizes = complete.groupby(keys, dropna=False, sort=False).transform("sum")
    else:
        sums = pd.DataFrame(
            np.broadcast_to(data.sum().to_numpy(), data.shape), index=data.index, columns=values
        )
        sizes = pd.Series(int(complete.sum()), index=data.index)
    row = data.to_numpy()
    equal = np.isclose(row, sums.to_numpy() - row, rtol=1e-9, atol=0.0).all(axis=1)
    nonzero = (np.abs(sums.to_numpy()) > 0).any(axis=1)
    flagged = equal & nonzero & complete.to_numpy() & (sizes.to_numpy() >= 3)
    return pd.Series(flagged, index=rows.index, dtype="bool")


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["2018-01", "2018-02", None]),
            st.sampled_from(["A", "B"]),
            st.one_of(st.none(), st.integers(0, 30)),
            st.integers(0, 30),
        ),
        max_size=30,
    ),
    st.sampled_from([[], ["period"], ["period", "region"]]),
)
def test_total_rows_matches_reference(
    rows: list[tuple[str | None, str, int | None, int]], within: list[str]
) -> None:
    from jdcli.metrics.consistency import total_rows

    frame = pd.DataFrame(rows, columns=["period", "region", "capacity", "occupied"])
    frame = frame.astype(
        {"period": "str", "region": "str", "capacity": "Float64", "occupied": "Float64"}
    )
    values = ["capacity", "occupied"]
    assert_series_equal(
        total_rows(frame, values, within=within), _total_rows_reference(frame, values, within)
    )


# Loads a file in a fresh interpreter, where pandas is not imported yet: the CSV is parsed on
# a thread while pandas is imported. The frame comes back pickled.
FRESH_LOAD = """
import pickle, sys
assert "pandas" not in sys.modules
from jdcli.loading import load
from jdcli.loading.schemas import OCCUPANCY, TRENDS
loaded = load(sys.argv[1], {"occupancy": OCCUPANCY, "trends": TRENDS}[sys.argv[2]])
assert "pandas" in sys.modules
import gc
assert gc.isenabled()  # paused only while pandas was imported
sys.stdout.buffer.write(pickle.dumps(loaded.frame))
"""


@pytest.mark.parametrize(
    ("schema", "text"),
    [
        ("occupancy", "facility,capacity,occupied\nA,10,9\n,,\nB,5,NA\n"),  # typed reading
        ("occupancy", 'facility,capacity,occupied\nA,10,9\nB,"1,200",4\n'),  # text path
        ("trends", "region,metric,period,value\nR1,m,2016,5\nR1,m,2017,~6\n\nR2,m,2017,7%\n"),
    ],
)
def test_reading_while_pandas_is_imported_matches(tmp_path: Path, schema: str, text: str) -> None:
    import pickle
    import subprocess

    from jdcli.loading.schemas import TRENDS

    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", FRESH_LOAD, str(path), schema], capture_output=True, check=False
    )
    assert result.returncode == 0, result.stderr.decode()
    fresh = pickle.loads(result.stdout)
    here = load(path, OCCUPANCY if schema == "occupancy" else TRENDS).frame
    assert_frame_equal(fresh, here)
