"""The MRN stays out of emails, logs and error reports, whatever happens."""

import logging

import pytest

from biobank import services
from biobank.criteria import CohortCriteria
from notifications.models import OutboxEmail
from tests.biobank.factories import ParticipantFactory, SampleFactory

MRN = "SYN3141592"


@pytest.mark.django_db
def test_a_whole_request_life_keeps_the_mrn_out_of_emails_and_logs(researcher, biobank_staff, caplog, outbox,
                                                                   django_capture_on_commit_callbacks):
    participant = ParticipantFactory(mrn=MRN)
    SampleFactory.create_batch(2, participant=participant)
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        req = services.submit_sample_request(researcher, irb_protocol="IRB-1", title="A study", purpose="Why.",
                                             criteria=CohortCriteria(sample_type="dna"), samples_requested=2)
        services.move_request(req, "under_review", by=biobank_staff)
        services.move_request(req, "approved", by=biobank_staff)
        services.reserve_samples(req, by=biobank_staff)
        services.distribute_samples(req, by=biobank_staff)
        services.withdraw_participant(participant, by=biobank_staff, reason="Asked.")
    assert len(outbox) >= 4
    for message in outbox:
        assert MRN not in message.subject + message.body
        assert participant.biobank_id not in message.body
    for email in OutboxEmail.objects.all():
        assert set(email.context) <= {"reference", "kind", "path"}
    assert MRN not in caplog.text


def test_the_log_filter_scrubs_an_mrn_written_by_mistake():
    from accounts.logging import ProtectedDataFilter

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "looked up MRN %s", (MRN,), None)
    ProtectedDataFilter().filter(record)
    assert MRN not in record.getMessage()


def test_the_outbox_refuses_an_mrn_in_an_email_context():
    from notifications.services import queue_email

    with pytest.raises(ValueError):
        queue_email("someone@example.org", "biobank_request_status", {"mrn": MRN})
