"""'I'm interested': the form, what is stored, the emails, and the anti-abuse measures."""

from __future__ import annotations

import pytest

from common.protected import PROTECTED_FIELDS
from notifications.models import OutboxEmail
from studies import ratelimit
from studies.models import Interest

from .factories import PrescreenQuestionFactory, StudyFactory

pytestmark = pytest.mark.django_db


def valid_data(**overrides) -> dict:
    data = {"name": "Jamie Volunteer", "email": "jamie@example.org", "phone": "", "preferred_contact": "email",
            "best_time": "morning", "consent_to_contact": "on", "website": ""}
    data.update(overrides)
    return data


@pytest.fixture
def study(study_team_member):
    return StudyFactory(short_title="GLOW-2", nct_id="NCT01234567", lay_title="Diabetes and sleep",
                        team=[study_team_member])


def post(client, study, data, **extra):
    return client.post(study.get_absolute_url(), data, **extra)


def test_interest_fields_are_protected():
    assert {"studies.Interest.name", "studies.Interest.email", "studies.Interest.phone"} <= PROTECTED_FIELDS


def test_sending_interest_stores_it_and_thanks_the_person_with_a_reference(client, study):
    response = post(client, study, valid_data())
    assert response.status_code == 302 and response.url == f"/studies/{study.pk}/thanks/"
    interest = Interest.objects.get()
    assert (interest.study, interest.name, interest.email, interest.preferred_contact, interest.best_time,
            interest.status, interest.user) == (study, "Jamie Volunteer", "jamie@example.org", "email", "morning",
                                                "new", None)
    page = client.get(response.url).content.decode()
    assert interest.reference in page and "Thank you" in page


def test_the_thanks_page_needs_an_inquiry_from_this_browser(client, study):
    assert client.get(f"/studies/{study.pk}/thanks/").url == "/studies/"


def test_pre_screen_answers_are_stored_with_the_question_as_asked(client, study):
    yes_no = PrescreenQuestionFactory(study=study, text="Do you use insulin?")
    number = PrescreenQuestionFactory(study=study, text="How many hours do you sleep?", kind="number",
                                      min_value=0, max_value=24)
    post(client, study, valid_data(**{f"question_{yes_no.pk}": "unsure", f"question_{number.pk}": "6"}))
    interest = Interest.objects.get()
    assert interest.answers == {
        str(yes_no.pk): {"question": "Do you use insulin?", "kind": "yes_no", "answer": "unsure"},
        str(number.pk): {"question": "How many hours do you sleep?", "kind": "number", "answer": 6},
    }
    yes_no.text = "Do you inject insulin?"
    yes_no.save()
    interest.refresh_from_db()
    assert interest.answers[str(yes_no.pk)]["question"] == "Do you use insulin?"


def test_emails_tell_the_person_and_the_team_without_health_details(client, study, study_team_member, outbox,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, study, valid_data())
    interest = Interest.objects.get()
    person = next(m for m in outbox if m.to == ["jamie@example.org"])
    team = next(m for m in outbox if m.to == [study_team_member.email])
    assert interest.reference in person.subject and interest.reference in person.body
    assert "a study at the DCR" in person.subject
    for secret in ("Diabetes", "diabetes", "sleep", "GLOW", "NCT01234567", "Jamie"):
        assert secret not in person.subject + person.body, secret
    assert team.subject == "A new inquiry for study GLOW-2"
    assert f"/studies/team/{study.pk}/" in team.body
    for secret in ("Jamie", "jamie@example.org", "morning"):
        assert secret not in team.subject + team.body
    assert len(outbox) == 2


def test_a_study_without_a_team_announces_inquiries_to_its_contact_address(client, outbox,
                                                                            django_capture_on_commit_callbacks):
    study = StudyFactory(contact_email="coordinator@dcr.example.org")
    with django_capture_on_commit_callbacks(execute=True):
        post(client, study, valid_data())
    assert {tuple(m.to) for m in outbox} == {("jamie@example.org",), ("coordinator@dcr.example.org",)}


def test_a_phone_only_inquiry_gets_no_email_but_the_team_does(client, study):
    post(client, study, valid_data(email="", phone="+1 (617) 555-0123", preferred_contact="phone"))
    assert Interest.objects.get().phone == "+1 (617) 555-0123"
    assert list(OutboxEmail.objects.values_list("template", flat=True)) == ["study_new_inquiry"]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": ""}, "name", "Tell us your name"),
    ({"email": "", "phone": ""}, "email", "Give an email address or a phone number"),
    ({"email": "not-an-email"}, "email", "Enter an email address like name@example.com."),
    ({"phone": "call me", "preferred_contact": "phone"}, "phone", "at least 7 digits"),
    ({"phone": "12345", "email": ""}, "phone", "at least 7 digits"),
    ({"preferred_contact": "phone"}, "phone", "You chose to be called"),
    ({"email": "", "phone": "617 555 0123", "preferred_contact": "email"}, "email", "You chose email"),
    ({"consent_to_contact": ""}, "consent_to_contact", "Tick this box"),
])
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(client, study, changes, field, message):
    data = valid_data(**changes)
    response = post(client, study, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    assert message in " ".join(response.context["form"].errors[field])
    assert "Your message was not sent yet" in body
    if data["name"]:
        assert f'value="{data["name"]}"' in body
    if data["email"]:
        assert f'value="{data["email"]}"' in body
    assert not Interest.objects.exists()


def test_number_answers_must_be_in_range_and_questions_answered(client, study):
    yes_no = PrescreenQuestionFactory(study=study, text="Do you smoke?")
    number = PrescreenQuestionFactory(study=study, text="Cigarettes a day?", kind="number", min_value=1, max_value=60)
    response = post(client, study, valid_data(**{f"question_{number.pk}": "99"}))
    errors = response.context["form"].errors
    assert errors[f"question_{number.pk}"] == ["Enter a number from 1 to 60."]
    assert errors[f"question_{yes_no.pk}"] == ["Choose yes, no or I'm not sure."]
    assert 'value="99"' in response.content.decode()
    assert not Interest.objects.exists()


def test_a_signed_in_patient_gets_the_form_prefilled_and_the_inquiry_linked(client, study, patient):
    patient.phone = "617 555 0144"
    patient.save()
    client.force_login(patient)
    body = client.get(study.get_absolute_url()).content.decode()
    assert f'value="{patient.email}"' in body and 'value="Pat Patient"' in body
    post(client, study, valid_data(email=patient.email))
    assert Interest.objects.get().user == patient


def test_the_honeypot_stops_robots_kindly_without_losing_input(client, study):
    response = post(client, study, valid_data(website="http://spam.example.com"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "looked as if it had been filled in automatically" in body
    assert 'value="Jamie Volunteer"' in body and 'value="jamie@example.org"' in body
    assert "spam.example.com" not in body  # a person pressing Send again gets through
    assert not Interest.objects.exists()
    assert post(client, study, valid_data()).status_code == 302


def test_the_honeypot_is_hidden_by_a_class_not_an_inline_style(client, study):
    body = client.get(study.get_absolute_url()).content.decode()
    start = body.index('name="website"')
    wrapper = body.rfind("<div", 0, body.rfind('class="d-none"', 0, start) + 20)
    assert 'class="d-none"' in body[wrapper:start] and 'aria-hidden="true"' in body[wrapper:start]
    assert "style=" not in body
    assert 'tabindex="-1"' in body[start - 200:start + 200]


def test_five_inquiries_an_hour_per_email_address(client, study):
    for number in range(ratelimit.PER_ADDRESS):
        assert post(client, study, valid_data(name=f"Try {number}")).status_code == 302
    response = post(client, study, valid_data(name="One too many"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "several messages from this address in the last hour" in body
    assert 'value="One too many"' in body
    assert Interest.objects.count() == ratelimit.PER_ADDRESS
    # Another person on the same network is not affected.
    assert post(client, study, valid_data(email="someone.else@example.org")).status_code == 302


def test_five_inquiries_an_hour_per_phone_number_however_it_is_written(client, study):
    for number in range(ratelimit.PER_ADDRESS):
        post(client, study, valid_data(email=f"p{number}@example.org", phone=f"617 555 {'0123' if number % 2 else '01 23'}"))
    response = post(client, study, valid_data(email="p9@example.org", phone="(617) 555-0123"))
    assert "several messages from this address" in response.content.decode()


def test_twenty_inquiries_an_hour_per_ip(client, study):
    for number in range(ratelimit.PER_IP):
        post(client, study, valid_data(email=f"person{number}@example.org"), REMOTE_ADDR="203.0.113.7")
    assert Interest.objects.count() == ratelimit.PER_IP
    response = post(client, study, valid_data(email="fresh@example.org"), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 400
    assert post(client, study, valid_data(email="fresh@example.org"), REMOTE_ADDR="198.51.100.9").status_code == 302


def test_rate_limit_keys_do_not_hold_the_address(study):
    ratelimit.count(email="jamie@example.org", phone="617 555 0123", ip="203.0.113.7")
    from django.core.cache import cache

    keys = list(cache._cache.keys())
    assert keys and not any("jamie" in key or "5550123" in key or "203.0.113" in key for key in keys)
