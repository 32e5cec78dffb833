"""The one list of protected health information in the portal, and how to scrub it.

Every model field that holds a patient's name, contact detail, MRN or date of birth is named
in ``PROTECTED_FIELDS`` (``app_label.Model.field``). Emails get only plain, non-protected
values (see notifications.services), logs pass through ``scrub``.
"""

from __future__ import annotations

import re

PROTECTED_FIELDS: set[str] = {
    "accounts.User.phone",
    "studies.Interest.name",
    "studies.Interest.email",
    "studies.Interest.phone",
    "studies.InterestNote.text",
    "studies.StudyAlert.email",
    "biobank.Participant.mrn",
}

# Context keys that must never be handed to an email template.
PROTECTED_CONTEXT_KEYS = frozenset({"mrn", "phone", "date_of_birth", "dob", "birth_date", "patient_name"})

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# 7 or more digits with the usual separators: phone numbers (the shortest has 7 digits) and
# bare record numbers. Short numbers (ids, counts, years) stay readable.
# Not an IPv4 address (hosts in log lines are not personal data).
_PHONE = re.compile(r"(?<![\w.:-])(?!\d{1,3}(?:\.\d{1,3}){3}(?![\d.]))\+?\(?\d[\d\s().-]{5,}\d(?![\w.])")
_MRN = re.compile(r"\bMRN[\s:=#-]*[\w-]+", re.IGNORECASE)
_DATE = re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b|\b\d{1,2}/\d{1,2}/(19|20)\d\d\b")


def scrub(text: str) -> str:
    """Replace values that look like protected data with a marker."""
    text = _MRN.sub("MRN=[removed]", text)
    text = _EMAIL.sub("[email removed]", text)
    text = _DATE.sub("[date removed]", text)
    return _PHONE.sub("[number removed]", text)
