"""Biobank access: a verified email, an IRB protocol on record, and biobank staff's approval."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts import roles
from cohorts.models import BiobankAccess
from notifications.models import OutboxEmail
from tests.cohorts.conftest import grant_access
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_researcher_without_approval_gets_403_everywhere(client, researcher):
    client.force_login(researcher)
    for name in ("cohorts:builder", "cohorts:concept_search", "cohorts:saved"):
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert "Apply, or see your application" in response.content.decode()


def test_an_approved_application_without_a_verified_email_opens_nothing(client, researcher):
    grant_access(researcher, verified=False)
    client.force_login(researcher)
    assert client.get(reverse("cohorts:builder")).status_code == 403


def test_apply_verify_and_be_approved(client, researcher, biobank_staff, django_capture_on_commit_callbacks):
    client.force_login(researcher)
    response = client.post(reverse("cohorts:access"), {"irb_protocol": "IRB-2026-0142",
                                                        "institution": "Synthetic Institute",
                                                        "purpose": "Outcomes of type 2 diabetes."}, follow=True)
    assert "Application sent" in response.content.decode()
    access = BiobankAccess.objects.get(user=researcher)
    assert access.status == "pending" and access.email_verified_at is None
    email = OutboxEmail.objects.get(recipient=researcher.email, template="cohorts_verify_email")
    assert OutboxEmail.objects.filter(recipient=biobank_staff.email, template="cohorts_access_for_staff").exists()

    client.force_login(biobank_staff)
    decide = reverse("admin:cohorts_biobankaccess_decide", args=[access.pk])
    response = client.post(decide, {"to": "approved"})
    assert "has not verified their email address" in response.content.decode()

    path = re.search(r"/cohorts/access/verify/\S+/", email.context["path"]).group(0)
    client.logout()
    assert "Email address verified" in client.get(path).content.decode()
    assert client.get(path.replace("verify/", "verify/x")).status_code == 400

    client.force_login(biobank_staff)
    client.post(decide, {"to": "approved"})
    access.refresh_from_db()
    assert access.status == "approved" and access.decided_by == biobank_staff
    client.force_login(researcher)
    assert client.get(reverse("cohorts:builder")).status_code == 200


def test_declining_needs_a_reason_and_revoking_closes_the_tool(client, researcher, biobank_staff):
    access = grant_access(researcher)
    client.force_login(biobank_staff)
    decide = reverse("admin:cohorts_biobankaccess_decide", args=[access.pk])
    assert "Give the reason" in client.post(decide, {"to": "revoked"}).content.decode()
    client.post(decide, {"to": "revoked", "reason": "The protocol expired."})
    client.force_login(researcher)
    assert client.get(reverse("cohorts:builder")).status_code == 403
    assert "The protocol expired." in client.get(reverse("cohorts:access")).content.decode()


def test_bad_applications_are_explained_by_field(client, researcher):
    client.force_login(researcher)
    html = client.post(reverse("cohorts:access"), {"irb_protocol": "?", "institution": "",
                                                   "purpose": ""}).content.decode()
    assert "Enter the IRB protocol number" in html and "This field is required." in html
    assert not BiobankAccess.objects.exists()


@pytest.mark.parametrize("role", [roles.PATIENT, roles.COLLABORATOR])
def test_other_roles_cannot_apply(client, role):
    user = UserFactory(roles=[role])
    client.force_login(user)
    assert client.get(reverse("cohorts:access")).status_code == 403


def test_other_staff_cannot_decide(client, researcher, staff_a):
    access = grant_access(researcher, status="pending")
    client.force_login(staff_a)
    assert client.get(reverse("admin:cohorts_biobankaccess_decide", args=[access.pk])).status_code == 403


def test_concept_search_asks_no_access_query_as_one_types_and_a_revocation_counts_at_once(
        client, researcher, biobank_staff, django_assert_max_num_queries):
    access = grant_access(researcher)
    client.force_login(researcher)
    search = reverse("cohorts:concept_search")
    assert client.get(search, {"q": "diab"}).status_code == 200
    # Each key typed: the session (from the database in tests, Redis in production), the person with
    # their roles, and the search; the approval is kept per person (it was five queries).
    with django_assert_max_num_queries(3):
        assert client.get(search, {"q": "diabe"}).status_code == 200

    client.force_login(biobank_staff)
    client.post(reverse("admin:cohorts_biobankaccess_decide", args=[access.pk]),
                {"to": "revoked", "reason": "The protocol expired."})
    client.force_login(researcher)
    assert client.get(search, {"q": "diabet"}).status_code == 403
    access.refresh_from_db()
    access.status = BiobankAccess.Status.PENDING
    access.save()
    assert client.get(search, {"q": "diabete"}).status_code == 403


def test_a_stored_concept_search_answer_is_refused_after_revocation_and_renewed_by_a_load(
        client, researcher, django_assert_max_num_queries):
    from ehr import selectors as concepts
    from ehr.models import Concept

    Concept.objects.create(domain="condition", system="http://snomed.info/sct", code="44054006",
                           display="Diabetes mellitus type 2", participant_count=40, fact_count=90)
    access = grant_access(researcher)
    client.force_login(researcher)
    search = reverse("cohorts:concept_search")
    first = client.get(search, {"q": "diab"})
    assert first.json()["results"][0]["code"] == "44054006"
    with django_assert_max_num_queries(2):  # the session and the person: the answer and approval come from the cache
        again = client.get(search, {"q": "  DIAB "})
    assert again["Content-Type"] == "application/json" and again.content == first.content

    Concept.objects.filter(code="44054006").update(display="Type 2 diabetes mellitus")  # as a load's SQL does
    concepts.concepts_changed()  # what every load calls
    assert client.get(search, {"q": "diab"}).json()["results"][0]["display"] == "Type 2 diabetes mellitus"

    access.status = BiobankAccess.Status.REVOKED
    access.save()
    refused = client.get(search, {"q": "diab"})
    assert refused.status_code == 403 and b"Type 2 diabetes" not in refused.content
