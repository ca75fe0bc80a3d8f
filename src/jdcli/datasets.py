"""The bundled datasets: where they are (in the wheel or the source tree) and their metadata."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jdcli.errors import UsageError

DEFAULT_DATASET = "guangzhou-2018"


def datasets_root() -> Path:
    """The folder holding one sub-folder per bundled dataset package."""
    installed = Path(__file__).resolve().parent / "_datasets"
    if installed.is_dir():
        return installed
    source_tree = Path(__file__).resolve().parents[2] / "datasets"
    if source_tree.is_dir():
        return source_tree
    raise UsageError("the bundled datasets are missing from this installation")  # pragma: no cover


@dataclass(frozen=True)
class Resource:
    """One table of a data package."""

    dataset: str
    name: str
    path: Path
    title: str
    description: str
    command: str | None
    meta: dict[str, Any]

    @property
    def label(self) -> str:
        """How captions and errors name it: ``guangzhou-2018/rehab_centres.csv (bundled)``."""
        return f"{self.dataset}/{self.path.name} (bundled)"

    def count_rows(self) -> int:
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            return max(sum(1 for _ in csv.reader(handle)) - 1, 0)


def read_package(folder: Path) -> dict[str, Any]:
    """The parsed ``datapackage.json`` of ``folder``."""
    descriptor = folder / "datapackage.json"
    if not descriptor.is_file():
        raise UsageError(f"{folder}: no datapackage.json")
    try:
        data: dict[str, Any] = json.loads(descriptor.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{descriptor}: invalid JSON ({exc.msg}, line {exc.lineno})") from None
    return data


def resources(folder: Path, package: dict[str, Any] | None = None) -> list[Resource]:
    """Every resource of the package in ``folder`` (its datapackage.json, or ``package``
    when given), in the order the package lists them."""
    package = read_package(folder) if package is None else package
    name = str(package.get("name", folder.name))
    found = []
    for entry in package.get("resources", []):
        jd = entry.get("jdcli", {})
        found.append(
            Resource(
                dataset=name,
                name=str(entry["name"]),
                path=folder / str(entry["path"]),
                title=str(entry.get("title", "")),
                description=str(entry.get("description", "")),
                command=jd.get("command"),
                meta=entry,
            )
        )
    return found


def bundled_file(name: str) -> Path | None:
    """The bundled file ``DATASET/FILE`` names (as ``jdcli datasets`` prints its path), or
    None when ``name`` is no such path."""
    parts = Path(name).parts
    if len(parts) != 2 or Path(name).is_absolute():
        return None
    try:
        root = datasets_root()
    except UsageError:  # pragma: no cover - an installation without its data
        return None
    candidate = root / parts[0] / parts[1]
    if (root / parts[0] / "datapackage.json").is_file() and candidate.is_file():
        return candidate
    return None


def bundled_packages() -> list[Path]:
    """The folders of the bundled packages, sorted by name."""
    root = datasets_root()
    return sorted(p for p in root.iterdir() if (p / "datapackage.json").is_file())


def package_source(folder: Path) -> str:
    """A one-line citation of the package's first source."""
    package = read_package(folder)
    sources = package.get("sources", [])
    if not sources:
        return ""
    first = sources[0]
    date = first.get("date")
    return f"{first.get('title', '')}" + (
        f", {date}" if date and str(date) not in first.get("title", "") else ""
    )


def default_resource(command: str, dataset: str = DEFAULT_DATASET) -> Resource:
    """The bundled resource a command reads when no FILE is given."""
    folder = datasets_root() / dataset
    for resource in resources(folder):
        if resource.command == command:
            return resource
    raise UsageError(f"the bundled dataset {dataset} has no resource for {command}")


def bundled_catalogue() -> Any:
    """One row per bundled resource: dataset, resource, rows, command, description, source."""
    import pandas as pd

    rows = []
    for folder in bundled_packages():
        source = package_source(folder)
        for resource in resources(folder):
            rows.append(
                {
                    "dataset": resource.dataset,
                    "resource": resource.name,
                    "path": f"{resource.dataset}/{resource.path.name}",
                    "rows": resource.count_rows(),
                    "command": resource.command or "",
                    "description": resource.title or resource.description,
                    "source": source,
                }
            )
    frame = pd.DataFrame(
        rows, columns=["dataset", "resource", "path", "rows", "command", "description", "source"]
    )
    return frame.astype({"rows": "Int64"})
