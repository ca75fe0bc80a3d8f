"""Claims as people write them: the inline grammar and the rows of a claims file, read exactly.

Numbers are kept as exact fractions with the precision they were written with, because the
check depends on it: ``91.72%`` stands for [91.715, 91.725), ``91.7%`` for [91.65, 91.75).

Inline grammar (full-width characters are read as their ASCII forms)::

    [LABEL:] A / B = N%        ratio: A ÷ B as a percentage (N without % is a plain quotient)
    [LABEL:] A -> B = ±N%      change: relative change from A to B, in percent
    [LABEL:] A -> B = ±Npp     pp_change: B − A in percentage points (also 个百分点)
    [LABEL:] A -> B = xN       multiple: B ÷ A (also ×N, N倍, 增长到N倍)
    [LABEL:] A -> B = 增长N倍   multiple N+1 (增加/增长/提高/上升 N 倍 adds N times A)
    [LABEL:] A -> B = 翻N番     doublings: B ÷ A = 2^N (翻番 once, 翻两番 ×4, 翻三番 ×8)

``->`` may be written ``→``; ``/`` may be ``÷``. A number may carry thousands separators
(``7,654``) and a leading ``~`` (also ``约``, ``≈``, ``ca.`` …; see ``jdcli.loading.figures``)
marking it approximate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from jdcli.errors import InputError, UsageError
from jdcli.loading.figures import NUMBER, Figure, normalise, parse_figure

KINDS = ("ratio", "change", "pp_change", "multiple", "doublings")

if TYPE_CHECKING:
    import pandas as pd

    from jdcli.loading import Loaded

EXAMPLES = (
    "'7020/7654 = 91.72%'",
    "'25 -> 15 = -40%'",
    "'1.48% -> 1.9% = +0.42pp'",
    "'100 -> 400 = x4'",
    "'100 -> 400 = 翻两番'",
)

_CN_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUMBER = r"[一二两俩三四五六七八九十]+"
_RISE = r"(?:增加|增长|提高|上升|上涨|扩大)"
_DOUBLINGS = re.compile(rf"翻了?(?P<n>{_CN_NUMBER}|\d+)?番")
_TIMES_TO = re.compile(rf"(?:{_RISE}了?(?:到|至|为)|是|为)?(?P<n>{_CN_NUMBER}|{NUMBER})倍")
_TIMES_MORE = re.compile(rf"{_RISE}了?(?P<n>{_CN_NUMBER}|\d+)倍")
_WORDED_CHANGE = re.compile(
    r"(?:(?P<down>下降|减少|降低|回落|下跌)|上升|增长|增加|提高|上涨)了?(?P<rest>.+)"
)
_TIMES_X = re.compile(rf"x\s*(?P<n>{NUMBER})|(?P<m>{NUMBER})\s*x", re.IGNORECASE)


@dataclass(frozen=True)
class Claim:
    """One claim, ready for ``check_claims``."""

    label: str
    kind: str
    a: Figure | None
    b: Figure | None
    stated: str
    target: Fraction
    target_places: int
    scale: Fraction
    missing: str = ""


def chinese_number(text: str) -> int | None:
    """``两`` → 2, ``十二`` → 12, ``三十`` → 30, ``7`` → 7; below 100."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if "十" in units or len(tens) > 1 or len(units) > 1:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


@dataclass(frozen=True)
class Stated:
    """The stated side of a claim: its kind as written, target on the computed scale."""

    kind: str
    target: Fraction
    places: int
    percent: bool


def parse_stated(text: str, decimals: int | None = None) -> Stated | None:
    """The right-hand side: ``91.72%``, ``-40%``, ``+0.42pp``, ``x4``, ``4倍``, ``增加两倍``,
    ``翻两番``, or a plain number (kind ``number``). ``decimals`` overrides the precision."""
    text = normalise(text)
    compact = re.sub(r"\s+", "", text)
    if match := _DOUBLINGS.fullmatch(compact):
        n = chinese_number(match["n"]) if match["n"] else 1
        if n is None:
            return None
        return Stated("doublings", Fraction(2) ** n, _places(0, decimals), False)
    if match := _TIMES_MORE.fullmatch(compact):
        n = chinese_number(match["n"])
        if n is None:
            return None
        # 增加两倍 adds twice the base: three times as much.
        return Stated("multiple", Fraction(n + 1), _places(0, decimals), False)
    for pattern in (_TIMES_TO, _TIMES_X):
        if match := pattern.fullmatch(compact):
            raw = match["n"] if match["n"] is not None else match.group("m")
            n_value = _multiple_value(raw)
            if n_value is None:
                return None
            value, places = n_value
            return Stated("multiple", value, _places(places, decimals), False)
    sign = ""
    if match := _WORDED_CHANGE.fullmatch(compact):
        sign, compact = ("-" if match["down"] else "+"), match["rest"]
        if compact.startswith(("+", "-")):
            return None
    figure = parse_figure(sign + compact if sign else text)
    if figure is None or (sign and not figure.unit):
        return None
    kind = {"%": "percent", "pp": "pp", "": "number"}[figure.unit]
    return Stated(kind, figure.value, _places(figure.places, decimals), figure.unit == "%")


def _multiple_value(raw: str) -> tuple[Fraction, int] | None:
    whole = chinese_number(raw)
    if whole is not None:
        return Fraction(whole), 0
    figure = parse_figure(raw)
    if figure is None or figure.unit:
        return None
    return figure.value, figure.places


def _places(places: int, decimals: int | None) -> int:
    return places if decimals is None else decimals


# ---------------------------------------------------------------- inline claims

_LABEL = re.compile(r"^(?P<label>[^=:]+?)\s*:\s*(?P<claim>.+=.*)$")
_RATIO = re.compile(r"^(?P<a>[^/]+?)\s*/\s*(?P<b>[^/]+)$")
_ARROW = re.compile(r"^(?P<a>.+?)\s*->\s*(?P<b>.+)$")


def parse_claim(text: str) -> Claim:
    """One inline claim (see the module docstring), or a UsageError showing examples."""
    written = normalise(text).replace("÷", "/")
    label = written
    if match := _LABEL.match(written):
        label, written = match["label"], match["claim"]
    if written.count("=") != 1:
        raise _grammar_error(text, "expected one '=' between the inputs and the stated figure")
    left, right = (part.strip() for part in written.split("="))
    stated = parse_stated(right)
    if stated is None:
        raise _grammar_error(text, f"cannot read the stated figure {right!r}")
    if match := _RATIO.match(left):
        a, b = _input(text, match["a"]), _input(text, match["b"])
        if stated.kind not in ("percent", "number"):
            raise _grammar_error(text, "a ratio A / B is stated as a percentage or a number")
        scale = Fraction(100 if stated.percent else 1)
        return Claim(label, "ratio", a, b, right, stated.target, stated.places, scale)
    if match := _ARROW.match(left):
        a, b = _input(text, match["a"]), _input(text, match["b"])
        kind = {"percent": "change", "pp": "pp_change"}.get(stated.kind, stated.kind)
        if kind == "number":
            raise _grammar_error(
                text, "say what the number is: -40% (change), +0.42pp (points) or x4 (multiple)"
            )
        return Claim(label, kind, a, b, right, stated.target, stated.places, Fraction(100))
    raise _grammar_error(text, "expected A / B or A -> B before '='")


def _input(claim: str, text: str) -> Figure:
    figure = parse_figure(text)
    if figure is None or figure.unit == "pp":
        raise _grammar_error(claim, f"{text.strip()!r} is not a number")
    return figure


def _grammar_error(claim: str, reason: str) -> UsageError:
    return UsageError(
        f"cannot read the claim {claim!r}: {reason}. Write claims like {', '.join(EXAMPLES)}"
    )


def looks_like_claim(argument: str) -> bool:
    """An argument with ``=`` is an inline claim; anything else names a file."""
    return "=" in normalise(argument)


# ---------------------------------------------------------------- claims files

_STATED_KIND = {
    "ratio": ("percent", "number"),
    "change": ("percent", "number"),
    "pp_change": ("pp", "number"),
    "multiple": ("multiple", "number"),
    "doublings": ("doublings", "number"),
}


def claims_from_file(loaded: Loaded, *, place: str = "line") -> list[Claim]:
    """The rows of a claims file as Claims; a bad value names its file, line and column
    (``place="row"`` for a DataFrame, whose index labels are rows, not file lines)."""
    frame = loaded.frame
    headers = loaded.headers
    claims = []
    for line, row in frame.iterrows():
        where = f"{loaded.name} {place} {line}"

        def cell(name: str, row: pd.Series = row) -> str:
            value = row.get(name)
            return "" if value is None or value != value else str(value).strip()

        kind = cell("kind").lower().replace("-", "_").replace(" ", "_")
        kind = {"pp": "pp_change", "percentage_points": "pp_change"}.get(kind, kind)
        if kind not in KINDS:
            raise InputError(
                f"{where}, column {headers['kind']}: {cell('kind')!r} is not a claim kind "
                f"(one of {', '.join(KINDS)})"
            )
        decimals = _decimals(row.get("decimals"), where, headers.get("decimals", "decimals"))
        stated_text = cell("stated")
        stated = parse_stated(stated_text, decimals)
        if stated is None or stated.kind not in _STATED_KIND[kind]:
            raise InputError(
                f"{where}, column {headers['stated']}: {stated_text!r} is not a stated {kind} "
                f"(e.g. {_FILE_EXAMPLES[kind]})"
            )
        target = stated.target
        if kind == "doublings" and stated.kind == "number":
            n = stated.target
            if n.denominator != 1 or n < 0:
                raise InputError(
                    f"{where}, column {headers['stated']}: {stated_text!r}: doublings are a "
                    "whole number (2 for 翻两番)"
                )
            target = Fraction(2) ** int(n)
        names = ("numerator", "denominator") if kind == "ratio" else ("from", "to")
        a, b = (_file_input(cell(n), where, headers.get(n, n)) for n in names)
        scale = Fraction(1 if kind == "ratio" and stated.kind == "number" else 100)
        missing = cell("missing") or ", ".join(
            headers.get(n, n) for n, f in zip(names, (a, b), strict=True) if f is None
        )
        claims.append(
            Claim(
                label=cell("label") or f"{place} {line}",
                kind=kind,
                a=a,
                b=b,
                stated=stated_text,
                target=target,
                target_places=stated.places,
                scale=scale,
                missing=missing if a is None or b is None else "",
            )
        )
    return claims


_FILE_EXAMPLES = {
    "ratio": "91.72%",
    "change": "-40%",
    "pp_change": "+0.42pp",
    "multiple": "x4",
    "doublings": "翻两番 or 2",
}


def _file_input(text: str, where: str, column: str) -> Figure | None:
    if text == "" or text.casefold() in ("na", "n/a", "-", "—", "null", "无"):
        return None
    figure = parse_figure(text)
    if figure is None or figure.unit == "pp":
        raise InputError(f"{where}, column {column}: {text!r} is not a number")
    return figure


def _decimals(value: object, where: str, column: str) -> int | None:
    if value is None or value != value:
        return None
    number = float(str(value))
    if not number.is_integer() or not 0 <= number <= 12:
        raise InputError(f"{where}, column {column}: {value!r} is not a number of decimals (0-12)")
    return int(number)


# ---------------------------------------------------------------- to a frame


def claims_frame(claims: list[Claim]) -> pd.DataFrame:
    """The columns ``check_claims`` reads, plus the inputs and ``stated`` as written
    (``a_text``, ``b_text``, ``stated``) and ``missing`` (the inputs not given)."""
    import pandas as pd

    columns: dict[str, list[object]] = {
        "label": [c.label for c in claims],
        "kind": [c.kind for c in claims],
        "a": [None if c.a is None else c.a.value for c in claims],
        "a_places": [None if c.a is None else c.a.places for c in claims],
        "a_approx": [None if c.a is None else c.a.approx for c in claims],
        "a_text": ["" if c.a is None else c.a.text for c in claims],
        "b": [None if c.b is None else c.b.value for c in claims],
        "b_places": [None if c.b is None else c.b.places for c in claims],
        "b_approx": [None if c.b is None else c.b.approx for c in claims],
        "b_text": ["" if c.b is None else c.b.text for c in claims],
        "stated": [c.stated for c in claims],
        "target": [c.target for c in claims],
        "target_places": [c.target_places for c in claims],
        "scale": [c.scale for c in claims],
        "missing": [c.missing for c in claims],
    }
    frame = pd.DataFrame({name: pd.Series(v, dtype=object) for name, v in columns.items()})
    text = ("label", "kind", "a_text", "b_text", "stated", "missing")
    return frame.astype(dict.fromkeys(text, "str"))
