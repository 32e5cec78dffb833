"""Demo centres, units and services of the division (descriptive text, no personal data)."""

from __future__ import annotations

import datetime

from django.utils.text import slugify

from accounts.demo import demo_email

from .models import Center, Service, StaffMembership

CENTERS = [
    ("Translational Research Center", "Runs early-phase and mechanistic studies, with an 18-bed inpatient unit staffed around the clock for research participants."),
    ("Biobank", "Collects, stores and distributes consented blood and DNA samples linked to health records for approved research."),
    ("Center for Biostatistics and Data Science", "Designs studies, plans sample sizes and analyses data with investigators from the first idea to publication."),
    ("Center for Clinical Trials", "Supports investigator-initiated and sponsored trials through start-up, conduct and close-out."),
    ("Center for Regulatory Science", "Guides investigators through IND and IDE submissions and FDA interactions."),
    ("Center for Patient-Centered Outcomes Research", "Puts patients' priorities at the heart of studies and helps teams compete for PCORI funding."),
    ("Center for Genomic and Omics Medicine", "Brings genotyping, sequencing and other omics to clinical studies."),
    ("Center for Health Informatics and EHR Research", "Makes health-record data usable for cohort discovery and pragmatic trials."),
    ("Center for Community Engagement and Recruitment", "Connects studies with the communities they serve and helps teams recruit and retain volunteers."),
    ("Center for Research Education and Mentoring", "Trains investigators and coordinators in the methods and ethics of clinical research."),
]

UNITS = [
    ("Faculty Consultation Unit", "Matches investigators with senior faculty for a free consultation of 6-8 hours."),
    ("IRB Submission Support Unit", "Prepares and reviews new IRB applications before they go to the board."),
    ("Research Funding Office", "Finds funding sources and prepares NIH, PCORI and foundation applications."),
    ("Study Budgeting Unit", "Builds study budgets and coverage analyses that sponsors and the hospital accept."),
    ("Project Management Unit", "Keeps studies on time: timelines, milestones and team coordination."),
    ("Qualitative Research Unit", "Designs and analyses interviews, focus groups and mixed-methods studies."),
    ("Research Pharmacy", "Stores, prepares and dispenses investigational drugs."),
    ("Clinical Research Nursing Unit", "Provides research nurses for outpatient visits and the inpatient unit."),
    ("Research Laboratory Processing Unit", "Processes and ships research specimens under documented chain of custody."),
    ("Data Management Unit", "Builds case report forms and databases and keeps study data clean."),
    ("Research Compliance Unit", "Monitors studies and prepares teams for audits and inspections."),
    ("Clinical Research Informatics Unit", "Runs the electronic data capture and cohort discovery tools."),
    ("Participant Recruitment Unit", "Advertises studies, pre-screens volunteers and runs the research registry."),
    ("Research Imaging Unit", "Schedules and reads research MRI, CT and PET scans."),
    ("Outcomes and Quality Measurement Unit", "Helps teams choose and collect patient-reported outcome measures."),
]

# (name, summary, providing centre, min hours, max hours, free)
SERVICES = [
    ("Faculty consultation", "A free 6-8 hour consultation with senior faculty on any part of your study.", "Faculty Consultation Unit", 6, 8, True),
    ("IND/IDE submission and project management", "Prepare, file and track IND and IDE applications with the FDA.", "Center for Regulatory Science", None, None, False),
    ("Subject recruitment", "Plan recruitment, reach eligible volunteers and track enrollment.", "Participant Recruitment Unit", None, None, False),
    ("Funding sources", "Find grants and sponsors that fit your research.", "Research Funding Office", None, None, False),
    ("Study budgeting", "Build a study budget and coverage analysis.", "Study Budgeting Unit", None, None, False),
    ("NIH and PCORI applications", "Plan, write and review NIH and PCORI applications.", "Research Funding Office", None, None, False),
    ("Project management", "Timelines, milestones and coordination for your study team.", "Project Management Unit", None, None, False),
    ("IRB new application", "Prepare and pre-review a new IRB application.", "IRB Submission Support Unit", None, None, False),
    ("Biostatistics", "Study design, sample size, analysis plans and analyses.", "Center for Biostatistics and Data Science", None, None, False),
    ("Omics", "Genotyping, sequencing and omics study design and analysis.", "Center for Genomic and Omics Medicine", None, None, False),
    ("Patient-centred outcomes", "Engage patients and choose outcomes that matter to them.", "Center for Patient-Centered Outcomes Research", None, None, False),
    ("EHR research", "Cohort discovery and data extraction from health records.", "Center for Health Informatics and EHR Research", None, None, False),
    ("Qualitative research", "Interviews, focus groups and mixed-methods analysis.", "Qualitative Research Unit", None, None, False),
]


# Catalogue details of the priced services: (unit, turnaround days, deliverables, preparation,
# {funding type: price per unit}). Synthetic prices for the demonstration.
CATALOGUE = {
    "Faculty consultation": ("hour", 10, "A written summary of the advice\nNext steps and who can help",
                             "A one-page outline of the study\nYour questions", {}),
    "Study budgeting": ("hour", 15, "A study budget by visit and arm\nA coverage analysis",
                        "The protocol's schedule of events\nThe sponsor's draft budget, if any",
                        {"federal": "95.00", "industry": "150.00", "other": "110.00"}),
    "Biostatistics": ("hour", 20, "A sample size calculation\nA statistical analysis plan",
                      "Your aims and hypotheses\nAny pilot data", {"federal": "120.00", "industry": "185.00",
                                                                    "other": "140.00"}),
    "IRB new application": ("submission", 15, "A pre-reviewed IRB application ready to file",
                            "The protocol\nConsent forms", {"federal": "450.00", "industry": "900.00",
                                                              "other": "600.00"}),
    "Subject recruitment": ("patient_visit", 30, "A recruitment plan\nA weekly enrollment report",
                            "Eligibility criteria\nIRB-approved materials",
                            {"federal": "65.00", "industry": "120.00", "other": "80.00"}),
}


def _catalogue(service: Service) -> None:
    from .models import ServiceRate

    details = CATALOGUE.get(service.name)
    if details is None or service.deliverables:
        return
    unit, days, deliverables, preparation, prices = details
    Service.objects.filter(pk=service.pk).update(unit=unit, turnaround_days=days, deliverables=deliverables,
                                                 preparation=preparation)
    for funding_type, amount in prices.items():
        ServiceRate.objects.get_or_create(service=service, funding_type=funding_type,
                                          effective_from=datetime.date(2026, 1, 1), defaults={"amount": amount})


def _center(name: str, mission: str, kind: str) -> Center:
    slug = slugify(name)
    center = Center.objects.filter(slug=slug).first()
    if center is None:
        center = Center(
            name=name, slug=slug, kind=kind, mission=mission,
            description=(f"The {name} is part of the Division of Clinical Research. Write to the team with any "
                         "question, or ask for one of its services through the portal."),
            contact_email=f"{slug[:40]}@dcr.example.org", location="Research Building",
        )
        center.save()
    return center


def load() -> str:
    centers = {name: _center(name, mission, Center.Kind.CENTER) for name, mission in CENTERS}
    centers.update({name: _center(name, mission, Center.Kind.UNIT) for name, mission in UNITS})
    for name, summary, provider, low, high, free in SERVICES:
        service, _ = Service.objects.get_or_create(
            slug=slugify(name),
            defaults=dict(
                name=name, summary=summary, center=centers[provider], typical_hours_min=low,
                typical_hours_max=high, free_of_charge=free,
                description=("Ask for this service through the portal: describe your study and what you need, "
                             "and the team replies within two working days.\n\n"
                             "Questions before you ask? Write to the team that provides it."),
            ),
        )
        _catalogue(service)
    from accounts.models import User

    memberships = [("staff", "Faculty Consultation Unit"), ("staff", "Center for Biostatistics and Data Science"),
                   ("studyteam", "Translational Research Center"), ("biobank", "Biobank")]
    for local, center_name in memberships:
        user = User.objects.filter(email=demo_email(local)).first()
        if user:
            StaffMembership.objects.get_or_create(user=user, center=centers[center_name])
    return f"{len(CENTERS)} centres, {len(UNITS)} units, {len(SERVICES)} services"
