"""Chinese wording of the sentences jdcli writes for people: captions under tables and the
report's key-figure cells. Each known English sentence or phrase has a pattern here; a sentence
with no pattern stays English (names, numbers and the user's values are never touched)."""

from __future__ import annotations

import re
from collections.abc import Callable

from jdcli.labels import WORDS

_Sub = str | Callable[[re.Match[str]], str]

#: Whole sentences of the captions, in the order they are tried.
CAPTION: list[tuple[str, _Sub]] = [
    (
        r"Occupancy = Σ occupied ÷ Σ capacity \(ratio of totals\)\.",
        "床位使用率 = Σ在所人数 ÷ Σ核定床位（总量之比）。",
    ),
    (
        r"Occupancy = Σ occupied bed-days ÷ Σ available bed-days \(ratio of totals\)\.",
        "床位使用率 = Σ实际占用床日数 ÷ Σ实际开放床日数（总量之比）。",
    ),
    (
        r"Bands: normal < ([\d.]+)% ≤ high < ([\d.]+)% ≤ critical ≤ ([\d.]+)% < over\.",
        r"负荷等级：正常 < \1% ≤ 偏高 < \2% ≤ 紧张 ≤ \3% < 超员。",
    ),
    (
        r"Change year on year \(同比\): each period against the same period one year earlier; "
        r"a missing comparison period is a gap, never bridged\.",
        "同比：各期与上年同期相比；缺少对比期即为缺期，不跨期计算。",
    ),
    (
        r"Sequential change \(环比\): each period against the immediately preceding one; "
        r"a missing period is a gap, never bridged\.",
        "环比：各期与紧邻的上一期相比；缺期不跨期计算。",
    ),
    (
        r"First and last period with a value per series; CAGR over the years between their "
        r"labels; doublings = log2\(last ÷ first\) \(翻两番 = 2\)\.",
        "每个序列有数值的起始期和末期；年均复合增长按两期之间的年数计算；"
        "翻番数 = log2(末期值 ÷ 起始值)（翻两番 = 2）。",
    ),
    (
        r"Rates change in percentage points \(pp\); change_pct is the relative change\.",
        "比率的变化以百分点计；同比（%）为相对变化。",
    ),
    (
        r"Series with only reported changes are chained into an index \(base = 100\)\.",
        "只有公布增速的序列链式推算为指数（基期=100）。",
    ),
    (
        r"Derived levels come from the one given level and the reported changes\.",
        "推算值由唯一给出的数值和公布增速推得。",
    ),
    (
        r"Reported changes are checked against the levels, counting rounding\.",
        "公布增速已按数值核对（计入四舍五入）。",
    ),
    (
        r"pass: inputs within their rounding intervals give a value that rounds half-up to the "
        r"stated figure; computed uses the inputs as written, low–high is the range they allow\.",
        "通过：输入在其舍入区间内算得的数值四舍五入后等于公布值；计算值按原文输入计算，"
        "下限–上限为输入允许的范围。",
    ),
    (
        r"Ratios are computed from the counts the article states\.",
        "比率按文章给出的人数计算。",
    ),
    (r"Source: (.+?) \(bundled\)$", r"来源：\1（内置）"),
    (r"Source: (.+)$", r"来源：\1"),
]

#: Phrases of the report's key-figure cells (figure, period, value, note).
KEY_FIGURES: list[tuple[str, _Sub]] = [
    (r"^bed occupancy$", "床位使用率"),
    (r"^claims that follow from their inputs$", "与其输入相符的表述"),
    (r"^before → after$", "调整前 → 调整后"),
    (r"^(\d+) of (\d+)$", r"\2 项中 \1 项"),
    (r"^band (.+?)(?=;|$)", lambda m: f"负荷等级 {WORDS.get(m.group(1), m.group(1))}"),
    (r"同比 vs (\S+?)(?=;|$)", r"同比（对比 \1）"),
    (r"change vs (\S+?)(?=;|$)", r"对比 \1 的变化"),
    (
        r"(\d+) fail, (\d+) cannot be checked \(inputs not given\)",
        r"\1 项不符，\2 项无法核查（未给出输入）",
    ),
    (r"; failing: ", "；不符："),
    (r"; ([a-z][a-z ()]+)$", lambda m: f"；{WORDS.get(m.group(1), m.group(1))}"),
]


def _apply(text: str, rules: list[tuple[str, _Sub]]) -> str:
    for pattern, replacement in rules:
        text = re.sub(pattern, replacement, text)
    return text


def caption(text: str, lang: str) -> str:
    """A caption in ``lang``: each known sentence in Chinese (an unknown one unchanged)."""
    if lang != "zh" or not text:
        return text
    sentences = re.split(r"(?<=\.) (?=[A-Z])", text)
    translated = [_apply(sentence, CAPTION) for sentence in sentences]
    return "".join(
        s if i == 0 else (" " if translated[i - 1][-1:].isascii() else "") + s
        for i, s in enumerate(translated)
    )


def key_figure(text: str, lang: str) -> str:
    """A key-figure cell in ``lang`` (its known phrases in Chinese)."""
    if lang != "zh" or not text:
        return text
    return _apply(text, KEY_FIGURES)


#: The words that open a message on stderr.
KINDS = {"Error": "错误", "Warning": "警告", "Note": "注意"}

#: The most frequent messages on stderr (the file's name and the values stay as they are).
MESSAGES: list[tuple[str, _Sub]] = [
    (r"^(.+): no such file$", r"\1：文件不存在"),
    (r"^(\d+) claim\(s\) unverifiable: their inputs are not given$", r"\1 项无法核查：未给出输入"),
    (r"^(.+): no data rows; the result is empty$", r"\1：没有数据行，结果为空"),
    (
        r"^(.+): skipped (\d+) row\(s\) with a missing (.+) value$",
        r"\1：跳过 \2 行（缺少 \3）",
    ),
    (
        r"^(.+): skipped (\d+) row\(s\) without a period or without a value$",
        r"\1：跳过 \2 行（缺少时期或数值）",
    ),
    (r"^(.+): ignored non-numeric column\(s\) (.+)$", r"\1：已忽略非数值列 \2"),
    (r"^(\d+) of (\d+) claim\(s\) fail: (.+)$", r"\2 项中 \1 项不符：\3"),
    (r"^(.+) skipped: (.+)$", r"\1 未生成：\2"),
]


def message(kind: str, text: str, lang: str) -> tuple[str, str]:
    """A stderr message's kind and text in ``lang`` (a message with no pattern keeps its
    English text; its kind is still translated)."""
    if lang != "zh":
        return kind, text
    for pattern, replacement in MESSAGES:
        translated, count = re.subn(pattern, replacement, text)
        if count:
            return KINDS.get(kind, kind), translated
    return KINDS.get(kind, kind), text
