"""The arithmetic of a budget, on plain values: per visit, per patient, per arm and overall.

An arm's direct cost is its per-patient cost times its patients, plus its screen failures at the
cost of the first visit; F&A is the budget's rate on the direct cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class ArmTotals:
    arm_id: int
    name: str
    patients: int
    screen_failures: int
    per_visit: list[Decimal]
    per_patient: Decimal
    screen_failure_cost: Decimal
    direct: Decimal
    fa: Decimal
    total: Decimal


@dataclass
class Sheet:
    """A budget read in full: its parts, the counts of every cell and the totals."""

    budget: object
    arms: list
    visits: list
    procedures: list
    counts: dict  # (arm_id, visit_id, procedure_id) -> count (of every arm, or of the arm shown)
    visit_costs: dict | None = None  # (arm_id, visit_id) -> cost of the visit, when summed by the database
    totals: list[ArmTotals] = field(default_factory=list)

    @property
    def direct(self) -> Decimal:
        return sum((t.direct for t in self.totals), Decimal("0.00"))

    @property
    def fa(self) -> Decimal:
        return sum((t.fa for t in self.totals), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        return sum((t.total for t in self.totals), Decimal("0.00"))

    def count(self, arm_id: int, visit_id: int, procedure_id: int) -> int:
        return self.counts.get((arm_id, visit_id, procedure_id), 0)


def compute(sheet: Sheet) -> Sheet:
    rate = Decimal(sheet.budget.fa_rate)
    sheet.totals = []
    for arm in sheet.arms:
        if sheet.visit_costs is not None:
            per_visit = [sheet.visit_costs.get((arm.pk, visit.pk), Decimal("0.00")) for visit in sheet.visits]
        else:
            per_visit = [sum((sheet.count(arm.pk, visit.pk, p.pk) * p.unit_cost for p in sheet.procedures),
                             Decimal("0.00")) for visit in sheet.visits]
        per_patient = sum(per_visit, Decimal("0.00"))
        failures = per_visit[0] * arm.screen_failures if per_visit else Decimal("0.00")
        direct = money(per_patient * arm.patients + failures)
        fa = money(direct * rate)
        sheet.totals.append(ArmTotals(arm.pk, arm.name, arm.patients, arm.screen_failures, per_visit,
                                      money(per_patient), money(failures), direct, fa, direct + fa))
    return sheet


def snapshot(sheet: Sheet) -> dict:
    """The budget as plain values (kept with each version; compared by ``changes``)."""
    return {
        "title": sheet.budget.title, "fa_rate": str(sheet.budget.fa_rate),
        "arms": {a.name: {"patients": a.patients, "screen_failures": a.screen_failures} for a in sheet.arms},
        "visits": [v.name for v in sheet.visits],
        "procedures": {p.name: str(p.unit_cost) for p in sheet.procedures},
        "cells": {f"{a.name} | {v.name} | {p.name}": sheet.count(a.pk, v.pk, p.pk)
                  for a in sheet.arms for v in sheet.visits for p in sheet.procedures
                  if sheet.count(a.pk, v.pk, p.pk)},
        "total": str(sheet.total),
        # Which row is which, in order (names alone cannot tell a renamed visit from a removed one).
        "parts": {kind: [[part.pk, part.name] for part in parts]
                  for kind, parts in (("arms", sheet.arms), ("visits", sheet.visits), ("procedures", sheet.procedures))},
    }


PART_LABELS = {"arms": "Arm", "visits": "Visit", "procedures": "Procedure"}


def _follow_renames(before: dict, after: dict) -> tuple[list[str], dict]:
    """Lines for the arms, visits and procedures renamed, and ``before`` told in the new names."""
    if "parts" not in before or "parts" not in after:
        return [], before
    lines, names = [], {}
    for kind, label in PART_LABELS.items():
        now = dict((pk, name) for pk, name in after["parts"][kind])
        renamed = {old: now[pk] for pk, old in before["parts"][kind] if pk in now and now[pk] != old}
        lines += [f"{label} renamed: {old} → {new}" for old, new in renamed.items()]
        names[kind] = renamed
    if not lines:
        return [], before
    arms, visits, procedures = names["arms"], names["visits"], names["procedures"]

    def cell(key: str) -> str:
        parts = key.split(" | ")
        if len(parts) != 3:
            return key
        return " | ".join((arms.get(parts[0], parts[0]), visits.get(parts[1], parts[1]),
                           procedures.get(parts[2], parts[2])))

    return lines, {**before, "arms": {arms.get(k, k): v for k, v in before["arms"].items()},
                   "visits": [visits.get(v, v) for v in before["visits"]],
                   "procedures": {procedures.get(k, k): v for k, v in before["procedures"].items()},
                   "cells": {cell(k): v for k, v in before["cells"].items()}}


def _reordered(before: dict, after: dict) -> list[str]:
    if "parts" not in before or "parts" not in after:
        return []
    lines = []
    for kind, label in PART_LABELS.items():
        kept = {pk for pk, _ in before["parts"][kind]} & {pk for pk, _ in after["parts"][kind]}
        if [pk for pk, _ in before["parts"][kind] if pk in kept] != [pk for pk, _ in after["parts"][kind] if pk in kept]:
            order = ", ".join(name for _, name in after["parts"][kind])
            lines.append(f"{label}s in a new order: {order if len(order) <= 240 else order[:239] + '…'}")
    return lines


def _added_removed(kind: str, before, after) -> list[str]:
    lines = [f"{kind} added: {name}" for name in after if name not in before]
    return lines + [f"{kind} removed: {name}" for name in before if name not in after]


def changes(before: dict | None, after: dict) -> list[str]:
    """What changed from one snapshot to the next, one line each, in words."""
    if before is None:
        return ["First version."]
    lines, before = _follow_renames(before, after)
    if before["fa_rate"] != after["fa_rate"]:
        lines.append(f"F&A rate {before['fa_rate']} → {after['fa_rate']}")
    lines += _added_removed("Arm", before["arms"], after["arms"])
    for name, values in after["arms"].items():
        old = before["arms"].get(name)
        for key, label in (("patients", "patients"), ("screen_failures", "screen failures")):
            if old and old[key] != values[key]:
                lines.append(f"{name}: {label} {old[key]} → {values[key]}")
    lines += _added_removed("Visit", before["visits"], after["visits"])
    lines += _added_removed("Procedure", before["procedures"], after["procedures"])
    lines += _reordered(before, after)
    for name, cost in after["procedures"].items():
        if name in before["procedures"] and before["procedures"][name] != cost:
            lines.append(f"{name}: unit cost {before['procedures'][name]} → {cost}")
    changed_cells = sum(1 for key in set(before["cells"]) | set(after["cells"])
                        if before["cells"].get(key, 0) != after["cells"].get(key, 0))
    if changed_cells:
        lines.append(f"{changed_cells} calendar cell{'s' if changed_cells != 1 else ''} changed")
    if before["total"] != after["total"]:
        lines.append(f"Total {before['total']} → {after['total']}")
    return lines or ["No change since the version before."]
