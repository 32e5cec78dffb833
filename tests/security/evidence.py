"""Counts that security and reliability tests leave behind for `make check-security`.

A test group calls ``record("access", urls=42, roles=9, checks=378, failures=0)``; each call
writes ``.data/security/<section>.json`` (replacing the section's previous counts), and the
summary printed by ``python -m tests.security.summary`` reads every file there.

Counts are plain integers (or short strings). Sections used so far:
``access`` (urls, roles, checks, failures), ``faults`` (faults, survived, failures),
``fuzz`` (inputs, failures), ``concurrency`` (races, failures).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

EVIDENCE_DIR = Path(os.environ.get("DCR_SECURITY_EVIDENCE_DIR",
                                   Path(__file__).resolve().parents[2] / ".data" / "security"))


def record(section: str, **counts) -> Path:
    """Write the counts of one section (atomically: a reader never sees half a file)."""
    if not section.isidentifier():
        raise ValueError(f"section must be a plain name, not {section!r}")
    EVIDENCE_DIR.mkdir(parents=True, exist_ok=True)
    data = {"section": section, "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **counts}
    target = EVIDENCE_DIR / f"{section}.json"
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True))
    tmp.replace(target)
    return target


def add(section: str, **counts) -> Path:
    """Add to the counts already recorded for a section (for tests that each count a few)."""
    current = read().get(section, {})
    merged = {key: value for key, value in current.items() if key not in {"section", "recorded_at"}}
    for key, value in counts.items():
        merged[key] = merged.get(key, 0) + value if isinstance(value, int) else value
    return record(section, **merged)


def read() -> dict[str, dict]:
    """Every section recorded so far, by name."""
    if not EVIDENCE_DIR.is_dir():
        return {}
    sections = {}
    for path in sorted(EVIDENCE_DIR.glob("*.json")):
        try:
            sections[path.stem] = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
    return sections


def clear() -> None:
    """Forget earlier runs (``make check-security`` starts from nothing)."""
    if EVIDENCE_DIR.is_dir():
        for path in EVIDENCE_DIR.glob("*.json"):
            path.unlink()
