"""Uploads on any storage: a local folder by default, an S3-compatible bucket in production."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consultations import services
from consultations.models import Attachment

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

SHOW_STORAGE = (
    "import django; django.setup();"
    "from django.core.files.storage import storages; s = storages['default'];"
    "print(type(s).__name__, s.bucket_name, s.default_acl, s.querystring_auth, s.endpoint_url)"
)


def _settings_environment(**extra: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AWS_", "DCR_STORAGE"))}
    environment.update({"DJANGO_SETTINGS_MODULE": "dcr_portal.settings", "DATABASE_URL": settings.DATABASE_URL,
                        "REDIS_URL": settings.REDIS_URL, **extra})
    return environment


def test_s3_storage_is_configured_from_the_environment_without_touching_the_network():
    result = subprocess.run(
        [sys.executable, "-c", SHOW_STORAGE], cwd=settings.BASE_DIR, capture_output=True, text=True,
        env=_settings_environment(DCR_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="dcr-uploads",
                                  AWS_S3_ENDPOINT_URL="https://s3.example.org", AWS_S3_REGION_NAME="eu-west-1"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["S3Storage", "dcr-uploads", "private", "False", "https://s3.example.org"]


def test_s3_storage_without_a_bucket_refuses_to_start():
    result = subprocess.run([sys.executable, "-c", SHOW_STORAGE], cwd=settings.BASE_DIR, capture_output=True,
                            text=True, env=_settings_environment(DCR_STORAGE="s3"))
    assert result.returncode != 0
    assert "DCR_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME" in result.stderr


def test_an_unknown_storage_refuses_to_start():
    result = subprocess.run([sys.executable, "-c", SHOW_STORAGE], cwd=settings.BASE_DIR, capture_output=True,
                            text=True, env=_settings_environment(DCR_STORAGE="ftp"))
    assert "DCR_STORAGE must be local or s3" in result.stderr


@pytest.mark.django_db
def test_attachments_are_saved_and_downloaded_through_the_storage_api_alone(settings, client, researcher, service):
    """With a storage that has no files on disk (no .path), upload and download still work."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    consultation = services.submit_request(
        requester=researcher, service=service, title="Pilot design", summary="A pilot study that needs a design.",
        study_stage="protocol", funding_status="unfunded",
        uploads=[SimpleUploadedFile("aims.pdf", PDF, content_type="application/pdf")])
    attachment = Attachment.objects.get(request=consultation)
    assert type(attachment.file.storage._wrapped).__name__ == "InMemoryStorage"
    assert not os.path.exists(os.path.join(settings.MEDIA_ROOT, attachment.file.name))  # nothing on the disk
    client.force_login(researcher)
    response = client.get(reverse("consultations:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="aims.pdf"'
