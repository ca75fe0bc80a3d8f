"""``jdcli verify`` through the CLI: stdout, stderr and exit code, against golden files."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DATA, assert_golden


def test_inline_pass(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["verify", "7020/7654 = 91.72%", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "label,kind,computed,low,high,stated,status,hint\n"
        "7020/7654 = 91.72%,ratio,91.7167494120721,91.7167494120721,91.7167494120721,"
        "91.72%,pass,\n"
    )
    assert result.stderr == ""


def test_inline_failure_prints_then_exits_1(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["verify", "edge: 2469/20000 = 12.34%", "25 -> 15 = -40%", "-f", "json"])
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert [r["status"] for r in rows] == ["fail", "pass"]
    assert rows[0]["label"] == "edge"
    assert rows[0]["computed"] == 12.345
    assert rows[0]["hint"] == (
        "the inputs give 12.35%; 12.34% needs numerator 2467 to 2468, with denominator 20000; "
        "or denominator 20001 to 20016, with numerator 2469"
    )
    assert result.stderr == "Check failed: 1 of 2 claim(s) fail: edge\n"


@pytest.mark.parametrize(
    "claim",
    ["7020/7654 91.72%", "7020/7654 = ninety", "25 -> 15 = -40", "7020 * 7654 = 91.72%"],
)
def test_grammar_errors_exit_2_with_an_example(invoke, claim: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["verify", claim])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert "'7020/7654 = 91.72%'" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["verify", "no-such-claims.csv"])
    assert result.exit_code == 2
    assert result.stderr == "Error: no-such-claims.csv: no such file\n"


def test_bundled_claims(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["verify", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert_golden("verify_bundled.csv", result.stdout)
    assert result.stderr == "Note: 17 claim(s) unverifiable: their inputs are not given\n"
    lines = result.stdout.splitlines()
    assert lines[1].startswith("床位满员率 2018-05,ratio,91.7167494120721,")
    assert lines[1].endswith(",91.72%,pass,")


def test_bundled_claims_table(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["verify", "-f", "table"])
    assert result.exit_code == 0
    assert_golden("verify_bundled.txt", result.stdout)


def test_file_with_every_kind(invoke, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(DATA)
    result = invoke(["verify", "claims_mixed.csv", "-f", "markdown"])
    assert result.exit_code == 1
    assert_golden("verify_mixed.md", result.stdout)
    assert result.stderr == (
        "Note: 1 claim(s) unverifiable: their inputs are not given\n"
        "Check failed: 2 of 8 claim(s) fail: edge; rounded in the table\n"
    )


def test_chinese_headers(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["verify", str(DATA / "claims_chinese.csv"), "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1].endswith(",91.72%,pass,")


def test_claims_from_stdin(invoke) -> None:  # type: ignore[no-untyped-def]
    text = "label,kind,from,to,stated\nlabs,change,25,15,-41%\n"
    result = invoke(["verify", "-", "-f", "csv"], input=text)
    assert result.exit_code == 1
    assert ",-41%,fail," in result.stdout


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("claims_bad_number.csv", "line 2, column denominator: '7,65O' is not a number"),
        ("claims_bad_kind.csv", "line 2, column kind: 'rate' is not a claim kind"),
        ("claims_bad_stated.csv", "line 2, column stated: 'x4' is not a stated change"),
    ],
)
def test_bad_files_name_line_and_column(invoke, name: str, message: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["verify", str(DATA / name)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr


def test_help_shows_the_grammar(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["verify", "--help"])
    assert result.exit_code == 0
    for example in ("7020/7654 = 91.72%", "25 -> 15 = -40%", "+0.42pp", "x4", "翻两番", "增长两倍"):
        assert example in result.stdout


def test_one_input_given_shows_what_the_claim_implies(invoke) -> None:  # type: ignore[no-untyped-def]
    text = "label,kind,from,to,stated\nlabs,change,,15,下降40%\nshare,change,25,,-40%\n"
    result = invoke(["verify", "-", "-f", "json"], input=text)
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [r["status"] for r in rows] == ["unverifiable", "unverifiable"]
    assert rows[0]["computed"] is None
    assert rows[0]["hint"] == (
        "not given: from; 下降40% with the later value 15 implies the earlier value 25"
    )
    assert (
        rows[1]["hint"]
        == "not given: to; -40% with the earlier value 25 implies the later value 15"
    )


def test_a_forgotten_percent_sign_is_pointed_out(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["verify", "7020/7654 = 91.72", "-f", "json"])
    assert result.exit_code == 1
    hint = json.loads(result.stdout)[0]["hint"]
    assert hint.startswith("as a percentage (91.72%) the claim would pass; the inputs give 0.92")


def test_col_maps_a_header_and_gbk_is_read(invoke, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "claims.csv"
    text = (
        "指标名,类型,分子,分母,发布\n满员率,ratio,7020,7654,91.72%\n满员率2,ratio,7020,7654,91.7%\n"
    )
    path.write_bytes(text.encode("gb18030"))
    result = invoke(
        ["verify", str(path), "--col", "label=指标名", "--col", "stated=发布", "-f", "csv"]
    )
    assert result.exit_code == 0, result.stderr
    rows = result.stdout.splitlines()[1:]
    assert [r.split(",")[0] for r in rows] == ["满员率", "满员率2"]
    assert all(r.endswith(",pass,") for r in rows)
