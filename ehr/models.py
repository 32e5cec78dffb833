"""The health record of biobank participants, as loaded from FHIR Bulk Data extracts.

In the spirit of i2b2's ``observation_fact`` and OMOP's domain tables: one narrow ``Fact``
per coded event (a diagnosis, a lab value, a medication, a procedure, an encounter), and a
``Concept`` dictionary built from what was loaded. Only biobank participants' records are
kept; nothing about anyone else survives an import.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import OpClass
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from biobank.models import Participant
from common.gin import trigram_index
from common.jobs import Job


class Domain(models.TextChoices):
    CONDITION = "condition", "Diagnosis"
    OBSERVATION = "observation", "Lab or vital sign"
    MEDICATION = "medication", "Medication"
    PROCEDURE = "procedure", "Procedure"
    ENCOUNTER = "encounter", "Encounter"


class CodeSystem(models.TextChoices):
    """The code systems researchers search by; any other system keeps its URI."""

    SNOMED = "snomed", "SNOMED CT"
    ICD10CM = "icd10cm", "ICD-10-CM"
    LOINC = "loinc", "LOINC"
    RXNORM = "rxnorm", "RxNorm"
    CPT = "cpt", "CPT"
    ACT = "act", "HL7 ActCode"


class Concept(models.Model):
    """One code of one system, as found in the loaded records, with how many participants have it."""

    domain = models.CharField(max_length=12, choices=Domain.choices)
    system = models.CharField(max_length=200, help_text="A known system's short name, or the system's URI.")
    code = models.CharField(max_length=100)
    display = models.CharField(max_length=500, blank=True)
    participant_count = models.PositiveIntegerField(default=0)
    fact_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["system", "code"]
        constraints = [models.UniqueConstraint(fields=["system", "code"], name="ehr_concept_system_code_unique")]
        indexes = [
            # Search as one types: any part of the name (trigram), or the start of the code (prefix).
            # No pending list (common/gin.py): a search after a load reads the index alone.
            trigram_index("display", "ehr_concept_display_trgm"),
            models.Index(OpClass(Upper("code"), name="text_pattern_ops"), name="ehr_concept_code_prefix"),
        ]

    def __str__(self) -> str:
        return f"{self.get_system_label()} {self.code} {self.display}".strip()

    def get_system_label(self) -> str:
        return dict(CodeSystem.choices).get(self.system, self.system)


class Fact(models.Model):
    """One coded event of one participant (i2b2: an observation_fact row)."""

    id = models.BigAutoField(primary_key=True)
    # No database constraints: millions of rows are loaded at a time, and each constraint would be
    # checked row by row. The loader writes facts only by joining participants and concepts.
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+", db_index=False,
                                    db_constraint=False)
    concept = models.ForeignKey(Concept, on_delete=models.PROTECT, related_name="+", db_index=False,
                                db_constraint=False)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True, help_text="A lab or vital sign's numeric value.")
    unit = models.CharField(max_length=40, blank=True)
    source_id = models.CharField(max_length=100, help_text="The FHIR resource it came from: Type/id.")

    class Meta:
        indexes = [
            # Cohort questions: who has this concept (how often, when, with what value). Covering,
            # so that a criterion is answered from the index alone.
            models.Index(fields=["concept", "participant"], include=["start_date", "value", "unit"],
                         name="ehr_fact_concept_idx"),
            # NOT groups, and replacing one participant's record by a newer extract.
            models.Index(fields=["participant", "concept"], name="ehr_fact_participant_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} of participant {self.participant_id}"


class LoadedRecord(models.Model):
    """Which extract a participant's facts come from: a newer one replaces them, an older one is ignored."""

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, primary_key=True, related_name="+")
    extracted_at = models.DateTimeField()
    loaded_at = models.DateTimeField(default=timezone.now)
    fact_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"EHR of participant {self.participant_id} as of {self.extracted_at:%Y-%m-%d}"


class EhrImport(Job):
    """One load of an extract, from the staff desk or ``manage.py import_ehr``: who, what, and how it went."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Loading"
        LOADED = "loaded", "Loaded"
        REJECTED = "rejected", "Rejected: the files have errors, nothing was loaded from them"
        FAILED = "failed", "Stopped by an unexpected error, nothing was loaded"

    FINISHED = (Status.LOADED, Status.REJECTED, Status.FAILED)
    PROGRESS_PREFIX = "ehr:import"

    # The upload holds health records of people outside the biobank too: deleted once loaded.
    upload = models.FileField(upload_to="ehr-imports/", blank=True)
    skip_bad = models.BooleanField("skip bad lines", default=False)
    extracted_at = models.DateTimeField("extract made on", null=True, blank=True,
                                        help_text="A newer extract replaces an older one, participant by participant.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    bytes_total = models.PositiveBigIntegerField(default=0)
    lines_read = models.PositiveIntegerField(default=0)
    facts_loaded = models.PositiveIntegerField(default=0)
    participants_loaded = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=list, blank=True, help_text="One line per resource type.")
    errors = models.JSONField(default=list, blank=True, help_text="The first errors: file, line, resource, message.")

    class Meta(Job.Meta):
        verbose_name = "EHR extract load"

    def __str__(self) -> str:
        return f"EHR load #{self.pk} ({self.file_name})"
