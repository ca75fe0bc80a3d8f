"""``jdcli.staffing`` in Python: the CLI's CSV is the API's frame written out, and its stderr is
the API's notes; DataFrames load as files do; errors are exceptions; keywords mirror options."""

from __future__ import annotations

import inspect
import io
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import typer.main
from pandas.testing import assert_frame_equal

import jdcli
from jdcli.cli import app
from jdcli.render import RenderOptions, to_csv
from tests.conftest import DATA

BAD = DATA / "bad"
STATIONS = str(DATA / "staffing_stations.csv")
POLICE = str(DATA / "staffing_police.csv")
POPULATION = str(DATA / "staffing_population.csv")


def csv_of(result: jdcli.Result) -> str:
    stream = io.StringIO()
    to_csv(result.frame, stream, RenderOptions())
    return stream.getvalue()


def stderr_of(result: jdcli.Result) -> str:
    return "".join(f"{n.level}: {n.text}\n" for n in result.notes)


def assert_same_as_cli(invoke: Any, args: list[str], source: Any, **options: Any) -> None:
    cli = invoke(["staffing", *args, "-f", "csv"])
    assert cli.exit_code == 0, cli.stderr
    api = jdcli.staffing(source, **options)
    assert csv_of(api) == cli.stdout
    assert stderr_of(api) == cli.stderr


# (CLI arguments, the source, the same options by keyword)
SAME: list[tuple[list[str], Any, dict[str, Any]]] = [
    ([], None, {}),
    (["--explain", "--decimals", "1"], None, {"explain": True, "decimals": 1}),
    ([STATIONS], STATIONS, {}),
    ([STATIONS, "--by", "区", "--ratio", "share"], STATIONS, {"by": ["区"], "ratio": "share"}),
    ([STATIONS, "--filter", "年份=2018", "--no-total"], STATIONS,
     {"filters": {"年份": "2018"}, "total": False}),
    ([STATIONS, "--per", "1,000"], STATIONS, {"per": "1,000"}),
    ([STATIONS, "--compare", "yoy", "--explain"], STATIONS, {"compare": "yoy", "explain": True}),
    ([STATIONS, "--target", "30:1", "--filter", "年份=2018"], STATIONS,
     {"target": "30:1", "filters": {"年份": ["2018"]}}),
    ([STATIONS, "--target", "30"], STATIONS, {"target": 30}),
    ([STATIONS, "--base-file", POPULATION], STATIONS, {"base_file": POPULATION}),
    ([STATIONS, "--col", "unit=区", "--filter", "年份=2017"], STATIONS,
     {"columns": {"unit": "区"}, "filters": {"年份": "2017"}}),
    ([STATIONS, "--parts", "工作人员", "--total", "社区戒毒人员", "--explain"], STATIONS,
     {"parts": ["工作人员"], "total_col": "社区戒毒人员", "explain": True}),
    ([STATIONS, "--parts", "工作人员", "--total", "社区戒毒人员", "--by", "区"], STATIONS,
     {"parts": "工作人员", "total_col": "社区戒毒人员", "by": "区"}),
    ([POLICE, "--base", "总警力", "--compare", "yoy"], POLICE,
     {"base": "总警力", "compare": "yoy"}),
    ([POLICE, "--base", "总警力", "--target", "1.9%"], POLICE,
     {"base": "总警力", "target": "1.9%"}),
    ([POLICE, "--base", "常住人口", "--target", "25", "--strict"], POLICE,
     {"base": "常住人口", "target": 25.0, "strict": True}),
    ([POLICE, "--staff", "民警", "--base", "常住人口", "--ratio", "caseload"], POLICE,
     {"staff": "民警", "base": "常住人口", "ratio": "caseload"}),
]  # fmt: skip


@pytest.mark.parametrize(("args", "source", "options"), SAME, ids=lambda v: None)
def test_cli_writes_the_api_frame(invoke, args, source, options) -> None:  # type: ignore[no-untyped-def]
    assert_same_as_cli(invoke, args, source, **options)


CASES = tomllib.loads((BAD / "cases.toml").read_text(encoding="utf-8"))["case"]
CORPUS = [
    case
    for case in CASES
    if (case["commands"] == "all" or "staffing" in case["commands"])
    and not case.get("args")
    and (BAD / case["file"]).is_file()
]


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case["file"])
def test_corpus_through_the_api(invoke, case: dict[str, Any], capsys) -> None:  # type: ignore[no-untyped-def]
    path = BAD / case["file"]
    cli = invoke(["staffing", str(path), "-f", "csv"])
    if cli.exit_code == 0:
        api = jdcli.staffing(path)
        assert csv_of(api) == cli.stdout
        assert stderr_of(api) == cli.stderr
        return
    assert cli.exit_code == 2
    error = next(line for line in cli.stderr.splitlines() if line.startswith("Error: "))
    capsys.readouterr()
    with pytest.raises(jdcli.JdcliError) as raised:
        jdcli.staffing(path)
    assert f"Error: {raised.value}" == error
    assert capsys.readouterr() == ("", "")


def test_the_bundled_view_is_the_result_without_options() -> None:
    result = jdcli.staffing()
    assert result.title == "Staffing (广州市)"
    assert result.frame["measure"].iloc[0] == "社工 ÷ 专职和社工"
    assert result.frame["share_pct"].iloc[0] == 471 / 1427 * 100
    assert result.notes == ()


def test_a_caseload_stays_a_number() -> None:
    """``24.4 : 1`` is for people: the table views show it, the frame keeps the number."""
    result = jdcli.staffing(STATIONS, filters={"年份": "2018"})
    assert result.frame["caseload"].dtype == "Float64"
    assert result.frame["caseload"].iloc[0] == 1000 / 9


# ------------------------------------------------------------------ DataFrames


def test_dataframe_with_chinese_headers_and_text_numbers(tmp_path: Path) -> None:
    data = pd.DataFrame(
        {
            "部门": ["白云分局", "白云分局", "花都分局", "花都分局"],
            "年份": ["2017", "2018", "2017", "2018"],
            "民警": ["30", "41", "12", "19"],
            "总警力": ["2,000", "2,050", "1,000", "1,000"],
            "常住人口": ["2,711,000", "2,711,000", "1,094,000", "1,094,000"],
        }
    )
    path = tmp_path / "police.csv"
    data.to_csv(path, index=False)
    from_frame = jdcli.staffing(data, base="总警力", target=30)
    from_file = jdcli.staffing(path, base="总警力", target=30)
    assert_frame_equal(from_frame.frame, from_file.frame)
    assert from_frame.caption.endswith("Source: DataFrame")
    assert from_frame.frame["shortfall"].tolist()[-1] == from_file.frame["shortfall"].iloc[-1]


def test_dataframe_of_numbers_and_a_base_frame() -> None:
    staff = pd.DataFrame({"机构": ["白云站", "花都站"], "工作人员": [12, 5]})
    base = pd.DataFrame({"机构": ["白云站", "花都站"], "社区戒毒人员": [300, 160]})
    from_frames = jdcli.staffing(staff, base_file=base)
    assert from_frames.frame["caseload"].tolist() == [25, 32, 460 / 17]
    assert from_frames.caption.endswith("Source: DataFrame + base DataFrame")


def test_dataframe_errors_name_the_row() -> None:
    data = pd.DataFrame({"机构": ["A", "B"], "工作人员": [5, 6], "编制数": ["10", "1O"]})
    with pytest.raises(jdcli.InputError, match=re.escape("DataFrame row 1, column 编制数")):
        jdcli.staffing(data, base="编制数")


def test_dataframe_parts_as_a_list_equals_the_file() -> None:
    data = pd.read_csv(STATIONS, dtype="str")
    options: dict[str, Any] = {"parts": ["工作人员"], "total_col": "社区戒毒人员"}
    assert_frame_equal(
        jdcli.staffing(data, **options).frame, jdcli.staffing(STATIONS, **options).frame
    )


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("options", "kind", "args"),
    [
        ({"ratio": "ratio"}, jdcli.UsageError, ["--ratio", "ratio"]),
        ({"per": 0}, jdcli.UsageError, ["--per", "0"]),
        ({"target": "0"}, jdcli.UsageError, ["--target", "0"]),
        ({"target": "30:2"}, jdcli.UsageError, ["--target", "30:2"]),
        ({"parts": "工作人员"}, jdcli.UsageError, ["--parts", "工作人员"]),
        (
            {"parts": "工作人员", "total_col": "社区戒毒人员", "target": 3},
            jdcli.UsageError,
            ["--parts", "工作人员", "--total", "社区戒毒人员", "--target", "3"],
        ),
        ({"by": ["nothing"]}, jdcli.UsageError, ["--by", "nothing"]),
        ({"compare": "mom"}, jdcli.UsageError, ["--compare", "mom"]),
        ({"base_file": "nope.csv"}, jdcli.InputError, ["--base-file", "nope.csv"]),
    ],
)
def test_errors_are_exceptions_with_the_cli_message(invoke, capsys, options, kind, args) -> None:  # type: ignore[no-untyped-def]
    cli = invoke(["staffing", STATIONS, *args])
    assert cli.exit_code == 2
    capsys.readouterr()
    with pytest.raises(kind) as raised:
        jdcli.staffing(STATIONS, **options)
    assert isinstance(raised.value, ValueError)
    assert cli.stderr.splitlines()[-1] == f"Error: {raised.value}"
    assert capsys.readouterr() == ("", "")


def test_a_number_target_is_checked_as_text_is() -> None:
    with pytest.raises(
        jdcli.UsageError, match=r"expects a number above 0 such as 30 or 30:1, got 0$"
    ):
        jdcli.staffing(STATIONS, target=0)
    by_number = jdcli.staffing(STATIONS, target=30.0).frame
    assert_frame_equal(by_number, jdcli.staffing(STATIONS, target="30:1").frame)


def test_published_total_rows(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "with_total.csv"
    path.write_text(
        "单位名称,工作人员,社区戒毒人员\n白云站,12,300\n花都站,5,160\n合计,18,460\n",
        encoding="utf-8",
    )
    assert_same_as_cli(invoke, [str(path)], path)
    assert_same_as_cli(invoke, [str(path), "--keep-total-rows"], path, keep_total_rows=True)
    assert jdcli.staffing(path).warnings


def test_a_missing_file_is_an_input_error(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(jdcli.InputError, match=r"^nope\.csv: no such file$"):
        jdcli.staffing("nope.csv")
    assert capsys.readouterr() == ("", "")


# ------------------------------------------------------------------ keywords mirror options


def test_keywords_mirror_the_cli_options() -> None:
    from jdcli.analyses.staffing import run

    command = typer.main.get_command(app).commands["staffing"]  # type: ignore[attr-defined]
    cli = {p.name for p in command.params}
    api = set(inspect.signature(run).parameters)
    # The face's own: output and format; --col and --no-total are columns= and total=.
    face = {"file", "fmt", "output", "excel", "col", "no_total", "chart", "font", "lang", "wide"}
    assert api == (cli - face) | {"source", "columns", "total", "progress"}


def test_running_imports_no_face() -> None:
    script = (
        "import sys, jdcli\n"
        f"jdcli.staffing({STATIONS!r}, compare='yoy', explain=True)\n"
        "jdcli.staffing()\n"
        f"jdcli.staffing({STATIONS!r}, parts='工作人员', total_col='社区戒毒人员')\n"
        "print(sorted(m for m in ('typer', 'click', 'rich') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout == "[]\n"
    assert done.stderr == ""
