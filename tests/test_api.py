"""The Python API's groundwork: notes, results, errors, DataFrame input, and the layers' imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import jdcli
from jdcli.loading import load, load_frame
from jdcli.loading.schemas import OCCUPANCY
from jdcli.notes import Note, collecting, note, warn
from jdcli.result import Result

SRC = Path(jdcli.__file__).parent


def test_errors_are_value_errors_with_the_cli_hierarchy() -> None:
    assert issubclass(jdcli.JdcliError, ValueError)
    assert issubclass(jdcli.InputError, jdcli.JdcliError)
    assert issubclass(jdcli.UsageError, jdcli.JdcliError)
    assert issubclass(jdcli.CheckFailed, jdcli.JdcliError)


def test_notes_go_to_the_innermost_collector_and_nowhere_outside(
    capsys: pytest.CaptureFixture[str],
) -> None:
    warn("lost")  # nobody collecting: dropped, never printed
    echoed: list[Note] = []
    with collecting(echo=echoed.append) as outer:
        note("a")
        with collecting() as inner:
            warn("b")
        note("c")
    assert [str(n) for n in outer] == ["Note: a", "Note: c"]
    assert inner == [Note("Warning", "b")]
    assert echoed == outer
    assert capsys.readouterr() == ("", "")


def test_result_is_immutable_and_shows_a_table_for_people() -> None:
    frame = pd.DataFrame({"facility": ["甲所"], "occupancy_pct": pd.array([91.716749], "Float64")})
    result = Result(frame, title="Bed occupancy", caption="Σ/Σ", notes=(Note("Note", "n"),))
    with pytest.raises(AttributeError):
        result.title = "x"  # type: ignore[misc]
    text = str(result)
    assert "**Bed occupancy**" in text and "91.72%" in text and "Σ/Σ" in text
    assert result._repr_markdown_() == text
    html = result._repr_html_()
    assert "<table" in html and "91.72%" in html and "Note: n" in html
    assert result.warnings == ()


def test_a_dataframe_loads_as_the_same_data_in_a_file(tmp_path: Path) -> None:
    text = '机构,床位,在所人数\n第一戒毒所,"7,654",7020\n第二戒毒所,５００,91.0\n'
    path = tmp_path / "beds.csv"
    path.write_text(text, encoding="utf-8")
    from_file = load(str(path), OCCUPANCY)
    data = pd.DataFrame(
        {
            "机构": ["第一戒毒所", "第二戒毒所"],
            "床位": ["7,654", "５００"],
            "在所人数": [7020, 91.0],
        }
    )
    from_frame = load_frame(data, OCCUPANCY)
    assert from_frame.headers == from_file.headers
    assert_frame_equal(
        from_frame.frame.reset_index(drop=True), from_file.frame.reset_index(drop=True)
    )


def test_a_dataframe_error_names_the_row_and_column() -> None:
    data = pd.DataFrame({"机构": ["甲", "乙"], "床位": ["100", "7,65O"], "在所人数": [1, 2]})
    with pytest.raises(jdcli.InputError) as caught:
        load_frame(data, OCCUPANCY)
    assert str(caught.value) == "DataFrame row 1, column 床位: '7,65O' is not a number"


def test_import_jdcli_stays_light() -> None:
    code = (
        "import sys, jdcli; "
        "print(sorted(m for m in ('pandas', 'typer', 'rich', 'click') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------------ layers


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("layer", ["analyses", "loading", "metrics"])
def test_the_engine_imports_no_face(layer: str) -> None:
    for path in sorted((SRC / layer).rglob("*.py")):
        faces = {
            name
            for name in _imports(path)
            if name.split(".")[0] in ("typer", "click", "rich") or name.startswith("jdcli.cli")
        }
        assert not faces, f"{path.relative_to(SRC)} imports {sorted(faces)}"


def test_metrics_import_only_pandas_numpy_and_metrics() -> None:
    for path in sorted((SRC / "metrics").rglob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            if top in ("jdcli",):
                assert name.startswith("jdcli.metrics"), f"{path.name} imports {name}"
            assert top not in ("sys", "typer", "rich", "click"), f"{path.name} imports {name}"


COMMANDS = ("occupancy", "trends", "staffing", "verify", "report", "datasets")


def test_no_command_module_imports_another() -> None:
    for command in COMMANDS:
        imported = _imports(SRC / "cli" / f"{command}.py")
        others = {
            name
            for name in imported
            for other in COMMANDS
            if other != command and name.startswith(f"jdcli.cli.{other}")
        }
        assert not others, f"cli/{command}.py imports {sorted(others)}"


def test_command_modules_are_short() -> None:
    for command in COMMANDS:
        lines = (SRC / "cli" / f"{command}.py").read_text(encoding="utf-8").count("\n")
        assert lines <= 250, f"cli/{command}.py has {lines} lines"


def test_every_api_function_runs_without_a_face() -> None:
    code = """
import sys, jdcli
jdcli.occupancy(); jdcli.trends(); jdcli.staffing(); jdcli.report()
r = jdcli.verify(['7020/7654 = 91.72%'])
print(r.frame['status'].tolist())
print(sorted(m for m in ('typer', 'rich', 'click') if m in sys.modules))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["['pass']", "[]"]
    assert out.stderr == ""


def test_report_gives_sections_and_key_figures() -> None:
    result = jdcli.report("guangzhou-2018")
    assert [s.title for s in result.sections] == [
        "Occupancy",
        "Trends",
        "Staffing",
        "Claims checked",
    ]
    assert result.key_figures is not None
    occupancy = result.key_figures.loc[result.key_figures["section"].eq("occupancy")]
    assert occupancy["value"].iloc[0] == pytest.approx(7020 / 7654 * 100)
    assert_frame_equal(result.sections[0].frame, jdcli.occupancy().frame)


def test_report_of_a_missing_package_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(jdcli.UsageError, match="no such folder and no bundled dataset"):
        jdcli.report("no-such-package")
    assert capsys.readouterr() == ("", "")


def test_a_dataframe_with_whole_numbers_reads_as_a_file_would(tmp_path: Path) -> None:
    data = pd.DataFrame(
        {"年份": [2016, 2017, 2016, 2017], "地区": ["a", "a", "b", "b"], "value": [10, 12, 5, 4.5]}
    )
    path = tmp_path / "t.csv"
    data.to_csv(path, index=False)
    from_frame = jdcli.trends(data, by=["地区"], columns={"period": "年份"})
    from_file = jdcli.trends(path, by=["地区"], columns={"period": "年份"})
    assert from_frame.frame["period"].tolist() == ["2016", "2017", "2016", "2017"]
    assert_frame_equal(
        from_frame.frame.reset_index(drop=True), from_file.frame.reset_index(drop=True)
    )
