"""The health-record part of ``make bench``: runs bench/ehr_bench.py and judges its figures."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The lines bench/ehr_bench.py prints per step: "  label   N rows  S s  R rows/s peak RSS M MB".
STEP_LINE = re.compile(r"^\s+(?P<label>.+?)\s+(?P<rows>[\d,]+) rows\s+(?P<seconds>[\d.]+) s\s+(?P<rps>[\d,]+) rows/s "
                       r"peak RSS\s+(?P<rss>\d+) MB")

THREE_GROUP_TARGET = 2.0  # the builder's count within 2x the hand-written SQL (bench/ehr_bench.py)
FIRST_VISIT_TARGET = 1.5  # the cohort page, first time asked: within 1.5x (that SQL + the floor)
EHR_IMPORT_TARGET = 1 / 3  # import_ehr rows/s at least a third of a raw COPY's


def ehr_benches(env: dict[str, str], participants: int, skip_import: bool) -> dict:
    """bench/ehr_bench.py: the three-group question against hand-written SQL, import_ehr against COPY."""
    def run(*args: str) -> str:
        return subprocess.run([sys.executable, "bench/ehr_bench.py", *args], cwd=ROOT, env=env, check=True,
                              capture_output=True, text=True).stdout

    result = {"three_groups": json.loads(run("three-groups").strip().splitlines()[-1])}
    if not skip_import:
        for size in (participants // 4, participants):
            steps = {}
            for line in run("import", "--participants", str(size)).splitlines():
                match = STEP_LINE.match(line)
                if match:
                    steps[match["label"]] = {"rows": int(match["rows"].replace(",", "")),
                                             "rows_per_s": int(match["rps"].replace(",", "")),
                                             "peak_rss_mb": int(match["rss"])}
            result["small" if size < participants else "full"] = {
                "participants": size, "steps": steps,
                "ratio_to_copy": round(steps["import_ehr"]["rows_per_s"]
                                       / steps["raw COPY into ehr_fact"]["rows_per_s"], 3)}
    return result


def ehr_verdicts(rows: list[dict], ehr: dict) -> list[dict]:
    checks = []
    three = ehr["three_groups"]
    checks.append({"target": f"three-group question within {THREE_GROUP_TARGET}x the hand-written SQL "
                             f"({three['portal_p50_ms']} vs {three['hand_written_p50_ms']} ms)",
                   "value": three["ratio"], "met": three["ratio"] <= THREE_GROUP_TARGET})
    by_name = {row["path"]: row for row in rows}
    if "cohort, three groups" in by_name and "floor" in by_name:
        page = by_name["cohort, three groups"]["cold_p50_ms"]
        budget = three["hand_written_p50_ms"] + by_name["floor"]["cold_p50_ms"]
        checks.append({"target": f"cohort page, question asked the first time, within {FIRST_VISIT_TARGET}x "
                                 f"(hand-written SQL + floor = {budget:.1f} ms)", "value": round(page / budget, 2),
                       "met": page <= FIRST_VISIT_TARGET * budget})
    if "full" in ehr:
        full, small = ehr["full"], ehr["small"]
        checks.append({"target": "import_ehr at least 1/3 of the rows/s of a raw COPY of the same facts",
                       "value": full["ratio_to_copy"], "met": full["ratio_to_copy"] >= EHR_IMPORT_TARGET})
        growth = full["steps"]["import_ehr"]["peak_rss_mb"] - small["steps"]["import_ehr"]["peak_rss_mb"]
        checks.append({"target": "import_ehr memory flat (peak RSS growth from a quarter to the full size, MB, "
                                 "at most 30)", "value": growth, "met": growth <= 30})
    return checks


def print_summary(ehr: dict) -> None:
    three = ehr["three_groups"]
    print(f"\nthree-group question: portal {three['portal_p50_ms']} ms, hand-written SQL "
          f"{three['hand_written_p50_ms']} ms (ratio {three['ratio']}); {three['participants']:,} participants")
    for size in ("small", "full"):
        if size in ehr:
            steps = ehr[size]["steps"]
            print(f"import_ehr of {ehr[size]['participants']:,} patients: {steps['import_ehr']['rows_per_s']:,} facts/s,"
                  f" peak RSS {steps['import_ehr']['peak_rss_mb']} MB; raw COPY "
                  f"{steps['raw COPY into ehr_fact']['rows_per_s']:,} rows/s (ratio {ehr[size]['ratio_to_copy']})")
