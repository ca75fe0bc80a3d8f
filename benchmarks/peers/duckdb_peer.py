"""The same workloads in DuckDB SQL (the fast reference), CSV in → CSV out.

    python duckdb_peer.py WORKLOAD IN.csv [IN2.csv] OUT.csv
    python duckdb_peer.py --shortest WORKLOAD IN.csv [IN2.csv] OUT.csv

Without ``--shortest``: queries that reproduce jdcli's whole output (mean daily census,
total rows, bands, the same row order), definitions as in ``pandas_peer.py`` and jdcli. With
it: the shortest query a user who only wants the numbers would write (no totals, no order,
types left to DuckDB's detection); what it shares with jdcli's output is checked by the runner.
"""

from __future__ import annotations

import sys

import duckdb

BAND = """CASE WHEN capacity = 0 AND occupied = 0 THEN 'no capacity'
    WHEN capacity = 0 THEN 'over'
    WHEN occupied * 100 < 85 * capacity THEN 'normal'
    WHEN occupied * 100 < 92 * capacity THEN 'high'
    WHEN occupied * 100 <= 100 * capacity THEN 'critical'
    ELSE 'over' END"""

OCCUPANCY = """
COPY (
  WITH rows AS (
    SELECT * FROM read_csv('{src}', header = true, columns = {{'date': 'DATE',
      'region': 'VARCHAR', 'facility': 'VARCHAR', 'capacity': 'DOUBLE', 'occupied': 'DOUBLE'}})
  ),
  unit AS (
    SELECT {keys}, strftime(date, '%Y-%m') AS period,
           sum(capacity) / count(DISTINCT date) AS capacity,
           sum(occupied) / count(DISTINCT date) AS occupied
    FROM rows GROUP BY ALL
  ),
  groups AS (
    SELECT {key}, period, sum(capacity) AS capacity, sum(occupied) AS occupied, 0 AS t
    FROM unit GROUP BY ALL
    UNION ALL
    SELECT 'Total', period, sum(capacity), sum(occupied), 1 FROM unit GROUP BY period
  )
  SELECT {key}, period, capacity, occupied,
         CASE WHEN capacity > 0 THEN occupied / capacity * 100 END AS occupancy_pct,
         capacity - occupied AS free, {band} AS band
  FROM groups ORDER BY period, t, {key}
) TO '{out}' (HEADER, DELIMITER ',')
"""

TRENDS = """
COPY (
  WITH rows AS (
    SELECT * FROM read_csv('{src}', header = true, columns = {{'region': 'VARCHAR',
      'metric': 'VARCHAR', 'period': 'INTEGER', 'value': 'DOUBLE'}})
  )
  SELECT a.region, a.metric, a.period, a.value,
         CASE WHEN b.value IS NOT NULL THEN a.period - 1 END AS base_period,
         b.value AS base_value, a.value - b.value AS change,
         CASE WHEN b.value <> 0 THEN (a.value - b.value) / b.value * 100 END AS change_pct
  FROM rows a LEFT JOIN rows b
    ON a.region = b.region AND a.metric = b.metric AND b.period = a.period - 1
  ORDER BY a.region, a.metric, a.period
) TO '{out}' (HEADER, DELIMITER ',')
"""

STAFFING = """
COPY (
  SELECT coalesce(s.unit, c.unit) AS unit, coalesce(s.period, c.period) AS period,
         s.staff, c.clients AS base,
         CASE WHEN s.staff > 0 THEN c.clients / s.staff END AS caseload
  FROM read_csv('{src}', header = true) s
  FULL OUTER JOIN read_csv('{src2}', header = true) c
    ON s.unit = c.unit AND s.period = c.period
  ORDER BY 1, 2
) TO '{out}' (HEADER, DELIMITER ',')
"""


# The shortest queries, as a user would write them (column names as generate.py writes them).
SHORTEST = {
    "occupancy-facility-month": """
COPY (SELECT facility, strftime(date_trunc('month', date), '%Y-%m') AS month,
  sum(capacity) AS capacity, sum(occupied) AS occupied,
  CASE WHEN sum(capacity) > 0 THEN 100 * sum(occupied)::DOUBLE / sum(capacity) END
    AS occupancy_pct
  FROM read_csv('{src}') GROUP BY ALL) TO '{out}' (HEADER)
""",
    "trends": """
COPY (SELECT region, metric, period, value,
  CASE WHEN py = period - 1 AND pv <> 0 THEN 100 * (value - pv)::DOUBLE / pv END AS change_pct
  FROM (SELECT *, lag(period) OVER w AS py, lag(value) OVER w AS pv FROM read_csv('{src}')
  WINDOW w AS (PARTITION BY region, metric ORDER BY period))) TO '{out}' (HEADER)
""",
    "staffing": """
COPY (SELECT unit, period, staff, clients, CASE WHEN staff > 0 THEN clients / staff END AS caseload
  FROM read_csv('{src}') s FULL JOIN read_csv('{src2}') c USING (unit, period))
  TO '{out}' (HEADER)
""",
}


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] == "--shortest":
        workload, *paths = args[1:]
        if workload not in SHORTEST:
            raise SystemExit(f"no shortest query for {workload!r}")
        *sources, out = paths
        src2 = sources[1] if len(sources) > 1 else ""
        duckdb.sql(SHORTEST[workload].format(src=sources[0], src2=src2, out=out))
        return
    workload, *paths = args
    if workload == "occupancy-facility-month":
        sql = OCCUPANCY.format(
            src=paths[0], out=paths[1], keys="facility", key="facility", band=BAND
        )
    elif workload == "occupancy-region-month":
        sql = OCCUPANCY.format(
            src=paths[0], out=paths[1], keys="region, facility", key="region", band=BAND
        )
    elif workload == "trends":
        sql = TRENDS.format(src=paths[0], out=paths[1])
    elif workload == "staffing":
        sql = STAFFING.format(src=paths[0], src2=paths[1], out=paths[2])
    else:
        raise SystemExit(f"unknown workload {workload!r}")
    duckdb.sql(sql)


if __name__ == "__main__":
    main()
