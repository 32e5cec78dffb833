"""The dashboard's table rows (built in Python, not by the template language) read as before:
localised figures, a dash for a missing one, names escaped, the overdue request a link."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.models import Status
from tests.consultations.factories import ConsultationRequestFactory
from tests.factories import CenterFactory, ServiceFactory

URL = reverse("dashboards:dashboard")


@pytest.mark.django_db
def test_rows_are_escaped_and_linked(client, superuser):
    now = timezone.now()
    service = ServiceFactory(center=CenterFactory(name="<b>Bold</b> unit"), name="Stats")
    waiting = ConsultationRequestFactory(service=service, status=Status.SUBMITTED,
                                         submitted_at=now - datetime.timedelta(days=12),
                                         overdue_at=now - datetime.timedelta(days=9))
    client.force_login(superuser)
    body = client.get(URL).content.decode()
    assert "<b>Bold</b>" not in body and '<th scope="row">&lt;b&gt;Bold&lt;/b&gt; unit</th>' in body
    assert f'<th scope="row"><a href="{waiting.get_admin_url()}">{waiting.reference}</a></th>' in body
    assert "<td>12</td>" in body  # days waiting
    assert "<td>—</td>" in body  # nothing completed yet: no median days to completion
