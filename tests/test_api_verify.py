"""``jdcli.verify`` (the Python API) against ``jdcli verify`` (the command line): one engine.

The CLI's ``-f csv`` is the API's frame written by the same CSV renderer, its stderr the
API's notes (then ``Check failed: <failure>`` when a claim fails), and an input error is the same
message as a :class:`jdcli.JdcliError`, with nothing printed.
"""

from __future__ import annotations

import importlib
import inspect
import io
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import jdcli
from jdcli.analyses import verify as analysis
from jdcli.render import RenderOptions, safe_text, to_csv
from tests.conftest import DATA

BAD = DATA / "bad"
CASES = tomllib.loads((BAD / "cases.toml").read_text(encoding="utf-8"))["case"]
VERIFY_CASES = [
    case
    for case in CASES
    if case["commands"] == "all" or "verify" in case["commands"]
    if not case.get("args")
]

INLINE = [
    ["7020/7654 = 91.72%"],
    ["labs: 25 -> 15 = -40%", "edge: 2469/20000 = 12.34%"],
    ["1.48% -> 1.9% = +0.42pp", "100 -> 400 = 翻两番", "100 -> 300 = 增长两倍", "~55/60 = 91.7%"],
    ["rate: 7020/7654 = 91.7", "1/0 = 5%"],
]


def as_csv(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    to_csv(frame, buffer, RenderOptions())
    return buffer.getvalue()


def line(kind: str, text: str) -> str:
    """One line of stderr as the command line writes it."""
    escaped = safe_text(text).replace("\r", "\\r").replace("\n", "\\n")
    return f"{kind}: {escaped}\n"


def expected_stderr(result: jdcli.Result) -> str:
    text = "".join(line(n.level, n.text) for n in result.notes)
    return text + (line("Check failed", result.failure) if result.failure else "")


def assert_same(invoke: Any, args: list[str], claims: Any, **options: Any) -> jdcli.Result:
    """The CLI with ``args`` and ``jdcli.verify(claims, **options)`` give the same answer."""
    cli = invoke(["verify", *args, "-f", "csv"])
    if cli.exit_code == 2:
        with pytest.raises(jdcli.JdcliError) as caught:
            jdcli.verify(claims, **options)
        assert cli.stdout == ""
        *before, last = cli.stderr.splitlines(keepends=True)
        assert last == line("Error", str(caught.value))
        # what was noted on the way (a header read as column_2) comes first, as notes
        assert all(n.startswith(("Note: ", "Warning: ")) for n in before)
        return None  # type: ignore[return-value]
    result = jdcli.verify(claims, **options)
    assert as_csv(result.frame) == cli.stdout
    assert expected_stderr(result) == cli.stderr
    assert cli.exit_code == (1 if result.failure else 0)
    return result


def test_bundled_claims(invoke: Any) -> None:
    result = assert_same(invoke, [], None)
    assert result.title == "Claims"
    assert result.caption.endswith("Source: guangzhou-2018/claims.csv (bundled)")
    assert [str(n) for n in result.notes] == [
        "Note: 17 claim(s) unverifiable: their inputs are not given"
    ]
    assert result.failure is None
    assert result.decimals == 4
    assert_frame_equal(jdcli.verify([]).frame, result.frame)


@pytest.mark.parametrize("claims", INLINE, ids=lambda c: c[0])
def test_inline_claims(invoke: Any, claims: list[str]) -> None:
    result = assert_same(invoke, claims, claims)
    assert result.caption.endswith("Source: command line")


def test_a_failing_claim_is_a_failure_on_the_result(capsys: pytest.CaptureFixture[str]) -> None:
    result = jdcli.verify(["edge: 2469/20000 = 12.34%", "25 -> 15 = -40%"])
    assert result.failure == "1 of 2 claim(s) fail: edge"
    assert result.frame["status"].tolist() == ["fail", "pass"]
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("name", ["claims_mixed.csv", "claims_chinese.csv"])
def test_claims_files(invoke: Any, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA)
    assert_same(invoke, [name], name)
    assert_same(invoke, [name], Path(name))
    assert_same(invoke, [name], [name])


def test_files_and_inline_claims_in_order(invoke: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA)
    args = ["25 -> 15 = -40%", "claims_chinese.csv", "claims_mixed.csv", "1/3 = 33.3%"]
    result = assert_same(invoke, args, args)
    assert result.caption.endswith("Source: command line, claims_chinese.csv, claims_mixed.csv")


@pytest.mark.parametrize(
    "case", VERIFY_CASES, ids=[c["file"] for c in VERIFY_CASES]
)  # the corpus, as test_corpus runs it through the command line
def test_corpus(invoke: Any, case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    assert_same(invoke, [case["file"]], case["file"])


def test_stdin(invoke: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (DATA / "claims_mixed.csv").read_text(encoding="utf-8")
    cli = invoke(["verify", "-", "-f", "csv"], input=text)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    assert as_csv(jdcli.verify("-").frame) == cli.stdout


# ---------------------------------------------------------------- DataFrames


def chinese_claims() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "名称": ["床位满员率", "戒毒所", "在所人数", "比例"],
            "类型": ["ratio", "change", "multiple", "ratio"],
            "分子": ["7,020", None, None, None],
            "分母": ["7,654", None, None, "7,654"],
            "基期值": [None, "25", "100", None],
            "报告期值": [None, "15", "400", None],
            "公布值": ["91.72%", "-40%", "x4", "91.7%"],
        }
    )


def test_a_dataframe_gives_what_its_csv_gives(tmp_path: Path) -> None:
    frame = chinese_claims()
    path = tmp_path / "claims.csv"
    frame.to_csv(path, index=False)
    from_frame, from_file = jdcli.verify(frame), jdcli.verify(path)
    assert_frame_equal(from_frame.frame, from_file.frame)
    assert from_frame.notes == from_file.notes
    assert from_frame.caption.endswith("Source: DataFrame")
    assert from_frame.frame["status"].tolist() == ["pass", "pass", "pass", "unverifiable"]


def test_number_cells_of_a_dataframe_are_read_as_written() -> None:
    text = pd.DataFrame(
        {"kind": ["ratio", "ratio"], "numerator": ["7020", "70.2"], "denominator": ["7654", None]}
    ).assign(stated="91.72%")
    numbers = text.assign(numerator=[7020.0, 70.2], denominator=pd.array([7654, None], "Int64"))
    assert_frame_equal(jdcli.verify(numbers).frame, jdcli.verify(text).frame)


def test_a_dataframe_error_names_the_row(capsys: pytest.CaptureFixture[str]) -> None:
    frame = chinese_claims()
    frame.loc[2, "类型"] = "guess"
    with pytest.raises(jdcli.InputError, match=r"^DataFrame row 2, column 类型: 'guess' is not"):
        jdcli.verify(frame)
    unlabelled = pd.DataFrame({"kind": ["ratio"], "stated": ["1%"]}, index=[5])
    assert jdcli.verify(unlabelled).frame["label"].tolist() == ["row 5"]
    assert capsys.readouterr() == ("", "")


# ---------------------------------------------------------------- errors and options


@pytest.mark.parametrize(
    ("claims", "error"),
    [
        ("7020/7654 91.72%", jdcli.UsageError),  # one str, not a file: one inline claim
        (["7020/7654 91.72%"], jdcli.UsageError),  # in a list: neither a file nor a claim
        (["7020/7654 = ninety"], jdcli.UsageError),
        ("no-such-claims.csv", jdcli.InputError),
        (["no-such-claims.csv"], jdcli.InputError),
        (Path("no-such-claims"), jdcli.InputError),
        (42, jdcli.UsageError),
        ([42], jdcli.UsageError),
    ],
)
def test_errors_are_exceptions_with_the_cli_message(
    invoke: Any, claims: Any, error: type[Exception], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(error) as caught:
        jdcli.verify(claims)
    assert isinstance(caught.value, ValueError)
    assert capsys.readouterr() == ("", "")
    if isinstance(claims, list) and isinstance(claims[0], str):
        cli = invoke(["verify", *claims])
        assert cli.exit_code == 2
        *before, last = cli.stderr.splitlines(keepends=True)
        assert last == line("Error", str(caught.value))
        # what was noted on the way (a header read as column_2) comes first, as notes
        assert all(n.startswith(("Note: ", "Warning: ")) for n in before)


def test_one_str_is_a_claim_unless_it_is_clearly_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA)
    assert jdcli.verify("7020/7654 = 91.72%").frame["status"].tolist() == ["pass"]
    assert len(jdcli.verify("claims_mixed.csv").frame) == 8
    with pytest.raises(jdcli.InputError, match=r"^missing\.txt: no such file$"):
        jdcli.verify("missing.txt")


def test_options_mirror_the_cli_options(invoke: Any, tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_text(
        "名称,类型,分子,分母,公布\n床位满员率,ratio,7020,7654,91.72%\nedge,ratio,2469,20000,12.34%\n"
        "labs,change,,,-40%\n",
        encoding="gb18030",
    )
    args = [str(path), "--col", "stated=公布", "--filter", "类型=ratio", "--encoding", "gbk"]
    options = {"columns": {"stated": "公布"}, "filters": {"类型": ["ratio"]}, "encoding": "gbk"}
    result = assert_same(invoke, args, path, **options)
    assert result.failure == "1 of 2 claim(s) fail: edge"
    assert_same(invoke, args, str(path), **(options | {"filters": {"类型": "ratio"}}))
    cli_options = set(
        inspect.signature(importlib.import_module("jdcli.cli.verify").verify).parameters
    )
    names = {
        "col": "columns",
        "fmt": None,
        "output": None,
        "decimals": None,
        "excel": None,
        "lang": None,
        "wide": None,
    }
    expected = {names.get(o, o) for o in cli_options} - {None}
    assert set(inspect.signature(analysis.run).parameters) == expected | {"progress"}


def test_the_api_imports_no_cli_libraries() -> None:
    code = (
        "import sys, jdcli; jdcli.verify(['7020/7654 = 91.72%']); jdcli.verify(); "
        "print(sorted(m for m in ('typer', 'click', 'rich') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"
    assert done.stderr == ""
