"""Partnership inquiries in the staff desk."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from accounts import roles
from collaborations import services
from collaborations.models import Inquiry

CHANGELIST = reverse("admin:collaborations_inquiry_changelist")


def make(n=1, **extra):
    return [services.submit_inquiry(organisation=f"Org {i}", kind="industry", contact_name="Jo",
                                    contact_email=f"jo{i}@example.org", area="other",
                                    proposal="A proposal that is long enough to be accepted.", **extra)
            for i in range(n)]


@pytest.fixture
def dcr_staff(db):
    from tests.factories import UserFactory

    return UserFactory(roles=[roles.DCR_STAFF], is_staff=True)


@pytest.mark.django_db
def test_changelist_query_budget(client, dcr_staff, django_assert_max_num_queries):
    inquiries = make(15)
    for inquiry in inquiries[:5]:
        services.assign(inquiry, dcr_staff, by=dcr_staff)
    client.force_login(dcr_staff)
    with django_assert_max_num_queries(12):
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert "Org 14" in response.content.decode()


@pytest.mark.django_db
def test_researcher_cannot_open_the_triage_desk(client, researcher):
    client.force_login(researcher)
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_confidential_inquiry_is_hidden_from_other_staff_once_assigned(client, dcr_staff):
    from tests.factories import UserFactory

    colleague = UserFactory(roles=[roles.DCR_STAFF], is_staff=True)
    (secret,) = make(1, confidential=True)
    services.assign(secret, colleague, by=colleague)
    client.force_login(dcr_staff)
    assert "Org 0" not in client.get(CHANGELIST).content.decode()
    assert client.get(reverse("admin:collaborations_inquiry_change", args=[secret.pk])).status_code == 302
    client.force_login(colleague)
    assert client.get(reverse("admin:collaborations_inquiry_change", args=[secret.pk])).status_code == 200


@pytest.mark.django_db
def test_forbidden_move_from_the_admin_shows_a_clear_message(client, dcr_staff):
    (inquiry,) = make(1)
    client.force_login(dcr_staff)
    response = client.post(CHANGELIST, {"action": "mark_agreed", ACTION_CHECKBOX_NAME: [inquiry.pk]}, follow=True)
    assert "cannot be moved" in response.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.NEW


@pytest.mark.django_db
def test_decline_action_asks_for_a_reason_then_declines(client, dcr_staff):
    (inquiry,) = make(1)
    client.force_login(dcr_staff)
    form_page = client.post(CHANGELIST, {"action": "decline", ACTION_CHECKBOX_NAME: [inquiry.pk]})
    assert "Reason" in form_page.content.decode()
    client.post(CHANGELIST, {"action": "decline", ACTION_CHECKBOX_NAME: [inquiry.pk], "apply": "1", "reason": ""})
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.NEW
    client.post(CHANGELIST, {"action": "decline", ACTION_CHECKBOX_NAME: [inquiry.pk], "apply": "1",
                             "reason": "Not this year."})
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.DECLINED
    assert inquiry.decision_reason == "Not this year."


@pytest.mark.django_db
def test_staff_add_a_note_from_the_change_page(client, dcr_staff):
    (inquiry,) = make(1)
    client.force_login(dcr_staff)
    url = reverse("admin:collaborations_inquiry_change", args=[inquiry.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "assignee": "",
        "confidential": "",
        "notes-TOTAL_FORMS": "1", "notes-INITIAL_FORMS": "0", "notes-MIN_NUM_FORMS": "0", "notes-MAX_NUM_FORMS": "1000",
        "notes-0-body": "Called them back; interested in phase 1 beds.",
        "status_changes-TOTAL_FORMS": "1", "status_changes-INITIAL_FORMS": "1",
        "status_changes-MIN_NUM_FORMS": "0", "status_changes-MAX_NUM_FORMS": "1000",
        "status_changes-0-id": str(inquiry.status_changes.get().pk), "status_changes-0-inquiry": str(inquiry.pk),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    note = inquiry.notes.get()
    assert note.author == dcr_staff
