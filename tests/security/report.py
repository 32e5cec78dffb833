"""Print the access matrix (URL pattern rows x role columns) left by the last matrix test run.

    python -m tests.security.report        # after: pytest tests/security/test_access_matrix.py

``make access-report`` runs both. A cell that differs from the declared table shows as
``got!expected``; rows with no declaration are listed at the end.
"""

from __future__ import annotations

import json
import sys

from tests.security.evidence import EVIDENCE_DIR
from tests.security.matrix import ROLES, table_lines

REPORT_FILE = EVIDENCE_DIR.parent / "access_matrix.json"


def main() -> int:
    if not REPORT_FILE.exists():
        print(f"No matrix yet: run `pytest tests/security/test_access_matrix.py` first ({REPORT_FILE}).")
        return 1
    data = json.loads(REPORT_FILE.read_text())
    observed, expected = data["observed"], data["expected"]
    for line in table_lines(observed, expected):
        print(line)
    wrong = sum(1 for key, row in observed.items() for role in ROLES
                if key in expected and row.get(role) != expected[key].get(role))
    print()
    print(f"{len(observed)} URL patterns x {len(ROLES)} roles = {len(observed) * len(ROLES)} answers checked "
          f"in {data.get('seconds', '?')} s; {wrong} differ from the declared table.")
    if data.get("missing"):
        print("Without a row in tests/security/expected.py: " + ", ".join(data["missing"]))
    return 1 if wrong or data.get("missing") else 0


if __name__ == "__main__":
    sys.exit(main())
