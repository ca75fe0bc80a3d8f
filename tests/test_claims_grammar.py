"""The claim grammar: inline claims, figures with their written precision, Chinese multiples."""

from __future__ import annotations

from fractions import Fraction

import pytest

from jdcli.errors import UsageError
from jdcli.loading.claims import (
    chinese_number,
    looks_like_claim,
    parse_claim,
    parse_figure,
    parse_stated,
)
from jdcli.metrics.claims import KINDS


@pytest.mark.parametrize(
    ("text", "kind", "a", "b", "target", "places"),
    [
        ("7020/7654 = 91.72%", "ratio", "7020", "7654", Fraction("91.72"), 2),
        ("7,020 / 7,654 = 91.72%", "ratio", "7020", "7654", Fraction("91.72"), 2),
        ("1427/471 = 3.03", "ratio", "1427", "471", Fraction("3.03"), 2),
        ("25 -> 15 = -40%", "change", "25", "15", Fraction(-40), 0),
        ("25 → 15 = −40%", "change", "25", "15", Fraction(-40), 0),
        ("25 -> 15 = 下降40%", "change", "25", "15", Fraction(-40), 0),
        ("1.48% -> 1.9% = +0.42pp", "pp_change", "1.48", "1.9", Fraction("0.42"), 2),
        ("1.48% -> 1.9% = 提高0.42个百分点", "pp_change", "1.48", "1.9", Fraction("0.42"), 2),
        ("100 -> 400 = x4", "multiple", "100", "400", Fraction(4), 0),
        ("100 -> 400 = ×4", "multiple", "100", "400", Fraction(4), 0),
        ("100 -> 400 = 4倍", "multiple", "100", "400", Fraction(4), 0),
        ("100 -> 400 = 增长到四倍", "multiple", "100", "400", Fraction(4), 0),
        ("100 -> 250 = x2.5", "multiple", "100", "250", Fraction("2.5"), 1),
        ("100 -> 300 = 增加两倍", "multiple", "100", "300", Fraction(3), 0),
        ("100 -> 300 = 增长了2倍", "multiple", "100", "300", Fraction(3), 0),
        ("100 -> 400 = 翻两番", "doublings", "100", "400", Fraction(4), 0),
        ("100 -> 400 = 翻了两番", "doublings", "100", "400", Fraction(4), 0),
        ("100 -> 200 = 翻番", "doublings", "100", "200", Fraction(2), 0),
        ("100 -> 800 = 翻三番", "doublings", "100", "800", Fraction(8), 0),
        # Full-width digits, operators and percent sign.
        ("７０２０／７６５４＝９１．７２％", "ratio", "7020", "7654", Fraction("91.72"), 2),
        ("~55 -> 66 = +20%", "change", "55", "66", Fraction(20), 0),
    ],
)
def test_valid_claims(text: str, kind: str, a: str, b: str, target: Fraction, places: int) -> None:
    claim = parse_claim(text)
    assert claim.kind == kind
    assert claim.a is not None and claim.a.value == Fraction(a)
    assert claim.b is not None and claim.b.value == Fraction(b)
    assert claim.target == target
    assert claim.target_places == places


def test_label_prefix() -> None:
    claim = parse_claim("occupancy: 7020/7654 = 91.72%")
    assert claim.label == "occupancy"
    assert parse_claim("7020/7654 = 91.72%").label == "7020/7654 = 91.72%"


def test_ratio_scale_follows_the_percent_sign() -> None:
    assert parse_claim("7020/7654 = 91.72%").scale == 100
    assert parse_claim("7020/7654 = 0.9172").scale == 1


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("7020/7654 91.72%", "one '='"),
        ("7020/7654 = 91.72% = 91.7%", "one '='"),
        ("7020/7654 = abc", "stated figure"),
        ("7020/7654 = x4", "a ratio"),
        ("25 -> 15 = -40", "say what the number is"),
        ("seven/7654 = 91.72%", "is not a number"),
        ("1.48pp -> 1.9% = +0.42pp", "is not a number"),
        ("7020 + 7654 = 91.72%", "A / B or A -> B"),
        ("100 -> 400 = 翻十十番", "stated figure"),
        ("1,5 -> 3 = x2", "is not a number"),
    ],
)
def test_invalid_claims_show_examples(text: str, reason: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_claim(text)
    message = str(caught.value)
    assert reason in message
    assert "'7020/7654 = 91.72%'" in message


@pytest.mark.parametrize(
    ("text", "value", "places", "exact"),
    [
        ("112.4", Fraction("112.4"), 1, False),
        ("7654", Fraction(7654), 0, True),
        ("7,654", Fraction(7654), 0, True),
        ("~55", Fraction(55), 0, False),
        ("近55", Fraction(55), 0, False),
        ("approx. 55", Fraction(55), 0, False),
        ("约2300", Fraction(2300), -2, False),
        ("≈1.50", Fraction("1.5"), 2, False),
        ("-3.25%", Fraction("-3.25"), 2, False),
        ("12.0", Fraction(12), 1, False),
        (".5", Fraction(1, 2), 1, False),
    ],
)
def test_figures_keep_their_precision(text: str, value: Fraction, places: int, exact: bool) -> None:
    figure = parse_figure(text)
    assert figure is not None
    assert (figure.value, figure.places, figure.exact) == (value, places, exact)


@pytest.mark.parametrize("text", ["", "abc", "1,5", "12..3", "7 654", "--3", "%"])
def test_not_figures(text: str) -> None:
    assert parse_figure(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("一", 1), ("两", 2), ("十", 10), ("十二", 12), ("三十", 30), ("九十九", 99), ("7", 7)],
)
def test_chinese_numbers(text: str, value: int) -> None:
    assert chinese_number(text) == value


@pytest.mark.parametrize("text", ["", "百", "十十", "二三", "一十二十"])
def test_not_chinese_numbers(text: str) -> None:
    assert chinese_number(text) is None


def test_decimals_override_the_written_precision() -> None:
    stated = parse_stated("91.7%", decimals=2)
    assert stated is not None and stated.places == 2
    stated = parse_stated("x4", decimals=1)
    assert stated is not None and stated.places == 1


def test_a_claim_has_an_equals_sign() -> None:
    assert looks_like_claim("7020/7654 = 91.72%")
    assert looks_like_claim("7020/7654＝91.72%")
    assert not looks_like_claim("claims.csv")


def test_kinds_agree() -> None:
    from jdcli.loading import claims as grammar

    assert grammar.KINDS == KINDS
