"""``jdcli.trends`` (the Python API) against ``jdcli trends`` (the CLI): one engine, two faces.

The CLI's CSV is the API's frame written by the same renderer; its stderr is the API's notes.
"""

from __future__ import annotations

import inspect
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import jdcli
from jdcli.analyses import trends as analysis
from jdcli.render import RenderOptions, to_csv
from tests.conftest import DATA

BAD = DATA / "bad"

#: (file or None for the bundled data, CLI options, the same options by keyword).
CASES: list[tuple[Path | None, list[str], dict[str, Any]]] = [
    (None, [], {}),
    (None, ["--summary"], {"summary": True}),
    (None, ["--compare", "prev"], {"compare": "prev"}),
    (None, ["--metric", "毒情体量", "--index", "2016"], {"metrics": ["毒情体量"], "index": "2016"}),
    (DATA / "trends_zh.csv", [], {}),
    (DATA / "trends_zh.csv", ["--summary"], {"summary": True}),
    (
        DATA / "trends_zh.csv",
        ["--since", "2016", "--until", "2017"],
        {"since": "2016", "until": "2017"},
    ),
    (DATA / "trends_wide.csv", ["--index", "2017"], {"index": "2017"}),
    (DATA / "trends_wide.csv", ["--rate"], {"rate": True}),
    (DATA / "trends_monthly.csv", ["--compare", "prev"], {"compare": "prev"}),
    (DATA / "trends_monthly.csv", ["--freq", "month"], {"freq": "month"}),
    (DATA / "trends_units_en.csv", [], {}),
    (DATA / "trends_units_zh.csv", ["--summary"], {"summary": True}),
    (
        DATA / "trends_units_zh.csv",
        ["--rate", "禁毒经费（万元）", "--metric", "禁毒经费"],
        {"rate": ["禁毒经费（万元）"], "metrics": ["禁毒经费"]},
    ),
    (
        DATA / "trends_region.csv",
        ["--by", "region", "--filter", "metric=cases"],
        {"by": ["region"], "filters": {"metric": "cases"}},
    ),
    (DATA / "trends_mixed.csv", ["--col", "value=value"], {"columns": {"value": "value"}}),
    (BAD / "trends_plain.csv", [], {}),
    (BAD / "trends_bom_crlf.csv", [], {}),
    (BAD / "trends_gbk.csv", ["--encoding", "gbk"], {"encoding": "gbk"}),
    (BAD / "trends_header_only.csv", [], {}),
    (BAD / "trends_zero_base.csv", ["--strict"], {"strict": True}),
    (BAD / "trends_total_row.csv", ["--summary"], {"summary": True}),
]


def csv_text(frame: pd.DataFrame) -> str:
    stream = io.StringIO()
    to_csv(frame, stream, RenderOptions())
    return stream.getvalue()


def note_lines(notes: tuple[jdcli.Note, ...]) -> str:
    return "".join(f"{n.level}: {n.text}\n" for n in notes)


def cli_args(path: Path | None, options: list[str]) -> list[str]:
    return ["trends", *([str(path)] if path else []), *options, "-f", "csv"]


@pytest.mark.parametrize(("path", "options", "keywords"), CASES)
def test_cli_writes_the_api_frame_and_prints_its_notes(  # type: ignore[no-untyped-def]
    invoke, capsys, path: Path | None, options: list[str], keywords: dict[str, Any]
) -> None:
    cli = invoke(cli_args(path, options))
    expected_error = cli.stderr.splitlines()[-1] if cli.exit_code else ""
    if cli.exit_code:
        with pytest.raises(jdcli.JdcliError) as caught:
            jdcli.trends(str(path) if path else None, **keywords)
        assert f"Error: {caught.value}" == expected_error
        return
    result = jdcli.trends(str(path) if path else None, **keywords)
    assert capsys.readouterr() == ("", "")
    assert csv_text(result.frame) == cli.stdout
    assert note_lines(result.notes) == cli.stderr
    assert result.title == ("Trends: summary" if "--summary" in options else "Trends")
    assert "Source: " in result.caption


@pytest.mark.parametrize(
    "path",
    [
        DATA / "trends_dupe.csv",
        DATA / "trends_region.csv",
        BAD / "trends_bad_period.csv",
        BAD / "trends_duplicate_period.csv",
        BAD / "trends_extreme.csv",
        BAD / "trends_mixed_freq.csv",
        BAD / "trends_non_numeric.csv",
    ],
)
def test_errors_are_exceptions_with_the_cli_message(invoke, capsys, path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = invoke(cli_args(path, []))
    assert cli.exit_code == 2
    with pytest.raises(jdcli.InputError) as caught:
        jdcli.trends(str(path))
    assert isinstance(caught.value, ValueError)
    assert cli.stderr.endswith(f"Error: {caught.value}\n")
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(
    ("options", "keywords"),
    [
        (["--index", "1999"], {"index": "1999"}),
        (["--since", "someday"], {"since": "someday"}),
        (["--metric", "nothing"], {"metrics": ["nothing"]}),
        (["--by", "period"], {"by": ["period"]}),
        (["--filter", "nocolon"], {"filters": {"": "x"}}),
    ],
)
def test_usage_errors_are_exceptions(  # type: ignore[no-untyped-def]
    invoke, capsys, options: list[str], keywords: dict[str, Any]
) -> None:
    cli = invoke(cli_args(None, options))
    assert cli.exit_code == 2
    with pytest.raises(jdcli.UsageError) as caught:
        jdcli.trends(**keywords)
    if "filters" not in keywords:  # the CLI's message quotes what was typed
        assert cli.stderr == f"Error: {caught.value}\n"
    assert capsys.readouterr() == ("", "")


def test_a_bad_choice_is_a_usage_error() -> None:
    with pytest.raises(jdcli.UsageError, match="--compare weekly: expected one of yoy, prev"):
        jdcli.trends(compare="weekly")
    with pytest.raises(jdcli.UsageError, match="--freq fortnight"):
        jdcli.trends(freq="fortnight")
    assert jdcli.trends(compare="PREV").frame.equals(jdcli.trends(compare="prev").frame)


# ------------------------------------------------------------------ DataFrames


def chinese_long() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "年份": ["2016", "2017", "2018", "2016", "2017", "2018"],
            "指标": ["破案数", "破案数", "破案数", "戒断率", "戒断率", "戒断率"],
            "数值": ["7,654", "8,000", "~9,100", "91.72%", "90%", "92.5%"],
            "单位": ["起", "起", "起", "", "", ""],
            "同比": ["", "4.5%", "13.8", "", "", ""],
        }
    )


@pytest.mark.parametrize(
    ("frame", "keywords"),
    [
        (chinese_long(), {}),
        (chinese_long(), {"summary": True}),
        (chinese_long(), {"compare": "prev", "index": "2017"}),
        (
            pd.DataFrame(
                {
                    "年份": ["2016", "2017"],
                    "破案数（起）": ["7,654", "8,000"],
                    "戒断率（%）": ["91.72%", "90%"],
                }
            ),
            {},
        ),
    ],
)
def test_a_dataframe_gives_what_the_same_csv_gives(
    tmp_path: Path, frame: pd.DataFrame, keywords: dict[str, Any]
) -> None:
    path = tmp_path / "trends.csv"
    frame.to_csv(path, index=False)
    from_frame = jdcli.trends(frame, **keywords)
    from_file = jdcli.trends(path, **keywords)
    assert_frame_equal(
        from_frame.frame.reset_index(drop=True), from_file.frame.reset_index(drop=True)
    )
    assert [n.text.replace("DataFrame", "trends.csv") for n in from_frame.notes] == [
        n.text for n in from_file.notes
    ]


def test_dataframe_errors_name_rows_not_lines() -> None:
    frame = pd.DataFrame(
        {"period": ["2016", "2017", "2016"], "value": ["1", "2", "3"]}, index=[5, 6, 7]
    )
    with pytest.raises(jdcli.InputError, match=r"^DataFrame row 5 and row 7: duplicate period"):
        jdcli.trends(frame)
    with pytest.raises(jdcli.InputError, match=r"^DataFrame row 1, column value: '8O' is not"):
        jdcli.trends(pd.DataFrame({"period": ["2016", "2017"], "value": ["7", "8O"]}))


# ------------------------------------------------------------------ the options


def test_keywords_mirror_the_cli_options() -> None:
    from jdcli.cli.trends import trends as command

    cli = set(inspect.signature(command).parameters)
    api = set(inspect.signature(analysis.run).parameters)
    renamed = {"file": "source", "metric": "metrics", "col": "columns"}
    output_only = {"fmt", "output", "decimals", "excel", "chart", "font", "lang", "wide"}
    assert {renamed.get(name, name) for name in cli - output_only} | {"progress"} == api


def test_one_name_is_a_list_of_one() -> None:
    path = str(DATA / "trends_units_zh.csv")
    one = jdcli.trends(path, metrics="破案数", rate="禁毒经费")
    listed = jdcli.trends(path, metrics=["破案数"], rate=["禁毒经费"])
    assert_frame_equal(one.frame, listed.frame)
    assert set(one.frame["metric"]) == {"破案数"}


def test_summary_result_carries_sparklines_and_polarity() -> None:
    result = jdcli.trends(summary=True)
    lines = result.sparklines()
    assert len(lines) == len(result.frame)
    assert result.polarity["毒情体量"] == "down-is-good"
    assert result.changes is not None and "period" in result.changes.frame.columns
    assert "trend" not in result.frame.columns  # the sparklines belong to the table view


def test_progress_is_told_how_much_was_read() -> None:
    seen: list[tuple[int, int]] = []
    jdcli.trends(DATA / "trends_zh.csv", progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1] == (DATA / "trends_zh.csv").stat().st_size


def test_the_api_loads_no_cli_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys, jdcli; jdcli.trends(); jdcli.trends(summary=True, index='2016'); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'typer', 'click', 'rich'}))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout == "[]\n"


@pytest.mark.parametrize(
    ("name", "by"),
    [("trends_region.csv", ["region"]), ("trends_wide.csv", []), ("trends_units_zh.csv", [])],
)
def test_compute_without_keeping_rows_gives_the_same_changes(name: str, by: list[str]) -> None:
    from jdcli.analyses.inputs import load_source
    from jdcli.loading.schemas import TRENDS

    def loaded() -> Any:
        return load_source(str(DATA / name), TRENDS, "trends")

    kept_from, handed_from = loaded(), loaded()
    columns = handed_from.frame.columns.copy()
    dtypes = handed_from.frame.dtypes.copy()
    kept = analysis.compute(kept_from, by=by)
    handed = analysis.compute(handed_from, by=by, keep_rows=False)
    assert_frame_equal(handed.frame, kept.frame)
    assert len(kept_from.frame) > 0
    # The rows are gone, the columns (names and dtypes) stay for what comes after.
    assert handed_from.frame.empty
    pd.testing.assert_index_equal(handed_from.frame.columns, columns)
    pd.testing.assert_series_equal(handed_from.frame.dtypes, dtypes)
    assert analysis.caption(handed_from, "yoy", False) == analysis.caption(kept_from, "yoy", False)


def test_no_rows_shares_no_buffer_with_the_frame() -> None:
    import pyarrow as pa

    frame = pd.DataFrame(
        {"a": pd.array(["x", "y"] * 50_000, dtype="str"), "b": [1.5, None] * 50_000},
        index=pd.Index(range(2, 100_002), name="line"),
    )
    empty = analysis._no_rows(frame)
    assert empty.empty
    assert list(empty.columns) == ["a", "b"] and list(empty.dtypes) == list(frame.dtypes)
    assert empty.index.name == "line" and empty.index.dtype == frame.index.dtype
    # Nothing of the 100,000 rows is held (a slice of them would hold every buffer).
    text = pa.array(empty["a"].array)
    assert all(b is None or b.size < 1024 for chunk in [text] for b in chunk.buffers())
    assert empty["b"].to_numpy().base is None or empty["b"].to_numpy().base.nbytes < 1024
