"""Protected data never leaves in an email, an error page or a log line.

The records below hold protected values (a volunteer's name, email and phone, an MRN, a
researcher's phone); the real code paths that queue emails run on them, and every email that
comes out is searched for each value.
"""

from __future__ import annotations

import logging
import logging.config
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import path

from accounts import roles
from tests.biobank.factories import ParticipantFactory, SampleRequestFactory
from tests.factories import ServiceFactory, StaffMembershipFactory, UserFactory
from tests.security import evidence
from tests.studies.factories import StudyFactory

PATIENT_NAME = "Zelda Quartermaine"
PATIENT_EMAIL = "zelda.quartermaine@example.net"
PATIENT_PHONE = "617 555 0199"
MRN = "SYN8841207"
RESEARCHER_PHONE = "+1 212 555 0143"
PROTECTED_VALUES = [PATIENT_NAME, PATIENT_EMAIL, PATIENT_PHONE, "6175550199", MRN, RESEARCHER_PHONE]
EMAIL_TEMPLATES = sorted({p.name.split(".")[0] for p in (Path(settings.BASE_DIR) / "templates" / "emails").iterdir()
                          if p.name.endswith(".txt")} - {"base"})


def _texts(message) -> list[str]:
    texts = [message.subject, message.body]
    texts += [content for content, _ in getattr(message, "alternatives", [])]
    return texts


@pytest.mark.django_db
def test_no_email_of_any_code_path_carries_protected_values(django_capture_on_commit_callbacks, center_a):
    from biobank import services as biobank_services
    from biobank.models import Participant
    from collaborations import services as collaboration_services
    from consultations import services as consultation_services
    from notifications.models import OutboxEmail
    from studies import services as study_services

    mail.outbox = []
    staff = UserFactory(roles=[roles.DCR_STAFF], is_staff=True, phone=RESEARCHER_PHONE)
    StaffMembershipFactory(user=staff, center=center_a)
    team = UserFactory(roles=[roles.STUDY_TEAM], is_staff=True)
    biobank_staff = UserFactory(roles=[roles.BIOBANK_STAFF], is_staff=True)
    researcher = UserFactory(roles=[roles.RESEARCHER], phone=RESEARCHER_PHONE)
    patient = UserFactory(roles=[roles.PATIENT], email=PATIENT_EMAIL, full_name=PATIENT_NAME, phone=PATIENT_PHONE)
    ParticipantFactory(mrn=MRN)
    study = StudyFactory(center=center_a)
    study.team.add(team)

    with django_capture_on_commit_callbacks(execute=True):
        # A volunteer's inquiry, moved by the team, then withdrawn.
        interest = study_services.submit_interest(study=study, name=PATIENT_NAME, email=PATIENT_EMAIL,
                                                  phone=PATIENT_PHONE, consent_to_contact=True, user=patient)
        study_services.change_interest_status(interest, "contacted", by=team)
        other = study_services.submit_interest(study=study, name=PATIENT_NAME, email=PATIENT_EMAIL,
                                               phone=PATIENT_PHONE, consent_to_contact=True)
        study_services.change_interest_status(other, "ineligible", by=team, reason=f"Called {PATIENT_PHONE}")
        study_services.change_interest_status(interest, "withdrawn", by=patient)
        # A team note naming the person's phone: kept with the inquiry, never emailed.
        study_services.add_note(interest=other, author=team, text=f"{PATIENT_NAME} asked to be called on {PATIENT_PHONE}")
        # A consultation: filed, assigned, messages both ways, status changes, overdue reminder.
        service = ServiceFactory(center=center_a)
        consultation = consultation_services.submit_request(
            requester=researcher, service=service, title="Pilot sample size", summary="We need help.",
            study_stage="protocol", funding_status="unfunded")
        consultation_services.submit_request(
            requester=researcher, service=service, title="Left waiting", summary="Nobody triaged this yet.",
            study_stage="protocol", funding_status="unfunded")
        consultation_services.post_message(consultation, author=researcher, body=f"Call me on {RESEARCHER_PHONE}")
        consultation_services.assign(consultation, staff, by=staff)
        consultation_services.post_message(consultation, author=staff, body=f"About MRN {MRN}")
        consultation_services.change_status(consultation, "in_progress", by=staff)
        from django.utils import timezone
        consultation_services.send_overdue_reminders(now=timezone.now() + timezone.timedelta(days=30))
        # Completed: the satisfaction survey; a draft left a week: its reminder.
        consultation_services.change_status(consultation, "completed", by=staff, note=f"Called {RESEARCHER_PHONE}")
        from django.test.client import QueryDict

        from consultations import follow_up
        follow_up.save_draft(requester=researcher, post=QueryDict(f"title=Draft&summary=Call {RESEARCHER_PHONE}"))
        follow_up.send_draft_reminders(now=timezone.now() + timezone.timedelta(days=8))
        # A project: a PI named by a coordinator, someone asks to join, the PI answers.
        from projects import services as project_services
        project = project_services.create_project(by=researcher, title="Quartermaine cohort", funding_type="federal",
                                                  )
        coordinator = UserFactory(roles=[roles.RESEARCHER], phone=RESEARCHER_PHONE)
        project_services.add_member(project, by=researcher, email=coordinator.email, role="coordinator",
                                    rights="view")
        outsider = UserFactory(roles=[roles.RESEARCHER])
        access = project_services.ask_access(project, user=outsider, role="other", rights="view",
                                             note=f"Call me on {RESEARCHER_PHONE}")
        project_services.decide_access(access, "granted", by=researcher)
        # Biobank requests: submitted and decided.
        sample_request = SampleRequestFactory(researcher=researcher)
        biobank_services._notify_submitted(sample_request)
        biobank_services.move_request(sample_request, sample_request.Status.UNDER_REVIEW, by=biobank_staff)
        # A distribution order of the participant's sample, shipped and received.
        from biobank.distribution import services as distribution_services
        from tests.biobank.factories import SampleFactory

        SampleFactory(participant=Participant.objects.get(), sample_type="dna")
        shipped = SampleRequestFactory(researcher=researcher, status="approved", criteria={"sample_type": "dna"})
        biobank_services.reserve_samples(shipped, by=biobank_staff, count=1)
        order = distribution_services.create_order(shipped, by=biobank_staff)
        distribution_services.move_order(order, "shipped", by=biobank_staff, recipient=f"Lab, call {PATIENT_PHONE}",
                                         tracking_number="T-1")
        distribution_services.move_order(order, "received", by=researcher)
        # A partnership inquiry with a phone number, and its status.
        inquiry = collaboration_services.submit_inquiry(
            organisation="Quartermaine Foundation", kind="foundation", contact_name=PATIENT_NAME,
            contact_email=PATIENT_EMAIL, contact_phone=PATIENT_PHONE, area="outcomes", proposal="A proposal.")
        collaboration_services.change_status(inquiry, "in_review", by=staff)
        collaboration_services.change_status(inquiry, "declined", by=staff, reason=f"Phoned {PATIENT_PHONE}")
        # Accounts: welcome and password reset of a person with a phone number.
        # Biobank access: applied for (verify link, staff told), verified, approved.
        from cohorts import services as cohort_services
        access = cohort_services.apply_for_access(researcher, irb_protocol="IRB-2026-0142",
                                                  institution="Synthetic Institute", purpose="Diabetes outcomes.")
        cohort_services.verify_email(cohort_services.verification_token(access))
        cohort_services.move_access(access, "approved", by=biobank_staff)
        from accounts.forms import OutboxPasswordResetForm
        from accounts.models import User
        from accounts.services import confirm_sign_up, sign_up
        sign_up(email="newcomer@example.org", full_name=PATIENT_NAME, password="a-long-password-1",
                role=roles.PATIENT)
        sign_up(email=PATIENT_EMAIL, full_name=PATIENT_NAME, password="a-long-password-1", role=roles.PATIENT)
        confirm_sign_up(User.objects.get(email="newcomer@example.org"))
        form = OutboxPasswordResetForm({"email": PATIENT_EMAIL})
        assert form.is_valid()
        form.save(domain_override="dcr.example.org")
        # Study alerts: a visitor's confirmation link, a signed-in patient's digest of a new study.
        from studies import alert_matching
        from studies import alerts as study_alerts
        visitor = study_alerts.subscribe_visitor(email=PATIENT_EMAIL, params=QueryDict(""), name="All new studies",
                                                 language="en")
        study_alerts.confirm(study_alerts.confirm_token(visitor))
        study_alerts.create_for_user(user=patient, params=QueryDict(""), name="All new studies", language="en")
        StudyFactory(center=center_a)
        alert_matching.run(timezone.now() + timezone.timedelta(seconds=1))

    sent = {email.template for email in OutboxEmail.objects.all()}
    leaks = [(message.subject, value) for message in mail.outbox for text in _texts(message)
             for value in PROTECTED_VALUES if value in text]
    evidence.add("leaks", emails_checked=len(mail.outbox), templates=len(sent))
    assert len(mail.outbox) >= 15
    assert not leaks, f"protected values in emails: {leaks}"
    assert not [value for email in OutboxEmail.objects.all() for value in PROTECTED_VALUES
                if value in str(email.context)], "protected values stored in an outbox context"
    unreached = set(EMAIL_TEMPLATES) - sent
    assert not unreached, f"no code path above sends these templates; add one: {sorted(unreached)}"


@pytest.mark.parametrize("template", EMAIL_TEMPLATES)
def test_every_email_template_renders_only_what_it_is_given(template):
    """The templates take plain values; given only plain ones, they show no protected data."""
    from notifications.services import render_email

    context = {"reference": "DCR-2026-00001", "path": "/x/", "status": "Submitted", "kind": "sample request",
               "role": roles.PATIENT, "study": "Study 1", "site_url": "https://dcr.example.org"}
    subject, body, html = render_email(template, context)
    for value in PROTECTED_VALUES:
        assert value not in subject + body + (html or "")


def _boom(request):
    raise RuntimeError(f"failed for {PATIENT_EMAIL} MRN {MRN} phone {PATIENT_PHONE}")


urlpatterns = [path("boom/", _boom)]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_the_500_page_shows_no_detail(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html
    for value in (PATIENT_EMAIL, MRN, PATIENT_PHONE, "RuntimeError", "Traceback"):
        assert value not in html


@pytest.mark.django_db
def test_the_404_page_is_the_portals_and_says_nothing_of_the_record(client, patient):
    from tests.studies.factories import InterestFactory

    interest = InterestFactory(name=PATIENT_NAME, email=PATIENT_EMAIL, phone=PATIENT_PHONE)
    client.force_login(patient)  # not the person of the inquiry
    response = client.post(f"/studies/my-inquiries/{interest.pk}/withdraw/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html and 'id="main"' in html
    for value in (PATIENT_NAME, PATIENT_EMAIL, PATIENT_PHONE, interest.reference):
        assert value not in html


def test_log_records_are_scrubbed_by_the_real_logging_config(capsys):
    logging.config.dictConfig(settings.LOGGING)
    log = logging.getLogger("dcr_portal.leak_check")
    log.error("Could not reach %s at %s (MRN %s)", PATIENT_EMAIL, PATIENT_PHONE, MRN)
    try:
        raise ValueError(f"bad row for {PATIENT_EMAIL} {PATIENT_PHONE} MRN={MRN}")
    except ValueError:
        log.exception("import failed")
    output = capsys.readouterr().err
    assert "Could not reach" in output and "import failed" in output and "ValueError" in output
    for value in (PATIENT_EMAIL, PATIENT_PHONE, MRN):
        assert value not in output
