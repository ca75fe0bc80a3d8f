"""Units of measure written at the end of a header: ``破案数（起）`` is 破案数 counted in 起.

Only a bracketed unit this module recognises is split off: a percent (``%``, ``百分比``), a
count or measure word (``起``, ``人``, ``千克``, ``kg``, ``people``) with an optional multiplier
(``万人``, ``亿元``, ``thousand tonnes``), a per-N base (``per 100,000``, ``每10万人``,
``人/万人``) or a multiplier alone (``万``, ``thousands``). Anything else in brackets at the end
of a header (``戒毒所（市属）``, ``cases (2017)``) is part of the name. Multipliers are
recognised so that they can be named, never applied: figures are used as written.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

#: Units that make a figure a rate in percent (its change is in percentage points).
PERCENT_UNITS = frozenset({"%", "％", "pct", "percent", "percentage", "百分比", "百分率"})

#: Multipliers a unit may start with, and their size.
MULTIPLIERS = {
    "十": 10,
    "百": 100,
    "千": 1_000,
    "万": 10_000,
    "十万": 100_000,
    "百万": 1_000_000,
    "千万": 10_000_000,
    "亿": 100_000_000,
    "万亿": 1_000_000_000_000,
    "k": 1_000,
    "thousand": 1_000,
    "thousands": 1_000,
    "'000": 1_000,
    "000s": 1_000,
    "million": 1_000_000,
    "millions": 1_000_000,
    "mn": 1_000_000,
    "billion": 1_000_000_000,
    "billions": 1_000_000_000,
    "bn": 1_000_000_000,
}


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Measure words and units of Chinese statistical tables, and their English counterparts.
_CHINESE = _words(
    "人次 户次 件次 人 名 个 件 起 宗 次 例 户 家 所 座 张 床 间 台 辆 艘 支 只 头 株 粒 片 "
    "条 项 批 场 期 篇 份 套 处 块 箱 包 瓶 袋 盒 本 册 元 美元 港元 克 千克 公斤 吨 斤 两 "
    "毫克 升 毫升 立方米 平方米 平方公里 公里 千米 米 亩 公顷 天 日 小时 年 月 周 分钟 秒 岁 "
    "床日 人日 百分点 ‰ ‱"
)
_ENGLISH = (
    *_words(
        "people persons person individuals cases case incidents arrests seizures offences "
        "offenses number no. count items units beds bed-days days hours years months weeks "
        "kg kilograms kilogrammes g grams grammes mg t tonnes tons tonne ton litres liters l "
        "ml yuan cny rmb usd eur $ ¥ € dollars km km2 m2 hectares ha pp points"
    ),
    "percentage points",
    "per mille",
    "sq km",
)


def _alternation(words: Iterable[str]) -> str:
    """A regex matching any of ``words`` (longest first, so 千克 is not read as 千)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_MULTIPLIER = _alternation(set(MULTIPLIERS))
_BASE = _alternation([*_CHINESE, *_ENGLISH])
_NUMBER = r"\d[\d,]*(?:\.\d+)?"


@functools.cache
def _unit_pattern() -> re.Pattern[str]:
    """The units recognised in brackets after a header (compiled on first use: it is large,
    and most headers have no bracketed part)."""
    return re.compile(
        rf"""
        (?:{_alternation(PERCENT_UNITS)})                                    # 38.2 (%)
        | (?:(?:{_MULTIPLIER})\s*)?(?:{_BASE})                               # 万人, thousand tonnes
        | (?:{_MULTIPLIER})                                                  # 万, thousands
        | (?:{_BASE})\s*/\s*(?:{_NUMBER}\s*)?(?:(?:{_MULTIPLIER})\s*)?(?:{_BASE})?  # 人/万人, 元/克
        | (?:1|{_BASE})?\s*/\s*(?:{_NUMBER}|{_MULTIPLIER})+\s*(?:{_BASE})?   # 1/10万, /10万人
        | 每\s*(?:{_NUMBER}|{_MULTIPLIER})*\s*(?:{_BASE})                    # 每10万人, 每万人
        | (?:(?:{_BASE})\s+)?per\s+(?:{_NUMBER}|{_MULTIPLIER}|capita)      # per 100,000 people
          (?:\s*(?:{_MULTIPLIER}))?(?:\s+[a-z]+)?
        """,
        re.VERBOSE | re.IGNORECASE,
    )


# A name, then one bracketed part at the very end; brackets may be full or half width.
_BRACKETED = re.compile(r"(?P<name>.*?\S)\s*[（(]\s*(?P<unit>[^（）()]+?)\s*[)）]\s*")
_WIDE = str.maketrans("０１２３４５６７８９，．／％", "0123456789,./%")


def split_unit(header: str) -> tuple[str, str | None]:
    """``破案数（起）`` → (``破案数``, ``起``); a header without a recognised bracketed unit at
    its end → (the header, None). The unit is returned as written, inside its brackets."""
    match = _BRACKETED.fullmatch(header.strip())
    if match is None:
        return header, None
    unit = match["unit"]
    if _unit_pattern().fullmatch(unit.translate(_WIDE)) is None:
        return header, None
    return match["name"], unit


def is_percent(unit: str | None) -> bool:
    """Whether ``unit`` makes a figure a rate in percent (``%``, ``％``, ``百分比``, ``pct``…)."""
    return unit is not None and unit.strip().casefold() in PERCENT_UNITS


def multiplier(unit: str | None) -> int | None:
    """The multiplier a unit starts with (``万人`` → 10,000; ``thousand tonnes`` → 1,000), or
    None (``人``; a per-N base like ``每10万人`` is a rate's base, not a multiplier)."""
    if unit is None:
        return None
    text = unit.strip().translate(_WIDE).casefold()
    if "/" in text or text.startswith(("每", "per ")) or re.fullmatch(_BASE, text, re.I):
        return None  # a rate's base, or a unit that starts like one (千克 is not 1,000 克)
    for word in sorted(MULTIPLIERS, key=len, reverse=True):
        if text.startswith(word):
            rest = text[len(word) :].strip()
            if not rest or re.fullmatch(_BASE, rest, re.IGNORECASE):
                return MULTIPLIERS[word]
    return None


def split_units(names: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    """Each name → (its name without a bracketed unit, the unit), as ``split_unit`` does, except
    where two names would become one (``缴毒量（千克）`` and ``缴毒量（克）``, or ``x（人）`` beside
    ``x``): those keep their whole name, still with their unit."""
    distinct = list(dict.fromkeys(names))
    split = {name: split_unit(name) for name in distinct}
    counts: dict[str, int] = {}
    for short, _ in split.values():
        counts[short] = counts.get(short, 0) + 1
    return {
        name: (short if counts[short] == 1 else name, unit) for name, (short, unit) in split.items()
    }
