"""Tables for people: labels in both languages, the layout at each width, machine formats
unchanged by --lang."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len

from jdcli.labels import COMMON, IMPORTANCE, LABELS, WORDS, Lang, column_label, resolve_lang
from jdcli.table_layout import fit_cell, header_min, plan, sparse, tokens, wrap

from .conftest import assert_golden

WIDTHS = (60, 80, 100, 120, 160)
COMMANDS = {
    "occupancy": ["occupancy", "--explain"],
    "trends": ["trends"],
    "staffing": ["staffing"],
    "verify": ["verify"],
    "report": ["report"],
}
#: Numeric columns of each command's machine output whose values the table must show whole.
NUMBERS = {
    "occupancy": ("capacity", "occupied", "occupancy_pct", "free"),
    "trends": ("value", "change", "change_pct", "change_pp"),
    "staffing": ("staff", "base", "share_pct"),
    "verify": ("computed",),
}


# ------------------------------------------------------------------ labels


def test_every_label_in_both_languages() -> None:
    for table in [COMMON, *LABELS.values()]:
        for column, (en, zh) in table.items():
            assert en.strip() and zh.strip(), column
            assert en != column and "_" not in en, column
            assert re.search(r"[\u4e00-\u9fff]", zh), (column, zh)
            assert "(%)" not in zh, "units in full-width brackets"
    for command, order in IMPORTANCE.items():
        for column in (c for c in order if "*" not in c and not c.endswith("_N")):
            assert column_label(command, column, Lang.EN) != column, (command, column)
            assert column_label(command, column, Lang.ZH) != column, (command, column)
    assert all(re.search(r"[\u4e00-\u9fff]", zh) for zh in WORDS.values())


def test_labels_named_in_the_issue() -> None:
    assert column_label("occupancy", "occupancy_pct", "zh") == "床位使用率（%）"
    assert column_label("trends", "change_pp", "zh") == "增减（百分点）"
    assert column_label("trends/yoy", "change_pct", "zh") == "同比（%）"
    assert column_label("trends/prev", "change_pct", "zh") == "环比（%）"
    assert column_label("trends", "reported_change_pct", "en") == "Reported YoY %"
    assert column_label("trends", "avg_annual_change_pct", "zh") == "年均增长（%）"
    assert column_label("staffing", "per_100000", "zh") == "每10万"
    assert column_label("staffing", "share_pct_change_pp", "zh") == "占比增减（百分点）"
    assert column_label("trends", "区县", "zh") == "区县"  # the user's own: never translated


@pytest.mark.parametrize(
    ("option", "environ", "expected"),
    [
        ("zh", {"LANG": "en_US.UTF-8"}, "zh"),
        (None, {"JDCLI_LANG": "zh", "LANG": "en_US.UTF-8"}, "zh"),
        (None, {"LANG": "zh_CN.UTF-8"}, "zh"),
        (None, {"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),
        (None, {"LC_MESSAGES": "zh_TW.UTF-8"}, "zh"),
        (None, {}, "en"),
    ],
)
def test_language_from_option_then_environment(
    option: str | None, environ: dict[str, str], expected: str
) -> None:
    assert resolve_lang(option, environ) == expected


# ------------------------------------------------------------------ layout pieces


def test_tokens_keep_units_and_words_whole() -> None:
    assert [t for t, _ in tokens("床位使用率（%）")][-1] == "率（%）" or "（%）" in [
        t for t, _ in tokens("床位使用率（%）")
    ]
    assert wrap("Reported YoY %", 8) == ["Reported", "YoY %"]
    assert header_min("Reported YoY %") == 8
    assert header_min("增减（百分点）") == cell_len("（百分点）")
    assert all(cell_len(line) <= 10 for line in wrap("50克以上缴毒案件指向广州", 10))


def test_long_cells_are_cut_on_the_second_line() -> None:
    cell = fit_cell("not given: people ordered to community rehab", 12)
    lines = cell.split("\n")
    assert len(lines) == 2 and lines[1].endswith("…")
    assert all(cell_len(line) <= 12 for line in lines)


def test_series_keys_shown_once_per_group() -> None:
    rows = [["a", "u", "2016"], ["a", "u", "2017"], ["b", "u", "2017"]]
    assert sparse(rows, 2) == [["a", "u", "2016"], ["", "", "2017"], ["b", "u", "2017"]]


def test_derived_columns_ranked_by_their_pattern() -> None:
    from jdcli.labels import importance

    ranks = importance("staffing", ["measure", "per_1", "before_share_pct", "share_pct_change_pp"])
    assert ranks[0] < ranks[1] < ranks[3] < ranks[2]
    assert importance("trends", ["区县", "metric"])[0] == 0  # the user's own key: kept longest


def test_least_important_hidden_first() -> None:
    headers = ["Key", "Value", "Extra column"]
    rows = [["k", "1", "x" * 30]]
    layout = plan(headers, rows, [False, True, False], [0, 1, 2], 20)
    assert layout.hidden == [2] and layout.total() <= 20
    assert plan(headers, rows, [False, True, False], [0, 1, 2], 20, wide=True).hidden == []


# ------------------------------------------------------------------ whole tables


def _tables(text: str) -> list[tuple[list[list[str]], list[str]]]:
    """Each rich table of ``text``: its header lines split into cells, and the footer naming
    hidden columns (empty when none)."""
    lines = text.split("\n")
    found = []
    for i, line in enumerate(lines):
        if not line.startswith("┏"):
            continue
        end = next(j for j in range(i, len(lines)) if lines[j].startswith("┡"))
        header = [[c.strip() for c in row.rstrip()[1:-1].split("┃")] for row in lines[i + 1 : end]]
        bottom = next(j for j in range(end, len(lines)) if lines[j].startswith("└"))
        hidden: list[str] = []
        after = []
        for line in lines[bottom + 1 :]:
            if not line.strip() or "┏" in line:
                break
            after.append(line.strip())
        match = re.search(r"(?:Hidden: |未显示的列：)(.*?)(?: — |；)", _joined(after))
        if match:
            hidden = re.split(r", |、", match.group(1))
        found.append((header, hidden))
    return found


def _joined(parts: list[str]) -> str:
    text = ""
    for part in (p for p in parts if p):
        ascii_edge = text and text[-1].isascii() and part[0].isascii()
        text += (" " if ascii_edge else "") + part
    return text


def _labels(lang: str) -> set[str]:
    names = {n for table in [COMMON, *LABELS.values()] for n in table}
    names |= {"per_1", "before_share_pct", "share_pct_change_pp"}
    commands = [*LABELS, ""]
    return {column_label(c, n, lang) for c in commands for n in names} | names


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_table_view_at_each_width(invoke, monkeypatch, command: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    labels = _labels(lang)
    markdown = invoke([*COMMANDS[command], "-f", "markdown", "--lang", lang]).stdout
    md_columns = [
        line.count("|") - 1 for line in markdown.split("\n") if re.match(r"^\|[-|]+\|$", line)
    ]
    golden = []
    for width in WIDTHS:
        monkeypatch.setenv("COLUMNS", str(width))
        result = invoke([*COMMANDS[command], "-f", "table", "--lang", lang])
        assert result.exit_code in (0, 1)
        text = result.stdout
        golden.append(f"=== COLUMNS={width}\n{text}")
        for line in text.split("\n"):
            assert cell_len(line) <= width, line
        tables = _tables(text)
        assert [len(h[0]) + len(hidden) for h, hidden in tables] == md_columns
        for header, hidden in tables:
            for column in zip(*header, strict=True):
                assert _joined(list(column)) in labels, column  # no word split
            assert all(name in labels for name in hidden)
        if command in NUMBERS:
            _numbers_whole(invoke, command, text, tables[0][1], lang)
    assert_golden(f"people_{command}_{lang}.txt", "".join(golden))


def _numbers_whole(invoke, command: str, text: str, hidden: list[str], lang: str) -> None:  # type: ignore[no-untyped-def]
    import io

    import pandas as pd

    from jdcli.render import human_cell

    decimals = 4 if command == "verify" else 2
    frame = pd.read_csv(io.StringIO(invoke([*COMMANDS[command], "-f", "csv"]).stdout))
    cells = {c.strip() for line in text.split("\n") for c in re.split(r"[│┃]", line)}
    for column in NUMBERS[command]:
        if column not in frame.columns or column_label(command, column, lang) in hidden:
            continue
        for value in frame[column].dropna():
            shown = human_cell(column, float(value), decimals)
            assert shown in cells, (column, shown)


@pytest.mark.parametrize("command", ["occupancy", "trends", "staffing", "verify"])
@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl"])
def test_machine_formats_identical_in_every_language(invoke, command: str, fmt: str) -> None:  # type: ignore[no-untyped-def]
    english = invoke([*COMMANDS[command], "-f", fmt]).stdout_bytes
    assert invoke([*COMMANDS[command], "-f", fmt, "--lang", "zh"]).stdout_bytes == english


def test_chinese_locale_without_a_flag(invoke, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    text = invoke(["occupancy", "-f", "table"]).stdout
    assert "床位使用率（%）" in text and "偏高" in text
    monkeypatch.setenv("JDCLI_LANG", "en")
    assert "Occupancy %" in invoke(["occupancy", "-f", "table"]).stdout


def test_wide_shows_every_column(invoke, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "60")
    narrow = invoke(["trends", "-f", "table"]).stdout
    assert "Hidden: " in narrow and "--wide" in narrow
    wide = invoke(["trends", "-f", "table", "--wide"]).stdout
    assert "Hidden" not in wide and "Avg. annual %" in wide


def test_bad_language_is_a_usage_error(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["occupancy", "--lang", "fr"])
    assert result.exit_code == 2
    assert result.stderr == "Error: --lang expects en or zh, got 'fr'\n"


@pytest.mark.parametrize(
    ("command", "english", "chinese"),
    [
        ("occupancy", "Occupancy = Σ occupied", "床位使用率 = Σ在所人数"),
        ("trends", "Change year on year", "同比：各期与上年同期相比"),
        ("verify", "pass: inputs within", "通过："),
    ],
)
def test_captions_in_chinese(invoke, command: str, english: str, chinese: str) -> None:  # type: ignore[no-untyped-def]
    text = invoke([*COMMANDS[command], "-f", "markdown", "--lang", "zh"]).stdout
    assert chinese in text and english not in text
    assert english in invoke([*COMMANDS[command], "-f", "markdown"]).stdout


def test_report_key_figures_in_chinese(invoke) -> None:  # type: ignore[no-untyped-def]
    text = invoke(["report", "-f", "markdown", "--lang", "zh"]).stdout
    for shown in (
        "## 主要数据",
        "床位使用率",
        "负荷等级 偏高",
        "同比（对比 2016）",
        "↓ 下降",
        "来源：",
    ):
        assert shown in text, shown


def test_messages_on_stderr_in_chinese(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["occupancy", "nofile.csv", "--lang", "zh"])
    assert (result.exit_code, result.stderr) == (2, "错误：nofile.csv：文件不存在\n")
    result = invoke(["verify", "-f", "csv", "--lang", "zh"])
    assert result.stderr == "注意：17 项无法核查：未给出输入\n"
    # The next command, without --lang, speaks English again.
    result = invoke(["occupancy", "nofile.csv"])
    assert result.stderr == "Error: nofile.csv: no such file\n"
