"""The plain pandas script a competent analyst would write for each workload (the baseline).

    python pandas_peer.py occupancy-facility-month IN.csv OUT.csv
    python pandas_peer.py occupancy-region-month IN.csv OUT.csv
    python pandas_peer.py trends IN.csv OUT.csv
    python pandas_peer.py staffing STAFF.csv CLIENTS.csv OUT.csv

Same definitions as jdcli: a facility's figure for a month is its mean daily census (Σ over
its days ÷ number of days), groups add their facilities' means, rates are ratios of totals,
zero capacity gives an empty rate; year-over-year compares with exactly the previous year
(a gap or a zero base gives an empty change); caseload is clients ÷ staff, empty for no staff.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd


def bands(capacity: pd.Series, occupied: pd.Series) -> np.ndarray:
    cap, occ = capacity.to_numpy(), occupied.to_numpy()
    return np.select(
        [
            (cap == 0) & (occ == 0),
            cap == 0,
            occ * 100 < 85 * cap,
            occ * 100 < 92 * cap,
            occ * 100 <= 100 * cap,
        ],
        ["no capacity", "over", "normal", "high", "critical"],
        default="over",
    )


def occupancy(path: str, out: str, key: str) -> None:
    rows = pd.read_csv(path, parse_dates=["date"], dtype={"region": str, "facility": str})
    rows["period"] = rows["date"].dt.strftime("%Y-%m")
    keys = ["facility"] if key == "facility" else [key, "facility"]
    unit = rows.groupby([*keys, "period"]).agg(
        capacity=("capacity", "sum"), occupied=("occupied", "sum"), days=("date", "nunique")
    )
    unit["capacity"] /= unit["days"]
    unit["occupied"] /= unit["days"]
    groups = unit.groupby([key, "period"])[["capacity", "occupied"]].sum().reset_index()
    total = groups.groupby("period")[["capacity", "occupied"]].sum().reset_index()
    total[key] = "Total"
    groups["_t"], total["_t"] = 0, 1
    result = pd.concat([groups, total]).sort_values(["period", "_t", key]).drop(columns="_t")
    result["occupancy_pct"] = (result["occupied"] / result["capacity"] * 100).where(
        result["capacity"] > 0
    )
    result["free"] = result["capacity"] - result["occupied"]
    result["band"] = bands(result["capacity"], result["occupied"])
    result.to_csv(out, index=False)


def trends(path: str, out: str) -> None:
    rows = pd.read_csv(path, dtype={"region": str, "metric": str})
    keys = ["region", "metric"]
    base = rows.rename(columns={"value": "base_value"}).assign(period=rows["period"] + 1)
    result = rows.merge(base, on=[*keys, "period"], how="left").sort_values([*keys, "period"])
    result["base_period"] = (
        (result["period"] - 1).where(result["base_value"].notna()).astype("Int64")
    )
    result["change"] = result["value"] - result["base_value"]
    result["change_pct"] = (result["change"] / result["base_value"] * 100).where(
        result["base_value"] != 0
    )
    result[[*keys, "period", "value", "base_period", "base_value", "change", "change_pct"]].to_csv(
        out, index=False
    )


def staffing(staff_path: str, clients_path: str, out: str) -> None:
    staff = pd.read_csv(staff_path, dtype={"unit": str})
    clients = pd.read_csv(clients_path, dtype={"unit": str})
    result = staff.merge(clients, on=["unit", "period"], how="outer").sort_values(
        ["unit", "period"]
    )
    result = result.rename(columns={"clients": "base"})
    result["caseload"] = (result["base"] / result["staff"]).where(result["staff"] > 0)
    result.to_csv(out, index=False)


def main() -> None:
    workload, *paths = sys.argv[1:]
    if workload == "occupancy-facility-month":
        occupancy(paths[0], paths[1], "facility")
    elif workload == "occupancy-region-month":
        occupancy(paths[0], paths[1], "region")
    elif workload == "trends":
        trends(paths[0], paths[1])
    elif workload == "staffing":
        staffing(paths[0], paths[1], paths[2])
    else:
        raise SystemExit(f"unknown workload {workload!r}")


if __name__ == "__main__":
    main()
