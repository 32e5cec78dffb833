"""Write parsed registry records: every record of a file, or none of them.

Each record creates or updates the study with its NCT number, its registry record and its
sites. Any refused record leaves the database as it was; the report names every refused record
and field. New studies stay out of the trial finder (``is_public`` off) until staff have written
their plain-language text; the plain-language fields of an existing study are never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from centers.models import Center

from ..models import Condition, Location, RegistryRecord, Study
from .formats import RecordError, load_records
from .parse import ParsedStudy, parse_record

# Fields the registry owns: an update overwrites them. The plain-language fields (lay title,
# summary, eligibility) are written only when the study is new, so staff edits survive.
REGISTRY_FIELDS = ["title", "status", "phase", "study_type", "sex", "healthy_volunteers", "min_age", "max_age",
                   "keywords"]


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (record number, NCT id or "?", message)
    records: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        if self.errors:
            return (f"nothing imported: {len(self.errors)} of {self.records} records refused "
                    f"(fix them and import the file again)")
        return f"{len(self.created)} created, {len(self.updated)} updated, 0 refused"


def _nct_of(record: Any) -> str:
    if not isinstance(record, dict):
        return "?"
    protocol = record.get("protocolSection")
    ident = protocol.get("identificationModule") if isinstance(protocol, dict) else None
    nct = ident.get("nctId") if isinstance(ident, dict) else None
    return nct if isinstance(nct, str) and nct else "?"


def _conditions(names: list[str]) -> list[Condition]:
    found = []
    for name in names:
        condition = Condition.objects.filter(name__iexact=name).first()
        if condition is None:
            condition = Condition.objects.create(name=name, slug=_unique_slug(name))
        found.append(condition)
    return found


def _unique_slug(name: str) -> str:
    base = slugify(name)[:110] or "condition"
    slug, n = base, 2
    while Condition.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def is_our_site(facility: str, center: Center) -> bool:
    """A site is ours when its facility names our centre or one of the names in CTGOV_OUR_FACILITIES."""
    facility = facility.casefold()
    names = [center.name, *getattr(settings, "CTGOV_OUR_FACILITIES", [])]
    return any(name.strip() and name.strip().casefold() in facility for name in names)


def _write_locations(study: Study, sites: list[dict[str, Any]]) -> None:
    """Replace the study's sites with the registry's; a site staff marked as ours stays ours."""
    marked = set(study.locations.filter(is_ours=True).values_list("facility", "city"))
    study.locations.all().delete()
    rows = [Location(study=study, **site,
                     is_ours=(site["facility"], site["city"]) in marked or is_our_site(site["facility"], study.center))
            for site in sites]
    for row in rows:
        row.full_clean(exclude=["study"])
    Location.objects.bulk_create(rows)


def import_record(parsed: ParsedStudy, *, center: Center) -> tuple[Study, bool]:
    data = parsed.study
    study = Study.objects.select_for_update().filter(nct_id=data["nct_id"]).first()
    created = study is None
    if created:
        contact = parsed.contact
        study = Study(nct_id=data["nct_id"], center=center, is_public=False,
                      lay_title=data["lay_title"], summary=data["summary"],
                      eligibility=data["eligibility"] or "See the eligibility criteria on ClinicalTrials.gov.",
                      pi_name=contact["pi_name"] or "Listed on ClinicalTrials.gov",
                      contact_name=contact["contact_name"], contact_phone=contact["contact_phone"],
                      contact_email=contact["contact_email"] or center.contact_email)
    for name in REGISTRY_FIELDS:
        setattr(study, name, data[name])
    try:
        study.full_clean(exclude=["search_vector"])
    except ValidationError as error:
        raise RecordError("; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())) from error
    study.save()
    study.conditions.set(_conditions(parsed.conditions))
    RegistryRecord.objects.update_or_create(study=study, defaults=parsed.registry)
    _write_locations(study, parsed.locations)
    return study, created


class _Refused(Exception):
    """Rolls the whole import back once every record has been checked."""


def import_records(records: list[Any], *, center: Center) -> ImportReport:
    """Import every record or none: each refused record is reported with its number and NCT id."""
    report = ImportReport(records=len(records))
    try:
        with transaction.atomic():
            for number, record in enumerate(records, start=1):
                try:
                    parsed = parse_record(record)
                    with transaction.atomic():
                        study, created = import_record(parsed, center=center)
                except (RecordError, ValidationError) as error:
                    message = str(error) if isinstance(error, RecordError) else "; ".join(error.messages)
                    report.errors.append((number, _nct_of(record), message))
                    continue
                (report.created if created else report.updated).append(study.nct_id)
            if report.errors:
                raise _Refused
    except _Refused:
        report.created, report.updated = [], []
    return report


def import_file(path: str | Path, *, center: Center) -> ImportReport:
    return import_records(load_records(path), center=center)
