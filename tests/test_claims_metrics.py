"""check_claims: the rounding-interval rule, each claim kind, exact boundaries, properties."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from jdcli.loading.claims import claims_frame, parse_claim
from jdcli.metrics.claims import check_claims, half_width, stated_interval

SHOWN = ["label", "kind", "computed", "low", "high", "status"]


def check(*claims: str) -> pd.DataFrame:
    return check_claims(claims_frame([parse_claim(c) for c in claims]))


def status(claim: str) -> str:
    return str(check(claim)["status"].iloc[0])


def test_each_kind() -> None:
    result = check(
        "7020/7654 = 91.72%",
        "25 -> 15 = -40%",
        "1.48% -> 1.9% = +0.42pp",
        "100 -> 400 = x4",
        "100 -> 400 = 翻两番",
    )
    expected = pd.DataFrame(
        {
            "label": [
                "7020/7654 = 91.72%",
                "25 -> 15 = -40%",
                "1.48% -> 1.9% = +0.42pp",
                "100 -> 400 = x4",
                "100 -> 400 = 翻两番",
            ],
            "kind": ["ratio", "change", "pp_change", "multiple", "doublings"],
            "computed": [702000 / 7654, -40.0, 0.42, 4.0, 4.0],
            "low": [702000 / 7654, -40.0, 0.365, 4.0, 4.0],
            "high": [702000 / 7654, -40.0, 0.475, 4.0, 4.0],
            "status": ["pass"] * 5,
        }
    ).astype({"label": "str", "kind": "str", "status": "str"})
    expected[["computed", "low", "high"]] = expected[["computed", "low", "high"]].astype("Float64")
    assert_frame_equal(result[SHOWN], expected)


def test_exact_boundary_2469_of_20000() -> None:
    # 2469 / 20000 is exactly 12.345%: half-up gives 12.35, banker's rounding 12.34, and the
    # float 12.345 is slightly below the decimal, so float arithmetic would land on 12.34.
    assert status("2469/20000 = 12.35%") == "pass"
    assert status("2469/20000 = 12.34%") == "fail"
    assert status("2469/20000 = 12.3%") == "pass"
    assert status("2469/20000 = 12.345%") == "pass"


def test_half_up_goes_away_from_zero() -> None:
    # -40.5% rounds to -41%, -39.5% to -40%.
    assert status("200 -> 119 = -40%") == "fail"  # -40.5%
    assert status("200 -> 119 = -41%") == "pass"
    assert status("200 -> 121 = -40%") == "pass"  # -39.5%
    assert status("200 -> 121 = -39%") == "fail"
    # Positive: 40.5% rounds to 41%.
    assert status("200 -> 281 = +41%") == "pass"
    assert status("200 -> 281 = +40%") == "fail"
    # Zero: -0.5 and 0.5 both round away from 0.
    assert status("200 -> 199 = 0%") == "fail"
    assert status("200 -> 201 = 0%") == "fail"
    assert status("1000 -> 1004 = 0%") == "pass"


def test_decimals_in_inputs_widen_the_range() -> None:
    # 112.4 stands for [112.35, 112.45]; an exact 112 does not.
    result = check("100 -> 112.4 = +12.4%", "100 -> 112 = +12.4%", "100 -> 112.4 = +12.5%")
    assert result["status"].tolist() == ["pass", "fail", "pass"]
    assert result["low"].iloc[0] == pytest.approx(12.35)
    assert result["high"].iloc[0] == pytest.approx(12.45)


def test_approximate_integers() -> None:
    assert status("55 -> 66 = +21%") == "fail"
    assert status("~55 -> 66 = +21%") == "pass"  # 54.5 → 66 is +21.1%
    # ~2300 is rounded at the hundreds: 2250 to 2350.
    result = check("~2300 -> 2400 = +6%")
    assert result["status"].iloc[0] == "pass"
    assert result["low"].iloc[0] == pytest.approx(2400 / 2350 * 100 - 100)


def test_stated_integers_stand_for_an_interval() -> None:
    assert status("100 -> 440 = x4") == "pass"  # 4.4 rounds to 4
    assert status("100 -> 450 = x4") == "fail"  # 4.5 rounds to 5
    assert status("100 -> 350 = 翻两番") == "pass"
    assert status("100 -> 300 = 翻两番") == "fail"
    assert status("100 -> 300 = 增加两倍") == "pass"


def test_undefined_values_fail() -> None:
    result = check("5/0 = 10%", "0 -> 5 = +10%", "-5 -> 5 = x2", "0 -> 1 = +1pp")
    assert result["status"].tolist() == ["fail", "fail", "fail", "pass"]
    assert result["undefined"].tolist() == [True, True, True, False]
    assert result["computed"].isna().tolist() == [True, True, True, False]


def test_negative_values_in_points_and_ratios() -> None:
    assert status("-3 -> 1 = +4pp") == "pass"
    assert status("-30/60 = -50%") == "pass"
    assert status("30/-60 = -50%") == "pass"


def test_missing_inputs_are_unverifiable() -> None:
    frame = claims_frame([parse_claim("25 -> 15 = -40%")])
    frame.loc[0, "a"] = None
    result = check_claims(frame)
    assert result["status"].tolist() == ["unverifiable"]
    assert result["computed"].isna().all()


def test_fit_ranges_for_a_failure() -> None:
    result = check("7020/7654 = 91.8%").iloc[0]
    # 91.8% is [91.75, 91.85): numerator 7022.545 to 7030.199, whole 7023 to 7030.
    assert result["result_fit_low"] == pytest.approx(7022.545)
    assert result["result_fit_high"] == pytest.approx(7030.199)
    assert (result["result_fit_first"], result["result_fit_last"]) == (7023, 7030)
    assert (result["base_fit_first"], result["base_fit_last"]) == (7643, 7651)


def test_fit_excludes_the_open_end() -> None:
    # 12.34% is [12.335, 12.345): numerator 2467 to 2469 exclusive.
    result = check("2469/20000 = 12.34%").iloc[0]
    assert (result["result_fit_first"], result["result_fit_last"]) == (2467, 2468)


def test_no_base_fit_across_a_pole() -> None:
    # A stated 0% ratio could come from any denominator: no base range.
    result = check("50/100 = 0%").iloc[0]
    assert result["status"] == "fail"
    assert pd.isna(result["base_fit_low"])
    assert (result["result_fit_first"], result["result_fit_last"]) == (0, 0)
    # 0.1% is [0.05, 0.15): clear of the pole, so a denominator range exists.
    result = check("1/5000 = 0.1%").iloc[0]
    assert (result["base_fit_first"], result["base_fit_last"]) == (667, 2000)


def test_primitives() -> None:
    places = pd.Series([2, 0, -2], dtype=object)
    assert half_width(places).tolist() == [Fraction(1, 200), Fraction(1, 2), Fraction(50)]
    value = pd.Series([Fraction(40), Fraction(-40), Fraction(0)], dtype=object)
    low, high, low_closed, high_closed = stated_interval(
        value, half_width(pd.Series([0, 0, 0], dtype=object))
    )
    assert low.tolist() == [Fraction(79, 2), Fraction(-81, 2), Fraction(-1, 2)]
    assert high.tolist() == [Fraction(81, 2), Fraction(-79, 2), Fraction(1, 2)]
    assert low_closed.tolist() == [True, False, False]
    assert high_closed.tolist() == [False, True, False]


# ---------------------------------------------------------------- properties

counts = st.integers(min_value=1, max_value=10**7)


def half_up(value: Fraction, places: int) -> str:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return str(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


@given(counts, counts, st.integers(min_value=0, max_value=4))
def test_exact_inputs_pass_at_their_half_up_rounding(a: int, b: int, places: int) -> None:
    value = Fraction(a, b) * 100
    stated = half_up(value, places)
    unit = Fraction(1, 10**places)
    wrong = [half_up(Fraction(stated) + step, places) for step in (unit, -unit)]
    result = check(*(f"{a}/{b} = {text}%" for text in [stated, *wrong]))
    assert result["status"].tolist() == ["pass", "fail", "fail"]


@given(counts, counts, st.integers(min_value=0, max_value=3))
def test_change_agrees_with_half_up(a: int, b: int, places: int) -> None:
    stated = half_up((Fraction(b, a) - 1) * 100, places)
    sign = "" if stated.startswith("-") else "+"
    assert status(f"{a} -> {b} = {sign}{stated}%") == "pass"


@given(
    st.lists(
        st.tuples(counts, counts, st.integers(min_value=0, max_value=3)), min_size=1, max_size=8
    ),
)
def test_order_does_not_matter(rows: list[tuple[int, int, int]]) -> None:
    claims = [f"{a}/{b} = {half_up(Fraction(a, b) * 100 + Fraction(1, 3), p)}%" for a, b, p in rows]
    frame = claims_frame([parse_claim(c) for c in claims])
    shuffled = frame.sample(frac=1, random_state=len(rows))
    forward = check_claims(frame)[SHOWN]
    backward = check_claims(shuffled)[SHOWN].loc[forward.index]
    assert_frame_equal(forward, backward)
    # Checking the claims in two parts gives the same answer as checking them together.
    half = len(frame) // 2
    parts = pd.concat([check_claims(frame.iloc[:half]), check_claims(frame.iloc[half:])])
    assert_frame_equal(parts[SHOWN], forward)


@given(counts, counts, st.integers(min_value=0, max_value=2), st.integers(1, 3))
def test_decimals_only_widen(a: int, b: int, places: int, extra: int) -> None:
    # Writing an input with decimals can only widen the range: what passes exactly still passes.
    stated = half_up(Fraction(b, a) * 100 - 100, places)
    sign = "" if stated.startswith("-") else "+"
    zeros = "0" * extra
    result = check(f"{a} -> {b} = {sign}{stated}%", f"{a}.{zeros} -> {b}.{zeros} = {sign}{stated}%")
    assert result["status"].tolist() == ["pass", "pass"]
    assert bool((result["low"] <= result["computed"]).all())
    assert bool((result["computed"] <= result["high"]).all())


def test_one_input_implies_the_other_but_stays_unverifiable() -> None:
    frame = claims_frame([parse_claim("25 -> 15 = -40%"), parse_claim("7020/7654 = 91.72%")])
    frame.loc[0, "a"] = None
    frame.loc[1, "a"] = None
    result = check_claims(frame)
    assert result["status"].tolist() == ["unverifiable", "unverifiable"]
    assert (result.loc[0, "base_fit_first"], result.loc[0, "base_fit_last"]) == (25, 25)
    assert (result.loc[1, "result_fit_first"], result.loc[1, "result_fit_last"]) == (7020, 7020)
    assert pd.isna(result.loc[0, "result_fit_low"])
