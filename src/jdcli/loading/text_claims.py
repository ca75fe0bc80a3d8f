"""The claims a text states: rates with their inputs, changes with their levels, point changes,
multiples — and the ones it states without what they need, which stay unverifiable.

Each sentence's numbers (``jdcli.loading.text_sentences``) become one character each in a
compact form of the sentence, so the patterns below read the words around them: 由A下降至B,
较上年的A, from A to B, 下降C%, a rise of C%, 翻了两番, doubled. The claims found are ordinary
:class:`jdcli.loading.claims.Claim` objects, checked by the one rule of ``jdcli verify``.

A rate's inputs are the pair of the sentence's counts whose quotient is nearest the stated
rate, if it is within ``PLAUSIBLE`` of it (relative, or one unit of the stated figure's last
digit); otherwise the rate is unverifiable: an unrelated pair must never make a correct rate
fail. The docs (verify.md) say why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from jdcli.loading.claims import Claim, parse_stated
from jdcli.loading.figures import Figure
from jdcli.loading.text_sentences import (
    BOUND,
    DATE,
    LEVEL,
    MULTIPLE,
    ORDINAL,
    PERCENT,
    POINTS,
    RANGE,
    YEAR,
    Number,
    Sentence,
    normalise_keep_length,
    numbers,
    split_sentences,
)

#: How far a pair's quotient may be from the stated rate (relative) and still be its inputs.
PLAUSIBLE = Fraction(5, 100)
#: Characters of the sentence kept around the figure in the ``sentence`` column.
SHOWN = 120

# One character per number in the compact sentence.
L, P, Q, M, Y, X = "\ue001", "\ue002", "\ue003", "\ue004", "\ue005", "\ue006"
_CODE = {LEVEL: L, PERCENT: P, POINTS: Q, MULTIPLE: M, YEAR: Y, DATE: Y, ORDINAL: Y}
_CODE.update({BOUND: X, RANGE: X})
_TOKEN = f"[{L}{P}{Q}{M}{Y}{X}]"
_STOP = ",;:。!?()"
_PLAIN = f"[^{L}{P}{Q}{M}{Y}{X}{_STOP}]"
_LABELLY = f"(?:{_PLAIN}|{Y})"

_UP_ZH = "增长|增加|上升|提高|提升|上涨|攀升|扩大|增|升|涨"
_DOWN_ZH = "下降|减少|降低|下跌|回落|下滑|缩小|缩减|减|降"
_UP_EN = (
    r"rise|rose|risen|rising|rises|up|increase[sd]?|increasing|grew|grown|grows?|"
    r"gain(?:ed|s)?|climb(?:ed|s)?|jump(?:ed|s)?|higher|more"
)
_DOWN_EN = (
    r"fall|fell|fallen|falling|falls|down|decrease[sd]?|decreasing|declined?|declines|"
    r"declining|drop(?:ped|s)?|lower|reduc(?:ed|tion)|cut|shr[au]nk|less|fewer"
)
_DIRECTION = rf"(?P<up>{_UP_ZH}|\b(?:{_UP_EN})\b)|(?P<down>{_DOWN_ZH}|\b(?:{_DOWN_EN})\b)"
_GAP = (
    r"(?:了?(?:大?幅度?(?:为|达到?|是)?)?"
    r"|\s*(?:(?:by|of|an?|about|some|nearly|almost|around|approximately|roughly)\s+)*)"
)
_LIST = rf"[{P}{Q}](?:\s*(?:、|,|and|和|及|与|or)\s*[{P}{Q}])*"
_PREFIX_CHANGE = re.compile(rf"(?:{_DIRECTION}){_GAP}\s*(?P<figs>{_LIST})", re.IGNORECASE)
_POSTFIX_CHANGE = re.compile(
    rf"(?P<figs>[{P}{Q}])\s*(?:(?P<up>rise|increase|jump|gain|growth|higher|more|up)"
    r"|(?P<down>fall|drop|decline|decrease|reduction|cut|lower|less|fewer|down))\b",
    re.IGNORECASE,
)
_CN = "[一两二三四五六七八九十]"
_MULTIPLES = re.compile(
    rf"(?P<doublings>翻了?(?:{_CN}|{L})?番)"
    rf"|(?P<times>(?:(?:增长|增加|提高|上升|扩大)了?(?:到|至|为)?)?(?:{M}|{_CN}+倍))"
    r"|(?P<en>\b(?:doubled|doubling|tripled|trebled|tripling|quadrupled|quadrupling|twofold|"
    r"threefold|fourfold|twice)\b)",
    re.IGNORECASE,
)
_EN_MULTIPLES = {"doub": 2, "twof": 2, "twic": 2, "trip": 3, "treb": 3, "thre": 3}
_EN_MULTIPLES.update({"quad": 4, "four": 4})
_NOT_EXACT = re.compile(r"(?:more than|almost|nearly|over|近|超过)\s*$", re.IGNORECASE)
_FROM_TO = re.compile(
    rf"(?:由(?!于)|从|自|\bfrom\b)(?P<pre>{_LABELLY}{{0,15}}?)(?P<a>[{L}{P}])"
    rf"(?P<mid>{_LABELLY}{{0,25}}?)(?:至|到|为|\bto\b)(?P<post>{_LABELLY}{{0,15}}?)(?P<b>[{L}{P}])",
    re.IGNORECASE,
)
_BASE = re.compile(
    rf"(?:较|(?<!占)比(?!例|重|率)|相比|相较|compared (?:with|to)|\bthan\b|\bagainst\b|"
    rf"\bversus\b|\bvs\.?|\bfrom\b)(?P<post>{_LABELLY}{{0,15}}?)(?P<a>[{L}{P}])",
    re.IGNORECASE,
)
_CUE = re.compile(
    r"(?P<growth>增速|增长率|增幅|涨幅|降幅|降速|growth rate|growth|rate of (?:increase|decline))"
    r"|(?P<rate>率|占|比例|比重|份额|\brate\b|\bshare\b|\bproportion\b|\bpercentage\b|"
    r"\boccupancy\b|\bratio\b)",
    re.IGNORECASE,
)
_AVERAGE = re.compile(
    r"年均|平均每年|年平均|average annual|annual average|a year on average|"
    r"per year on average|compound",
    re.IGNORECASE,
)
_YEAR_ON_YEAR = re.compile(
    r"同比|比上年|较上年|比去年|较去年|year[- ]on[- ]year|from a year earlier|"
    r"than (?:a|last) year",
    re.IGNORECASE,
)
_KNOWN_WORDS = {"下降", "减少", "降低", "回落", "下跌", "上升", "增长", "增加", "提高", "上涨"}


@dataclass(frozen=True)
class TextClaim:
    """A claim found in a text: the claim, its line, and the sentence around its figure."""

    claim: Claim
    line: int
    sentence: str


@dataclass
class _Compact:
    """A sentence with each number as one character: ``text``, and for each of those
    characters the index of its number in ``numbers``."""

    text: str
    at: dict[int, int]
    numbers: list[Number]
    source: str

    def number(self, position: int) -> Number:
        return self.numbers[self.at[position]]


def find_claims(text: str) -> list[TextClaim]:
    """Every claim of a text, in order, with its line and sentence."""
    found: list[TextClaim] = []
    for sentence in split_sentences(text):
        for position, claim in sentence_claims(sentence.text):
            found.append(TextClaim(claim, sentence.line, _shown(sentence, position)))
    return found


def _shown(sentence: Sentence, position: int) -> str:
    text = sentence.text
    if len(text) <= SHOWN:
        return text
    start = max(0, min(position - SHOWN // 2, len(text) - SHOWN))
    return (
        ("…" if start else "")
        + text[start : start + SHOWN]
        + ("…" if start + SHOWN < len(text) else "")
    )


def _compact(sentence: str) -> _Compact:
    found = numbers(sentence)
    norm = normalise_keep_length(sentence)
    parts: list[str] = []
    at: dict[int, int] = {}
    cursor = 0
    for index, number in enumerate(found):
        parts.append(norm[cursor : number.start])
        at[sum(len(p) for p in parts)] = index
        parts.append(_CODE[number.kind])
        cursor = number.end
    parts.append(norm[cursor:])
    return _Compact("".join(parts), at, found, sentence)


@dataclass
class _Change:
    """A stated change, point change or multiple: where it is, what it says."""

    position: int
    start: int
    kind: str
    stated: str
    number: int | None  # the index of its number, when it is one
    average: bool
    yoy: bool
    used: bool = False


def sentence_claims(sentence: str) -> list[tuple[int, Claim]]:
    """The claims of one sentence, each with the offset of its stated figure."""
    c = _compact(sentence)
    changes = _changes(c)
    stated_numbers = {ch.number for ch in changes if ch.number is not None}
    used: set[int] = set(stated_numbers)
    out: list[tuple[int, Claim]] = []
    pairs = _level_pairs(c, used)
    # Two levels of one quantity (由A至B, B较A) are never a rate's inputs: their quotient is a
    # multiple, and a rate near it would fail on counts that are not its own.
    levels = {c.at[p] for pair in pairs for p in pair if c.text[p] == L}
    for a_pos, b_pos in pairs:
        change = _nearest(changes, a_pos, b_pos, c)
        a, b = c.number(a_pos), c.number(b_pos)
        if change is None or not _fits(change.kind, a, b):
            if a.kind == PERCENT and b.kind == PERCENT:
                # Two rates with no stated change: each may itself be a rate or a growth rate.
                used.discard(c.at[a_pos])
                used.discard(c.at[b_pos])
            continue
        change.used = True
        used.update({c.at[a_pos], c.at[b_pos]})
        out.append((change.start, _claim(change, *_aligned(a, b), c)))
    for change in changes:
        if not change.used:
            out.append((change.start, _unlevelled(change, c, used)))
    for position, index in c.at.items():
        number = c.numbers[index]
        if index in used or number.kind != PERCENT:
            continue
        claim = _rate_or_growth(c, position, levels)
        if claim is not None:
            out.append((number.start, claim))
    return sorted(out, key=lambda pair: pair[0])


# ---------------------------------------------------------------- stated changes


def _changes(c: _Compact) -> list[_Change]:
    found: list[_Change] = []
    taken: set[int] = set()
    for pattern in (_PREFIX_CHANGE, _POSTFIX_CHANGE):
        for match in pattern.finditer(c.text):
            down = match["down"] is not None
            word = match["down"] or match["up"]
            for offset, char in enumerate(match["figs"]):
                position = match.start("figs") + offset
                if char not in (P, Q) or position in taken:
                    continue
                taken.add(position)
                number = c.number(position)
                found.append(_stated_change(c, position, number, word, down, match.start()))
    for match in _MULTIPLES.finditer(c.text):
        begin = c.numbers[c.at[match.start()]].start if match.start() in c.at else None
        start = _source_offset(c, match.start())
        end = _source_offset(c, match.end())
        text = normalise_keep_length(c.source[start:end])
        if _NOT_EXACT.search(c.source[:start]):
            continue
        if match["en"]:
            stated = f"x{_EN_MULTIPLES[match['en'][:4].lower()]}"
        else:
            stated = re.sub(r"\s+", "", text)
        parsed = parse_stated(stated)
        if parsed is None or parsed.kind not in ("multiple", "doublings"):
            continue
        index = next((c.at[p] for p in range(match.start(), match.end()) if p in c.at), None)
        found.append(
            _Change(
                match.start(),
                begin if begin is not None else start,
                parsed.kind,
                stated,
                index,
                *_context(c, match.start()),
            )
        )
    return sorted(found, key=lambda ch: ch.position)


def _stated_change(
    c: _Compact, position: int, number: Number, word: str, down: bool, begin: int
) -> _Change:
    figure = _digits(number)
    points = number.kind == POINTS
    sign = "-" if down else "+"
    if word in _KNOWN_WORDS:
        stated = word + figure + ("个百分点" if points else "%")
    else:
        stated = sign + figure + ("pp" if points else "%")
    kind = "pp_change" if points else "change"
    return _Change(
        position, _source_offset(c, begin), kind, stated, c.at[position], *_context(c, position)
    )


def _context(c: _Compact, position: int) -> tuple[bool, bool]:
    clause = _clause_before(c, position) + c.text[position : position + 12]
    return bool(_AVERAGE.search(clause)), bool(_YEAR_ON_YEAR.search(clause))


def _clause_before(c: _Compact, position: int) -> str:
    before = c.text[:position]
    cut = max(before.rfind(ch) for ch in _STOP)
    return before[cut + 1 :]


def _source_offset(c: _Compact, position: int) -> int:
    """The offset in the sentence of a position in the compact text."""
    offset = 0
    previous = 0
    for pos in sorted(c.at):
        if pos >= position:
            break
        offset += pos - previous
        number = c.numbers[c.at[pos]]
        offset = number.end
        previous = pos + 1
    return offset + (position - previous)


def _digits(number: Number) -> str:
    text = normalise_keep_length(number.text)
    match = re.search(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?", text)
    return match.group().lstrip("+-") if match else text


# ---------------------------------------------------------------- levels


def _level_pairs(c: _Compact, used: set[int]) -> list[tuple[int, int]]:
    """(earlier, later) positions of two levels: 由A至B, from A to B; B …较A."""
    pairs: list[tuple[int, int]] = []
    taken: set[int] = set()
    for match in _FROM_TO.finditer(c.text):
        a, b = match.start("a"), match.start("b")
        if c.at[a] in used or c.at[b] in used:
            continue
        pairs.append((a, b))
        taken.update({a, b})
    for match in _BASE.finditer(c.text):
        a = match.start("a")
        if a in taken or c.at[a] in used:
            continue
        if re.search(_DIRECTION, match["post"], re.IGNORECASE):
            continue  # 比上年增加345人: a difference, not the base
        code = c.text[a]
        later = [p for p in c.at if p < match.start() and c.text[p] == code and p not in taken]
        later = [p for p in later if c.at[p] not in used]
        if later:
            pairs.append((a, later[-1]))
            taken.update({a, later[-1]})
    return pairs


def _nearest(changes: list[_Change], a: int, b: int, c: _Compact) -> _Change | None:
    """The stated change nearest a level pair: between the levels, after them in the same or
    the next clause, or before them in the same clause; not yet used. An average annual change
    is never checked against two levels (it is compound over the years)."""
    low, high = min(a, b), max(a, b)

    def stops(start: int, end: int) -> int:
        return sum(c.text[start:end].count(ch) for ch in _STOP)

    free = [
        ch
        for ch in changes
        if not ch.used
        and not ch.average
        and (
            low < ch.position < high
            or (
                ch.position > high
                and (
                    stops(high, ch.position) == 0
                    or (stops(high, ch.position) == 1 and _bridge(c, high, ch.position))
                )
            )
            or (ch.position < low and stops(ch.position, low) == 0)
        )
    ]
    if not free:
        return None
    return min(free, key=lambda ch: min(abs(ch.position - a), abs(ch.position - b)))


_BRIDGE_WORDS = re.compile(
    rf"{_DIRECTION}|同比|环比|即|了|大?幅度?|(?:是|为|相当于)(?:原来|去年|上年|过去)?的?|达到?"
    r"|\b(?:an?|the|of|by|i\.e\.|or|which is)\b|\s",
    re.IGNORECASE,
)


def _bridge(c: _Compact, high: int, position: int) -> bool:
    """The clause of a stated change after the levels' clause holds nothing but the change
    (，增长25%; , a rise of 25%): a clause with its own subject (，其中女性同比增长5%) states
    something else."""
    between = c.text[high + 1 : position]
    measure = c.number(high).measure
    if measure and between.startswith(measure):
        between = between[len(measure) :]  # 250起，…: the level's own measure word
    cut = max(between.rfind(ch) for ch in _STOP)
    return len(_BRIDGE_WORDS.sub("", between[cut + 1 :])) <= 1


def _fits(kind: str, a: Number, b: Number) -> bool:
    if a.kind != b.kind:
        return False
    if kind == "pp_change":
        return a.kind == PERCENT
    return a.money == b.money


def _aligned(a: Number, b: Number) -> tuple[Figure, Figure]:
    """The two numbers as Figures in one unit: the smaller multiplier of the two (万/亿 apply
    alike to both sides)."""
    power = min(a.unit_power, b.unit_power)
    return _figure(a, power), _figure(b, power)


def _figure(number: Number, power: int) -> Figure:
    shift = number.unit_power - power
    value = number.value * 10**shift
    places = number.places - shift
    unit = "%" if number.kind == PERCENT else ""
    if shift == 0:
        text = ("~" if number.approx else "") + _digits(number) + unit
    elif places >= 0:
        text = f"{Decimal(value.numerator) / Decimal(value.denominator):.{places}f}"
    else:
        text = f"~{int(value)}"
    return Figure(text, value, places, number.approx or places < 0, unit)


def _claim(change: _Change, a: Figure, b: Figure, c: _Compact) -> Claim:
    parsed = parse_stated(change.stated)
    assert parsed is not None
    label = f"{a.text} -> {b.text} = {change.stated}"
    return Claim(
        label, change.kind, a, b, change.stated, parsed.target, parsed.places, Fraction(100)
    )


def _unlevelled(change: _Change, c: _Compact, used: set[int]) -> Claim:
    """A change without both levels: unverifiable, with what is missing, and the one level
    given when the sentence states exactly one near it."""
    parsed = parse_stated(change.stated)
    assert parsed is not None
    label = _snippet(c, change)
    if change.average:
        missing = "the levels at both ends and the number of years (an average annual change)"
        return Claim(
            label,
            change.kind,
            None,
            None,
            change.stated,
            parsed.target,
            parsed.places,
            Fraction(100),
            missing,
        )
    what = (
        "the levels of both years (a year-on-year change)"
        if change.yoy
        else ("the earlier and later values")
    )
    a = b = None
    code = P if change.kind == "pp_change" else L
    clause_start = change.position - len(_clause_before(c, change.position))
    previous = c.text[: clause_start - 1].rfind(",") if clause_start > 0 else -1
    window = [
        p
        for p in c.at
        if c.text[p] == code
        and c.at[p] not in used
        and (previous < p < change.position or change.position < p <= change.position + 6)
    ]
    if len(window) == 1:
        number = c.number(window[0])
        if number.kind == LEVEL or number.kind == PERCENT:
            figure = _figure(number, number.unit_power)
            if _BASE.search(c.text[max(0, window[0] - 12) : window[0] + 1]):
                a, what = figure, "the later value"
            else:
                b, what = figure, "the earlier value"
    return Claim(
        label, change.kind, a, b, change.stated, parsed.target, parsed.places, Fraction(100), what
    )


def _tail(text: str, size: int = 24) -> str:
    """The last ``size`` characters or so of ``text``, not starting inside an English word."""
    text = text.strip()
    if len(text) <= size:
        return text
    tail = text[-size:]
    if text[-size - 1].isascii() and text[-size - 1].isalnum() and " " in tail:
        tail = tail[tail.index(" ") + 1 :]
    return tail


def _snippet(c: _Compact, change: _Change) -> str:
    end = change.start + 1
    for pos in range(change.position, len(c.text)):
        if pos in c.at:
            end = c.numbers[c.at[pos]].end
            break
    text = c.source[: max(end, change.start + len(change.stated))]
    for stop in "，,；;：:":
        text = text[text.rfind(stop) + 1 :] if stop in text[:-1] else text
    return _tail(text)


# ---------------------------------------------------------------- rates


def _rate_or_growth(c: _Compact, position: int, levels: set[int]) -> Claim | None:
    """A percentage that is no stated change: a rate (its cue before it in the clause, or
    ``of``/``的`` after it), a growth rate (增速, growth), or nothing."""
    number = c.number(position)
    clause = _clause_before(c, position)
    # Levels 由A至B: the subject before 由/from decides.
    cut = max(clause.rfind("由"), clause.rfind("从"), clause.lower().rfind("from"))
    if (cut >= 0 and re.search(f"{P}", clause[cut:]) is None) or cut >= 0:
        clause = clause[:cut]
    cues = list(_CUE.finditer(clause))
    after = c.text[position + 1 : position + 4]
    stated = _digits(number) + "%"
    parsed = parse_stated(stated)
    assert parsed is not None
    label = (clause.strip()[-16:] + stated).replace(Y, "…").replace(L, "…").replace(P, "…")
    label = _text_of(c, position, clause) or label
    if cues and cues[-1]["growth"]:
        sign = "-" if cues[-1]["growth"].startswith("降") else ""
        stated = sign + stated
        parsed = parse_stated(stated)
        assert parsed is not None
        return Claim(
            label,
            "change",
            None,
            None,
            stated,
            parsed.target,
            parsed.places,
            Fraction(100),
            "the levels behind the growth rate",
        )
    if not cues and not re.match(r"\s*(?:of\b|的)", after, re.IGNORECASE):
        return None
    return _rate(c, number, stated, parsed.target, parsed.places, label, levels)


def _text_of(c: _Compact, position: int, clause: str) -> str:
    number = c.number(position)
    start = number.start - 1
    text = c.source[: number.end]
    cut = max(text.rfind(ch) for ch in "，,；;：:（(")
    return _tail(text[cut + 1 :]) if start >= 0 else text


def _rate(
    c: _Compact,
    rate: Number,
    stated: str,
    target: Fraction,
    places: int,
    label: str,
    levels: set[int],
) -> Claim:
    counts = [n for i, n in enumerate(c.numbers) if n.kind == LEVEL and i not in levels]
    best: tuple[Fraction, Figure, Figure] | None = None
    for i, x in enumerate(counts):
        for y in counts[i + 1 :]:
            if x.money != y.money:
                continue
            for num, den in ((x, y), (y, x)):
                a, b = _aligned(num, den)
                if b.value == 0 or (target <= 100 and a.value > b.value):
                    continue
                distance = abs(a.value / b.value * 100 - target)
                if best is None or distance < best[0]:
                    best = (distance, a, b)
    unit = Fraction(1, 10**places)
    if best is not None and best[0] <= max(target * PLAUSIBLE, unit):
        _, a, b = best
        return Claim(
            f"{a.text}/{b.text} = {stated}", "ratio", a, b, stated, target, places, Fraction(100)
        )
    missing = "numerator and denominator"
    if best is not None:
        _, a, b = best
        quotient = Decimal(a.value.numerator) / Decimal(a.value.denominator)
        quotient = quotient / (Decimal(b.value.numerator) / Decimal(b.value.denominator)) * 100
        shown = quotient.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        missing += (
            f" (the nearest pair in the sentence, {a.text}/{b.text} = {shown}%, is too far "
            f"from {stated} to be its inputs)"
        )
    return Claim(label, "ratio", None, None, stated, target, places, Fraction(100), missing)
