"""A cohort query: which participants and samples a researcher is asking about.

The same criteria drive the cohort count page, are saved with a request (as JSON), travel in
a query string from the count page to the request form, and tell staff what to reserve.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from .models import SampleType, Sex

YES, NO = "yes", "no"


@dataclass(frozen=True)
class CohortCriteria:
    sample_type: str = ""
    sex: str = ""
    birth_year_min: int | None = None
    birth_year_max: int | None = None
    genotyped: str = ""  # "yes", "no" or "" for either
    recontact: str = ""  # consented to re-contact: "yes", "no" or ""

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> CohortCriteria:
        """Criteria from stored JSON or a query string; unknown or malformed values are ignored."""
        data = data or {}
        values = {}
        for field in fields(cls):
            value = data.get(field.name)
            if value in (None, ""):
                continue
            if field.name in ("birth_year_min", "birth_year_max"):
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
        )

    def as_query(self) -> dict[str, str]:
        """Only the values that are set, for a query string."""
        return {key: str(value) for key, value in self.as_dict().items() if value not in (None, "")}

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
        return " · ".join(parts)

    def describe_participants(self) -> str:
        """The re-contact view of the criteria (sample type and re-contact filter do not apply)."""
        return " · ".join(["Participants who consented to re-contact", *self._person_parts()])
