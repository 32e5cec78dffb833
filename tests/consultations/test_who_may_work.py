"""One rule decides who may be assigned, triage and log hours; the desk explains when nobody or not you."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consultations import selectors
from consultations.models import Status
from tests.consultations.factories import ConsultationRequestFactory
from tests.factories import CenterFactory, ServiceFactory


def page(name, consultation):
    return reverse(f"admin:consultations_consultationrequest_{name}", args=[consultation.pk])


@pytest.mark.django_db
def test_a_centre_without_staff_gets_an_explained_empty_list(client, superuser, researcher):
    empty = CenterFactory(name="Research Pharmacy")
    consultation = ConsultationRequestFactory(requester=researcher, service=ServiceFactory(center=empty))
    client.force_login(superuser)
    html = client.get(page("assign", consultation)).content.decode()
    assert "Nobody can be assigned yet: Research Pharmacy has no active DCR staff member" in html
    assert "Staff memberships" in html


@pytest.mark.django_db
def test_staff_of_another_centre_see_why_they_cannot_triage_a_pool_request(client, consultation, staff_b):
    client.force_login(staff_b)  # sees it (unassigned, in the shared pool) but it is centre A's work
    for name in ("status", "assign"):
        html = client.get(page(name, consultation)).content.decode()
        assert "You are not on the staff of" in html and 'name="note"' not in html
    client.post(page("status", consultation), {"to_status": "triaged", "note": ""})
    consultation.refresh_from_db()
    assert consultation.status == Status.SUBMITTED


@pytest.mark.django_db
def test_only_those_who_may_work_on_it_log_hours(client, consultation, staff_a, staff_b):
    client.force_login(staff_a)
    assert 'name="time_entries-0-hours"' in client.get(page("change", consultation)).content.decode()
    client.force_login(staff_b)
    assert 'name="time_entries-0-hours"' not in client.get(page("change", consultation)).content.decode()


@pytest.mark.django_db
def test_the_rule_is_the_same_for_assigning_triaging_and_hours(consultation, staff_a, staff_b, superuser):
    assert selectors.may_work_on_request(staff_a, consultation)
    assert selectors.may_be_assigned(staff_a, consultation)
    assert not selectors.may_work_on_request(staff_b, consultation)
    assert not selectors.may_be_assigned(staff_b, consultation)
    assert selectors.may_work_on_request(superuser, consultation)  # triages anything, assigned only where on staff
    assert list(selectors.assignable_staff(consultation)) == [staff_a]
