"""The Parquet export, queried in DuckDB: critical_open, the IaC pass rate and MTTD computed in
SQL from `posture export --parquet` equal the scorecard's, for all data and for a bounded period.

    python3 tests/sql/duckdb_check.py target/debug/posture

Run by .ci/test after the native tests (it needs PyPI's duckdb; .ci/setup installs it).
"""

import json
import pathlib
import subprocess
import sys
import tempfile

import duckdb

REPO = pathlib.Path(__file__).resolve().parents[2]
NOW = "2026-12-01T00:00:00Z"
# The sample set's evidence files (its generators are not evidence).
INPUTS = sorted(str(p) for p in (REPO / "src/core/sample").iterdir() if p.suffix not in (".py", ".rs"))


def posture(binary, *args):
    run = subprocess.run([binary, *args, "-q", "--now", NOW, *INPUTS], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"posture {' '.join(args)} exited {run.returncode}: {run.stderr}")
    return run.stdout


def kpi(scorecard, id):
    return next(k["value"] for k in scorecard["kpis"] if k["id"] == id)


def sql_figures(con, tables, period_from, period_to):
    """The three KPIs as SQL computes them from the tables, for the period (None: all data)."""
    findings, scans, incidents = (f"'{tables}/{name}.parquet'" for name in ("findings", "scans", "incidents"))
    critical_open = con.execute(
        f"select count(*) from {findings} "
        "where category = 'vulnerability' and severity = 'critical' and status = 'open'"
    ).fetchone()[0]
    # The latest scan of each asset by each tool (format) that looked for misconfigurations,
    # up to the period's end (the export holds only those), pooling its IaC checks.
    iac = con.execute(
        f"""
        with latest as (
            select *, row_number() over (partition by asset, format, tool order by taken_at desc) as n
            from {scans}
            where list_contains(string_split(looked_for, ','), 'misconfiguration')
        )
        select 100.0 * sum(iac_passed) / sum(iac_passed + iac_failed)
        from latest where n = 1 and iac_passed is not null
        """
    ).fetchone()[0]
    bounds = ""
    if period_from:
        bounds = f" and alert_time between '{period_from}'::timestamptz and '{period_to}'::timestamptz"
    mttd = con.execute(
        f"select avg(detect_hours) from {incidents} "
        "where coalesce(verdict, '') not in ('false_positive', 'duplicate') and detect_hours is not null" + bounds
    ).fetchone()[0]
    return {"critical_open": critical_open, "iac_policy_pass_rate": iac, "mttd": mttd}


def main():
    binary = sys.argv[1]
    con = duckdb.connect()
    for period in ("all", "30d"):
        scorecard = json.loads(posture(binary, "scorecard", "--period", period))
        with tempfile.TemporaryDirectory() as tables:
            posture(binary, "export", "--parquet", tables, "--period", period)
            sql = sql_figures(con, tables, scorecard["period"]["from"], scorecard["period"]["to"])
        for id, value in sql.items():
            expected = kpi(scorecard, id)
            if expected is None or value is None or abs(value - expected) > 1e-9:
                sys.exit(f"{period}: {id} is {value} in SQL and {expected} in the scorecard")
            print(f"{period}: {id} = {value:g} in SQL and in the scorecard")


if __name__ == "__main__":
    main()
