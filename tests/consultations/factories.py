"""Factories for consultation tests. They write rows directly: use services to test the rules."""

from __future__ import annotations

import io
import zipfile

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import roles
from consultations.models import ConsultationRequest, FundingStatus, Message, StudyStage, TimeEntry
from consultations.workdays import add_working_days
from tests.factories import ServiceFactory, UserFactory


class ConsultationRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationRequest

    # A year no real submission uses, so factory rows never collide with the counter.
    reference = factory.Sequence(lambda n: f"DCR-2000-{n + 1:05d}")
    requester = factory.SubFactory(UserFactory, roles=[roles.RESEARCHER])
    service = factory.SubFactory(ServiceFactory)
    center = factory.LazyAttribute(lambda o: o.service.center)
    title = factory.Sequence(lambda n: f"Sample size for pilot study {n}")
    summary = "We plan a pilot study and need help with the design and the sample size."
    study_stage = StudyStage.PROTOCOL
    funding_status = FundingStatus.UNFUNDED
    submitted_at = factory.LazyFunction(timezone.now)
    overdue_at = factory.LazyAttribute(lambda o: add_working_days(o.submitted_at, 2))


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    request = factory.SubFactory(ConsultationRequestFactory)
    author = factory.LazyAttribute(lambda o: o.request.requester)
    body = "Could we meet next week?"


class TimeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeEntry

    request = factory.SubFactory(ConsultationRequestFactory)
    consultant = factory.SubFactory(UserFactory, is_staff=True)
    hours = 2
    date = factory.LazyFunction(timezone.localdate)


def pdf_upload(name: str = "protocol.pdf", size: int = 0) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    body += b"0" * max(size - len(body), 0)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def docx_upload(name: str = "aims.docx", with_document: bool = True) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if with_document:
            archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
