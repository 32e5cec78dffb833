"""``make check-security``: the access matrix, the fault / concurrency / bad-input tests and the
scanners in one run, then a summary of what was checked and what failed.

    python -m tests.security.check

Counts come from what the tests themselves recorded (tests/security/evidence.py, files under
.data/security/) and from pytest's own JUnit report, so the numbers are the ones of this run.
"""

from __future__ import annotations

import subprocess  # nosec B404
import sys
import time
import xml.etree.ElementTree as ET  # nosec B405: our own pytest's report
from collections import Counter
from pathlib import Path

from tests.security import cases, evidence
from tests.security.scan import run_bandit, run_pip_audit

ROOT = Path(__file__).resolve().parents[2]
TEST_FOLDERS = ("tests/security", "tests/reliability")
JUNIT = evidence.EVIDENCE_DIR / "junit.xml"
CASE_FILES = "security cases elsewhere"  # tests/security/cases.py


def run_tests() -> tuple[int, dict[str, Counter]]:
    folders = [f for f in TEST_FOLDERS if (ROOT / f).is_dir()]
    extra = [f for f in cases.files() if not f.startswith(tuple(folders))]
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "pytest", *folders, *extra, "-q",  # nosec B603
                             "-p", "no:warnings", f"--junitxml={JUNIT}"], cwd=ROOT)
    outcomes: dict[str, Counter] = {folder: Counter() for folder in [*folders, CASE_FILES]}
    if JUNIT.exists():
        for case in ET.parse(JUNIT).getroot().iter("testcase"):  # nosec B314: written by pytest just now
            folder = next((f for f in folders if case.get("classname", "").startswith(f.replace("/", "."))),
                          CASE_FILES)
            if case.find("failure") is not None or case.find("error") is not None:
                outcomes[folder]["failed"] += 1
            elif case.find("skipped") is not None:
                outcomes[folder]["skipped"] += 1
            else:
                outcomes[folder]["passed"] += 1
    outcomes["_seconds"] = Counter(seconds=round(time.monotonic() - started))
    outcomes["_cases"] = cases.tally(list(ET.parse(JUNIT).getroot().iter("testcase"))) if JUNIT.exists() else []  # nosec B314
    return result.returncode, outcomes


def _get(section: dict, *names, default=0):
    for name in names:
        if name in section:
            return section[name]
    return default


def summary_lines(outcomes: dict[str, Counter]) -> tuple[list[str], int]:
    sections = evidence.read()
    rows: list[tuple[str, str, int]] = []
    access = sections.get("access")
    if access:
        rows.append(("Access matrix", f"{access['urls']} URLs x {access['roles']} roles = {access['checks']} "
                                      f"answers checked in {access.get('seconds', '?')} s", access["failures"]))
    else:
        rows.append(("Access matrix", "did not run", 1))
    for name, label, what in (("faults", "Faults", ("faults", "survived")),
                              ("concurrency", "Concurrency", ("races", "survived")),
                              ("fuzz", "Bad input", ("inputs", "cases"))):
        data = sections.get(name)
        if data:
            done = _get(data, what[0])
            extra = f", {_get(data, what[1])} {what[1]}" if what[1] in data else ""
            rows.append((label, f"{done} {what[0]} tried{extra}", int(_get(data, "failures"))))
    for name, data in sorted(sections.items()):
        if name in {"access", "faults", "concurrency", "fuzz", "bandit", "pip_audit"}:
            continue
        counts = ", ".join(f"{k}={v}" for k, v in data.items() if k not in {"section", "recorded_at"})
        rows.append((name, counts, int(data.get("failures", 0) or 0)))
    bandit = sections.get("bandit", {})
    rows.append(("bandit", f"{bandit.get('findings', '?')} findings in {bandit.get('files', '?')} files "
                           f"({bandit.get('nosec', 0)} reviewed, marked nosec)", int(bandit.get("failures", 1))))
    audit = sections.get("pip_audit", {})
    if audit.get("status"):
        rows.append(("pip-audit", f"NOT CHECKED: {audit['status']}", 0))
    else:
        rows.append(("pip-audit", f"{audit.get('packages', '?')} pinned packages, "
                                  f"{audit.get('vulnerabilities', '?')} known vulnerabilities",
                     int(audit.get("failures", 1))))
    for threat, passed, failed in outcomes.get("_cases", []):
        rows.append((f"threat: {threat}", f"{passed} test{'s' if passed != 1 else ''} passed" if passed or failed else "NOT RUN",
                     failed if passed or failed else 1))
    for folder, counts in outcomes.items():
        if folder.startswith("_"):
            continue
        rows.append((f"pytest {folder}", f"{counts['passed']} passed, {counts['failed']} failed, "
                                         f"{counts['skipped']} skipped", counts["failed"]))
    width = max(len(label) for label, _, _ in rows)
    lines = ["", "Security check summary", "=" * 22, f"{'what'.ljust(width)}  {'failures':>8}  checked"]
    for label, text, failures in rows:
        lines.append(f"{label.ljust(width)}  {failures:>8}  {text}")
    total = sum(max(f, 0) for _, _, f in rows)
    lines.append(f"{'TOTAL'.ljust(width)}  {total:>8}  (tests took {outcomes.get('_seconds', {}).get('seconds', '?')} s)")
    return lines, total


def main() -> int:
    evidence.clear()
    pytest_status, outcomes = run_tests()
    print()
    scan_status = run_bandit() | run_pip_audit()
    lines, failures = summary_lines(outcomes)
    print("\n".join(lines))
    return 1 if (failures or pytest_status not in (0, 5) or scan_status) else 0


if __name__ == "__main__":
    sys.exit(main())
