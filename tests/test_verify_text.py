"""``jdcli verify --text``: sentences, numbers, the claims found in prose, and the command.

The test texts (tests/data/text/) were written from published phrasing; the truth of each
claim in them was computed by hand and is listed here. The seed excerpt is cited in its
first line.
"""

from __future__ import annotations

import io
import json
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import jdcli
from jdcli.analyses.verify import compute
from jdcli.loading.text_claims import sentence_claims
from jdcli.loading.text_sentences import (
    BOUND,
    DATE,
    LEVEL,
    ORDINAL,
    PERCENT,
    POINTS,
    RANGE,
    YEAR,
    numbers,
    split_sentences,
)
from jdcli.render import RenderOptions, to_csv
from tests.conftest import DATA

TEXT = DATA / "text"
SEED = TEXT / "guangzhou_2018_excerpt.txt"


def found(sentence: str) -> list[tuple[str, str, str]]:
    """(kind, stated, status) of each claim of one sentence, checked by verify's rule."""
    claims = [claim for _, claim in sentence_claims(sentence)]
    if not claims:
        return []
    checked = compute(claims)
    return list(zip(checked["kind"], checked["stated"], checked["status"], strict=True))


# ---------------------------------------------------------------- sentences and numbers


def test_sentences_end_at_chinese_stops_and_at_a_full_stop_before_a_space() -> None:
    text = "床位7654张。使用率91.72%；执行率达99.36%!\nRates rose 1.5% in 2017. Cases fell! ok"
    got = [(s.line, s.text) for s in split_sentences(text)]
    assert got == [
        (1, "床位7654张。"),
        (1, "使用率91.72%；"),
        (1, "执行率达99.36%!"),
        (2, "Rates rose 1.5% in 2017."),
        (2, "Cases fell!"),
        (2, "ok"),
    ]


def test_markdown_marks_are_not_part_of_a_sentence() -> None:
    text = "# 标题\n- **使用率为91.7%**\n| 床位 | 7654 |"
    assert [s.text for s in split_sentences(text)] == ["标题", "使用率为91.7%", "床位", "7654"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("共有床位７，６５４张", [("７，６５４", LEVEL, Fraction(7654), 0)]),
        ("满员率为９１．７２％", [("９１．７２％", PERCENT, Fraction(9172, 100), 0)]),
        ("增至1,000万元", [("1,000万", LEVEL, Fraction(1000), 4)]),
        ("1.2亿元", [("1.2亿", LEVEL, Fraction(12, 10), 8)]),
        ("下降2.4个百分点", [("2.4个百分点", POINTS, Fraction(24, 10), 0)]),
        ("up 0.42 percentage points", [("0.42 percentage points", POINTS, Fraction(42, 100), 0)]),
        ("a rise of 25 percent", [("25 percent", PERCENT, Fraction(25), 0)]),
    ],
)
def test_numbers_as_written(text: str, expected: list[tuple[str, str, Fraction, int]]) -> None:
    got = [(n.text, n.kind, n.value, n.unit_power) for n in numbers(text)]
    assert got == expected


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("2018年07月06日 16:31:50", [YEAR, DATE, DATE, DATE, DATE, DATE]),
        ("排全国第5位", [ORDINAL]),
        ("the 3rd review on May 5, 2018", [ORDINAL, DATE, YEAR]),
        ("缴毒50克以上案件", [BOUND]),
        ("超过2亿元", [BOUND]),
        ("more than 300 people", [BOUND]),
        ("10-15%的人", [RANGE, RANGE]),
        ("between 10% and 15%", [RANGE, RANGE]),
        ("10%至15%", [RANGE, RANGE]),
        ("由10%至15%", [PERCENT, PERCENT]),
        ("fell 40% to 15", [PERCENT, LEVEL]),
    ],
)
def test_numbers_that_are_never_figures(text: str, kinds: list[str]) -> None:
    assert [n.kind for n in numbers(text)] == kinds


# ---------------------------------------------------------------- claims, sentence by sentence

CASES_ZH = [
    (
        "全市7个强制隔离戒毒所共有床位7654张,收治戒毒人员7020人,床位满员率为91.72%",
        [("ratio", "91.72%", "pass")],
    ),
    ("共有床位7654张,收治戒毒人员7020人,床位满员率为91.8%", [("ratio", "91.8%", "fail")]),
    ("在所人员1,980人中，女性396人，占20%。", [("ratio", "20%", "pass")]),
    ("全年查获吸毒人员3,150人次，较上年的3,500人次下降10%。", [("change", "下降10%", "pass")]),
    ("禁毒经费由800万元增至1,000万元，增长25%。", [("change", "增长25%", "pass")]),
    # The change of another subject in the next clause is not the levels' change.
    ("戒毒人员由1,000人增至1,200人，其中女性同比增长5%。", [("change", "增长5%", "unverifiable")]),
    ("戒毒人员由1,000人增至1,200人，同比增长20%。", [("change", "增长20%", "pass")]),
    # Two levels of one quantity are not a rate's inputs (7,020/7,500 is near 98% by chance).
    (
        "戒毒人员由2018年的7,020人增至2019年的7,500人，增长6.8%，床位满员率为98%。",
        [("change", "增长6.8%", "pass"), ("ratio", "98%", "unverifiable")],
    ),
    ("案件从100起增加到250起，是原来的2.5倍。", [("multiple", "2.5倍", "pass")]),
    ("案件从100起增加到250起，是原来的4倍。", [("multiple", "4倍", "fail")]),
    # 增加345人 is a difference, not the base: the base (2,000) is not given.
    (
        "全年共收戒2,345人，比2022年增加345人，增长17.3%。",
        [("change", "增长17.3%", "unverifiable")],
    ),
    (
        "全市吸毒人员总数由2015年的5.6万人下降至2023年的3.2万人，下降42.9%。",
        [("change", "下降42.9%", "pass")],
    ),
    (
        "全市共有戒毒所7个，床位7654张，其中女子所床位1200张，占15.7%。",
        [("ratio", "15.7%", "pass")],
    ),
    ("禁毒经费由9000万元增至1.2亿元，增长33%。", [("change", "增长33%", "pass")]),
    ("社区戒毒人员由1,200人减少至1,000人，下降20%。", [("change", "下降20%", "fail")]),
    ("新发现吸毒人员由500人增加到600人，下降20%。", [("change", "下降20%", "fail")]),
    ("由2022年的500人增至2023年的600人，增长20%。", [("change", "增长20%", "pass")]),
    ("破获案件由150起增至600起，翻了一番。", [("doublings", "翻了一番", "fail")]),
    ("缴获毒品由50公斤增至200公斤，翻了两番。", [("doublings", "翻了两番", "pass")]),
    ("收治人员由1,000人增至3,000人，增长两倍。", [("multiple", "增长两倍", "pass")]),
    ("复吸率由12.5%下降至10.1%，下降2.4个百分点。", [("pp_change", "下降2.4个百分点", "pass")]),
    ("复吸率由12.5%下降至10.1%，下降2.6个百分点。", [("pp_change", "下降2.6个百分点", "fail")]),
    ("戒断三年未复吸率为35.2%。", [("ratio", "35.2%", "unverifiable")]),
    ("全市吸毒人员同比下降8.3%。", [("change", "下降8.3%", "unverifiable")]),
    ("全市查处涉毒违法人员2,100人，同比下降12%。", [("change", "下降12%", "unverifiable")]),
    ("禁毒宣传覆盖人数年均增长6%。", [("change", "增长6%", "unverifiable")]),
    ("由100人增至200人，年均增长41%。", [("change", "增长41%", "unverifiable")]),
    ("价格翻了两番。", [("doublings", "翻了两番", "unverifiable")]),
    (
        "全市有吸毒人员10,000人，其中本地户籍6,000人，就业率为66.1%。",
        [("ratio", "66.1%", "unverifiable")],
    ),
    (
        "且本市户籍吸毒人员增速由2016年的7.8%下降至5.3%。",
        [("change", "7.8%", "unverifiable"), ("change", "5.3%", "unverifiable")],
    ),
    (
        "禁毒民警占总警力编制由原来的1.48%提升到1.9%。",
        [("ratio", "1.48%", "unverifiable"), ("ratio", "1.9%", "unverifiable")],
    ),
    (
        "2017年全市新发现吸毒人员同比下降19%,且本市户籍吸毒人员增速由2016年的7.8%下降至5.3%。",
        [
            ("change", "下降19%", "unverifiable"),
            ("change", "7.8%", "unverifiable"),
            ("change", "5.3%", "unverifiable"),
        ],
    ),
]
NOT_CLAIMS = [
    "2022年5月1日起施行新条例，全市排名第3位。",
    "10-15%的社区戒毒人员存在复吸风险。",
    "市禁毒委成员单位从19个增加至34个。",
    "专项经费超过2亿元，其中市级经费5,000万元。",
    "全市170个街镇建设社区戒毒社区康复工作站。",
    "2018年07月06日 16:31:50 来源: 中国禁毒网",
    "On May 5, 2018, the 3rd annual review covered 2,300 villages.",
    "Between 10% and 15% of users relapse.",
    "Funding reached $2 million in 2017.",
    "Membership grew from 19 to 34 units.",
]
CASES_EN = [
    (
        "The centres had 7,654 beds and 7,020 residents, an occupancy rate of 91.72%.",
        [("ratio", "91.72%", "pass")],
    ),
    ("Of 2,400 beds, 1,980 were occupied, a rate of 85.2%.", [("ratio", "85.2%", "fail")]),
    (
        "Arrests rose from 1,200 in 2016 to 1,500 in 2017, an increase of 25%.",
        [("change", "+25%", "pass")],
    ),
    ("1,500 cases, up 25% from 1,200 in 2016.", [("change", "+25%", "pass")]),
    (
        "In 2023 the city recorded 12,400 drug users, down 6.2% from 13,220 in 2022.",
        [("change", "-6.2%", "pass")],
    ),
    ("Seizures fell from 400 kg to 300 kg, a drop of 20%.", [("change", "-20%", "fail")]),
    ("Arrests rose from 800 to 1,000, a fall of 1%.", [("change", "-1%", "fail")]),
    ("The number of labs fell 40% to 15.", [("change", "-40%", "unverifiable")]),
    ("Reported cases rose 12% year on year.", [("change", "+12%", "unverifiable")]),
    (
        "The share rose from 1.48% to 1.9%, up 0.42 percentage points.",
        [("pp_change", "+0.42pp", "pass")],
    ),
    ("Relapse fell from 30% to 25%, a fall of 5 points.", [("pp_change", "-5pp", "pass")]),
    ("Treatment places doubled from 600 to 1,200.", [("multiple", "x2", "pass")]),
    ("Funding tripled from $2 million to $8 million.", [("multiple", "x3", "fail")]),
    ("Some 35.2% of former users stayed drug-free.", [("ratio", "35.2%", "unverifiable")]),
    ("Prices more than doubled.", []),
]


@pytest.mark.parametrize(("sentence", "expected"), CASES_ZH + CASES_EN)
def test_claims_of_a_sentence(sentence: str, expected: list[tuple[str, str, str]]) -> None:
    assert found(sentence) == expected


@pytest.mark.parametrize("sentence", NOT_CLAIMS)
def test_not_claims(sentence: str) -> None:
    assert found(sentence) == []


def test_one_level_given_gives_the_other_as_a_hint() -> None:
    claims = [c for _, c in sentence_claims("全市查获小型制毒窝点15个,同比大幅下降40%")]
    checked = compute(claims)
    assert checked["status"].tolist() == ["unverifiable"]
    assert checked["hint"].iloc[0] == (
        "not given: the earlier value; 下降40% with the later value 15 implies the earlier value 25"
    )


def test_a_rate_far_from_every_pair_says_which_pair_was_nearest() -> None:
    claims = [c for _, c in sentence_claims("有吸毒人员10,000人，其中6,000人，就业率为66.1%。")]
    assert claims[0].missing == (
        "numerator and denominator (the nearest pair in the sentence, 6,000/10,000 = 60.00%, "
        "is too far from 66.1% to be its inputs)"
    )


def half_up(value: Fraction, places: int) -> str:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return f"{exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"


@given(
    st.integers(min_value=1, max_value=10**6),
    st.integers(min_value=1, max_value=10**6),
    st.integers(min_value=0, max_value=3),
)
def test_a_correct_rate_with_its_counts_always_passes(x: int, y: int, places: int) -> None:
    occupied, beds = min(x, y), max(x, y)
    rate = half_up(Fraction(occupied, beds) * 100, places)
    sentence = f"共有床位{beds:,}张,收治{occupied}人,床位使用率为{rate}%。"
    assert found(sentence) == [("ratio", f"{rate}%", "pass")]


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_a_correct_change_between_two_levels_always_passes(a: int, b: int) -> None:
    change = half_up((Fraction(b, a) - 1) * 100, 1)
    word = "下降" if change.startswith("-") else "增长"
    stated = f"{word}{change.lstrip('-')}%"
    assert found(f"由{a}人变为{b:,}人,{stated}。") == [("change", stated, "pass")]


# ---------------------------------------------------------------- the command and the API


def test_seed_excerpt(invoke: Any) -> None:
    result = invoke(["verify", "--text", str(SEED), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {r["status"] for r in rows} == {"pass", "unverifiable"}
    passed = [r for r in rows if r["status"] == "pass"]
    assert [(r["label"], r["line"]) for r in passed] == [("7020/7654 = 91.72%", 9)]
    unverifiable = {r["stated"] for r in rows if r["status"] == "unverifiable"}
    assert {"99.36%", "66.1%", "1.48%", "1.9%", "翻了两番", "下降14%", "下降40%"} <= unverifiable
    assert {"上升4%", "上升9%", "上升17%", "上升19%"} <= unverifiable
    assert len(rows) == 18
    assert result.stderr == "Note: 17 claim(s) unverifiable: their inputs are not given\n"


@pytest.mark.parametrize(("name", "claims", "fails"), [("zh.txt", 16, 3), ("en.txt", 12, 4)])
def test_test_texts_exit_1_on_a_failure(invoke: Any, name: str, claims: int, fails: int) -> None:
    result = invoke(["verify", "--text", str(TEXT / name), "-f", "csv"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "label,kind,computed,low,high,stated,status,hint,line,sentence"
    assert len(lines) == claims + 1
    assert result.stderr.splitlines()[-1].startswith(
        f"Check failed: {fails} of {claims} claim(s) fail: line "
    )


def test_extract_round_trips(invoke: Any, tmp_path: Path) -> None:
    for name in ("zh.txt", "en.txt", SEED.name):
        out = tmp_path / f"{name}.csv"
        extracted = invoke(["verify", "--text", str(TEXT / name), "--extract", "-o", str(out)])
        assert extracted.exit_code == 0, extracted.stderr
        checked = invoke(["verify", "--text", str(TEXT / name), "-f", "json"])
        again = invoke(["verify", str(out), "-f", "json"])
        assert again.exit_code == checked.exit_code
        first, second = json.loads(checked.stdout), json.loads(again.stdout)
        assert [r["status"] for r in first] == [r["status"] for r in second]
        assert [r["hint"] for r in first] == [r["hint"] for r in second]


def test_stdin_and_usage_errors(invoke: Any) -> None:
    result = invoke(
        ["verify", "--text", "-", "-f", "csv"], input="使用率为91.72%，床位7654张，收治7020人。"
    )
    assert result.exit_code == 0
    assert "7020/7654 = 91.72%" in result.stdout
    for args in (["--extract"], ["--text", str(SEED), "1/2 = 50%"], ["--text", "no-such.txt"]):
        bad = invoke(["verify", *args])
        assert bad.exit_code == 2
        assert bad.stdout == ""
        assert bad.stderr.startswith("Error: ")
    empty = invoke(["verify", "--text", "-", "-f", "csv"], input="Nothing to see.")
    assert empty.exit_code == 0
    assert empty.stderr == "Note: <stdin>: no rates, changes or multiples found\n"


def test_api_gives_what_the_command_line_gives(invoke: Any) -> None:
    result = jdcli.verify(text=TEXT / "en.txt")
    buffer = io.StringIO()
    to_csv(result.frame, buffer, RenderOptions())
    assert (
        buffer.getvalue() == invoke(["verify", "--text", str(TEXT / "en.txt"), "-f", "csv"]).stdout
    )
    assert result.failure is not None and result.failure.startswith("4 of 12")
    assert list(jdcli.verify(text=SEED, extract=True).frame.columns)[:2] == ["label", "kind"]
    with pytest.raises(jdcli.UsageError):
        jdcli.verify(extract=True)


def test_a_gbk_text_reads_as_its_utf8_twin(invoke: Any, tmp_path: Path) -> None:
    text = (TEXT / "zh.txt").read_text(encoding="utf-8")
    gbk = tmp_path / "zh_gbk.txt"
    gbk.write_bytes(text.encode("gb18030"))
    utf8 = invoke(["verify", "--text", str(TEXT / "zh.txt"), "-f", "csv"])
    legacy = invoke(["verify", "--text", str(gbk), "-f", "csv"])
    assert legacy.stdout == utf8.stdout
    assert legacy.exit_code == utf8.exit_code == 1
