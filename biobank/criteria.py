"""A cohort query: which participants and samples a researcher is asking about.

The same criteria drive the cohort count page, are saved with a request (as JSON), travel in
a query string from the count page to the request form, and tell staff what to reserve.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from .models import REQUESTABLE_USES, ConsentUse, SampleType, Sex

YES, NO = "yes", "no"


@dataclass(frozen=True)
class CohortCriteria:
    sample_type: str = ""
    sex: str = ""
    birth_year_min: int | None = None
    birth_year_max: int | None = None
    genotyped: str = ""  # "yes", "no" or "" for either
    recontact: str = ""  # consented to re-contact: "yes", "no" or ""
    uses: tuple[str, ...] = ()  # intended uses: only donors who said yes to each one count

    @classmethod
    def from_dict(cls, data: dict | None) -> CohortCriteria:
        """Criteria from stored JSON or a query string; unknown or malformed values are ignored."""
        data = data or {}
        values = {}
        for field in fields(cls):
            value = data.get(field.name)
            if value in (None, ""):
                continue
            if field.name == "uses":
                items = value.split(",") if isinstance(value, str) else value if isinstance(value, list | tuple) else []
                values["uses"] = tuple(str(item).strip() for item in items)
            elif field.name in ("birth_year_min", "birth_year_max"):
                try:
                    values[field.name] = int(value)
                except (TypeError, ValueError):
                    continue
            else:
                values[field.name] = str(value)
        criteria = cls(**values)
        return criteria.cleaned()

    def cleaned(self) -> CohortCriteria:
        return CohortCriteria(
            sample_type=self.sample_type if self.sample_type in SampleType.values else "",
            sex=self.sex if self.sex in Sex.values else "",
            birth_year_min=self.birth_year_min,
            birth_year_max=self.birth_year_max,
            genotyped=self.genotyped if self.genotyped in (YES, NO) else "",
            recontact=self.recontact if self.recontact in (YES, NO) else "",
            uses=tuple(use for use in ConsentUse.values if use in self.uses and use in REQUESTABLE_USES),
        )

    def as_dict(self) -> dict:
        return {**asdict(self), "uses": list(self.uses)}

    def as_query(self) -> dict[str, str]:
        """Only the values that are set, for a query string (uses comma-separated)."""
        values = {**self.as_dict(), "uses": ",".join(self.uses)}
        return {key: str(value) for key, value in values.items() if value not in (None, "")}

    def as_initial(self) -> dict:
        """The values that are set, for a form's initial data."""
        return {**self.as_query(), **({"uses": list(self.uses)} if self.uses else {})}

    def _person_parts(self) -> list[str]:
        parts = []
        if self.sex:
            parts.append(dict(Sex.choices)[self.sex].lower())
        if self.birth_year_min and self.birth_year_max:
            parts.append(f"born {self.birth_year_min}-{self.birth_year_max}")
        elif self.birth_year_min:
            parts.append(f"born in or after {self.birth_year_min}")
        elif self.birth_year_max:
            parts.append(f"born in or before {self.birth_year_max}")
        if self.genotyped:
            parts.append("genotyped" if self.genotyped == YES else "not genotyped")
        return parts

    def describe(self) -> str:
        """In words, for people: 'DNA · female · born 1950-1970 · genotyped'."""
        parts = [dict(SampleType.choices)[self.sample_type] if self.sample_type else "Any sample type"]
        parts += self._person_parts()
        if self.recontact:
            parts.append("consented to re-contact" if self.recontact == YES else "no re-contact consent")
        if self.uses:
            labels = dict(ConsentUse.choices)
            parts.append("donors consented to " + ", ".join(str(labels[use]).lower() for use in self.uses))
        return " · ".join(parts)

    def describe_participants(self) -> str:
        """The re-contact view of the criteria (sample type and re-contact filter do not apply)."""
        return " · ".join(["Participants who consented to re-contact", *self._person_parts()])
