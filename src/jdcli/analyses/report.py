"""``report``: one sectioned report of a dataset package, built from each command's analysis.

Each section runs on the resource the package assigns to its command (``"jdcli": {"command":
...}`` in datapackage.json); a section without one is skipped with a note, a section that
needs a choice the report cannot make is skipped with the reason, and a package with no
section to show is an input error.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jdcli.errors import InputError, UsageError
from jdcli.notes import note
from jdcli.result import Result

if TYPE_CHECKING:
    import pandas as pd

    from jdcli.analyses.package_inference import Assignment
    from jdcli.datasets import Resource
    from jdcli.report_model import Report, Section

#: The sections, in order: the command whose resource feeds it, and its heading.
SECTIONS = (
    ("occupancy", "Occupancy"),
    ("trends", "Trends"),
    ("staffing", "Staffing"),
    ("verify", "Claims checked"),
)


@dataclass(frozen=True)
class ReportResult(Result):
    """A report as a result: ``frame`` and ``key_figures`` are the key figures panel,
    ``sections`` one result per section shown; ``report`` the whole structure the report
    renderers write, and ``inputs`` the files it read (an output must not overwrite one)."""

    report: Report | None = None
    inputs: tuple[Path, ...] = ()


def run(
    dataset: str | Path | Sequence[str | Path] | None = None, *, decimals: int = 2
) -> ReportResult:
    """The report of ``dataset``: a folder with datapackage.json, the name of a bundled
    package, None for the bundled guangzhou-2018, or a folder without datapackage.json or
    one or more files (each assigned to the command whose columns it fits, with a note
    saying which). Skipped sections are noted."""
    if dataset is not None and not isinstance(dataset, str | Path):
        names = [str(d) for d in dataset]
        if len(names) != 1:
            return _run_inferred(inferred_package(names), decimals)
        dataset = names[0]  # one name: a package, a bundled dataset, a folder or a file
    if dataset is not None and (Path(dataset).is_file() or _plain_folder(Path(dataset))):
        return _run_inferred(inferred_package([str(dataset)]), decimals)
    folder, bundled = resolve_package(None if dataset is None else str(dataset))
    return _finished(folder, build_report(folder, bundled=bundled, decimals=decimals), decimals)


def write_descriptor(names: Sequence[str]) -> Path:
    """``jdcli report --init FOLDER``: write FOLDER/datapackage.json as inferred from its
    files (never over an existing one); the path written. Each file's command is noted."""
    import json

    if len(names) != 1 or not Path(names[0]).is_dir():
        raise UsageError("--init takes one FOLDER (its CSV and TSV files are described)")
    target = Path(names[0]) / "datapackage.json"
    if target.exists():
        raise UsageError(f"{target}: already exists; edit it, or remove it to infer it again")
    package = inferred_package(names)
    for item in package.assignments:
        if item.command is None:
            note(f"{item.path}: left out ({item.reason})")
        else:
            note(f"{item.path}: jdcli {item.command} ({item.reason})")
    if not package.descriptor["resources"]:
        raise InputError(f"{names[0]}: no file fits a command; nothing to describe")
    text = json.dumps(package.descriptor, ensure_ascii=False, indent=2) + "\n"
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{target}: cannot write ({exc.strerror or exc})") from None
    return target


def _plain_folder(path: Path) -> bool:
    return path.is_dir() and not (path / "datapackage.json").is_file()


@dataclass(frozen=True)
class Inferred:
    """A package inferred from plain files: its folder, descriptor and assignments."""

    folder: Path
    descriptor: dict[str, Any]
    assignments: list[Assignment]


def inferred_package(names: Sequence[str]) -> Inferred:
    """The package of a folder without datapackage.json (its CSV/TSV files), or of files."""
    from jdcli.analyses.package_inference import infer, table_files

    paths: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            if len(names) > 1:
                raise UsageError(f"{name}: give one folder, or files")
            paths += table_files(path)
        elif path.is_file():
            paths.append(path)
        else:
            raise UsageError(f"{name}: no such file or folder")
    single = len(names) == 1 and Path(names[0]).is_dir()
    folder = Path(names[0]) if single else Path(".")
    title = (folder.resolve().name if single else Path(names[0]).stem) or "data"
    descriptor, assignments = infer(paths, folder, title)
    return Inferred(folder, descriptor, assignments)


def _run_inferred(package: Inferred, decimals: int) -> ReportResult:
    """Note each file's command, then the report of the inferred package."""
    first: dict[str, Path] = {}
    for item in package.assignments:
        if item.command is None:
            note(f"{item.path}: not used ({item.reason})")
        elif item.command in first:
            # A report has one section per command: the first file fitting it feeds it.
            note(
                f"{item.path}: fits jdcli {item.command} too, but {first[item.command]} feeds "
                "that section (report one at a time, or run the command on it)"
            )
        else:
            first[item.command] = item.path
            note(f"{item.path}: read by jdcli {item.command} ({item.reason})")
    built = build_report(
        package.folder, bundled=False, decimals=decimals, package=package.descriptor
    )
    return _finished(package.folder, built, decimals, package.descriptor)


def _finished(
    folder: Path, built: Report, decimals: int, package: dict[str, Any] | None = None
) -> ReportResult:
    """The report as a result, skipped sections noted."""
    for section in built.sections:
        if section.frame is None:
            note(f"{section.title} skipped: {section.skipped}")
    shown = tuple(
        Result(
            section.frame, title=section.title, caption=section.caption, decimals=section.decimals
        )
        for section in built.sections
        if section.frame is not None
    )
    return ReportResult(
        built.headline,
        title=built.title,
        caption=f"Dataset {built.dataset}. Source: {built.source}",
        decimals=decimals,
        sections=shown,
        key_figures=built.headline,
        report=built,
        inputs=tuple(p for p in package_files(folder, package) if p is not None),
    )


def package_files(folder: Path, package: dict[str, Any] | None = None) -> list[Path | None]:
    """The files a report reads (datapackage.json and every resource): -o must not hit them."""
    from jdcli.datasets import resources

    found = resources(folder, package)
    return [folder / "datapackage.json", *(resource.path for resource in found)]


def resolve_package(dataset: str | None) -> tuple[Path, bool]:
    """The package folder, and whether it is a bundled one."""
    from jdcli.datasets import DEFAULT_DATASET, bundled_packages, datasets_root

    if dataset is None:
        return datasets_root() / DEFAULT_DATASET, True
    path = Path(dataset)
    if path.is_dir():
        if not (path / "datapackage.json").is_file():
            raise UsageError(f"{dataset}: no datapackage.json in this folder")
        return path, False
    bundled = {p.name: p for p in bundled_packages()}
    if dataset in bundled:
        return bundled[dataset], True
    raise UsageError(
        f"{dataset}: no such folder and no bundled dataset of that name "
        f"(bundled: {', '.join(sorted(bundled))})"
    )


# ---------------------------------------------------------------- building the report

SectionBuilder = Callable[["Resource", str, int], tuple["Section", "pd.DataFrame"]]


def build_report(
    folder: Path, *, bundled: bool, decimals: int, package: dict[str, Any] | None = None
) -> Report:
    """Every section of the package in ``folder`` (its datapackage.json, or ``package``, an
    inferred one) and the headline of their key figures."""
    import pandas as pd

    from jdcli.datasets import package_source, read_package, resources
    from jdcli.report_model import HEADLINE_COLUMNS, Report, Section

    inferred = package is not None
    package = read_package(folder) if package is None else package
    found = resources(folder, package)
    sections = []
    figures = []
    for key, title in SECTIONS:
        resource = next((r for r in found if r.command == key), None)
        if resource is None:
            sections.append(
                Section(
                    key, title, None, "", skipped=f"the package assigns no resource to jdcli {key}"
                )
            )
            continue
        if importlib.util.find_spec(f"jdcli.analyses.{key}") is None or key not in BUILDERS:
            sections.append(
                Section(key, title, None, "", skipped=f"jdcli {key} is not in this version")
            )
            continue
        # A user's package is named by the path they typed, so a message leads to the file.
        label = resource.label if bundled else str(resource.path)
        try:
            section, headline = BUILDERS[key](resource, label, decimals)
        except UsageError as exc:
            # A section needing a choice the report cannot make (which base column, say) is
            # skipped with the reason; damaged data (an InputError) still stops the report.
            sections.append(Section(key, title, None, "", skipped=f"needs a choice: {exc}"))
            continue
        sections.append(section)
        figures.append(headline)
    if not figures:
        # A report of nothing is not a report: say why each section could not be built.
        reasons = "; ".join(f"{section.title}: {section.skipped}" for section in sections)
        name = folder.name if bundled else str(folder)
        raise InputError(f"{name}: nothing to report ({reasons})")
    headline = (
        pd.concat(figures, ignore_index=True)
        if figures
        else pd.DataFrame(columns=list(HEADLINE_COLUMNS))
    )
    return Report(
        title=str(package.get("title") or package.get("name") or folder.name),
        dataset=str(package.get("name", folder.name)),
        source=(
            "the files named above (no datapackage.json)"
            if inferred
            else package_source(folder) or "not stated"
        ),
        headline=headline[list(HEADLINE_COLUMNS)],
        sections=tuple(sections),
    )


def headline_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Headline rows with every column, numbers as ``Float64``."""
    import pandas as pd

    from jdcli.report_model import HEADLINE_COLUMNS

    frame = pd.DataFrame(rows, columns=list(HEADLINE_COLUMNS))
    return frame.astype({"value": "Float64", "change": "Float64"})


def direction(change: object) -> str:
    """``up``, ``down`` or ``flat`` from a change; empty when there is none."""
    import pandas as pd

    value: pd.Series = pd.Series([change], dtype="Float64")
    if bool(value.isna().iloc[0]):
        return ""
    number = float(value.iloc[0])
    return "up" if number > 0 else "down" if number < 0 else "flat"


def occupancy_section(
    resource: Resource, label: str, decimals: int
) -> tuple[Section, pd.DataFrame]:
    """The occupancy table (by facility, with the total row) and its overall rate."""
    from jdcli.analyses.occupancy import caption, compute, parse_bands
    from jdcli.loading import load
    from jdcli.loading.schemas import OCCUPANCY
    from jdcli.metrics.occupancy import TOTAL
    from jdcli.report_model import Section

    bands = "85,92,100"
    loaded = load(resource.path, OCCUPANCY, name=label)
    frame = compute(loaded, [], None, None, parse_bands(bands), True, False)
    section = Section("occupancy", "Occupancy", frame, caption(loaded, bands), decimals)
    # The overall figure per period: the total row, or the only row when there is one group.
    keys = [c for c in ("facility", "region") if c in frame.columns]
    overall = frame.loc[frame[keys[0]].eq(TOTAL)] if keys else frame
    if overall.empty and len(frame) >= 1:
        overall = frame if "period" in frame.columns else frame.tail(1)
    if "period" in overall.columns:
        overall = overall.drop_duplicates("period", keep="last")
    rows = []
    if not overall.empty:
        latest = overall.iloc[-1]
        period = str(latest["period"]) if "period" in overall.columns else ""
        change: object = None
        note_text = f"band {latest['band']}" if "band" in overall.columns else ""
        if len(overall) > 1:
            previous = overall.iloc[-2]
            change, compared = _comparable_change(frame, keys, previous, latest)
            note_text += f"; change vs {previous['period']}{compared}"
        rows.append(
            {
                "section": "occupancy",
                "figure": "bed occupancy",
                "period": period,
                "value": latest["occupancy_pct"],
                "unit": "%",
                "change": change,
                "change_unit": "pp",
                "direction": direction(change),
                "note": note_text,
            }
        )
    return section, headline_frame(rows)


def _comparable_change(
    frame: pd.DataFrame, keys: list[str], previous: pd.Series, latest: pd.Series
) -> tuple[object, str]:
    """The change in points between two periods' overall rates, over the units present in
    both when their sets differ (and what was compared), never across different sets."""
    import pandas as pd

    from jdcli.metrics.occupancy import TOTAL, occupancy_pct

    cap, occ = (
        ("capacity", "occupied") if "capacity" in frame else ("capacity_days", "occupied_days")
    )
    before, after = float(previous["occupancy_pct"]), float(latest["occupancy_pct"])
    if not keys or "period" not in frame.columns:
        return after - before, ""
    key = keys[0]
    units = frame.loc[~frame[key].eq(TOTAL) & ~frame[key].astype("str").str.endswith(")")]
    if "flag" in units.columns:
        units = units.loc[units["flag"].isna()]
    old = units.loc[units["period"].eq(previous["period"])]
    new = units.loc[units["period"].eq(latest["period"])]
    both = set(old[key]) & set(new[key])
    if both == set(old[key]) == set(new[key]):
        return after - before, ""
    if not both:
        return None, " (no unit reported in both: coverage differs, no change shown)"
    rates = []
    for rows in (old, new):
        common = rows.loc[rows[key].isin(both)]
        rate = occupancy_pct(
            pd.Series([common[cap].sum(min_count=1)], dtype="Float64"),
            pd.Series([common[occ].sum(min_count=1)], dtype="Float64"),
        ).iloc[0]
        rates.append(rate)
    if any(pd.isna(r) for r in rates):
        return None, " (coverage differs, no change shown)"
    gone = sorted((set(old[key]) | set(new[key])) - both)
    return float(rates[1]) - float(rates[0]), (
        f" over the {len(both)} unit(s) reported in both (coverage differs: "
        f"{', '.join(map(str, gone[:5]))}{' …' if len(gone) > 5 else ''} in one only)"
    )


def verify_section(resource: Resource, label: str, decimals: int) -> tuple[Section, pd.DataFrame]:
    """The claims table and how many claims pass, fail or cannot be checked."""
    from jdcli.analyses.verify import caption, compute
    from jdcli.loading import load
    from jdcli.loading.claims import claims_from_file
    from jdcli.loading.schemas import CLAIMS
    from jdcli.report_model import Section

    loaded = load(resource.path, CLAIMS, name=label)
    frame = compute(claims_from_file(loaded))
    section = Section("verify", "Claims checked", frame, caption(loaded.name), decimals + 2)
    counts = frame["status"].value_counts()
    passed, failed = int(counts.get("pass", 0)), int(counts.get("fail", 0))
    unverifiable = int(counts.get("unverifiable", 0))
    failing = frame.loc[frame["status"].eq("fail"), "label"].tolist()
    rows: list[dict[str, object]] = [
        {
            "section": "verify",
            "figure": "claims that follow from their inputs",
            "period": "",
            "value": passed,
            "unit": f"of {len(frame)}",
            "change": None,
            "change_unit": "",
            "direction": "",
            "note": f"{failed} fail, {unverifiable} cannot be checked (inputs not given)"
            + (f"; failing: {'; '.join(failing[:3])}" if failing else ""),
        }
    ]
    return section, headline_frame(rows)


def trends_section(resource: Resource, label: str, decimals: int) -> tuple[Section, pd.DataFrame]:
    """The trends table (as ``jdcli trends`` shows it) and each series' latest change."""
    from jdcli.analyses.trends import caption, compute, metric_polarity
    from jdcli.analyses.trends_views import human_view
    from jdcli.loading import load
    from jdcli.loading.schemas import TRENDS
    from jdcli.report_model import Section

    loaded = load(resource.path, TRENDS, name=label)
    result = compute(loaded, by=[])
    for message in result.notes:
        note(message)
    section = Section(
        "trends",
        "Trends",
        result.frame,
        caption(loaded, "yoy", False, result.frame),
        decimals,
        people=human_view(result.frame, decimals),
        polarity=metric_polarity(loaded),
    )
    changed = result.frame.loc[result.frame["change"].notna()]
    latest = changed.drop_duplicates([*result.keys, "unit"], keep="last")
    rows = []
    for index, row in latest.iterrows():
        # A rate changes in points; anything else in percent.
        is_rate = bool(result.rate.get(index, False))
        change = row["change_pp"] if is_rate else row["change_pct"]
        rows.append(
            {
                "section": "trends",
                "figure": str(row.get("metric", "value")),
                "period": str(row["period"]),
                "value": row["value"],
                "unit": "" if _missing(row["unit"]) else row["unit"],
                "change": change,
                "change_unit": "pp" if is_rate else "%",
                "direction": direction(change),
                "note": f"同比 vs {row['base_period']}"
                + ("" if _missing(row["flag"]) or not row["flag"] else f"; {row['flag']}"),
            }
        )
    return section, headline_frame(rows)


def staffing_section(resource: Resource, label: str, decimals: int) -> tuple[Section, pd.DataFrame]:
    """Staffing ratios (the package's declared views, or the command's defaults), and
    each ratio with its change where one is given."""
    from jdcli.analyses.staffing import compute
    from jdcli.analyses.staffing_spec import caption, for_people, resolve_spec, schema
    from jdcli.analyses.staffing_views import bundled_view
    from jdcli.loading import load
    from jdcli.report_model import Section

    if resource.meta.get("jdcli", {}).get("views"):
        # The package declares which ratios to show (as the bundled one does).
        frame, _, text = bundled_view(resource=resource, label=label)
    else:
        loaded = load(resource.path, schema(), name=label)
        spec = resolve_spec(loaded, None, None, None, None)
        frame = compute(loaded, spec, [])
        text = caption(loaded, spec, None)
    people = for_people(frame, decimals)
    section = Section("staffing", "Staffing", frame, text, decimals, people=people)
    return section, staffing_headline(frame)


def staffing_headline(frame: pd.DataFrame) -> pd.DataFrame:
    """One headline row per ratio row: the ratio, and its change in points or percent."""
    names = [str(c) for c in frame.columns]
    ratios = [
        c
        for c in names
        if (c in ("share_pct", "caseload") or c.startswith("per_")) and "change" not in c
    ]
    changes = [c for c in names if "change" in c and c.endswith(("_pp", "_pct"))]
    keys = [c for c in ("measure", "unit", "region", "facility") if c in names]
    shown = frame
    if "measure" not in names and len(frame):
        # A table per unit: the latest period's overall row (Σ/Σ) when there is one.
        if "period" in names:
            shown = shown.loc[shown["period"].eq(shown["period"].iloc[-1])]
        totals = shown.loc[shown[keys[0]].eq("Total")] if keys else shown.iloc[0:0]
        shown = totals if len(totals) else shown
    rows = []
    for _, row in shown.iterrows():
        ratio = next((c for c in ratios if not _missing(row[c])), None)
        if ratio is None:
            continue
        change = next((c for c in changes if not _missing(row[c])), None)
        figure = " ".join(str(row[k]) for k in keys if not _missing(row[k]))
        if "measure" not in names:
            figure = f"{ratio} ({figure})" if figure else ratio
        rows.append(
            {
                "section": "staffing",
                "figure": figure,
                "period": "" if "period" not in names or _missing(row["period"]) else row["period"],
                "value": row[ratio],
                "unit": _ratio_unit(ratio),
                "change": None if change is None else row[change],
                "change_unit": "" if change is None else ("pp" if change.endswith("_pp") else "%"),
                "direction": "" if change is None else direction(row[change]),
                "note": "",
            }
        )
    return headline_frame(rows)


def _ratio_unit(column: str) -> str:
    """``share_pct`` → ``%``; ``per_1000`` → ``per 1,000``; ``per_1`` and ``caseload`` → none."""
    if column.endswith("_pct"):
        return "%"
    n = column.removeprefix("per_")
    return f"per {int(n):,}" if column.startswith("per_") and n.isdigit() and n != "1" else ""


def _missing(value: object) -> bool:
    import pandas as pd

    missing: Any = value
    return missing is None or bool(pd.isna(missing))


BUILDERS: dict[str, SectionBuilder] = {
    "occupancy": occupancy_section,
    "trends": trends_section,
    "staffing": staffing_section,
    "verify": verify_section,
}
