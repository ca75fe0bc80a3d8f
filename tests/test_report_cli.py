"""``jdcli report``: the bundled report in each format, partial packages, format errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import DATA, assert_golden

PARTIAL = DATA / "package_partial"


def skipped_notes(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Note: ")]


def test_bundled_markdown(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["report", "-f", "markdown"])
    assert result.exit_code == 0, result.stderr
    assert_golden("report_bundled.md", result.stdout)
    assert result.stdout.startswith("# Guangzhou drug-control figures, 2018 report\n")
    assert "| occupancy | bed occupancy" in result.stdout
    assert "## Claims checked" in result.stdout


def test_auto_is_markdown_when_piped(invoke) -> None:  # type: ignore[no-untyped-def]
    piped = invoke(["report"])
    explicit = invoke(["report", "-f", "markdown"])
    assert piped.exit_code == 0
    assert piped.stdout == explicit.stdout


def test_bundled_json_has_a_key_per_section(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["report", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert_golden("report_bundled.json", result.stdout)
    document = json.loads(result.stdout)
    assert {"report", "headline", "occupancy", "trends", "staffing", "verify"} <= set(document)
    occupancy = document["occupancy"]["rows"][0]
    assert occupancy["occupancy_pct"] == 91.7167494120721
    verify = document["verify"]["rows"]
    assert verify[0]["status"] == "pass"


def test_bundled_table(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["report", "-f", "table"])
    assert result.exit_code == 0, result.stderr
    assert_golden("report_bundled.txt", result.stdout)
    assert "Key figures" in result.stdout


def test_partial_package_skips_sections_with_a_note(
    invoke, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(PARTIAL.parent)  # the sources are named as typed: package_partial/…
    result = invoke(["report", PARTIAL.name, "-f", "markdown"])
    assert result.exit_code == 0, result.stderr
    assert_golden("report_partial.md", result.stdout)
    assert skipped_notes(result.stderr) == [
        "Note: Trends skipped: the package assigns no resource to jdcli trends",
        "Note: Staffing skipped: the package assigns no resource to jdcli staffing",
        "Note: Claims checked skipped: the package assigns no resource to jdcli verify",
    ]
    # The headline compares the overall rate with the previous period, in points.
    assert re.search(r"\|\s+97\.27% \|\s+\+6\.36 pp \| ↑ up", result.stdout)


def test_partial_package_json(invoke) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["report", str(PARTIAL), "-f", "json"])
    document = json.loads(result.stdout)
    assert document["verify"] == {
        "title": "Claims checked",
        "skipped": "the package assigns no resource to jdcli verify",
    }
    headline = document["headline"][0]
    assert headline["direction"] == "up"
    assert headline["change"] == pytest.approx(107 / 110 * 100 - 100 / 110 * 100)


def test_missing_command_module_is_skipped(invoke, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from jdcli.analyses import report

    monkeypatch.setattr(report, "BUILDERS", {"occupancy": report.BUILDERS["occupancy"]})
    result = invoke(["report", "-f", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["verify"]["skipped"] == "jdcli verify is not in this version"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl"])
def test_no_csv_form(invoke, fmt: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["report", "-f", fmt])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"Error: a report has no {fmt} form" in result.stderr


def test_help_lists_only_the_formats_a_report_has(invoke) -> None:  # type: ignore[no-untyped-def]
    from jdcli.report_render import REPORT_RENDERERS

    result = invoke(["report", "--help"])
    assert result.exit_code == 0
    offered = re.search(r"--format <([a-z|]+)>", result.stdout)
    assert offered is not None, result.stdout
    choices = offered.group(1).split("|")
    assert choices == ["auto", *(f.value for f in REPORT_RENDERERS)]
    for refused in ("csv", "tsv", "jsonl"):
        assert refused not in choices


def test_output_file_takes_markdown_from_the_extension(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "report.md"
    result = invoke(["report", "-o", str(target)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == invoke(["report", "-f", "markdown"]).stdout


def test_output_csv_extension_is_refused(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["report", "-o", str(tmp_path / "report.csv")])
    assert result.exit_code == 2
    assert not (tmp_path / "report.csv").exists()


@pytest.mark.parametrize("dataset", ["no-such-dataset", "EMPTY"])
def test_unknown_dataset(invoke, tmp_path: Path, dataset: str) -> None:  # type: ignore[no-untyped-def]
    if dataset == "EMPTY":
        dataset = str(tmp_path)  # a folder with no datapackage.json and no table in it
    result = invoke(["report", dataset])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")


def test_bundled_dataset_by_name(invoke) -> None:  # type: ignore[no-untyped-def]
    by_name = invoke(["report", "guangzhou-2018", "-f", "json"])
    default = invoke(["report", "-f", "json"])
    assert by_name.exit_code == 0
    assert by_name.stdout == default.stdout


def test_headline_has_each_series_latest_change(invoke) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(invoke(["report", "-f", "json"]).stdout)
    trends = [row for row in document["headline"] if row["section"] == "trends"]
    labs = next(row for row in trends if row["figure"] == "小型制毒窝点")
    assert (labs["value"], labs["change"], labs["change_unit"]) == (15, -40, "%")
    assert labs["direction"] == "down"
    # A rate changes in points.
    rate = next(row for row in trends if row["figure"] == "本市户籍吸毒人员增速")
    assert rate["change_unit"] == "pp"
    assert rate["change"] == pytest.approx(-2.5)
    assert document["trends"]["rows"]


def test_staffing_section(invoke) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("jdcli.cli.staffing")
    document = json.loads(invoke(["report", "-f", "json"]).stdout)
    assert document["staffing"]["rows"]
    staffing = [row for row in document["headline"] if row["section"] == "staffing"]
    police = next(row for row in staffing if row["change"] is not None)
    assert police["change_unit"] == "pp"
    assert police["change"] == pytest.approx(0.42)
    assert police["direction"] == "up"


def test_staffing_in_another_package(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("jdcli.cli.staffing")
    (tmp_path / "s.csv").write_text(
        "单位名称,年份,工作人员,社区戒毒人员\n白云站,2018,14,330\n花都站,2018,5,150\n",
        encoding="utf-8",
    )
    (tmp_path / "datapackage.json").write_text(
        json.dumps(
            {
                "name": "stations",
                "resources": [{"name": "s", "path": "s.csv", "jdcli": {"command": "staffing"}}],
            }
        ),
        encoding="utf-8",
    )
    result = invoke(["report", str(tmp_path), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    headline = json.loads(result.stdout)["headline"]
    assert [row["figure"] for row in headline] == ["caseload (Total)"]
    assert headline[0]["value"] == pytest.approx(480 / 19)


def test_json_keeps_the_result_tables_show_the_view_for_people(invoke) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(invoke(["report", "-f", "json"]).stdout)
    price = next(r for r in document["trends"]["rows"] if r["multiple"] is not None)
    assert price["multiple"] == 4
    assert "base_value" in document["trends"]["rows"][0]
    markdown = invoke(["report", "-f", "markdown"]).stdout
    trends = markdown.split("## Trends", 1)[1].split("\n## ", 1)[0]
    assert "×4" in trends
    assert "2016: 25" in trends


def copy_bundled(tmp_path: Path, *, views: bool) -> Path:
    import shutil

    from jdcli.datasets import DEFAULT_DATASET, datasets_root

    folder = tmp_path / "copy"
    shutil.copytree(datasets_root() / DEFAULT_DATASET, folder)
    descriptor = folder / "datapackage.json"
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    if not views:
        for resource in package["resources"]:
            resource.get("jdcli", {}).pop("views", None)
    descriptor.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    return folder


def test_copy_of_bundled_package_reports_the_same_staffing(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = copy_bundled(tmp_path, views=True)
    copied = invoke(["report", str(folder), "-f", "json"])
    bundled = invoke(["report", "-f", "json"])
    assert copied.exit_code == 0, copied.stderr
    ours, theirs = json.loads(copied.stdout)["staffing"], json.loads(bundled.stdout)["staffing"]
    assert ours["rows"] == theirs["rows"]
    # A user's package is named by the path typed, a bundled one by its name.
    assert ours["definition"] == theirs["definition"].replace(
        "guangzhou-2018/staffing.csv (bundled)", str(folder / "staffing.csv")
    )


def test_damaged_file_in_a_package_is_named_by_the_path_typed(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = copy_bundled(tmp_path, views=True)
    (folder / "rehab_centres.csv").write_text("centre,capacity,occupied\nA,abc,3\n")
    result = invoke(["report", str(folder), "-f", "json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {folder / 'rehab_centres.csv'} line 2, column capacity: 'abc' is not a number\n"
    )


def test_section_needing_a_choice_is_skipped_with_the_reason(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = invoke(["report", str(copy_bundled(tmp_path, views=False)), "-f", "markdown"])
    assert result.exit_code == 0
    assert "_Skipped: needs a choice:" in result.stdout
    assert "## Occupancy" in result.stdout
    assert "Staffing skipped: needs a choice:" in result.stderr
    assert "choose one with --base" in result.stderr


def test_package_with_nothing_to_report_is_an_input_error(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "unassigned"
    folder.mkdir()
    (folder / "census.csv").write_text(
        (PARTIAL / "census.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    package = json.loads((PARTIAL / "datapackage.json").read_text(encoding="utf-8"))
    del package["resources"][0]["jdcli"]
    (folder / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    result = invoke(["report", str(folder), "-f", "markdown"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: {folder}: nothing to report (Occupancy: the package assigns no resource to "
        "jdcli occupancy; Trends: the package assigns no resource to jdcli trends; Staffing: "
        "the package assigns no resource to jdcli staffing; Claims checked: the package "
        "assigns no resource to jdcli verify)\n"
    )


def _plain_folder(tmp_path: Path) -> Path:
    """A folder of plain CSV files (no datapackage.json), one per command."""
    import shutil

    folder = tmp_path / "mine"
    folder.mkdir()
    for name in ("beds_zh.csv", "trends_zh.csv", "claims_chinese.csv", "staffing_stations.csv"):
        shutil.copy(DATA / name, folder / name)
    (folder / "readme.txt").write_text("not a table at all\n", encoding="utf-8")
    return folder


def test_report_of_a_folder_without_datapackage(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = _plain_folder(tmp_path)
    result = invoke(["report", str(folder), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    for key in ("occupancy", "trends", "staffing", "verify"):
        assert "rows" in document[key], key
    notes = result.stderr
    assert (
        f"Note: {folder / 'beds_zh.csv'}: read by jdcli occupancy (beds: 床位数, 在所人数)" in notes
    )
    assert f"{folder / 'claims_chinese.csv'}: read by jdcli verify" in notes
    assert f"{folder / 'staffing_stations.csv'}: read by jdcli staffing" in notes
    assert f"{folder / 'trends_zh.csv'}: read by jdcli trends (series over 年份)" in notes
    assert f"{folder / 'readme.txt'}: not used" in notes
    # The same figures as the command on the file.
    alone = invoke(["occupancy", str(folder / "beds_zh.csv"), "-f", "json"])
    assert document["occupancy"]["rows"] == json.loads(alone.stdout)


def test_report_of_files(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = _plain_folder(tmp_path)
    result = invoke(
        ["report", str(folder / "beds_zh.csv"), str(folder / "trends_zh.csv"), "-f", "json"]
    )
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert "rows" in document["occupancy"] and "rows" in document["trends"]
    assert "skipped" in document["staffing"]
    missing = invoke(["report", str(folder / "nope.csv")])
    assert missing.exit_code == 2
    assert "nope.csv: no such folder" in missing.stderr
    among = invoke(["report", str(folder / "beds_zh.csv"), str(folder / "nope.csv")])
    assert among.exit_code == 2
    assert "nope.csv: no such file or folder" in among.stderr


def test_report_init_writes_the_inferred_datapackage(invoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = _plain_folder(tmp_path)
    result = invoke(["report", "--init", str(folder)])
    assert result.exit_code == 0, result.stderr
    written = folder / "datapackage.json"
    assert result.stdout.strip() == str(written)
    package = json.loads(written.read_text(encoding="utf-8"))
    commands = {r["path"]: r["jdcli"]["command"] for r in package["resources"]}
    assert commands == {
        "beds_zh.csv": "occupancy",
        "claims_chinese.csv": "verify",
        "staffing_stations.csv": "staffing",
        "trends_zh.csv": "trends",
    }
    trends = next(r for r in package["resources"] if r["jdcli"]["command"] == "trends")
    assert any(f.get("polarity") == "" for f in trends["schema"]["fields"])
    # The written package gives the same report, and --init never writes over it.
    again = invoke(["report", str(folder), "-f", "json"])
    assert again.exit_code == 0
    assert "read by jdcli" not in again.stderr
    twice = invoke(["report", "--init", str(folder)])
    assert twice.exit_code == 2
    assert "already exists" in twice.stderr


def test_report_api_takes_files(tmp_path: Path) -> None:
    import jdcli

    folder = _plain_folder(tmp_path)
    result = jdcli.report([folder / "beds_zh.csv"])
    assert [s.title for s in result.sections] == ["Occupancy"]
    assert any("read by jdcli occupancy" in str(n) for n in result.notes)
