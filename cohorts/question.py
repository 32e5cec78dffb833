"""A cohort question, as i2b2's panels: groups of criteria, AND between groups, OR inside one,
and groups that exclude. Plus the biobank's sample criteria (``biobank.criteria``).

A question is plain data: it is saved with a cohort and a request as JSON, travels in a query
string, and is hashed (its canonical JSON) to recognise the same question asked again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date

from biobank.criteria import CohortCriteria
from ehr.models import CodeSystem
from ehr.selectors import PREFIX_SYSTEMS

VALUE_OPS = {">": ">", ">=": "≥", "<": "<", "<=": "≤", "=": "=", "between": "between"}
MAX_GROUPS, MAX_CRITERIA = 8, 8


@dataclass(frozen=True)
class Criterion:
    system: str
    code: str
    value_op: str = ""
    value: float | None = None
    value2: float | None = None
    unit: str = ""
    within_years: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    min_count: int = 1
    age_min: int | None = None
    age_max: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.system, self.code

    def as_dict(self) -> dict:
        data = asdict(self)
        for name in ("date_from", "date_to"):
            data[name] = data[name].isoformat() if data[name] else None
        return {k: v for k, v in data.items() if v not in (None, "") and not (k == "min_count" and v == 1)}

    @classmethod
    def from_dict(cls, data: dict) -> Criterion:
        values = {}
        for f in fields(cls):
            raw = data.get(f.name)
            if raw in (None, ""):
                continue
            if f.name in ("value", "value2"):
                values[f.name] = float(raw)
            elif f.name in ("within_years", "min_count", "age_min", "age_max"):
                values[f.name] = int(raw)
            elif f.name in ("date_from", "date_to"):
                values[f.name] = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
            else:
                values[f.name] = str(raw)
        return cls(**values)

    def describe(self, name: str = "") -> str:
        system = dict(CodeSystem.choices).get(self.system, self.system)
        code = f"{system} {self.code}" + (" and its subcodes" if self.system in PREFIX_SYSTEMS else "")
        parts = [f"{name} ({code})" if name else code]
        if self.value_op == "between" and self.value is not None and self.value2 is not None:
            parts.append(f"value between {self.value:g} and {self.value2:g} {self.unit}".rstrip())
        elif self.value_op and self.value is not None:
            parts.append(f"value {VALUE_OPS[self.value_op]} {self.value:g} {self.unit}".rstrip())
        if self.within_years:
            parts.append(f"in the last {self.within_years} year{'s' if self.within_years > 1 else ''}")
        if self.date_from or self.date_to:
            parts.append(f"between {self.date_from or '…'} and {self.date_to or '…'}")
        if self.min_count > 1:
            parts.append(f"at least {self.min_count} times")
        if self.age_min is not None or self.age_max is not None:
            parts.append(f"aged {self.age_min if self.age_min is not None else '…'}-"
                         f"{self.age_max if self.age_max is not None else '…'} at the time")
        return ", ".join(parts)


@dataclass(frozen=True)
class Group:
    criteria: tuple[Criterion, ...] = ()
    exclude: bool = False

    def as_dict(self) -> dict:
        return {"exclude": self.exclude, "criteria": [c.as_dict() for c in self.criteria]}


@dataclass(frozen=True)
class Question:
    groups: tuple[Group, ...] = ()
    sample: CohortCriteria = field(default_factory=CohortCriteria)

    def as_dict(self) -> dict:
        return {"groups": [g.as_dict() for g in self.groups if g.criteria],
                "sample": self.sample.as_query()}

    @classmethod
    def from_dict(cls, data: dict | None) -> Question:
        """A question from stored JSON; whatever is malformed is left out."""
        data = data or {}
        groups = []
        for raw in (data.get("groups") or [])[:MAX_GROUPS]:
            criteria = []
            for item in (raw.get("criteria") or [])[:MAX_CRITERIA]:
                try:
                    criteria.append(Criterion.from_dict(item))
                except (TypeError, ValueError):
                    continue
            if criteria:
                groups.append(Group(tuple(criteria), bool(raw.get("exclude"))))
        return cls(tuple(groups), CohortCriteria.from_dict(data.get("sample")))

    def canonical(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))

    def digest(self, kind: str = "count") -> str:
        return hashlib.sha256(f"{kind}|{self.canonical()}".encode()).hexdigest()

    def keys(self) -> list[tuple[str, str]]:
        return [c.key for g in self.groups for c in g.criteria]

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.sample.as_query()

    def with_sample(self, sample: CohortCriteria) -> Question:
        return replace(self, sample=sample)

    def describe(self, names: dict[tuple[str, str], str] | None = None) -> list[str]:
        """One line per group and one for the sample criteria, for people."""
        names = names or {}
        lines = []
        for n, group in enumerate(self.groups, start=1):
            either = " OR ".join(c.describe(names.get(c.key, "")) for c in group.criteria)
            lines.append(f"{'NOT ' if group.exclude else ''}group {n}: {either}")
        lines.append(self.sample.describe())
        return lines
