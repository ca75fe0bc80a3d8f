"""Prose for ``jdcli verify --text``: sentences, and the numbers in them with what they are.

A sentence ends at ``。！？；`` (and the half-width ``;``) always, at ``. ! ?`` when a space or
the end of the line follows (so ``91.72`` is one number), and at every line break. Numbers are
read with full-width digits, thousands separators (``7,654``), ``%``/``％``/``percent``,
points (``个百分点``, ``pp``, ``percentage points``) and the multipliers 万/亿 (and English
thousand/million/billion), and each is sorted into what it is: a percentage, points, a level
(a count or an amount of money), a multiple (``3倍``), or something that is never a claim's
figure — a year, a date or time, an ordinal (``第5位``), a bound (``50克以上``, ``超过2亿``,
``more than 300``) or one end of a range (``10-15%``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction

# Kinds of number.
PERCENT, POINTS, LEVEL, MULTIPLE = "percent", "points", "level", "multiple"
YEAR, DATE, ORDINAL, BOUND, RANGE = "year", "date", "ordinal", "bound", "range"

_ALWAYS_ENDS = "。！？；;"
_ENDS_BEFORE_SPACE = ".!?"

# Keep-length translation of characters NFKC leaves alone.
_TRANSLATE = str.maketrans({"−": "-", "–": "-", "—": "-", "〜": "~", "～": "~", "×": "x"})


@dataclass(frozen=True)
class Sentence:
    """One sentence: the line it is on (1-based), and its text as written."""

    line: int
    text: str


@dataclass(frozen=True)
class Number:
    """A number in a sentence: where it is (``start``/``end`` in the sentence), as written
    (``text``, the digits with any multiplier), its exact ``value`` in ``unit_power`` (the
    power of ten of its multiplier: 4 for 万, 8 for 亿, 0 for none; so 800万 is value 800, unit
    power 4), the decimals written (``places``), whether it is marked approximate, its
    ``kind`` (see the module docstring) and ``money`` (an amount of money)."""

    start: int
    end: int
    text: str
    value: Fraction
    places: int
    approx: bool
    kind: str
    unit_power: int = 0
    money: bool = False
    measure: str = ""


def normalise_keep_length(text: str) -> str:
    """Full-width forms as ASCII, character by character, keeping every offset: a character
    whose NFKC form is longer than one character is kept as it is."""
    out = []
    for char in text:
        folded = unicodedata.normalize("NFKC", char) if ord(char) > 127 else char
        out.append(folded if len(folded) == 1 else char)
    return "".join(out).translate(_TRANSLATE)


_MARKDOWN_LINE = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s*|[-*+]\s+)")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_TABLE_BAR = re.compile(r"\|")


def _plain(line: str) -> str:
    """A line of Markdown as prose, same length: heading and list marks, emphasis, URLs and
    table bars become spaces (a table cell ends a sentence as a line does)."""
    line = _MARKDOWN_LINE.sub(lambda m: " " * len(m.group()), line)
    line = _URL.sub(lambda m: " " * len(m.group()), line)
    line = line.replace("**", "  ").replace("__", "  ").replace("`", " ")
    return _TABLE_BAR.sub("\n", line)


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of a text, each with its line number; empty ones left out."""
    sentences: list[Sentence] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        for cell in _plain(raw).split("\n"):
            start = 0
            for index, char in enumerate(cell):
                following = cell[index + 1] if index + 1 < len(cell) else ""
                ends = char in _ALWAYS_ENDS or (
                    char in _ENDS_BEFORE_SPACE
                    and (following == "" or following.isspace())
                    and not _abbreviation(cell, index)
                )
                if ends:
                    _add(sentences, number, cell[start : index + 1])
                    start = index + 1
            _add(sentences, number, cell[start:])
    return sentences


_ABBREVIATIONS = ("approx", "ca", "c", "e.g", "i.e", "no", "vs", "mr", "ms", "dr", "fig", "etc")


def _abbreviation(cell: str, index: int) -> bool:
    if cell[index] != ".":
        return False
    word = re.search(r"([A-Za-z.]+)$", cell[:index])
    return word is not None and word.group(1).lower() in _ABBREVIATIONS


def _add(sentences: list[Sentence], line: int, text: str) -> None:
    text = text.strip()
    if text and re.search(r"\w", text):
        sentences.append(Sentence(line, text))


# ---------------------------------------------------------------- numbers

_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_POINTS = r"个百分点|百分点|percentage[ -]points?|pct\.? ?pts?|p\.p\.|pp\b|points?\b"
_PERCENT = r"%|\s?per ?cent\b"
_MULTIPLIER = r"万亿|亿|万|千(?!克|米|瓦)|\s?(?:thousand|million|billion)\b|\s?(?:bn|m)\b"
_POWERS = {"万": 4, "亿": 8, "万亿": 12, "千": 3, "thousand": 3, "million": 6, "billion": 9}
_POWERS.update({"bn": 9, "m": 6})
_NUMBER = re.compile(
    rf"(?<![0-9A-Za-z.])(?<!\d,)(?P<sign>[+-])?(?P<digits>{_DIGITS})(?![\d])"
    rf"(?P<bound1>多|余)?(?P<mult>{_MULTIPLIER})?(?P<bound2>多|余)?\s?"
    rf"(?:(?P<points>{_POINTS})|(?P<percent>{_PERCENT})|(?P<times>倍|-fold\b|\s?times\b))?",
    re.IGNORECASE,
)
_APPROX_BEFORE = re.compile(
    r"(?:约|大约|近|≈|~|about|approximately|approx\.?|around|roughly|some|nearly|almost)\s*$",
    re.IGNORECASE,
)
_BOUND_BEFORE = re.compile(
    r"(?:超过|逾|不足|不到|高于|低于|至少|最多|多于|少于|over|more than|less than|fewer than|"
    r"at least|at most|under|above|below|up to|exceeding|exceeds?)\s*$",
    re.IGNORECASE,
)
_BOUND_AFTER = re.compile(
    r"^\s?(?:[\u4e00-\u9fff]{1,2}?)?(?:以上|以下|以内|之内|及以上)"
    r"|^\s*(?:or more|or fewer|or less|\+)"
)
_ORDINAL_BEFORE = re.compile(r"(?:第|No\.\s?|no\.\s?|#)\s*$")
_ORDINAL_AFTER = re.compile(r"^(?:st|nd|rd|th)\b")
_DATE_AFTER = re.compile(r"^\s?(?:年|月|日|号|时|点|分|秒|年度|季度)")
_MONEY_BEFORE = re.compile(r"(?:\$|¥|￥|RMB|CNY|USD|US\$|HK\$|€|£)\s*$", re.IGNORECASE)
_MONEY_AFTER = re.compile(r"^\s?(?:元|美元|港元|欧元|yuan|dollars?|euros?|RMB)", re.IGNORECASE)
_MONTHS = (
    r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
)
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s*$")
_MONTH_AFTER = re.compile(rf"^\s*(?:{_MONTHS})\b")
_DATE_LIKE = re.compile(
    r"(?<!\d)(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}:\d{2}(?::\d{2})?)(?!\d)"
)
_RANGE_JOIN = r"\s*(?:-|~|至|到|to|and)\s*"
_YEAR_WORD_BEFORE = re.compile(
    r"(?:\bin|\bsince|\bfrom|\buntil|\bby|\bof|\bthrough|\bfor|\byear|\bFY|\bend of|"
    r"\bbetween|\band|\bto|\bbefore|\bafter|\bduring)\s*$",
    re.IGNORECASE,
)
_MEASURE = re.compile(r"^\s?([\u4e00-\u9fff]{1,2}|[A-Za-z]+)")


def numbers(sentence: str) -> list[Number]:
    """Every number of ``sentence`` (as written), in order, with its kind."""
    text = normalise_keep_length(sentence)
    dated = [(m.start(), m.end()) for m in _DATE_LIKE.finditer(text)]
    found: list[Number] = []
    for match in _NUMBER.finditer(text):
        start, end = match.start(), match.end()
        before, after = text[:start], text[end:]
        raw = match["digits"]
        digits = raw.replace(",", "")
        value = Fraction(digits)
        if match["sign"] == "-":
            value = -value
        approx = bool(_APPROX_BEFORE.search(before))
        places = len(digits.partition(".")[2])
        mult = (match["mult"] or "").strip().lower()
        power = _POWERS.get(mult, 0)
        if match["points"]:
            kind = POINTS
        elif match["percent"]:
            kind = PERCENT
        elif match["times"]:
            kind = MULTIPLE
        else:
            kind = LEVEL
        text_end = end
        if kind == LEVEL and text[end - 1 : end].isspace():
            text_end -= 1
        measure_match = _MEASURE.match(after)
        measure = measure_match.group(1) if measure_match else ""
        if any(s <= start < e for s, e in dated):
            kind = DATE
        elif kind == LEVEL and (
            _ORDINAL_BEFORE.search(before) or _ORDINAL_AFTER.match(text[match.end("digits") :])
        ):
            kind = ORDINAL
        elif kind == LEVEL and not power and _DATE_AFTER.match(text[match.end("digits") :]):
            kind = YEAR if len(digits) == 4 else DATE
        elif kind == LEVEL and (_MONTH_BEFORE.search(before) or _MONTH_AFTER.match(after)):
            kind = DATE
        elif kind == LEVEL and _is_year(digits, raw, before, after, power):
            kind = YEAR
        elif (
            match["bound1"]
            or match["bound2"]
            or _BOUND_BEFORE.search(before)
            or _BOUND_AFTER.match(text[end:])
        ):
            kind = BOUND
        money = kind == LEVEL and bool(
            _MONEY_BEFORE.search(before)
            or _MONEY_AFTER.match(text[match.end("digits") :])
            or (power and _MONEY_AFTER.match(after))
        )
        found.append(
            Number(
                start=start,
                end=text_end,
                text=sentence[start:text_end].strip(),
                value=value,
                places=places,
                approx=approx,
                kind=kind,
                unit_power=power,
                money=money,
                measure=measure,
            )
        )
    return _ranges(text, found)


def _is_year(digits: str, raw: str, before: str, after: str, power: int) -> bool:
    """A four-digit number from 1900 to 2099, without separators, multiplier or unit word."""
    if power or len(digits) != 4 or raw != digits or not 1900 <= int(digits) <= 2099:
        return False
    if re.match(r"^\s?[\u4e00-\u9fff]", after):
        # 2300个 is a count; 2016年 was caught as a date word.
        return False
    return bool(_YEAR_WORD_BEFORE.search(before)) or not re.match(r"^\s?[A-Za-z]", after)


def _ranges(text: str, found: list[Number]) -> list[Number]:
    """Two numbers joined by a dash, ``~``, 至/到 or ``to`` with nothing else between them,
    and not after 由/从/from, are a range (``10-15%``, ``10%至15%``): neither is a figure."""
    out = list(found)
    for i in range(len(out) - 1):
        first, second = out[i], out[i + 1]
        if first.kind not in (LEVEL, PERCENT) or second.kind not in (LEVEL, PERCENT):
            continue
        if first.kind == PERCENT and second.kind == LEVEL:
            continue  # fell 40% to 15: a change, then a level
        between = text[first.end : second.start]
        if not re.fullmatch(_RANGE_JOIN, between, re.IGNORECASE):
            continue
        if between.strip() in ("至", "到", "to") and re.search(
            r"(?:由|从|自|from)\s*[^,;:]{0,12}$", text[: first.start], re.IGNORECASE
        ):
            continue  # 由A至B, from A to B: two levels
        if between.strip() == "and" and not re.search(
            r"between\s*$", text[: first.start], re.IGNORECASE
        ):
            continue
        out[i] = _as(first, RANGE)
        out[i + 1] = _as(second, RANGE)
    return out


def _as(number: Number, kind: str) -> Number:
    from dataclasses import replace

    return replace(number, kind=kind)
