"""Demo data: every status, twice-loadable, visible to the demo staff member on the desk."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import demo as accounts_demo
from centers import demo as centers_demo
from consultations import demo, selectors
from consultations.models import ConsultationRequest, Message, Status, TimeEntry


@pytest.mark.django_db
def test_demo_covers_every_status_and_loads_only_once(client):
    accounts_demo.load()
    centers_demo.load()

    first = demo.load()
    count = ConsultationRequest.objects.count()
    assert "consultation requests" in first and count >= 36
    assert set(ConsultationRequest.objects.values_list("status", flat=True)) == set(Status.values)
    assert Message.objects.filter(internal=True).exists() and TimeEntry.objects.exists()
    assert all(title.endswith("(synthetic)") for title in ConsultationRequest.objects.values_list("title", flat=True))

    assert demo.load() == "demo requests already loaded"
    assert ConsultationRequest.objects.count() == count

    references = list(ConsultationRequest.objects.values_list("reference", flat=True))
    assert len(set(references)) == len(references)
    for consultation in ConsultationRequest.objects.all():
        hours = sum(consultation.time_entries.values_list("hours", flat=True), 0)
        assert consultation.hours_used == hours

    staff = accounts_demo_user("staff")
    assert selectors.staff_visible(staff).count() == count
    assert ConsultationRequest.objects.filter(assignee=staff).count() >= 10
    client.force_login(staff)
    response = client.get(reverse("admin:consultations_consultationrequest_changelist"), {"assignee": "me"})
    assert response.status_code == 200 and len(response.context["cl"].result_list) >= 10


def accounts_demo_user(local):
    from accounts.models import User

    return User.objects.get(email=accounts_demo.demo_email(local))


@pytest.mark.django_db
def test_demo_waits_for_the_demo_accounts():
    assert demo.load() == "skipped: the demo accounts are missing"
    assert not ConsultationRequest.objects.exists()
