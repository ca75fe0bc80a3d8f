"""Tier 2: renderers against golden files, and the display-rounding rules."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pandas as pd
import pytest

from jdcli.formatting import format_machine, format_number, round_half_up
from jdcli.render import (
    BINARY_FORMATS,
    RENDERERS,
    Format,
    RenderOptions,
    emit,
    human_cell,
    resolve_format,
    safe_text,
)
from tests.conftest import assert_golden


def sample() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "facility": pd.Series(["第一戒毒所", "[bold red]x[/]", "Total"], dtype="str"),
            "capacity": pd.Series([7654.0, 0.0, 7654.0], dtype="Float64"),
            "occupied": pd.Series([7020.0, 3.0, 7023.0], dtype="Float64"),
            "occupancy_pct": pd.Series(
                [7020 / 7654 * 100, None, 7023 / 7654 * 100], dtype="Float64"
            ),
            "change_pp": pd.Series([0.42, -0.005, None], dtype="Float64"),
            "rows": pd.Series([1, None, 2], dtype="Int64"),
        }
    )


@pytest.mark.parametrize(
    "fmt", [f for f in Format if f is not Format.AUTO and f not in BINARY_FORMATS]
)  # workbooks are checked cell by cell in test_xlsx.py
def test_golden(fmt: Format) -> None:
    stream = io.StringIO()
    emit(sample(), fmt, stream, RenderOptions(title="Bed occupancy", caption="Source: test"))
    extension = {"table": "txt", "markdown": "md"}.get(fmt.value, fmt.value)
    assert_golden(f"render_sample.{extension}", stream.getvalue())


def test_every_format_has_a_renderer() -> None:
    assert set(RENDERERS) == set(Format) - {Format.AUTO}


def test_csv_writes_15_significant_digits_and_empty_for_undefined() -> None:
    stream = io.StringIO()
    emit(sample(), Format.CSV, stream)
    lines = stream.getvalue().splitlines()
    assert lines[1] == "第一戒毒所,7654,7020,91.7167494120721,0.42,1"
    assert lines[2] == "[bold red]x[/],0,3,,-0.005,"


def test_json_null_for_undefined() -> None:
    stream = io.StringIO()
    emit(sample(), Format.JSON, stream)
    records = json.loads(stream.getvalue())
    assert records[1]["occupancy_pct"] is None
    assert records[0]["capacity"] == 7654
    assert records[0]["occupancy_pct"] == float(f"{7020 / 7654 * 100:.15g}")


def test_table_shows_markup_literally_and_escapes_control_characters() -> None:
    frame = pd.DataFrame({"facility": ["[bold red]x[/]", "a\x1b[31mred"], "n": [1, 2]})
    stream = io.StringIO()
    emit(frame, Format.TABLE, stream)
    out = stream.getvalue()
    assert "[bold red]x[/]" in out
    assert "\x1b" not in out and "\\x1b[31mred" in out


def test_excel_csv_has_bom_and_neutralises_formulas() -> None:
    frame = pd.DataFrame(
        {"name": ["=1+1", "+x", "-y", "@z", "ok"], "n": [-1.5, 2.0, 3.0, 4.0, 5.0]}
    )
    stream = io.StringIO()
    emit(frame, Format.CSV, stream, RenderOptions(excel=True))
    assert stream.getvalue() == "\ufeffname,n\n'=1+1,-1.5\n'+x,2\n'-y,3\n'@z,4\nok,5\n"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0.125, 2, "0.13"),  # round() gives 0.12
        (12.345, 2, "12.35"),  # round() gives 12.35 or 12.34 depending on the float
        (2.675, 2, "2.68"),  # round() gives 2.67
        (-0.125, 2, "-0.13"),  # half-up is away from zero
        (91.71674941207212, 2, "91.72"),
        (-0.004, 2, "0.00"),  # no "-0.00"
        (7654.0, 2, "7,654"),
        (1234567.891, 1, "1,234,567.9"),
    ],
)
def test_half_up_display(value: float, decimals: int, expected: str) -> None:
    assert format_number(value, decimals) == expected


def test_round_half_up_is_not_bankers() -> None:
    assert round(0.125, 2) == 0.12
    assert round_half_up(0.125, 2) == Decimal("0.13")
    assert round_half_up(2469 / 20000 * 100, 2) == Decimal("12.35")


def test_machine_numbers() -> None:
    assert format_machine(7654.0) == "7654"
    assert format_machine(0.1 + 0.2) == "0.3"  # 15 significant digits
    assert format_machine(-16.000000000000004) == "-16"
    assert format_machine(float("nan")) == ""


def test_human_cells() -> None:
    assert human_cell("occupancy_pct", 91.71674941207212, 2) == "91.72%"
    assert human_cell("change_pp", 0.42, 2) == "+0.42 pp"
    assert human_cell("change_pct", -27.76, 2) == "-27.76%"
    assert human_cell("occupancy_pct", pd.NA, 2) == "—"
    assert human_cell("facility", "a\x07b", 2) == "a\\x07b"


def test_safe_text_keeps_chinese_and_tabs() -> None:
    assert safe_text("广州\t市") == "广州\t市"


def test_auto_is_csv_off_a_terminal() -> None:
    assert resolve_format(Format.AUTO, io.StringIO()) is Format.CSV


def test_large_tables_are_plain_grids_with_the_same_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    import jdcli.render as render

    monkeypatch.setattr(render, "LARGE_TABLE_ROWS", 2)
    stream = io.StringIO()
    emit(sample(), Format.TABLE, stream, RenderOptions(title="Bed occupancy", caption="Source: x"))
    out = stream.getvalue()
    assert out.startswith("Bed occupancy\n┌")
    assert "│ [bold red]x[/] │" in out
    assert "91.72%" in out and "+0.42 pp" in out and "—" in out
    assert out.endswith("Source: x\n")
