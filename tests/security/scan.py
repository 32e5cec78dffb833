"""The scanners of ``make lint`` and ``make check-security``: bandit (our code), pip-audit (pins).

    python -m tests.security.scan            # both; exit 1 on any finding

bandit reads its settings (excluded folders, skipped tests with their reasons) from
pyproject.toml; every other finding is fixed or marked ``# nosec Bxxx`` beside its reason.
pip-audit checks requirements.txt and requirements-dev.txt. When its vulnerability service
cannot be reached (no network, or a package index that does not serve the vulnerability
data), it says so and does not fail the build; a vulnerability it does find fails it.
"""

from __future__ import annotations

import json
import subprocess  # nosec B404
import sys
from pathlib import Path

from tests.security import evidence

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REQUIREMENTS = ("requirements.txt", "requirements-dev.txt")
UNREACHABLE = ("ConnectionError", "Max retries exceeded", "Name or service not known", "Temporary failure in name",
               "timed out", "Failed to resolve", "Network is unreachable")


def run_bandit() -> int:
    result = subprocess.run([str(BIN / "bandit"), "-q", "-c", "pyproject.toml", "-r", ".", "-f", "json"],  # nosec B603
                            cwd=ROOT, capture_output=True, text=True)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        print("bandit did not run:\n" + result.stderr[-2000:])
        evidence.record("bandit", findings=-1, files=0, failures=1)
        return 1
    findings = report.get("results", [])
    files = len(report.get("metrics", {})) - 1  # one entry per file plus "_totals"
    nosec = report.get("metrics", {}).get("_totals", {}).get("skipped_tests", 0)
    for item in findings:
        print(f"bandit: {item['filename']}:{item['line_number']} {item['test_id']} "
              f"{item['issue_severity']}: {item['issue_text']}")
    print(f"bandit: {len(findings)} findings in {files} files ({nosec} reviewed findings marked nosec).")
    evidence.record("bandit", findings=len(findings), files=files, nosec=nosec, failures=len(findings))
    return 1 if findings else 0


def run_pip_audit() -> int:
    args = [str(BIN / "pip-audit"), "--no-deps", "--disable-pip", "--progress-spinner", "off", "-f", "json"]
    for name in REQUIREMENTS:
        args += ["-r", name]
    try:
        result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)  # nosec B603
    except subprocess.TimeoutExpired:
        return _unreachable("pip-audit timed out waiting for the vulnerability service", 0)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        if any(marker in result.stderr for marker in UNREACHABLE):
            return _unreachable("the vulnerability service could not be reached", 0)
        print("pip-audit failed:\n" + result.stderr[-2000:])
        evidence.record("pip_audit", packages=0, vulnerabilities=-1, failures=1)
        return 1
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    unaudited = [d for d in dependencies if "skip_reason" in d]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed release yet"
            print(f"pip-audit: {dep['name']} {dep.get('version')}: {vuln['id']} (fixed in {fixed})")
    audited = len(dependencies) - len(unaudited)
    if unaudited and not vulnerable:
        if audited == 0:
            return _unreachable("the package index here serves no vulnerability data "
                                f"({unaudited[0]['skip_reason']})", len(dependencies))
        print(f"pip-audit: {len(unaudited)} of {len(dependencies)} packages could not be audited: "
              + ", ".join(d["name"] for d in unaudited))
    count = sum(len(d["vulns"]) for d in vulnerable)
    print(f"pip-audit: {audited} pinned packages audited, {count} known vulnerabilities.")
    evidence.record("pip_audit", packages=audited, unaudited=len(unaudited), vulnerabilities=count, failures=count)
    return 1 if count else 0


def _unreachable(why: str, packages: int) -> int:
    print(f"NOTICE pip-audit: {why}; the pins were NOT checked for known vulnerabilities. "
          "Run `make lint` where PyPI's vulnerability data is reachable.")
    evidence.record("pip_audit", packages=0, unaudited=packages, vulnerabilities=0, failures=0,
                    status="service unreachable")
    return 0


def main() -> int:
    status = run_bandit()
    status |= run_pip_audit()
    return status


if __name__ == "__main__":
    sys.exit(main())
