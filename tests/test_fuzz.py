"""Random CSV text (headers, values, delimiters, quotes, line endings, encodings) through the
loader and every command that reads a file: exit 0 or 2 (1 only where a command checks
something), never a traceback.

Example counts come from the hypothesis profile (``ci`` by default; ``HYPOTHESIS_PROFILE=long``
runs many more). To cover a new command, add it to ``COMMAND_OPTIONS``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import typer.main
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from jdcli.cli import app
from jdcli.errors import JdcliError
from jdcli.loading import Schema, load
from jdcli.loading import schemas as schema_module

#: Option sets tried with each command (each example picks one). Commands not registered
#: are skipped with the reason shown.
COMMAND_OPTIONS: dict[str, list[list[str]]] = {
    "occupancy": [
        [],
        ["--by", "region"],
        ["--by", "facility", "--by", "period"],
        ["--freq", "month"],
        ["--freq", "year", "--by", "region"],
        ["--as-of", "2018-05-31"],
        ["--strict"],
        ["--explain", "-f", "table"],
        ["-f", "json", "--no-total"],
        ["-f", "markdown", "--decimals", "0"],
        ["--encoding", "gbk"],
        ["--filter", "region=天河"],
        ["--col", "capacity=床位"],
        ["--excel"],
    ],
    "trends": [[], ["--compare", "prev"], ["--summary"], ["-f", "table"]],
    "staffing": [[], ["-f", "table"], ["--explain"]],
    "verify": [[], ["-f", "table"]],
}
#: Exit codes a command may give besides 0 and 2 (a check that fails is exit 1).
CHECK_EXIT = {"occupancy": set(), "trends": set(), "staffing": set(), "verify": {1}}

AVAILABLE = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]

HEADERS = st.one_of(
    st.sampled_from(
        [
            "facility", "capacity", "occupied", "capacity_days", "occupied_days", "date",
            "period", "region", "床位数", "在所人数", "机构", "日期", "年份", "地区", "床位",
            " Capacity ", "OCCUPIED", "value", "metric", "unit", "指标", "数值", "staff",
            "base", "clients", "population", "label", "kind", "numerator", "denominator",
            "stated", "from", "to", "",
        ]
    ),
    st.text(max_size=6),
)  # fmt: skip
VALUES = st.one_of(
    st.integers(-5, 10**7).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.sampled_from(
        [
            "", "NA", "N/A", "-", "—", "null", "无", "0", "1,234", "1,5", "91.7%", "-3%",
            "７０２０", " 12 ", "1e400", "inf", "2018-05-31", "2018/5/31", "2018年5月",
            "2018-05", "2017Q2", "2017", "2019-13-01", "天河", "Total", "合计", '"', '""',
            '"a,b"', "a\"b", "[bold]x[/]", "\x1b[31m", "=1+1", "\t", "~55", "-40%",
            "+0.42pp", "x4", "翻两番", "7020/7654 = 91.72%",
        ]
    ),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=8),
)  # fmt: skip


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    """A CSV-like file: mostly well-formed, sometimes ragged, odd delimiters or encodings."""
    width = draw(st.integers(1, 6))
    header = draw(st.lists(HEADERS, min_size=width, max_size=width))
    rows = draw(
        st.lists(
            st.lists(VALUES, min_size=max(width - 1, 0), max_size=width + 1)
            | st.lists(VALUES, min_size=width, max_size=width),
            max_size=8,
        )
    )
    sep = draw(st.sampled_from([",", "\t", ";", "|", ", "]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    lines = [sep.join(header), *(sep.join(row) for row in rows)]
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()) and data:
        # sometimes damage the bytes
        position = draw(st.integers(0, len(data) - 1))
        data = data[:position] + draw(st.binary(max_size=4)) + data[position + 1 :]
    return data


SCHEMAS = sorted(
    (name, value) for name, value in vars(schema_module).items() if isinstance(value, Schema)
)


@pytest.mark.parametrize(("name", "schema"), SCHEMAS, ids=[n for n, _ in SCHEMAS])
@given(data=csv_bytes())
def test_loader_raises_only_jdcli_errors(name: str, schema: Schema, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(data)
        try:
            loaded = load(path, schema)
        except JdcliError as exc:
            assert str(exc).strip() and "\n" not in str(exc).strip()
            return
        assert list(loaded.frame.columns)


def command_params() -> list[Any]:
    return [
        pytest.param(
            command,
            marks=pytest.mark.skipif(
                command not in AVAILABLE, reason=f"jdcli {command} is not available yet"
            ),
            id=command,
        )
        for command in COMMAND_OPTIONS
    ]


@pytest.mark.parametrize("command", command_params())
@given(data=csv_bytes(), choice=st.integers(0, 1000))
def test_commands_exit_0_or_2_without_traceback(command: str, data: bytes, choice: int) -> None:
    options = COMMAND_OPTIONS[command]
    args = [command, "-", *options[choice % len(options)]]
    if "-f" not in args and "--excel" not in args:
        args += ["-f", "csv"]
    result = CliRunner().invoke(app, args, input=data, catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args,
        data,
        result.exception,
    )
    assert result.exit_code in {0, 2} | CHECK_EXIT[command], (args, data, result.stderr)
    assert "Traceback" not in result.stderr
    if result.exit_code == 2:
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1, (args, data, result.stderr)
        assert result.stdout == ""
