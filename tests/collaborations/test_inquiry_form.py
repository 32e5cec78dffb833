"""The partnership inquiry form on /collaborators/."""

import pytest
from django.urls import reverse

from accounts import roles
from accounts.models import User
from collaborations.models import Inquiry

URL = "/collaborators/"

VALID = {
    "organisation": "Northfield University",
    "kind": "academic",
    "contact_name": "Jordan Example",
    "contact_email": "jordan@example.org",
    "contact_phone": "+1 603 555 0100",
    "area": "clinical_trials",
    "proposal": "A multi-site pragmatic trial of hypertension coaching across both systems.",
}


@pytest.fixture
def dcr_staff(db):
    from tests.factories import UserFactory

    return UserFactory(roles=[roles.DCR_STAFF], is_staff=True, email="triage@example.org")


@pytest.mark.django_db
def test_page_explains_partners_and_lists_the_affiliate(client):
    from collaborations.models import Affiliate

    Affiliate.objects.create(name="Wentworth-Douglass Hospital", description="Joined in 2017.")
    body = client.get(URL).content.decode()
    for kind in ("Academic partners", "Industry", "Government", "Foundations", "Philanthropic donors"):
        assert kind in body
    assert "Wentworth-Douglass Hospital" in body
    assert "Send a partnership inquiry" in body


@pytest.mark.django_db
def test_valid_inquiry_is_saved_with_a_reference_and_emails_go_out_once(client, dcr_staff, outbox,
                                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, VALID, follow=True)
    inquiry = Inquiry.objects.get()
    assert inquiry.reference.startswith("PI-")
    assert inquiry.status == Inquiry.Status.NEW
    assert inquiry.status_changes.count() == 1
    assert inquiry.reference in response.content.decode()
    recipients = sorted(m.to[0] for m in outbox)
    assert recipients == ["jordan@example.org", "triage@example.org"]
    partner_mail = next(m for m in outbox if m.to == ["jordan@example.org"])
    assert inquiry.reference in partner_mail.body
    staff_mail = next(m for m in outbox if m.to == ["triage@example.org"])
    assert reverse("admin:collaborations_inquiry_change", args=[inquiry.pk]) in staff_mail.body
    # The proposal itself never travels by email.
    assert all(VALID["proposal"] not in m.body for m in outbox)


@pytest.mark.django_db
def test_bad_input_gets_clear_errors_and_keeps_what_was_typed(client):
    data = {**VALID, "contact_email": "not-an-email", "proposal": "too short", "contact_phone": "call me"}
    response = client.post(URL, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in body
    assert "at least 30 characters" in body
    assert "Enter a phone number" in body
    assert 'value="Northfield University"' in body
    assert "too short" in body
    assert Inquiry.objects.count() == 0


@pytest.mark.django_db
def test_missing_kind_is_refused(client):
    response = client.post(URL, {**VALID, "kind": ""})
    assert "This field is required." in response.content.decode()
    assert Inquiry.objects.count() == 0


@pytest.mark.django_db
def test_honeypot_saves_nothing_but_looks_like_success(client, outbox):
    response = client.post(URL, {**VALID, "website": "http://spam.example"})
    assert response.status_code == 302
    assert Inquiry.objects.count() == 0
    assert outbox == []


@pytest.mark.django_db
def test_rate_limit_per_address_keeps_the_form(client):
    for _ in range(5):
        assert client.post(URL, VALID).status_code == 302
    response = client.post(URL, VALID)
    assert response.status_code == 200
    assert "several inquiries from you in the last hour" in response.content.decode()
    assert 'value="Northfield University"' in response.content.decode()
    assert Inquiry.objects.count() == 5


@pytest.mark.django_db
def test_signed_in_person_gets_the_form_prefilled_and_sees_their_inquiries(client, collaborator):
    client.force_login(collaborator)
    assert collaborator.email in client.get(URL).content.decode()
    client.post(URL, {**VALID, "contact_email": collaborator.email})
    mine = client.get(reverse("collaborations:mine")).content.decode()
    assert Inquiry.objects.get().reference in mine
    assert "New" in mine


@pytest.mark.django_db
def test_my_inquiries_shows_only_mine(client, collaborator):
    other = User.objects.create_user(email="other@example.org", password="x" * 12, full_name="Other")
    client.force_login(other)
    client.post(URL, {**VALID, "organisation": "Someone Else Org", "contact_email": "other@example.org"})
    client.force_login(collaborator)
    assert "Someone Else Org" not in client.get(reverse("collaborations:mine")).content.decode()


def test_my_inquiries_needs_sign_in(client, db):
    response = client.get(reverse("collaborations:mine"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
