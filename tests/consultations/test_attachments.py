"""Attachments: PDF or .docx by name and by content, 10 MB and 5 files at most, private downloads."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consultations import services
from consultations.attachments import (MAX_ATTACHMENT_BYTES, MAX_UNPACKED_BYTES, MAX_ZIP_ENTRIES, MEGABYTE,
                                      validate_attachment, validate_attachments)
from consultations.models import Attachment, ConsultationRequest, FundingStatus, Status, StudyStage
from tests.consultations.factories import docx_upload, pdf_upload


def test_a_pdf_and_a_docx_are_accepted():
    assert validate_attachment(pdf_upload()) == "application/pdf"
    assert validate_attachment(docx_upload()).endswith("wordprocessingml.document")


def test_the_extension_is_checked_whatever_its_case():
    assert validate_attachment(pdf_upload("PROTOCOL.PDF")) == "application/pdf"
    with pytest.raises(ValidationError, match="not a PDF or Word"):
        validate_attachment(SimpleUploadedFile("notes.txt", b"%PDF pretending"))
    with pytest.raises(ValidationError, match="not a PDF or Word"):
        validate_attachment(SimpleUploadedFile("old.doc", b"\xd0\xcf\x11\xe0"))


def test_a_file_named_pdf_must_start_like_a_pdf():
    with pytest.raises(ValidationError, match="its content is not one"):
        validate_attachment(SimpleUploadedFile("protocol.pdf", b"<html>not a pdf</html>"))


def test_a_docx_must_be_a_zip_with_a_word_document():
    with pytest.raises(ValidationError, match="its content is not one"):
        validate_attachment(SimpleUploadedFile("aims.docx", b"%PDF-1.4 renamed"))
    with pytest.raises(ValidationError, match="its content is not one"):
        validate_attachment(docx_upload(with_document=False))


def _zip(name: str, entries) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for entry, content in entries:
            archive.writestr(entry, content)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_a_docx_that_would_inflate_to_hundreds_of_megabytes_is_refused():
    """A zip bomb: a few hundred KB that unpack to more than the limit in whatever opens it."""
    bomb = _zip("bomb.docx", [("word/media/filler.bin", b"\0" * (MAX_UNPACKED_BYTES + 1))])
    assert bomb.size < MEGABYTE
    with pytest.raises(ValidationError, match="“bomb.docx” would unpack to more than 100 MB"):
        validate_attachment(bomb)


def test_a_docx_with_thousands_of_parts_is_refused():
    many = _zip("many.docx", [(f"word/part{n}.xml", "") for n in range(MAX_ZIP_ENTRIES)])
    with pytest.raises(ValidationError, match="more than 2000 parts"):
        validate_attachment(many)
    # A real document's pictures and parts stay well within both limits.
    assert validate_attachment(_zip("big.docx", [(f"word/media/image{n}.png", b"x" * 200_000)
                                                 for n in range(100)])).endswith("document")


def test_size_limit_is_ten_megabytes():
    assert validate_attachment(pdf_upload(size=MAX_ATTACHMENT_BYTES))
    with pytest.raises(ValidationError, match="is 10.0 MB; each file may be at most 10 MB"):
        validate_attachment(pdf_upload(size=MAX_ATTACHMENT_BYTES + 1))
    with pytest.raises(ValidationError, match="is empty"):
        validate_attachment(SimpleUploadedFile("blank.pdf", b""))


def test_at_most_five_files_and_every_problem_is_reported_at_once():
    assert len(validate_attachments([pdf_upload(f"{n}.pdf") for n in range(5)])) == 5
    with pytest.raises(ValidationError, match="at most 5 files"):
        validate_attachments([pdf_upload(f"{n}.pdf") for n in range(6)])
    with pytest.raises(ValidationError) as both:
        validate_attachments([SimpleUploadedFile("a.exe", b"MZ"), SimpleUploadedFile("b.pdf", b"nope")])
    assert len(both.value.messages) == 2


@pytest.mark.django_db
def test_form_refuses_six_files(client, researcher, service):
    from tests.consultations.test_request_form import URL, form_data

    client.force_login(researcher)
    response = client.post(URL, form_data(service, attachments=[pdf_upload(f"{n}.pdf") for n in range(6)]))
    assert "Attach at most 5 files to a request." in response.context["form"].errors["attachments"]


@pytest.mark.django_db
def test_files_are_stored_privately_under_a_random_name(researcher, service):
    consultation = services.submit_request(
        requester=researcher, service=service, title="Study", summary="A summary long enough to pass.",
        study_stage=StudyStage.IDEA, funding_status=FundingStatus.UNFUNDED, uploads=[pdf_upload("my protocol.pdf")])
    attachment = consultation.attachments.get()
    stored = Path(attachment.file.path)
    assert stored.is_file()
    assert Path(settings.MEDIA_ROOT) in stored.parents
    assert not any(Path(folder) in stored.parents for folder in settings.STATICFILES_DIRS)
    assert "my protocol" not in stored.name and stored.suffix == ".pdf"
    assert (attachment.original_name, attachment.content_type) == ("my protocol.pdf", "application/pdf")


@pytest.mark.django_db
def test_a_failed_submission_leaves_no_file_behind(researcher, service, monkeypatch):
    from consultations import services as consultation_services

    def broken_email(*args, **kwargs):
        raise RuntimeError("mail system down")

    monkeypatch.setattr(consultation_services, "_staff_email", broken_email)
    with pytest.raises(RuntimeError):
        consultation_services.submit_request(
            requester=researcher, service=service, title="Study", summary="A summary long enough to pass.",
            study_stage=StudyStage.IDEA, funding_status=FundingStatus.UNFUNDED, uploads=[pdf_upload()])
    assert not Attachment.objects.exists()
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []


# --- downloads -----------------------------------------------------------------------

@pytest.fixture
def attachment(researcher, service):
    consultation = services.submit_request(
        requester=researcher, service=service, title="Study", summary="A summary long enough to pass.",
        study_stage=StudyStage.IDEA, funding_status=FundingStatus.UNFUNDED, uploads=[pdf_upload("aims.pdf")])
    return consultation.attachments.get()


def download(client, user, attachment):
    if user is not None:
        client.force_login(user)
    return client.get(reverse("consultations:attachment", args=[attachment.pk]))


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["researcher", "staff_a", "superuser"])
def test_people_who_see_the_request_can_download(client, request, attachment, person):
    response = download(client, request.getfixturevalue(person), attachment)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="aims.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_staff_of_another_centre_cannot_download_an_assigned_request(client, attachment, staff_a, staff_b):
    services.assign(attachment.request, staff_a, by=staff_a)
    assert download(client, staff_b, attachment).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["other_researcher", "patient", "study_team_member"])
def test_nobody_else_can_download(client, request, attachment, person):
    assert download(client, request.getfixturevalue(person), attachment).status_code == 404


@pytest.mark.django_db
def test_anonymous_download_asks_to_sign_in(client, attachment):
    response = download(client, None, attachment)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_attachments_are_not_reachable_under_static_or_media_urls(client, attachment):
    client.force_login(attachment.request.requester)
    assert client.get(f"/static/{attachment.file.name}").status_code == 404
    assert client.get(f"{settings.MEDIA_URL}{attachment.file.name}").status_code == 404


@pytest.mark.django_db
def test_a_closed_request_keeps_its_documents(client, researcher, attachment):
    services.withdraw(attachment.request, by=researcher)
    assert attachment.request.status == Status.WITHDRAWN
    assert download(client, researcher, attachment).status_code == 200


@pytest.mark.django_db
def test_attachment_list_on_the_desk_shows_only_visible_requests(client, researcher, service, center_b, staff_a,
                                                                 staff_b, django_assert_max_num_queries):
    from tests.factories import ServiceFactory

    for number in range(6):
        services.submit_request(
            requester=researcher, service=service if number % 2 else ServiceFactory(center=center_b),
            title=f"Study {number}", summary="A summary long enough to pass.", study_stage=StudyStage.IDEA,
            funding_status=FundingStatus.UNFUNDED, uploads=[pdf_upload(f"aims-{number}.pdf")])
    for consultation in ConsultationRequest.objects.filter(center=center_b):
        services.assign(consultation, staff_b, by=staff_b)
    client.force_login(staff_a)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("admin:consultations_attachment_changelist"))
    names = {a.original_name for a in response.context["cl"].result_list}
    assert names == {"aims-1.pdf", "aims-3.pdf", "aims-5.pdf"}

