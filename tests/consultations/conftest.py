import pytest

from tests.consultations.factories import ConsultationRequestFactory


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files go to a throw-away folder (MEDIA_ROOT), never under static/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def consultation(researcher, service):
    """A fresh request of ``researcher`` for ``service`` (centre A)."""
    return ConsultationRequestFactory(requester=researcher, service=service)
