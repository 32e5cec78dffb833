"""A screen reader names every input of the triage desk's change page (issue 18): the rows of the
message and time tables, and the date and time boxes of the staff desk."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from consultations import services
from tests.consultations.factories import MessageFactory


def input_tag(html: str, element_id: str) -> str:
    match = re.search(rf'<(?:input|select|textarea)[^>]*id="{re.escape(element_id)}"[^>]*>', html)
    assert match, f"no input {element_id}"
    return match.group(0)


@pytest.mark.django_db
def test_the_inputs_of_the_message_and_time_rows_carry_their_column_names(client, consultation, staff_a):
    services.assign(consultation, staff_a, by=staff_a)
    MessageFactory(request=consultation, author=consultation.requester, body="When can we meet?")
    client.force_login(staff_a)

    html = client.get(reverse("admin:consultations_consultationrequest_change", args=[consultation.pk])).content.decode()

    assert 'aria-label="Message"' in input_tag(html, "id_messages-1-body")
    assert 'aria-label="Hours"' in input_tag(html, "id_time_entries-0-hours")
    assert 'aria-label="Date"' in input_tag(html, "id_time_entries-0-date")


@pytest.mark.django_db
def test_the_date_and_the_time_box_of_a_date_and_time_field_each_have_a_label(admin_client_for_user):
    html = admin_client_for_user.get(reverse("admin:accounts_user_change",
                                             args=[admin_client_for_user.user.pk])).content.decode()

    assert re.search(r'<label for="id_last_login_0">\s*Date:\s*</label>', html)
    assert re.search(r'<label for="id_last_login_1">\s*Time:\s*</label>', html)


@pytest.fixture
def admin_client_for_user(client):
    from tests.factories import UserFactory

    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    client.user = superuser
    return client
