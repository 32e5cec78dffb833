"""Demo affiliates and partnership inquiries (organisations and people are made up)."""

from __future__ import annotations

import datetime

from accounts.demo import demo_email
from accounts.models import User

from .models import Affiliate, Inquiry
from .services import assign, change_status, submit_inquiry

AFFILIATES = [
    ("Wentworth-Douglass Hospital", datetime.date(2017, 1, 1),
     "Joined the hospital's family on 1 January 2017; its patients and clinicians take part in the division's studies."),
]

INQUIRIES = [
    ("Northfield University (synthetic)", "academic", "clinical_trials", "Multi-site pragmatic trial of a hypertension coaching programme across both health systems."),
    ("Example Pharma Inc. (synthetic)", "industry", "early_phase", "A first-in-human phase 1 study needing inpatient beds for 24-hour pharmacokinetic sampling."),
    ("State Health Department (synthetic)", "government", "data", "Linking de-identified health-record data to study vaccination uptake in rural counties."),
    ("Granite Lung Foundation (synthetic)", "foundation", "outcomes", "Co-designing patient-reported outcomes for an asthma self-management study."),
    ("The Demo Family Fund (synthetic)", "philanthropic", "funding", "A gift to support two research fellowships in clinical trial methods each year."),
    ("GenoDemo Labs (synthetic)", "industry", "biobank", "Access to genotyped DNA samples for a validation study of a polygenic risk score."),
]


def load() -> str:
    for name, joined, description in AFFILIATES:
        Affiliate.objects.get_or_create(name=name, defaults={"joined_on": joined, "description": description})
    if Inquiry.objects.filter(organisation__endswith="(synthetic)").exists():
        return f"{Affiliate.objects.count()} affiliates, inquiries already loaded"
    staff = User.objects.filter(email=demo_email("staff")).first()
    collaborator = User.objects.filter(email=demo_email("collaborator")).first()
    for index, (organisation, kind, area, proposal) in enumerate(INQUIRIES):
        inquiry = submit_inquiry(
            submitted_by=collaborator if index == 1 else None, organisation=organisation, kind=kind, area=area,
            proposal=proposal, contact_name="Jordan Example (synthetic)",
            contact_email=f"partner{index}@example.org", confidential=index == 5,
        )
        if staff and index in (1, 2, 3):
            assign(inquiry, staff, by=staff)
        if staff and index in (2, 3):
            change_status(inquiry, Inquiry.Status.IN_DISCUSSION, by=staff)
        if staff and index == 3:
            change_status(inquiry, Inquiry.Status.AGREED, by=staff)
        if staff and index == 4:
            change_status(inquiry, Inquiry.Status.DECLINED, by=staff, reason="Outside the division's current programmes.")
    return f"{Affiliate.objects.count()} affiliates, {len(INQUIRIES)} partnership inquiries"
