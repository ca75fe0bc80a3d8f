"""Generate the benchmark inputs, deterministically (same scale and seed → same bytes).

Three workloads, shaped like the administrative extracts jdcli is meant for:

* ``occupancy.csv`` — a facility-day census: ``date, region, facility, capacity, occupied``;
  2,000 centres × 5 years (1,826 days) ≈ 3.65M rows at scale 1. Traps: over-capacity days
  (occupied > capacity) and a few centres closed for a stretch (capacity 0 → undefined rate).
* ``trends.csv`` — a long panel ``region, metric, period, value``: 3,000 counties × 50
  indicators × 13 years with about 1% of the years missing (gaps that must never be bridged)
  and some zero values (zero bases: relative change undefined) ≈ 1.93M rows at scale 1.
* ``staff.csv`` + ``clients.csv`` — unit-years ``unit, period, staff`` and ``unit, period,
  clients``, 50k rows each at scale 1; some units appear in one file only and some have no
  staff (caseload undefined).

``--scale`` multiplies the number of facilities, counties and units (not the years), so the
shapes and traps stay the same while the row counts scale linearly.

    python benchmarks/generate.py --scale 1 --out benchmarks/data
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

YEARS = (2018, 2022)
TREND_YEARS = (2011, 2023)
STAFF_YEARS = (2014, 2023)


def _write(frame: pd.DataFrame, path: Path) -> None:
    # Integers and plain text only, no quoting needed: fast and byte-identical across runs.
    table = pa.Table.from_pandas(frame, preserve_index=False)
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")
    with pa.OSFile(str(path), "wb") as sink:
        sink.write((",".join(frame.columns) + "\n").encode())
        pacsv.write_csv(table, sink, write_options=options)


def occupancy(scale: float, rng: np.random.Generator) -> pd.DataFrame:
    """The facility-day census."""
    centres = max(4, round(2000 * scale))
    days = pd.date_range(f"{YEARS[0]}-01-01", f"{YEARS[1]}-12-31", freq="D")
    regions = max(2, min(60, centres // 30))
    region_of = rng.integers(0, regions, centres)
    beds = rng.integers(40, 1200, centres)
    n = centres * len(days)
    # Date-major, as a daily census export grows: every centre on day 1, then day 2, ...
    centre = np.tile(np.arange(centres), len(days))
    day = np.repeat(np.arange(len(days)), centres)
    capacity = beds[centre].copy()
    # Beds change a little once a year for some centres.
    capacity += (rng.integers(-1, 2, centres)[centre] * (day // 365) * 5).astype(capacity.dtype)
    capacity = np.maximum(capacity, 0)
    # Load factor 0.70–1.12: a share of days are over capacity.
    load = 0.70 + 0.42 * rng.random(n)
    occupied = np.floor(capacity * load).astype(np.int64)
    # About one centre in 200 is closed (no beds, nobody held) for its second year.
    closed = rng.random(centres) < 0.005
    shut = closed[centre] & (day >= 365) & (day < 730)
    capacity = np.where(shut, 0, capacity)
    occupied = np.where(shut, 0, occupied)
    frame = pd.DataFrame(
        {
            "date": np.asarray(days.strftime("%Y-%m-%d"))[day],
            "region": np.char.add("R", np.char.zfill(region_of[centre].astype(str), 2)),
            "facility": np.char.add("F", np.char.zfill(centre.astype(str), 5)),
            "capacity": capacity,
            "occupied": occupied,
        }
    )
    return frame


def trends(scale: float, rng: np.random.Generator) -> pd.DataFrame:
    """The region-metric-year panel with gap years and zero values."""
    counties = max(2, round(3000 * scale))
    metrics = 50
    years = np.arange(TREND_YEARS[0], TREND_YEARS[1] + 1)
    series = counties * metrics
    county = np.repeat(np.arange(counties), metrics * len(years))
    metric = np.tile(np.repeat(np.arange(metrics), len(years)), counties)
    year = np.tile(years, series)
    level = rng.lognormal(4.0, 1.5, series)
    growth = rng.normal(0.0, 0.12, len(county))
    values = np.round(
        np.repeat(level, len(years)) * np.exp(np.cumsum(growth.reshape(series, -1), axis=1).ravel())
    )
    # Zeros: about 2% of cells (small counts that really were zero) → zero bases next year.
    values = np.where(rng.random(len(values)) < 0.02, 0, values).astype(np.int64)
    keep = rng.random(len(values)) >= 0.01  # about 1% of years missing: gaps
    frame = pd.DataFrame(
        {
            "region": np.char.add("C", np.char.zfill(county.astype(str), 4)),
            "metric": np.char.add("m", np.char.zfill(metric.astype(str), 2)),
            "period": year,
            "value": values,
        }
    )
    return frame.loc[keep].reset_index(drop=True)


def staffing(scale: float, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Staff and clients per unit-year; a few units in one file only, some with no staff."""
    units = max(2, round(5000 * scale))
    years = np.arange(STAFF_YEARS[0], STAFF_YEARS[1] + 1)
    unit = np.repeat(np.arange(units), len(years))
    year = np.tile(years, units)
    staff = rng.integers(0, 40, len(unit))  # 0 staff: caseload undefined
    clients = np.round(staff * rng.uniform(5, 45, len(unit)) + rng.integers(0, 30, len(unit)))
    names = np.char.add("U", np.char.zfill(unit.astype(str), 5))
    staff_frame = pd.DataFrame({"unit": names, "period": year, "staff": staff})
    clients_frame = pd.DataFrame(
        {"unit": names, "period": year, "clients": clients.astype(np.int64)}
    )
    # One row in 200 only in the staff file, one in 200 only in the clients file.
    only = np.arange(len(unit)) % 200
    staff_frame = staff_frame.loc[only != 7].reset_index(drop=True)
    clients_frame = clients_frame.loc[only != 3].reset_index(drop=True)
    # Files are not sorted the same way.
    clients_frame = clients_frame.sample(frac=1.0, random_state=rng.integers(0, 2**31))
    return staff_frame, clients_frame.reset_index(drop=True)


WORKLOADS = ("occupancy", "trends", "staffing")


def generate(
    scale: float, out: Path, seed: int = 20180531, workloads: tuple[str, ...] = WORKLOADS
) -> dict[str, Path]:
    """Write the workloads' files into ``out``; returns their paths by name."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    if "occupancy" in workloads:
        paths["occupancy"] = out / "occupancy.csv"
        _write(occupancy(scale, np.random.default_rng(seed)), paths["occupancy"])
    if "trends" in workloads:
        paths["trends"] = out / "trends.csv"
        _write(trends(scale, np.random.default_rng(seed + 1)), paths["trends"])
    if "staffing" in workloads:
        paths["staff"], paths["clients"] = out / "staff.csv", out / "clients.csv"
        staff, clients = staffing(scale, np.random.default_rng(seed + 2))
        _write(staff, paths["staff"])
        _write(clients, paths["clients"])
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="size factor (1 = the full data)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data")
    parser.add_argument("--seed", type=int, default=20180531)
    parser.add_argument(
        "--workload",
        action="append",
        choices=WORKLOADS,
        help="generate only this workload (repeatable)",
    )
    args = parser.parse_args()
    chosen = tuple(args.workload or WORKLOADS)
    for name, path in generate(args.scale, args.out, args.seed, chosen).items():
        with path.open("rb") as handle:
            rows = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 24), b"")) - 1
        print(f"{name}: {path} ({rows:,} rows, {path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
