"""/consultations/new/: a researcher files a request; mistakes get clear messages and nothing typed is lost."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.models import Attachment, ConsultationRequest, Status
from tests.consultations.factories import docx_upload, pdf_upload

URL = reverse("consultations:new")


def form_data(service, **overrides):
    data = {
        "service": service.pk, "center": "", "title": "Walking programme pilot",
        "summary": "We want to test a walking programme in 40 adults and need a sample size.",
        "study_stage": "protocol", "funding_status": "unfunded", "sponsor": "", "deadline": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_anonymous_visitor_is_asked_to_sign_in_and_comes_back(client, service):
    response = client.get(f"{URL}?service={service.slug}")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=/consultations/new/%3Fservice%3D" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["patient", "collaborator", "staff_a"])
def test_people_without_the_researcher_role_get_a_friendly_refusal(client, request, person):
    client.force_login(request.getfixturevalue(person))
    response = client.get(URL)
    assert response.status_code == 403
    assert "Consultations are for researchers" in response.content.decode()
    assert "<form" not in response.content.decode().split("<main", 1)[1].split("</main>")[0]


@pytest.mark.django_db
def test_service_page_link_prefills_the_service(client, researcher, service):
    client.force_login(researcher)
    response = client.get(f"{URL}?service={service.slug}")
    assert response.status_code == 200
    assert response.context["form"]["service"].value() == service.pk
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "Biostatistics consult" in html


@pytest.mark.django_db
def test_unknown_service_slug_just_leaves_the_choice_open(client, researcher):
    client.force_login(researcher)
    response = client.get(f"{URL}?service=no-such-thing")
    assert response.status_code == 200
    assert response.context["form"]["service"].value() is None


@pytest.mark.django_db
def test_valid_request_is_filed_and_the_researcher_lands_on_it(client, researcher, service, center_b):
    client.force_login(researcher)
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(URL, form_data(service, center=center_b.pk, deadline=deadline.isoformat(),
                                          funding_status="external", sponsor="Example Foundation",
                                          attachments=[pdf_upload(), docx_upload()]), follow=True)

    consultation = ConsultationRequest.objects.get()
    assert response.redirect_chain[-1][0] == consultation.get_absolute_url()
    assert f"Your request {consultation.reference} was sent" in response.content.decode()
    assert (consultation.requester, consultation.center, consultation.deadline, consultation.sponsor) == (
        researcher, center_b, deadline, "Example Foundation")
    assert consultation.status == Status.SUBMITTED
    assert sorted(Attachment.objects.values_list("original_name", flat=True)) == ["aims.docx", "protocol.pdf"]


@pytest.mark.django_db
def test_mistakes_are_explained_and_what_was_typed_is_kept(client, researcher, service):
    client.force_login(researcher)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(URL, form_data(service, title="My very own title", summary="Too short",
                                          deadline=yesterday.isoformat(), funding_status="industry"))

    assert response.status_code == 200
    assert not ConsultationRequest.objects.exists()
    errors = response.context["form"].errors
    assert errors["deadline"] == ["The deadline cannot be in the past. Leave it empty if there is none."]
    assert errors["sponsor"] == ["Name the sponsor or funder of the study."]
    assert "at least 20 characters" in errors["summary"][0]
    html = response.content.decode()
    assert "Your request has not been sent yet" in html
    assert 'value="My very own title"' in html
    assert "Too short</textarea>" in html


@pytest.mark.django_db
def test_required_fields_say_what_is_missing(client, researcher):
    client.force_login(researcher)
    response = client.post(URL, {})
    errors = response.context["form"].errors
    assert errors["service"] == ["Choose the service you need."]
    assert errors["title"] == ["Give your project a title."]
    assert errors["study_stage"] == ["Choose where your study is now."]


@pytest.mark.django_db
def test_wrong_file_type_is_refused_and_files_must_be_chosen_again(client, researcher, service):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(researcher)
    response = client.post(URL, form_data(service, attachments=[
        SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/octet-stream")]))

    assert response.status_code == 200
    messages = response.context["form"].errors["attachments"]
    assert "“tool.exe” is not a PDF or Word (.docx) file. Attach PDF or .docx files only." in messages
    assert any("choose them again" in m for m in messages)
    assert not ConsultationRequest.objects.exists() and not Attachment.objects.exists()


@pytest.mark.django_db
def test_inactive_services_cannot_be_chosen(client, researcher, service):
    service.active = False
    service.save()
    client.force_login(researcher)
    response = client.post(URL, form_data(service))
    assert response.context["form"].errors["service"] == ["Choose one of the services in the list."]


@pytest.mark.django_db
def test_an_oversized_upload_is_refused_before_it_is_read(client, researcher, service):
    from consultations.views import MAX_REQUEST_BYTES

    client.force_login(researcher)
    response = client.post(URL, form_data(service), CONTENT_LENGTH=str(MAX_REQUEST_BYTES + 1))
    assert response.status_code == 413
    assert "The files were too large to receive" in response.content.decode()
    assert not ConsultationRequest.objects.exists()
