"""``jdcli.occupancy()``: the CLI's CSV is the API's frame written out, its stderr the API's
notes; DataFrames load as files do; errors are exceptions carrying the CLI's messages."""

from __future__ import annotations

import inspect
import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import typer
from pandas.testing import assert_frame_equal

import jdcli
import jdcli.analyses.occupancy as analysis
from jdcli.analyses.occupancy import run
from jdcli.cli import app
from jdcli.render import RenderOptions, to_csv

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"

# (FILE or None for the bundled data, CLI options, the same options by keyword)
CASES: list[tuple[Path | None, list[str], dict[str, Any]]] = [
    (None, [], {}),
    (None, ["--by", "region"], {"by": ["region"]}),
    (None, ["--explain", "--decimals", "1"], {"explain": True, "decimals": 1}),
    (None, ["--no-total", "--bands", "80,90,95"], {"total": False, "bands": "80,90,95"}),
    (None, ["--bands", "80,90,95"], {"bands": (80, 90, 95)}),
    (None, ["--fail-above", "90"], {"fail_above": 90}),
    (DATA / "beds.csv", [], {}),
    (DATA / "beds.csv", ["--by", "region", "--explain"], {"by": "region", "explain": True}),
    (DATA / "beds.csv", ["--filter", "region=north"], {"filters": {"region": "north"}}),
    (
        DATA / "beds.csv",
        ["--filter", "facility=A", "--filter", "facility=C"],
        {"filters": {"facility": ["A", "C"]}},
    ),
    (DATA / "beds_zh.csv", ["--fail-above", "100"], {"fail_above": 100}),
    (DATA / "beds_zh.csv", ["--by", "地区"], {"by": ["地区"]}),
    (DATA / "beds_gbk.csv", [], {}),
    (DATA / "beds_gbk.csv", ["--encoding", "gb18030"], {"encoding": "gb18030"}),
    (
        DATA / "beds.csv",
        ["--col", "capacity=occupied", "--col", "occupied=capacity"],
        {"columns": {"capacity": "occupied", "occupied": "capacity"}},
    ),
    (DATA / "census_daily.csv", [], {}),
    (DATA / "census_daily.csv", ["--freq", "month"], {"freq": "month"}),
    (
        DATA / "census_daily.csv",
        ["--freq", "month", "--by", "region", "--no-total"],
        {"freq": "month", "by": ["region"], "total": False},
    ),
    (DATA / "census_daily.csv", ["--as-of", "2018-05-01"], {"as_of": "2018-05-01"}),
    (BAD / "plain.csv", [], {}),
    (BAD / "bom_crlf.csv", [], {}),
    (BAD / "gbk.csv", [], {}),
    (BAD / "semicolon.csv", [], {}),
    (BAD / "header_only.csv", [], {}),
    (BAD / "capacity_zero.csv", ["--explain"], {"explain": True}),
    (BAD / "over_capacity.csv", ["--fail-above", "100"], {"fail_above": 100}),
    (BAD / "total_row.csv", [], {}),
    (BAD / "total_row.csv", ["--keep-total-rows"], {"keep_total_rows": True}),
    (BAD / "long_field.csv", [], {}),
    (BAD / "formula.csv", [], {}),
]


def as_csv(frame: pd.DataFrame) -> str:
    """``frame`` as the CLI writes it with ``-f csv``."""
    buffer = io.StringIO()
    to_csv(frame, buffer, RenderOptions())
    return buffer.getvalue()


def stderr_of(result: jdcli.Result) -> str:
    """What the CLI prints on stderr for ``result``: its notes, then a failed check."""
    lines = [f"{n.level}: {n.text}" for n in result.notes]
    if result.failure is not None:
        lines.append(f"Check failed: {result.failure}")
    return "".join(line + "\n" for line in lines)


@pytest.mark.parametrize(("file", "args", "options"), CASES)
def test_cli_writes_the_api_frame(
    invoke: Any, file: Path | None, args: list[str], options: dict[str, Any]
) -> None:
    cli = invoke(["occupancy", *([str(file)] if file else []), *args, "-f", "csv"])
    result = jdcli.occupancy(file, **options)
    assert cli.stdout == as_csv(result.frame)
    assert cli.stderr == stderr_of(result)
    assert cli.exit_code == (1 if result.failure else 0)


def test_a_streamed_census_gives_the_cli_answer(
    invoke: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = ["date,region,facility,capacity,occupied"]
    for day in range(1, 29):
        for f in range(4):
            lines.append(f"2019-02-{day:02},R{f % 2},F{f},{40 + f},{30 + (day * f) % 12}")
    path = tmp_path / "census.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for args, options in (
        (["--freq", "month", "--by", "region"], {"freq": "month", "by": ["region"]}),
        (["--as-of", "2019-02-10"], {"as_of": "2019-02-10"}),
    ):
        cli = invoke(["occupancy", str(path), *args, "-f", "csv"])
        with monkeypatch.context() as patch:
            patch.setattr(analysis, "load_source", _refuse)  # it must stream
            result = jdcli.occupancy(path, **options)
        assert (cli.stdout, cli.stderr) == (as_csv(result.frame), stderr_of(result))


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("read the whole file")


def test_bundled_occupancy() -> None:
    result = jdcli.occupancy()
    assert result.frame["occupancy_pct"].iloc[-1] == pytest.approx(91.71674941, abs=1e-8)
    assert result.title == "Bed occupancy"
    assert result.caption.endswith("Source: guangzhou-2018/rehab_centres.csv (bundled)")
    assert result.failure is None


def test_fail_above_is_a_failure_on_the_result() -> None:
    result = jdcli.occupancy(DATA / "beds_zh.csv", fail_above=100)
    assert result.failure == "1 group(s) above 100%: 第二戒毒所 (102%)"
    assert len(result.frame) == 3  # the data is all there


def test_a_dataframe_gives_the_answer_of_the_same_data_in_a_file(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "机构": ["第一戒毒所", "第二戒毒所", "第三戒毒所"],
            "地区": ["白云区", "花都区", "白云区"],
            "床位数": ["7,654", "５００", "1,000"],
            "在所人数": ["7,020", "510", "920"],
        }
    )
    path = tmp_path / "beds.csv"
    frame.to_csv(path, index=False)
    for options in ({}, {"by": ["地区"], "explain": True}, {"fail_above": 100}):
        from_frame = jdcli.occupancy(frame, **options)
        from_file = jdcli.occupancy(path, **options)
        assert_frame_equal(from_frame.frame, from_file.frame)
        assert from_frame.failure == from_file.failure
    assert jdcli.occupancy(frame).caption.endswith("Source: DataFrame")


def test_numeric_dataframe_columns_are_taken_as_they_are(tmp_path: Path) -> None:
    frame = pd.DataFrame({"facility": ["A", "B"], "capacity": [100, 50], "occupied": [90, 51]})
    path = tmp_path / "beds.csv"
    frame.to_csv(path, index=False)
    assert_frame_equal(jdcli.occupancy(frame).frame, jdcli.occupancy(str(path)).frame)


@pytest.mark.parametrize(
    ("file", "args", "options", "error"),
    [
        (None, ["--fail-above", "nan"], {"fail_above": float("nan")}, jdcli.UsageError),
        (None, ["--bands", "90,80,100"], {"bands": "90,80,100"}, jdcli.UsageError),
        (None, ["--by", "nosuch"], {"by": ["nosuch"]}, jdcli.UsageError),
        (None, ["--freq", "week"], {"freq": "week"}, jdcli.UsageError),
        (DATA / "beds.csv", ["--freq", "month"], {"freq": "month"}, jdcli.UsageError),
        (
            DATA / "census_daily.csv",
            ["--freq", "month", "--as-of", "2018-05-01"],
            {"freq": "month", "as_of": "2018-05-01"},
            jdcli.UsageError,
        ),
        (BAD / "non_numeric.csv", [], {}, jdcli.InputError),
        (BAD / "missing_columns.csv", [], {}, jdcli.InputError),
        (BAD / "negative.csv", [], {}, jdcli.InputError),
        (BAD / "no_such_file.csv", [], {}, jdcli.InputError),
        (BAD / "bad_date.csv", [], {}, jdcli.InputError),
    ],
)
def test_errors_are_exceptions_with_the_cli_message(
    invoke: Any,
    capsys: pytest.CaptureFixture[str],
    file: Path | None,
    args: list[str],
    options: dict[str, Any],
    error: type[jdcli.JdcliError],
) -> None:
    cli = invoke(["occupancy", *([str(file)] if file else []), *args, "-f", "csv"])
    assert cli.exit_code == 2
    with pytest.raises(error) as caught:
        jdcli.occupancy(file, **options)
    assert isinstance(caught.value, ValueError)
    assert cli.stderr.splitlines()[-1] == f"Error: {caught.value}"
    assert capsys.readouterr() == ("", "")


def test_a_bad_dataframe_cell_names_the_row(capsys: pytest.CaptureFixture[str]) -> None:
    frame = pd.DataFrame({"机构": ["A", "B"], "床位数": ["100", "7,65O"], "在所人数": [90, 5]})
    with pytest.raises(jdcli.InputError, match="DataFrame row 1"):
        jdcli.occupancy(frame)
    assert capsys.readouterr() == ("", "")


def test_warnings_are_notes_and_nothing_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    result = jdcli.occupancy(BAD / "total_row.csv")
    assert result.notes
    assert capsys.readouterr() == ("", "")


def test_keywords_mirror_the_cli_options() -> None:
    command = typer.main.get_command(app).commands["occupancy"]  # type: ignore[attr-defined]
    cli = {p.name for p in command.params} - {
        "file",
        "fmt",
        "output",
        "excel",
        "chart",
        "font",
        "lang",
        "wide",
    }
    renamed = {"no_total": "total", "col": "columns"}
    api = set(inspect.signature(run).parameters) - {"source", "progress"}
    assert {renamed.get(name, name) for name in cli} == api


def test_the_api_imports_no_cli_libraries() -> None:
    script = (
        "import sys, jdcli\n"
        "jdcli.occupancy(sys.argv[1], freq='month')\n"
        "jdcli.occupancy()\n"
        "print(sorted(m for m in ('typer', 'click', 'rich') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(DATA / "census_daily.csv")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert (done.stdout, done.stderr) == ("[]\n", "")
