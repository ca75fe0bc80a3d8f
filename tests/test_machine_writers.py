"""Tier 2: the block writers of CSV/TSV (Arrow, with a quoted fallback) and JSON/JSONL,
against cell-by-cell references."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any
from unittest import mock

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jdcli import render
from jdcli.formatting import format_machine
from jdcli.render import RenderOptions, records, to_delimited, to_json, to_jsonl

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def reference_cell(value: Any) -> str:
    """One cell as the machine formats define it, one Python value at a time."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_machine(value)
    return str(value)


def reference_delimited(frame: pd.DataFrame, sep: str, excel: bool = False) -> str:
    """What ``to_delimited`` must write: the csv module's quoting, except that once any
    field holds a bare ``\\r`` every field with sep, quote, CR or LF is quoted."""
    header = [str(c) for c in frame.columns]
    columns = []
    for name in frame.columns:
        values = frame[name].astype("object").tolist()
        if pd.api.types.is_object_dtype(frame[name].dtype):  # as str(), floats as floats
            cells = [
                "" if pd.isna(v) else format_machine(v) if isinstance(v, float) else str(v)
                for v in values
            ]
        else:
            cells = [reference_cell(v) for v in values]
        numeric = pd.api.types.is_numeric_dtype(frame[name].dtype) and not (
            pd.api.types.is_bool_dtype(frame[name].dtype)
        )
        if excel and not numeric:
            cells = ["'" + c if c.startswith(_FORMULA_START) else c for c in cells]
        columns.append(cells)
    if excel:
        header = ["'" + c if c.startswith(_FORMULA_START) else c for c in header]
    rows = [header, *zip(*columns, strict=True)]
    out = io.StringIO()
    if excel:
        out.write("\ufeff")
    if any("\r" in cell for row in rows for cell in row):
        for row in rows:
            out.write(sep.join(_quoted(cell, sep) for cell in row) + "\n")
    else:
        csv.writer(out, delimiter=sep, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _quoted(cell: str, sep: str) -> str:
    if any(char in cell for char in (sep, '"', "\r", "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def written(frame: pd.DataFrame, sep: str, excel: bool = False) -> tuple[str, bytes]:
    """The output through a StringIO (decoded) and through a UTF-8 file stream (bytes)."""
    return through_both(lambda stream: to_delimited(frame, stream, RenderOptions(excel=excel), sep))


def through_both(render: Any) -> tuple[str, bytes]:
    text = io.StringIO()
    render(text)
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    render(stream)
    stream.flush()
    return text.getvalue(), raw.getvalue()


# ------------------------------------------------------------------ random frames

TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(",\t\"\r\n=+-@ 'x0"),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=8,
)
FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-2e9, max_value=2e9),
    st.integers(-(2**60), 2**60).map(float),
    st.sampled_from(
        [-0.0, 0.0, 1e-4, 9.999e-5, 1e-5, 1e9, 1e9 - 0.5, 1e16, 2.0**53, 2.0**53 + 2, 0.1 + 0.2]
    ),
)


@st.composite
def columns(draw: st.DrawFn, rows: int) -> pd.Series:
    kind = draw(
        st.sampled_from(["str", "object", "mixed", "Int64", "int64", "Float64", "float64", "bool"])
    )
    kind = draw(st.sampled_from([kind, "boolean", "Float64", "str"]))
    maybe = st.none() if kind not in {"int64", "float64", "bool"} else st.nothing()
    if kind in {"str", "object"}:
        values: list[Any] = draw(st.lists(st.one_of(TEXT, maybe), min_size=rows, max_size=rows))
    elif kind in {"Int64", "int64"}:
        ints = st.integers(-(2**63), 2**63 - 1)
        values = draw(st.lists(st.one_of(ints, maybe), min_size=rows, max_size=rows))
    elif kind in {"Float64", "float64"}:
        values = draw(st.lists(st.one_of(FLOATS, maybe), min_size=rows, max_size=rows))
    elif kind == "mixed":
        anything = st.one_of(TEXT, st.integers(), FLOATS, st.booleans(), st.none())
        values = draw(st.lists(anything, min_size=rows, max_size=rows))
        return pd.Series(values, dtype="object")
    else:
        values = draw(st.lists(st.one_of(st.booleans(), maybe), min_size=rows, max_size=rows))
    if kind == "Float64":
        # pandas reads NaN in a Float64 constructor as <NA>; either way it is undefined.
        return pd.Series(values, dtype="float64").astype("Float64")
    return pd.Series(values, dtype=kind)


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(0, 12))
    width = draw(st.integers(1, 4))
    names = draw(
        st.lists(st.one_of(TEXT, st.sampled_from(["a", "b", "c"])), min_size=width, max_size=width)
    )
    data = {f"{i}:{name}" if i else name: draw(columns(rows)) for i, name in enumerate(names)}
    return pd.DataFrame(data)


@given(
    frame=frames(),
    sep=st.sampled_from(",\t"),
    excel=st.booleans(),
    block=st.sampled_from([1, 3, 200_000]),
)
def test_delimited_matches_the_cell_by_cell_reference(
    frame: pd.DataFrame, sep: str, excel: bool, block: int
) -> None:
    """Blocks written by Arrow and blocks that fall back to quoting give the reference text,
    through a text buffer and through a file's byte buffer alike."""
    with mock.patch.object(render, "_ROWS_PER_WRITE", block):
        text, raw = written(frame, sep, excel)
    expected = reference_delimited(frame, sep, excel)
    assert text == expected
    assert raw == expected.encode("utf-8")


@given(frame=frames(), block=st.sampled_from([1, 3, 200_000]))
def test_json_matches_json_dump_of_records(frame: pd.DataFrame, block: int) -> None:
    """Both JSON writers give exactly what ``json`` prints for ``records`` of the frame."""
    array = json.dumps(records(frame), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records(frame))
    options = RenderOptions()
    with mock.patch.object(render, "_ROWS_PER_WRITE", block):
        assert through_both(lambda s: to_json(frame, s, options)) == (array, array.encode())
        assert through_both(lambda s: to_jsonl(frame, s, options)) == (lines, lines.encode())


# ------------------------------------------------------------------ examples


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame(),
        pd.DataFrame(index=range(2)),
        pd.DataFrame([[1, "x"], [2, "y"]], columns=["a", "a"]),
        pd.DataFrame({"a": [], "b": []}),
        pd.DataFrame({1: [0.5, math.inf], 2.5: ['"\\\n\x00\u2028中', None]}),
    ],
)
def test_json_of_unusual_frames(frame: pd.DataFrame) -> None:
    array = json.dumps(records(frame), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records(frame))
    assert through_both(lambda s: to_json(frame, s, RenderOptions()))[0] == array
    assert through_both(lambda s: to_jsonl(frame, s, RenderOptions()))[0] == lines


def test_json_values_by_type() -> None:
    frame = pd.DataFrame(
        {
            "text": pd.Series(['a"b', None, "中\n"], dtype="str"),
            "n": pd.Series([1, None, -(2**63)], dtype="Int64"),
            "x": pd.Series([-0.0, math.nan, 1e16], dtype="float64"),
            "ok": pd.Series([True, None, False], dtype="boolean"),
        }
    )
    assert through_both(lambda s: to_jsonl(frame, s, RenderOptions()))[0] == (
        '{"text": "a\\"b", "n": 1, "x": 0, "ok": true}\n'
        '{"text": null, "n": null, "x": null, "ok": null}\n'
        f'{{"text": "中\\n", "n": {-(2**63)}, "x": 1e+16, "ok": false}}\n'
    )


def test_plain_and_quoted_blocks_are_written_in_order() -> None:
    frame = pd.DataFrame(
        {
            "name": pd.Series(["a", "b", "c,d", "e", None, 'f"g'], dtype="str"),
            "value": pd.Series([1.5, None, -0.0, 1e-5, 1e16, 7.0], dtype="Float64"),
        }
    )
    with mock.patch.object(render, "_ROWS_PER_WRITE", 2):
        text, raw = written(frame, ",")
    expected = 'name,value\na,1.5\nb,\n"c,d",0\ne,1e-05\n,1e+16\n"f""g",7\n'
    assert text == expected
    assert raw == expected.encode("utf-8")


def test_tab_separated_quotes_tabs_not_commas() -> None:
    frame = pd.DataFrame({"a": ["x,y", "x\ty"], "b": [1, 2]}).astype({"a": "str"})
    text, _ = written(frame, "\t")
    assert text == 'a\tb\nx,y\t1\n"x\ty"\t2\n'


@given(
    floats=st.lists(st.one_of(FLOATS, st.none()), min_size=1, max_size=4),
    ints=st.lists(st.one_of(st.integers(-(2**63), 2**63 - 1), st.none()), min_size=1, max_size=4),
    picks=st.lists(st.integers(0, 3), min_size=8, max_size=40),
    kinds=st.tuples(st.sampled_from(["float64", "Float64"]), st.sampled_from(["int64", "Int64"])),
)
def test_repeated_figures_formatted_once_each_read_as_the_reference(
    floats: list[float | None], ints: list[int | None], picks: list[int], kinds: tuple[str, str]
) -> None:
    """A column of a few values repeated (each formatted once and copied) gives the reference
    text, in CSV and JSON: -0.0 and 0.0 alike, NaN and ±inf empty (null), integers exact."""
    float_kind: Any = kinds[0]
    int_kind: Any = kinds[1]
    chosen = [floats[i % len(floats)] for i in picks]
    whole = [ints[i % len(ints)] for i in picks]
    if int_kind == "int64":
        whole = [0 if v is None else v for v in whole]
    frame = pd.DataFrame(
        {
            "x": pd.Series(chosen, dtype="float64").astype(float_kind),
            "n": pd.Series(whole, dtype=int_kind),
        }
    )
    with mock.patch.object(render, "_arrow_floats", wraps=render._arrow_floats) as formatted:
        text, raw = written(frame, ",")
        lines = through_both(lambda s: to_jsonl(frame, s, RenderOptions()))
    assert text == reference_delimited(frame, ",")
    assert raw == text.encode("utf-8")
    expected = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records(frame))
    assert lines == (expected, expected.encode())
    # Each write formatted the distinct floats only (at most 4 of at least 8 rows).
    assert all(len(call.args[0]) <= len(floats) for call in formatted.call_args_list)


def test_arrow_backed_number_columns_in_several_chunks() -> None:
    """A pyarrow-backed column may hold several chunks: its values are still formatted once
    each, as one column."""
    import pyarrow as pa

    ints = pa.chunked_array([[1, 2], [2, None, 2, 2, 2, 1]])
    floats = pa.chunked_array([[1.5, 2.0], [2.0, None, 2.0, 2.0, -0.0, 1.5]])
    frame = pd.DataFrame(
        {
            "n": pd.Series(pd.arrays.ArrowExtensionArray(ints)),
            "x": pd.Series(pd.arrays.ArrowExtensionArray(floats)),
        }
    )
    text, _ = written(frame, ",")
    assert text == "n,x\n1,1.5\n2,2\n2,2\n,\n2,2\n2,2\n2,0\n1,1.5\n"
    lines, _ = through_both(lambda s: to_jsonl(frame, s, RenderOptions()))
    assert lines.splitlines()[3] == '{"n": null, "x": null}'


def test_float_columns_in_every_form() -> None:
    values = [0.1 + 0.2, 123456789.125, 1e9 + 0.5, 2.0**53, 2.0**53 * 4, 1e-4, 3e-7, math.inf]
    frame = pd.DataFrame({"x": values, "whole": [1.0, -0.0, 3.0, None, 5.0, 6.0, 7.0, 8.0]})
    text, _ = written(frame, ",")
    assert text.splitlines() == [
        "x,whole",
        "0.3,1",
        "123456789.125,0",
        "1000000000.5,3",
        "9007199254740990,",
        "3.6028797018964e+16,5",
        "0.0001,6",
        "3e-07,7",
        ",8",
    ]


def test_all_empty_and_boolean_columns() -> None:
    frame = pd.DataFrame(
        {
            "none": pd.Series([None, None], dtype="Float64"),
            "text": pd.Series([None, None], dtype="str"),
            "flag": pd.Series([True, None], dtype="boolean"),
            "n": pd.Series([None, 2**62], dtype="Int64"),
        }
    )
    assert written(frame, ",")[0] == f"none,text,flag,n\n,,true,\n,,,{2**62}\n"


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        (pd.DataFrame({"a": ["x", None]}).astype("str"), 'a\nx\n""\n'),
        (pd.DataFrame({"a": ["x\r", None]}).astype("str"), 'a\n"x\r"\n\n'),
        (pd.DataFrame({"a": [], "b": []}), "a,b\n"),
        (pd.DataFrame(), "\n"),
    ],
)
def test_single_column_and_empty_frames_keep_the_csv_module_rules(
    frame: pd.DataFrame, expected: str
) -> None:
    assert written(frame, ",") == (expected, expected.encode("utf-8"))


def test_a_stream_in_another_encoding_gets_text() -> None:
    frame = pd.DataFrame({"机构": ["第一戒毒所", "第二"], "n": [1.5, 2.0]}).astype({"机构": "str"})
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="gb18030", newline="")
    to_delimited(frame, stream, RenderOptions(), ",")
    stream.flush()
    assert raw.getvalue().decode("gb18030") == "机构,n\n第一戒毒所,1.5\n第二,2\n"


@pytest.mark.parametrize("block", [1, 2, 200_000])
@pytest.mark.parametrize("excel", [False, True])
def test_columns_without_any_value_are_written_empty(block: int, excel: bool) -> None:
    """A column with no value at all (found once for the frame) is written as empty fields,
    beside columns that have values, in plain and quoted blocks alike."""
    rows = 5
    frame = pd.DataFrame(
        {
            "name": pd.Series(["a", "b,c", "d", "=e", None], dtype="str"),
            "text": pd.Series([None] * rows, dtype="str"),
            "number": pd.Series([None] * rows, dtype="Float64"),
            "count": pd.Series([None] * rows, dtype="Int64"),
            "flag": pd.Series([None] * rows, dtype="boolean"),
            "anything": pd.Series([None] * rows, dtype="object"),
            "value": pd.Series([1.5, None, 2.0, None, 3.25], dtype="Float64"),
        }
    )
    with mock.patch.object(render, "_ROWS_PER_WRITE", block):
        text, raw = written(frame, ",", excel)
    expected = reference_delimited(frame, ",", excel)
    assert text == expected
    assert raw == expected.encode("utf-8")
