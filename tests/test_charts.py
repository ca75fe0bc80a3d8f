"""``--chart PATH`` on trends, occupancy and staffing: valid SVG, PNG and HTML files, text kept
as text, gaps never bridged, markup escaped, and a clear error for a PNG with no CJK font."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jdcli.cli import app

DATA = Path(__file__).parent / "data"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"

runner = CliRunner()

COMMANDS = [
    ("trends", []),
    ("trends", [str(DATA / "trends_gap.csv"), "--by", "region"]),
    ("occupancy", []),
    ("occupancy", [str(DATA / "beds.csv"), "--by", "region"]),
    ("occupancy", [str(DATA / "census_daily.csv"), "--freq", "month"]),
    ("staffing", []),
    ("staffing", [str(DATA / "staffing_stations.csv"), "--target", "30"]),
]


def has_cjk_font() -> bool:
    from jdcli.charts.base import font_candidates

    return bool(font_candidates())


def run(args: list[str]) -> tuple[int, str, str]:
    result = runner.invoke(app, args)
    return result.exit_code, result.stdout, result.stderr


def svg_texts(path: Path) -> str:
    root = ET.parse(path).getroot()
    return " ".join("".join(node.itertext()) for node in root.iter(f"{SVG}text"))


@pytest.mark.parametrize(("command", "args"), COMMANDS)
def test_svg_is_valid_and_stdout_still_carries_the_data(
    tmp_path: Path, command: str, args: list[str]
) -> None:
    chart = tmp_path / "chart.svg"
    code, stdout, _ = run([command, *args, "-f", "csv", "--chart", str(chart)])
    assert code == 0
    assert stdout.count("\n") >= 2  # the CSV, as without --chart
    root = ET.parse(chart).getroot()
    assert root.tag == f"{SVG}svg"
    assert svg_texts(chart).strip()  # text is text, not paths
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, nothing left behind


@pytest.mark.parametrize(("command", "args"), COMMANDS)
def test_html_is_one_self_contained_page(tmp_path: Path, command: str, args: list[str]) -> None:
    chart = tmp_path / "chart.html"
    code, _, _ = run([command, *args, "-f", "csv", "--chart", str(chart)])
    assert code == 0
    text = chart.read_text(encoding="utf-8")
    HTMLParser().feed(text)
    assert "<svg" in text and "<script" not in text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)


@pytest.mark.parametrize(("command", "args"), COMMANDS)
def test_png_is_valid_or_a_clear_error_without_a_cjk_font(
    tmp_path: Path, command: str, args: list[str]
) -> None:
    chart = tmp_path / "chart.png"
    code, _, stderr = run([command, *args, "-f", "csv", "--chart", str(chart)])
    if has_cjk_font():
        assert code == 0, stderr
        assert chart.read_bytes().startswith(PNG_MAGIC)
    else:  # every bundled chart has Chinese text
        assert code == 2
        assert not chart.exists()


def test_trends_svg_names_every_series_as_text_cjk_included(tmp_path: Path) -> None:
    chart = tmp_path / "trends.svg"
    code, _, _ = run(["trends", "-f", "csv", "--chart", str(chart)])
    assert code == 0
    texts = svg_texts(chart)
    for name in ("毒情体量", "小型制毒窝点", "新发现吸毒人员", "本市户籍吸毒人员增速",
                 "经广州流出毒品数量", "50克以上缴毒案件指向广州"):  # fmt: skip
        assert name in texts
    # chained and derived levels told apart from stated ones, in a legend
    assert "chained index" in texts and "derived level" in texts and "stated level" in texts
    assert "font-family: 'Microsoft YaHei', 'PingFang SC', 'Noto Sans CJK SC'" in (
        chart.read_text(encoding="utf-8")
    )


def test_a_gap_year_breaks_the_line_into_two_runs(tmp_path: Path) -> None:
    chart = tmp_path / "gap.svg"
    code, _, _ = run(
        ["trends", str(DATA / "trends_gap.csv"), "--by", "region", "-f", "csv", "--chart",
         str(chart)]
    )  # fmt: skip
    assert code == 0
    ids = re.findall(r'id="(s\d+)-run(\d+)-\d+"', chart.read_text(encoding="utf-8"))
    runs: dict[str, set[str]] = {}
    for series, number in ids:
        runs.setdefault(series, set()).add(number)
    # 北区 Admissions: 2015-2016, then 2018-2019 (2017 missing): two runs, never bridged
    assert sorted(len(r) for r in runs.values()) == [1, 1, 2]
    segments = [i for i in ids if i[0] == next(s for s, r in runs.items() if len(r) == 2)]
    assert len(segments) == 2  # one segment per run of two periods, nothing across the gap


def test_markup_in_a_label_is_escaped(tmp_path: Path) -> None:
    for suffix in ("svg", "html"):
        chart = tmp_path / f"gap.{suffix}"
        code, _, _ = run(
            ["trends", str(DATA / "trends_gap.csv"), "--by", "region", "-f", "csv",
             "--chart", str(chart)]
        )  # fmt: skip
        assert code == 0
        text = chart.read_text(encoding="utf-8")
        assert "<b>South" not in text
        assert "&lt;b&gt;South&lt;/b&gt;" in text


def test_png_of_cjk_text_without_a_font_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jdcli.charts.base as base

    monkeypatch.setattr(base, "font_candidates", lambda: [])
    chart = tmp_path / "trends.png"
    code, stdout, stderr = run(["trends", "-f", "csv", "--chart", str(chart)])
    assert code == 2
    assert stdout == ""  # nothing written: neither the data nor the chart
    assert not chart.exists()
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert "Microsoft YaHei" in lines[0] and "Noto Sans CJK SC" in lines[0]
    assert ".svg or .html" in lines[0]


def test_png_of_ascii_text_needs_no_cjk_font(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jdcli.charts.base as base

    monkeypatch.setattr(base, "font_candidates", lambda: [])
    chart = tmp_path / "beds.png"
    code, _, stderr = run(["occupancy", str(DATA / "beds.csv"), "-f", "csv", "--chart", str(chart)])
    assert code == 0, stderr
    assert chart.read_bytes().startswith(PNG_MAGIC)


def test_font_option_names_a_file(tmp_path: Path) -> None:
    chart = tmp_path / "beds.png"
    code, _, stderr = run(
        ["occupancy", str(DATA / "beds.csv"), "--chart", str(chart), "--font",
         str(tmp_path / "none.ttf")]
    )  # fmt: skip
    assert code == 2 and "--font" in stderr and "no such font file" in stderr
    assert not chart.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [("chart.jpg", "use .svg, .png or .html"), ("missing/chart.svg", "does not exist")],
)
def test_a_bad_chart_path_fails_before_any_work(tmp_path: Path, name: str, message: str) -> None:
    code, stdout, stderr = run(["occupancy", "-f", "csv", "--chart", str(tmp_path / name)])
    assert code == 2 and stdout == ""
    assert message in stderr


def test_chart_refuses_to_overwrite_the_input(tmp_path: Path) -> None:
    source = tmp_path / "beds.svg"
    source.write_text((DATA / "beds.csv").read_text(encoding="utf-8"), encoding="utf-8")
    code, _, stderr = run(["occupancy", str(source), "-f", "csv", "--chart", str(source)])
    assert code == 2 and "refusing to overwrite" in stderr


def test_staffing_parts_mode_has_no_chart(tmp_path: Path) -> None:
    chart = tmp_path / "parts.svg"
    code, _, stderr = run(
        ["staffing", str(DATA / "staffing_police.csv"), "--parts", "民警", "--total", "总警力",
         "-f", "csv", "--chart", str(chart)]
    )  # fmt: skip
    assert code == 2 and "ratio" in stderr
    assert not chart.exists()


def test_occupancy_over_full_is_drawn_past_the_full_line(tmp_path: Path) -> None:
    chart = tmp_path / "census.svg"
    code, _, _ = run(
        ["occupancy", str(DATA / "census_daily.csv"), "--freq", "month", "-f", "csv", "--chart",
         str(chart)]
    )  # fmt: skip
    assert code == 0
    texts = svg_texts(chart)
    assert "101%" in texts and "full 100%" in texts and "high 85%" in texts


def test_staffing_marks_shortfalls_and_the_target(tmp_path: Path) -> None:
    chart = tmp_path / "staffing.svg"
    code, _, _ = run(
        ["staffing", str(DATA / "staffing_stations.csv"), "--target", "30", "-f", "csv",
         "--chart", str(chart)]
    )  # fmt: skip
    assert code == 0
    texts = svg_texts(chart)
    assert "target ≤ 30 : 1" in texts and "short by 25" in texts and "花都站 2017" in texts


def test_staffing_shows_the_before_value_of_a_pair(tmp_path: Path) -> None:
    chart = tmp_path / "staffing.svg"
    code, _, _ = run(["staffing", "-f", "csv", "--chart", str(chart)])
    assert code == 0
    texts = svg_texts(chart)
    assert "before 1.48%" in texts and "1.90%" in texts and "33.01%" in texts


def test_no_matplotlib_without_a_chart() -> None:
    script = (
        "import sys\nfrom jdcli.cli import app\n"
        "try:\n    app(['occupancy', '-f', 'csv'], prog_name='jdcli')\n"
        "except SystemExit:\n    pass\n"
        "print('matplotlib' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_library_save_chart(tmp_path: Path) -> None:
    import jdcli
    from jdcli.charts import save_chart

    result = jdcli.occupancy(str(DATA / "beds.csv"))
    save_chart("occupancy", result, tmp_path / "beds.svg")
    assert ET.parse(tmp_path / "beds.svg").getroot().tag == f"{SVG}svg"


def test_many_series_become_capped_small_multiples(tmp_path: Path) -> None:
    source = tmp_path / "many.csv"
    rows = ["metric,period,value"]
    for number in range(15):
        rows += [f"指标{number:02d},{year},{10 + number + year % 3}" for year in (2016, 2017, 2018)]
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    chart = tmp_path / "many.svg"
    code, _, stderr = run(["trends", str(source), "-f", "csv", "--chart", str(chart)])
    assert code == 0, stderr
    texts = svg_texts(chart)
    assert "Showing 12 of 15 series" in texts
    assert "指标00" in texts and "指标11" in texts and "指标12" not in texts


def test_occupancy_with_many_periods_is_a_line_per_group(tmp_path: Path) -> None:
    source = tmp_path / "census.csv"
    rows = ["facility,date,capacity,occupied"]
    for month in (1, 2, 3, 5, 6, 7):  # April missing: a break in the lines
        rows += [
            f"第一所,2018-{month:02d}-01,100,{80 + month}",
            f"第二所,2018-{month:02d}-01,50,52",
        ]
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    chart = tmp_path / "census.svg"
    code, _, stderr = run(
        ["occupancy", str(source), "--freq", "month", "-f", "csv", "--chart", str(chart)]
    )
    assert code == 0, stderr
    text = chart.read_text(encoding="utf-8")
    assert "第一所" in svg_texts(chart) and "full 100%" in svg_texts(chart)
    # each group's line breaks at the missing month: two runs
    assert {"g0-run0", "g0-run1"} <= set(re.findall(r'id="(g0-run\d+)"', text))


def test_library_save_chart_leaves_matplotlib_settings_alone(tmp_path: Path) -> None:
    import matplotlib

    import jdcli
    from jdcli.charts import save_chart

    before = dict(matplotlib.rcParams)
    save_chart("occupancy", jdcli.occupancy(str(DATA / "beds.csv")), tmp_path / "beds.png")
    assert dict(matplotlib.rcParams) == before
