"""Streaming occupancy: partial aggregates over any split of the rows combine to exactly what
the whole rows give, and the command's output, warnings and errors are the same whether a
file streams or is read whole (including files that stop streaming part-way)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal, assert_series_equal

import jdcli.analyses.occupancy as occupancy_cli
import jdcli.loading.stream as stream_module
from jdcli.loading.schemas import OCCUPANCY
from jdcli.loading.stream import open_stream
from jdcli.metrics.consistency import (
    combine_total_row_partials,
    flag_total_rows,
    total_row_partials,
    total_rows,
)
from jdcli.metrics.occupancy import (
    census_means,
    census_partials,
    combine_census_partials,
    occupancy_from_census,
    occupancy_rate,
    period_labels,
)

# (facility, region, day offset from 2018-12-20, capacity, occupied): few facilities and
# days, so the same facility-day often appears twice (parts of one census that add up).
census_rows = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "广州"]),
        st.sampled_from(["R1", "R2"]),
        st.integers(0, 120),
        st.integers(0, 40),
        st.integers(0, 50),
    ),
    min_size=1,
    max_size=40,
)


def _frame(rows: list[tuple[str, str, int, int, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["facility", "region", "day", "capacity", "occupied"])
    frame = frame.astype({"facility": "str", "region": "str"})
    frame["date"] = pd.Timestamp("2018-12-20") + pd.to_timedelta(frame["day"], unit="D")
    frame["date"] = frame["date"].astype("datetime64[us]")
    frame = frame.drop(columns="day").astype({"capacity": "float64", "occupied": "float64"})
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="line")
    return frame


def _splits(frame: pd.DataFrame, cuts: list[int]) -> list[pd.DataFrame]:
    points = sorted({min(c, len(frame)) for c in cuts})
    edges = [0, *points, len(frame)]
    return [frame.iloc[a:b] for a, b in itertools.pairwise(edges)]


@given(
    census_rows,
    st.lists(st.integers(0, 40), max_size=5),
    st.sampled_from(["month", "quarter", "year"]),
    st.sampled_from([["facility"], ["region"], [], ["region", "facility"]]),
    st.integers(0, 6),
    st.booleans(),
)
def test_census_partials_over_any_split_match_the_whole(
    rows: list[tuple[str, str, int, int, int]],
    cuts: list[int],
    freq: str,
    by: list[str],
    early: int,
    as_codes: bool,
) -> None:
    frame = _frame(rows)
    whole = frame.assign(period=period_labels(frame["date"], freq))
    expected = occupancy_rate(whole, by, unit=["facility"], period="period", instant="date")
    unit = [*by, *(["facility"] if "facility" not in by else [])]
    parts = _splits(frame, cuts)
    if as_codes:  # text and dates as the reader gives them: codes into distinct values
        parts = [p.astype(dict.fromkeys(["facility", "region", "date"], "category")) for p in parts]
    partials = [census_partials(part, unit, freq) for part in parts]
    # Combining some partials early (as the reader does to bound memory) changes nothing.
    if early:
        partials = [combine_census_partials(pd.concat(partials[:early])), *partials[early:]]
    result = occupancy_from_census(census_means(pd.concat(partials)), by)
    assert_frame_equal(result, expected)
    once = combine_census_partials(pd.concat(partials))  # the reader's own last step
    assert_frame_equal(census_means(once, combined=True), census_means(pd.concat(partials)))


def _arrow_block(frame: pd.DataFrame) -> tuple[object, np.ndarray]:
    """``frame`` as the reader parses a block: text and dates dictionary-encoded, and the
    dates' dictionary as ``datetime64[s]``."""
    import pyarrow as pa

    columns = {}
    for name in frame.columns:
        values = frame[name]
        if name == "date":
            values = values.dt.strftime("%Y-%m-%d")
        if name in ("capacity", "occupied"):
            columns[name] = pa.array(values.to_numpy(dtype="float64"))
        else:
            columns[name] = pa.array(values.astype(str).tolist()).dictionary_encode()
    table = pa.table(columns)
    dictionary = table.column("date").chunk(0).dictionary.to_pylist()
    return table, np.array(dictionary, dtype="datetime64[D]").astype("datetime64[s]")


@given(
    census_rows,
    st.sampled_from(["month", "quarter", "year"]),
    st.sampled_from([["facility"], ["region", "facility"], ["facility", "region"], []]),
    st.booleans(),
)
def test_block_partials_in_arrow_are_the_dataframe_partials(
    rows: list[tuple[str, str, int, int, int]], freq: str, by: list[str], date_order: bool
) -> None:
    from jdcli.metrics.census_blocks import block_partials, partial_frames

    if date_order:
        rows = sorted(rows, key=lambda row: row[2])
    frame = _frame(rows)[["facility", "region", "date", "capacity", "occupied"]]
    unit = by  # a census without a facility column has only the --by keys, maybe none
    values = ["capacity", "occupied"]
    table, dates = _arrow_block(frame)
    block = block_partials(table, dates, unit, freq, values)  # type: ignore[arg-type]
    day = frame[[*unit, "date"]]
    if bool(day.duplicated().any()):
        assert block is None  # a unit's day twice: bits must be ORed, the DataFrame way
        return
    assert block is not None
    census, (sums, candidates) = partial_frames([(2, block)], list(frame.columns))
    expected = combine_census_partials(census_partials(frame, unit, freq))
    assert_frame_equal(combine_census_partials(census), expected, check_exact=True)
    expected_sums, expected_candidates = total_row_partials(frame, values, within=["date"])
    assert_frame_equal(
        sums.sort_index(), expected_sums.sort_index(), check_exact=True, check_index_type=False
    )
    assert candidates.index.tolist() == sorted(expected_candidates.index.tolist())
    shown = candidates.astype({"facility": "str", "region": "str"})
    assert_frame_equal(
        shown,
        expected_candidates.astype(shown.dtypes.to_dict()).sort_index(),
        check_dtype=False,
        check_exact=True,
    )


def test_a_day_reported_in_two_blocks_counts_once() -> None:
    frame = _frame([("A", "R1", 12, 10, 8), ("A", "R1", 13, 10, 6), ("A", "R1", 12, 5, 4)])
    partials = [census_partials(part, ["facility"], "month") for part in _splits(frame, [2])]
    means = census_means(pd.concat(partials))
    # Two days in January 2019: (10 + 5 + 10) / 2 beds, (8 + 4 + 6) / 2 held.
    assert means["capacity"].tolist() == [12.5]
    assert means["occupied"].tolist() == [9.0]


def test_census_partials_of_no_rows_combine_with_others() -> None:
    frame = _frame([("A", "R1", 0, 10, 8), ("B", "R2", 40, 10, 6)])
    empty = census_partials(frame.iloc[:0], ["facility"], "quarter")
    assert empty.empty
    assert list(empty.columns) == list(census_partials(frame, ["facility"], "quarter").columns)
    both = census_means(pd.concat([empty, census_partials(frame, ["facility"], "quarter")]))
    assert_frame_equal(both, census_means(census_partials(frame, ["facility"], "quarter")))


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["2018-01-01", "2018-01-02", "2018-01-03"]),
            st.sampled_from(["A", "B", "C"]),
            st.integers(0, 30),
            st.integers(0, 30),
        ),
        max_size=30,
    ),
    st.lists(st.integers(0, 40), max_size=5),
    st.sets(st.integers(0, 40), max_size=4),
    st.integers(1, 4),
    st.booleans(),
    st.booleans(),
)
def test_total_row_partials_over_any_split_match_the_whole(
    rows: list[tuple[str, str, int, int]],
    cuts: list[int],
    totals_at: set[int],
    combine_every: int,
    date_order: bool,
    as_codes: bool,
) -> None:
    if date_order:  # as a census is usually exported: each date's rows together
        rows = sorted(rows, key=lambda row: row[0])
    frame = pd.DataFrame(rows, columns=["date", "facility", "capacity", "occupied"])
    frame = frame.astype({"date": "str", "facility": "str"})
    frame = frame.astype({"capacity": "float64", "occupied": "float64"})
    values = ["capacity", "occupied"]
    # Insert total rows (the sum of the other rows of their date) at some places.
    for at in sorted(totals_at, reverse=True):
        if at < len(frame):
            date = frame["date"].iloc[at]
            same = frame.loc[frame["date"] == date, values].sum()
            row = pd.DataFrame([[date, "Total", same["capacity"], same["occupied"]]])
            row.columns = frame.columns
            frame = pd.concat([frame.iloc[:at], row, frame.iloc[at:]], ignore_index=True)
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="line")
    expected = total_rows(frame, values, within=["date"])
    parts = []
    for part in _splits(frame, cuts):
        if as_codes:  # dates as the reader gives them: codes into the block's distinct dates
            part = part.assign(date=pd.Categorical(part["date"]))
        parts.append(total_row_partials(part, values, within=["date"]))
        if len(parts) >= combine_every:
            parts = [combine_total_row_partials(parts, values)]
    if not parts:
        return
    sums, candidates = combine_total_row_partials(parts, values)
    flagged = flag_total_rows(sums, candidates, values)
    found = pd.Series(False, index=frame.index)
    found.loc[flagged.index[flagged.to_numpy()]] = True
    assert_series_equal(found, expected, check_names=False)


# ---------------------------------------------------------------- the command


def _census_csv(days: int = 70, facilities: int = 5, *, extra: str = "") -> str:
    lines = ["date,region,facility,capacity,occupied"]
    start = pd.Timestamp("2018-11-15")
    for day in range(days):
        date = (start + pd.Timedelta(days=day)).strftime("%Y-%m-%d")
        for f in range(facilities):
            if (day + f) % 7 == 3:
                continue  # some facilities skip some days
            cap = 40 + 10 * f
            lines.append(f"{date},R{f % 2},F{f},{cap},{(cap * (day % 9 + 5)) // 10}")
            if (day * f) % 11 == 1:
                lines.append(f"{date},R{f % 2},F{f},5,3")  # a second part of the same census
    return "\n".join(lines) + "\n" + extra


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of a few rows, so every test file streams in many pieces."""
    monkeypatch.setattr(stream_module, "CHUNK_SIZE", 97)


def _both(invoke, monkeypatch: pytest.MonkeyPatch, args: list[str]):  # type: ignore[no-untyped-def]
    """(streamed result, whole-file result) of the same command."""
    streamed = invoke(args)
    with monkeypatch.context() as patch:
        patch.setattr(occupancy_cli, "compute_streamed", lambda *a, **k: None)
        whole = invoke(args)
    return streamed, whole


def _must_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("read the whole file")

    monkeypatch.setattr(occupancy_cli, "load_source", refuse)


@pytest.mark.parametrize(
    "options",
    [
        ["--freq", "month"],
        ["--freq", "quarter", "--by", "region"],
        ["--freq", "year", "--by", "region", "--by", "facility"],
        ["--freq", "month", "--explain", "-f", "json"],
        ["--freq", "month", "--by", "区域", "--no-total", "--bands", "80,90,95"],
        ["--freq", "month", "--fail-above", "95"],
        ["--freq", "month", "--filter", "区域=R1"],
        ["--freq", "month", "--filter", "region= R0 "],
        ["--freq", "quarter", "--filter", "facility=F1", "--filter", "facility=F3"],
        ["--freq", "month", "--filter", "FACILITY=F2", "--filter", "区域=R0"],
        ["--freq", "month", "--filter", "facility!=F1", "--filter", "facility!= F3 "],
        ["--freq", "quarter", "--filter", "区域=R1", "--filter", "facility!=F2"],
        ["--as-of", "2018-12-31"],
        ["--as-of", "2018-12-03", "--by", "区域"],
        ["--as-of", "2019-01-10", "--filter", "区域=R1", "--no-total"],
        ["--as-of", "2018-12-20", "--explain", "-f", "json"],
        ["--as-of", "2030-01-01", "--bands", "80,90,95"],
    ],
)
def test_streamed_output_is_the_whole_file_output(
    invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_chunks: None, options: list[str]
) -> None:
    path = tmp_path / "census.csv"
    path.write_text(_census_csv().replace("region", "区域", 1), encoding="utf-8")
    args = ["occupancy", str(path), "-f", "csv", *options]
    streamed, whole = _both(invoke, monkeypatch, args)
    assert (streamed.stdout, streamed.stderr, streamed.exit_code) == (
        whole.stdout,
        whole.stderr,
        whole.exit_code,
    )
    _must_stream(monkeypatch)
    again = invoke(args)
    assert again.stdout == whole.stdout
    assert whole.stdout.count("\n") > 2  # a header and rows, not an empty table


def test_total_row_warning_is_the_same_when_streamed(
    invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_chunks: None
) -> None:
    text = _census_csv(days=40)
    lines = text.splitlines()
    # A total row for one date, far into the file.
    frame = pd.DataFrame([row.split(",") for row in lines[1:]], columns=lines[0].split(","))
    day = frame[frame["date"] == "2018-12-10"]
    # Not labelled as a total (合计, All …): only its figures give it away.
    total = f"2018-12-10,R-all,All centres,{day['capacity'].astype(int).sum()}," + str(
        day["occupied"].astype(int).sum()
    )
    lines.insert(lines.index(next(r for r in lines if r.startswith("2018-12-11"))), total)
    path = tmp_path / "census.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["occupancy", str(path), "--freq", "month", "-f", "csv"]
    streamed, whole = _both(invoke, monkeypatch, args)
    assert "equal the sum of the other rows of the same date" in whole.stderr
    assert "'All centres'" in whole.stderr
    assert (streamed.stdout, streamed.stderr) == (whole.stdout, whole.stderr)
    _must_stream(monkeypatch)
    assert invoke(args).stderr == whole.stderr


@pytest.mark.parametrize(
    "late",
    [
        "2019-01-20,R1,F1,abc,3\n",  # not a number
        "2019-01-20,R1,F1,-4,3\n",  # a negative count
        "2019-01-20,R1,F1,,3\n",  # a missing value (skipped with a warning)
        "2019-01-20,R1,F1,4.5,3\n",  # a fractional count (not summed in pieces)
        "2019-01-20,R1,F1,1e300,3\n",  # out of range
        '2019-01-20,R1,"F1",4,3\n',  # a quoted cell
        "2019-01-20,R1,F1,4,3,9\n",  # a ragged row
        "2019/1/20,R1,F1,4,3\n",  # another spelling of a date
        "2019-02-30,R1,F1,4,3\n",  # not a date
        ",R1,F1,4,3\n",  # no date
        "2019-01-20,R1,F\x001,4,3\n",  # a NUL
        "\n2019-01-20,R1,F1,4,3\n",  # a blank line
        "2019-01-20,R1,F1,4,3\n\n",  # a blank line at the end
        "2019-01-20,R1,F1,4,3",  # no final line break (streams)
        "2019-01-20,R1,合计,4,3\n",  # a total label first seen late (names are checked once)
        "2019-01-20,全市,F1,4,3\n",  # the same, as a region
        "2019-01-20,R9,F9,4,3\n2019-01-21,R1,Total,4,3\n",  # new names, then a label
    ],
)
def test_a_problem_late_in_the_file_gives_the_whole_file_answer(
    invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_chunks: None, late: str
) -> None:
    path = tmp_path / "census.csv"
    path.write_text(_census_csv(extra=late), encoding="utf-8")
    for options in (["--freq", "month"], ["--as-of", "2019-01-25"]):
        args = ["occupancy", str(path), *options, "-f", "csv"]
        streamed, whole = _both(invoke, monkeypatch, args)
        assert (streamed.stdout, streamed.stderr, streamed.exit_code) == (
            whole.stdout,
            whole.stderr,
            whole.exit_code,
        )


def test_encodings_and_line_endings_give_the_whole_file_answer(
    invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_chunks: None
) -> None:
    text = _census_csv(days=35).replace("F1", "广州一所")
    variants = {
        "crlf.csv": text.replace("\n", "\r\n").encode("utf-8"),
        "gbk.csv": text.encode("gb18030"),
        "bom.csv": text.encode("utf-8-sig"),
        "utf8.csv": text.encode("utf-8"),
    }
    for name, data in variants.items():
        path = tmp_path / name
        path.write_bytes(data)
        args = ["occupancy", str(path), "--freq", "quarter", "-f", "csv"]
        streamed, whole = _both(invoke, monkeypatch, args)
        assert whole.exit_code == 0
        assert (streamed.stdout, streamed.stderr) == (whole.stdout, whole.stderr), name


@pytest.mark.parametrize(
    "filters",
    [
        ["region=R9"],
        ["nosuch=1"],
        ["capacity=40"],
        ["date=2018-11-20"],
        ["region"],
        ["facility=F1", "region=R0"],  # F1 is in R1: nothing passes both
    ],
)
def test_filters_that_do_not_stream_give_the_whole_file_answer(
    invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_chunks: None, filters: list[str]
) -> None:
    path = tmp_path / "census.csv"
    path.write_text(_census_csv(days=40), encoding="utf-8")
    args = ["occupancy", str(path), "--freq", "month", "-f", "csv"]
    for condition in filters:
        args += ["--filter", condition]
    streamed, whole = _both(invoke, monkeypatch, args)
    assert (streamed.stdout, streamed.stderr, streamed.exit_code) == (
        whole.stdout,
        whole.stderr,
        whole.exit_code,
    )


def test_what_streams_and_what_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "census.csv"
    path.write_text(_census_csv(days=3), encoding="utf-8")
    common = (path, [], "month", None, (85.0, 92.0, 100.0), True, None, None, None)
    assert occupancy_cli.compute_streamed(*map(_str, common)) is not None  # type: ignore[arg-type]

    def run(**changes: object) -> object:
        names = [
            "source",
            "by",
            "freq",
            "as_of",
            "bands",
            "total",
            "columns",
            "filters",
            "encoding",
        ]
        values = dict(zip(names, map(_str, common), strict=True)) | changes
        return occupancy_cli.compute_streamed(**values)  # type: ignore[arg-type]

    assert run(freq=None) is None  # a table per date is as long as the file
    assert run(as_of="2018-11-16") is None  # with --freq: the whole-file path says no
    assert run(freq=None, as_of="2018-11-16") is not None  # each facility's latest census
    assert run(freq=None, as_of="not a date") is None
    assert run(freq=None, as_of="2000-01-01") is None  # nothing on or before it
    assert run(filters={"region": "R1"}) is not None  # text filtered block by block
    assert run(filters={"capacity": "40"}) is None  # a number is filtered as written
    assert run(filters={"date": "2018-11-15"}) is None
    assert run(filters={"nosuch": "1"}) is None  # the whole-file path reports the usage error
    assert run(filters={"": "R1"}) is None  # a filter with no column
    assert run(filters={"region": "R9"}) is None  # nothing passes: the whole-file path says so
    assert run(encoding="utf-8") is None
    assert run(source="-") is None
    assert run(by=["date"]) is None
    assert run(by=["capacity"]) is None  # the whole-file path reports the usage error
    assert run(by=["nosuch"]) is None
    assert run(columns={"capacity": "occupied"}) is None
    periods = tmp_path / "periods.csv"
    periods.write_text("period,date,facility,capacity,occupied\n2018,2018-01-01,A,1,1\n")
    assert run(source=str(periods)) is None
    undated = tmp_path / "undated.csv"
    undated.write_text("facility,capacity,occupied\nA,1,1\n")
    assert run(source=str(undated)) is None
    bed_days = tmp_path / "bed_days.csv"
    bed_days.write_text("date,facility,capacity_days,occupied_days\n2018-01-01,A,1,1\n")
    assert run(source=str(bed_days)) is None
    empty = tmp_path / "empty.csv"
    empty.write_text("date,facility,capacity,occupied\n")
    assert run(source=str(empty)) is None


def _str(value: object) -> object:
    return str(value) if isinstance(value, Path) else value


def test_batches_report_progress_and_line_numbers(tmp_path: Path, small_chunks: None) -> None:
    path = tmp_path / "census.csv"
    path.write_text(_census_csv(days=20), encoding="utf-8")
    opened = open_stream(str(path), OCCUPANCY, col_map={}, encoding=None)
    assert opened is not None
    seen: list[tuple[int, int]] = []
    frames = list(
        opened.batches(["facility", "date", "capacity"], progress=lambda d, t: seen.append((d, t)))
    )
    assert len(frames) > 10
    size = path.stat().st_size
    assert seen[-1] == (size, size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    lines = np.concatenate([f.index.to_numpy() for f in frames])
    assert lines.tolist() == list(range(2, 2 + len(lines)))
    rows = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(rows) - 1
    last = frames[-1]
    assert rows[int(last.index[-1]) - 1].split(",")[2] == str(last["facility"].iloc[-1])


@pytest.mark.parametrize("pieces", [3, 40])
def test_blocks_parsed_ahead_before_the_reduction_is_known_are_reduced_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pieces: int
) -> None:
    """The command line starts parsing before pandas is imported: blocks parsed by then (all
    of a short file) are reduced afterwards, on the workers, and given in order with the
    rest."""
    import time

    path = tmp_path / "census.csv"
    path.write_text(_census_csv(days=20), encoding="utf-8")
    monkeypatch.setattr(stream_module, "CHUNK_SIZE", path.stat().st_size // pieces + 40)
    columns = ["facility", "date", "capacity"]

    def rows(table: object, dates: object) -> tuple[int, str]:
        time.sleep(0.02)  # still running when the last block has been handed over
        first = table.column("facility").chunk(0)  # type: ignore[attr-defined]
        return len(first), str(first.dictionary[first.indices[0].as_py()])

    whole = open_stream(str(path), OCCUPANCY, col_map={}, encoding=None)
    assert whole is not None
    expected = [(line, rows) for line, rows in whole.blocks(columns, rows)]
    opened = open_stream(str(path), OCCUPANCY, col_map={}, encoding=None)
    assert opened is not None
    opened.read_ahead(columns)
    time.sleep(0.5)  # every worker done: the first blocks wait unreduced
    assert [(line, rows) for line, rows in opened.blocks(columns, rows)] == expected
    lines = [line for line, _ in expected]
    assert lines == sorted(lines) and len(lines) > 2
    assert lines[1] - lines[0] == expected[0][1][0]


def test_read_ahead_workers_outlive_the_blocks_until_closed() -> None:
    """Work handed to the workers after the last block (a late block's reduction) runs."""
    from jdcli.loading.stream import _ReadAhead

    def chunks() -> Iterator[bytes]:
        yield from (b"a", b"bb")

    def parse(chunk: bytes) -> pd.DataFrame:
        return pd.DataFrame({"x": list(chunk)})

    ahead = _ReadAhead(chunks(), parse, ["x"])
    assert [(len(value), rows) for value, rows, _ in ahead] == [(1, 1), (2, 2)]
    assert ahead.submit(str.upper, "late").result() == "LATE"
    ahead.close()
    with pytest.raises(RuntimeError):
        ahead.submit(str.upper, "after close")
