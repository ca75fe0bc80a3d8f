"""Labels for people, in English or Chinese: column headers, value words and titles.

Machine columns keep their canonical snake_case names in every language; only the table and
Markdown views show these labels. A column jdcli does not know (the user's own, from
``--by``) is shown as it is, never translated; so is every value that is the user's data.
Units follow the indicator in full-width brackets (床位使用率（%）), points are 百分点.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum


class Lang(StrEnum):
    """Languages of the views for people (``--lang``)."""

    EN = "en"
    ZH = "zh"


def resolve_lang(option: str | None, environ: Mapping[str, str]) -> Lang:
    """``--lang``, else ``JDCLI_LANG``, else the first of ``LC_ALL``, ``LC_MESSAGES``,
    ``LANG`` that is set: ``zh*`` is Chinese, anything else English (the locale itself need
    not be installed)."""
    if option:
        return Lang(str(option).lower())
    chosen = environ.get("JDCLI_LANG", "").strip().lower()
    if chosen in ("en", "zh"):
        return Lang(chosen)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").strip()
        if value:
            return Lang.ZH if value.lower().startswith("zh") else Lang.EN
    return Lang.EN


#: Labels of the columns every command shares (a command's own table comes first).
COMMON: dict[str, tuple[str, str]] = {
    "facility": ("Facility", "机构"),
    "region": ("Region", "地区"),
    "period": ("Period", "时期"),
    "units": ("Units", "单位数"),
    "explain": ("How computed", "计算过程"),
    "status": ("Status", "状态"),
    "flag": ("Note", "说明"),
    "total": ("Total", "合计"),
}

#: One table of labels per command (``command/variant`` overrides ``command``).
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "occupancy": {
        "units": ("Facilities", "机构数"),
        "capacity": ("Beds", "核定床位（张）"),
        "occupied": ("Occupied", "在所人数（人）"),
        "capacity_days": ("Bed-days available", "实际开放床日数"),
        "occupied_days": ("Bed-days occupied", "实际占用床日数"),
        "occupancy_pct": ("Occupancy %", "床位使用率（%）"),
        "free": ("Free beds", "空余床位（张）"),
        "free_days": ("Free bed-days", "空余床日数"),
        "band": ("Band", "负荷等级"),
        "flag": ("Check", "核对"),
    },
    "trends": {
        "metric": ("Metric", "指标"),
        "unit": ("Unit", "计量单位"),
        "value": ("Value", "数值"),
        "base": ("Base period", "基期"),
        "base_period": ("Base period", "基期"),
        "base_value": ("Base value", "基期数值"),
        "change": ("Change", "增减量"),
        "change_pct": ("YoY %", "同比（%）"),
        "change_pp": ("Change (pp)", "增减（百分点）"),
        "cumulative_change_pct": ("Cumulative %", "累计增长（%）"),
        "index": ("Index", "指数"),
        "reported_change_pct": ("Reported YoY %", "公布同比（%）"),
        "avg_annual_change_pct": ("Avg. annual %", "年均增长（%）"),
        "multiple": ("Multiple", "倍数"),
        "first_period": ("First period", "起始期"),
        "first_value": ("First value", "起始值"),
        "last_period": ("Last period", "末期"),
        "last_value": ("Last value", "末期值"),
        "periods": ("Periods", "期数"),
        "years": ("Years", "年数"),
        "cagr_pct": ("CAGR %", "年均复合增长（%）"),
        "doublings": ("Doublings", "翻番数"),
        "trend": ("Trend", "走势"),
    },
    "trends/prev": {"change_pct": ("Change on prev. %", "环比（%）")},
    "trends/summary": {"change_pct": ("Total change %", "累计增长（%）")},
    "staffing": {
        "measure": ("Measure", "指标"),
        "unit": ("Unit", "单位"),
        "units": ("Units", "单位数"),
        "staff": ("Staff", "人员数（人）"),
        "base": ("Base", "基数"),
        "share_pct": ("Share %", "占比（%）"),
        "caseload": ("Caseload", "人均管理人数"),
        "target": ("Target", "配备标准"),
        "staff_needed": ("Staff needed", "应配人数（人）"),
        "shortfall": ("Shortfall", "缺口（人）"),
        "parts_sum": ("Sum of parts", "分项之和"),
        "remainder": ("Remainder", "余数"),
        "remainder_pct": ("Remainder %", "余数占比（%）"),
        "base_period": ("Base period", "基期"),
    },
    "verify": {
        "label": ("Claim", "核查项"),
        "kind": ("Kind", "类型"),
        "computed": ("Computed", "计算值"),
        "low": ("Low", "下限"),
        "high": ("High", "上限"),
        "stated": ("Stated", "公布值"),
        "status": ("Result", "结果"),
        "hint": ("Hint", "提示"),
        "line": ("Line", "行"),
        "sentence": ("Sentence", "原句"),
    },
    "report": {
        "section": ("Section", "部分"),
        "figure": ("Figure", "指标"),
        "value": ("Value", "数值"),
        "change": ("Change", "增减"),
        "direction": ("Direction", "方向"),
        "note": ("Note", "备注"),
    },
}

#: Value words of jdcli's own (bands, flags, statuses, kinds): canonical English → Chinese.
WORDS: dict[str, str] = {
    # occupancy bands
    "normal": "正常",
    "high": "偏高",
    "critical": "紧张",
    "over": "超员",
    "no capacity": "无床位",
    "published ≠ sum": "公布数≠分项和",
    # trends flags
    "first": "首期",
    "gap": "缺期",
    "zero base": "基期为零",
    "negative base": "基期为负",
    "missing value": "缺值",
    "missing base": "基期缺值",
    "index base": "指数基期",
    "chained": "链式推算",
    "derived": "推算",
    "derived base": "基期为推算值",
    "mismatch": "不一致",
    "consistent": "一致",
    "average annual": "年均",
    "multiple (no period)": "倍数（无时期）",
    # staffing
    "meets": "达标",
    "short": "不足",
    "unexplained": "未解释",
    # verify
    "pass": "通过",
    "fail": "不符",
    "unverifiable": "无法核查",
    "ratio": "比率",
    "change": "增减",
    "pp_change": "百分点变化",
    "multiple": "倍数",
    "doublings": "翻番",
    # the total row jdcli adds
    "Total": "合计",
    # report
    "occupancy": "床位使用",
    "trends": "趋势",
    "staffing": "人员配置",
    "verify": "核查",
    "↑ up": "↑ 上升",
    "↓ down": "↓ 下降",
    "→ flat": "→ 持平",
}

#: Columns whose values are jdcli's words (translated); every other value is data.
WORD_COLUMNS = frozenset({"band", "flag", "status", "kind", "section", "direction"})

#: Titles and fixed phrases of the views for people.
TEXTS: dict[str, str] = {
    "Bed occupancy": "床位使用率",
    "Occupancy": "床位使用率",
    "Trends": "趋势",
    "Trends: summary": "趋势：汇总",
    "Staffing": "人员配置",
    "Parts and remainder": "分项与余数",
    "Claims checked": "数字核查",
    "Claims": "数字核查",
    "Key figures": "主要数据",
    "Dataset": "数据集",
    "Source": "来源",
    "skipped": "未生成",
    "Hidden": "未显示的列",
    "see them with --wide or -f csv": "加 --wide 显示全部，或用 -f csv 输出",
}

_PER = re.compile(r"^per_(\d+)$")


def _lookup(command: str, column: str) -> tuple[str, str] | None:
    parts = command.split("/") if command else []
    for depth in range(len(parts), 0, -1):
        found = LABELS.get("/".join(parts[:depth]), {}).get(column)
        if found is not None:
            return found
    return COMMON.get(column)


def _wan(number: int) -> str:
    return f"{number // 10000}万" if number >= 10000 and number % 10000 == 0 else f"{number:,}"


def column_label(command: str, column: str, lang: Lang | str = Lang.EN) -> str:
    """The header people see for ``column`` of ``command`` (``command/variant`` first), in
    ``lang``; a column jdcli does not know is shown unchanged."""
    zh = str(lang) == Lang.ZH
    found = _lookup(command, column)
    if found is not None:
        return found[1] if zh else found[0]
    per = _PER.match(column)
    if per:
        n = int(per.group(1))
        return f"每{_wan(n)}" if zh else f"Per {n:,}"
    if column.startswith("before_"):
        inner = column_label(command, column[len("before_") :], lang)
        if inner != column[len("before_") :]:
            return f"调整前{inner}" if zh else f"{inner} before"
    for suffix, en, zh_word in (
        ("_change_pp", "change (pp)", "增减（百分点）"),
        ("_change_pct", "change %", "增长（%）"),
        ("_change", "change", "增减量"),
    ):
        if column.endswith(suffix):
            stem = column[: -len(suffix)]
            inner = column_label(command, stem, lang)
            if inner != stem:
                base = re.sub(r"（%）$|\s*%$", "", inner)
                return f"{base}{zh_word}" if zh else f"{base} {en}"
    return column


def word(value: str, lang: Lang | str = Lang.EN) -> str:
    """One of jdcli's value words (a band, flag, status …) in ``lang``; anything else as is."""
    if str(lang) != Lang.ZH:
        return value
    return WORDS.get(value, value)


def text(phrase: str, lang: Lang | str = Lang.EN) -> str:
    """A title or fixed phrase in ``lang`` (an unknown one unchanged)."""
    if str(lang) != Lang.ZH:
        return phrase
    head, bracket, rest = phrase.partition(" (")
    if bracket and head in TEXTS:
        return f"{TEXTS[head]}（{rest.removesuffix(')')}）"
    return TEXTS.get(phrase, phrase)


def known_columns() -> dict[str, set[str]]:
    """Every column with a label, per command (for checks that both languages have it)."""
    return {command: set(table) for command, table in LABELS.items()} | {"": set(COMMON)}


#: Per command, its columns from the most to the least important: when a table does not fit,
#: the last are hidden first. A column not listed (the user's own keys) is kept longest.
IMPORTANCE: dict[str, tuple[str, ...]] = {
    "occupancy": (
        "facility", "region", "period", "occupancy_pct", "band", "capacity", "occupied",
        "capacity_days", "occupied_days", "free", "free_days", "units", "flag", "explain",
    ),
    "trends": (
        "metric", "period", "first_period", "value", "first_value", "last_period",
        "last_value", "change_pct", "change_pp", "cagr_pct", "flag", "unit", "change", "base",
        "index", "trend", "periods", "years", "doublings", "reported_change_pct",
        "cumulative_change_pct", "avg_annual_change_pct", "multiple",
    ),
    "staffing": (
        "measure", "unit", "region", "period", "share_pct", "per_N", "caseload", "status",
        "*_change_pp", "*_change_pct", "staff", "base", "before_*", "*_change", "target",
        "shortfall", "staff_needed", "remainder", "remainder_pct", "parts_sum", "total",
        "units", "base_period", "explain",
    ),
    "trends/summary": (
        "metric", "last_period", "last_value", "change_pct", "change_pp", "cagr_pct",
        "first_period", "first_value", "trend", "unit", "avg_annual_change_pct", "multiple",
        "change", "periods", "years", "doublings",
    ),
    "verify": (
        "label", "status", "stated", "computed", "line", "kind", "low", "high", "hint", "sentence",
    ),
    "report": ("figure", "value", "change", "period", "note", "direction", "section"),
}  # fmt: skip


def importance(command: str, columns: list[str]) -> list[int]:
    """A rank per column (0: the user's own; then the command's order; a derived column such
    as ``per_1`` or ``share_pct_change_pp`` just after the listed ones)."""
    order = IMPORTANCE.get(command, IMPORTANCE.get(command.split("/")[0], ()))
    ranks = []
    for name in columns:
        column = _pattern(name, order)
        if column in order:
            ranks.append(order.index(column) + 1)
        elif column_label(command, column) != column:
            ranks.append(len(order) + 1)
        else:
            ranks.append(0)
    return ranks


def _pattern(column: str, order: tuple[str, ...]) -> str:
    """The entry of ``order`` standing for a derived column (``per_1000`` → ``per_N``,
    ``share_pct_change_pp`` → ``*_change_pp``, ``before_share_pct`` → ``before_*``)."""
    if column in order:
        return column
    if _PER.match(column):
        return "per_N"
    if column.startswith("before_"):
        return "before_*"
    for suffix in ("_change_pp", "_change_pct", "_change"):
        if column.endswith(suffix):
            return f"*{suffix}"
    return column


def series_keys(command: str, columns: list[str]) -> int:
    """How many leading columns are series keys shown once per group (trends: those before
    the period)."""
    if command.split("/")[0] != "trends":
        return 0
    for stop in ("period", "first_period"):
        if stop in columns:
            return columns.index(stop)
    return 0
