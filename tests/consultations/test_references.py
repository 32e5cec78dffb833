"""Reference numbers: DCR-YYYY-NNNNN, unique and without gaps even when many people submit at once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from common.references import next_reference
from consultations import services
from consultations.models import ConsultationRequest, FundingStatus, StudyStage
from tests.factories import ServiceFactory

THREADS = 12


def _submit(requester, service, title="A study"):
    return services.submit_request(
        requester=requester, service=service, title=title,
        summary="We need help with the design of a pilot study.",
        study_stage=StudyStage.IDEA, funding_status=FundingStatus.UNFUNDED,
    )


@pytest.mark.django_db
def test_references_count_up_within_a_year():
    with transaction.atomic():
        first = next_reference("DCR", year=2031)
        second = next_reference("DCR", year=2031)
        other_year = next_reference("DCR", year=2032)
    assert (first, second, other_year) == ("DCR-2031-00001", "DCR-2031-00002", "DCR-2032-00001")


@pytest.mark.django_db(transaction=True)
def test_a_reference_is_only_handed_out_inside_a_transaction():
    # Outside a transaction the counter's lock would end at once and the number could be lost.
    with pytest.raises(RuntimeError, match="inside the transaction"):
        next_reference("DCR", year=2033)


@pytest.mark.django_db
def test_a_rolled_back_submission_gives_its_number_back():
    try:
        with transaction.atomic():
            assert next_reference("DCR", year=2034) == "DCR-2034-00001"
            raise RuntimeError("the request could not be saved")
    except RuntimeError:
        pass
    with transaction.atomic():
        assert next_reference("DCR", year=2034) == "DCR-2034-00001"


@pytest.mark.django_db
def test_submitted_request_gets_a_reference_of_this_year(researcher, service):
    from django.utils import timezone

    consultation = _submit(researcher, service)
    assert consultation.reference == f"DCR-{timezone.localdate().year}-00001"


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_gapless_references(researcher):
    service = ServiceFactory()
    start = threading.Barrier(THREADS)
    references, errors = [], []

    def submit(number):
        try:
            start.wait(timeout=10)
            references.append(_submit(researcher, service, title=f"Study {number}").reference)
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=submit, args=(n,)) for n in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert errors == []
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in references)
    assert numbers == list(range(1, THREADS + 1))
    assert ConsultationRequest.objects.count() == THREADS
