"""Flooding by signed-in people: every form that creates records or sends email has a per-person
limit (common.ratelimit.per_person). Past it the POST is refused (429) before anything is saved
or queued, with a page that says so; form errors count nothing; other people are not affected."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from consultations.models import ConsultationRequest
from notifications.models import OutboxEmail
from tests.consultations.test_request_form import form_data
from tests.factories import UserFactory

NEW = reverse("consultations:new")


@pytest.mark.django_db
def test_a_researcher_filing_requests_in_a_loop_is_stopped_after_ten(client, researcher, service,
                                                                     django_capture_on_commit_callbacks):
    client.force_login(researcher)
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(10):
            assert client.post(NEW, form_data(service, title=f"Request {number}")).status_code == 302
    emails = OutboxEmail.objects.count()
    refused = client.post(NEW, form_data(service, title="Number eleven"))
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Please wait before sending this again" in page and "nothing was saved" in page
    assert ConsultationRequest.objects.filter(requester=researcher).count() == 10
    assert OutboxEmail.objects.count() == emails
    # Another researcher is not held back by the first one's count.
    other = UserFactory(roles=["Researcher"])
    client.force_login(other)
    assert client.post(NEW, form_data(service, title="Someone else")).status_code == 302


@pytest.mark.django_db
def test_a_form_with_mistakes_counts_nothing(client, researcher, service):
    client.force_login(researcher)
    for _ in range(15):
        assert client.post(NEW, form_data(service, title="")).status_code in (200, 400)
    assert client.post(NEW, form_data(service)).status_code == 302


LIMITED_VIEWS = {
    "consultations:new", "consultations:detail", "consultations:withdraw",
    "biobank:new_sample_request", "biobank:new_recontact_request", "biobank:withdraw_sample_request",
    "biobank:withdraw_recontact_request", "studies:detail", "studies:withdraw_inquiry", "studies:team_move",
    "studies:bed_book", "studies:bed_cancel", "collaborations:index", "accounts:my_account",
}


def _named_views():
    def walk(resolver, namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry, namespace + (f"{entry.namespace}:" if entry.namespace else ""))
            elif isinstance(entry, URLPattern) and entry.name:
                yield namespace + entry.name, entry.callback
    return dict(walk(get_resolver()))


@pytest.mark.parametrize("name", sorted(LIMITED_VIEWS))
def test_every_form_that_creates_records_or_sends_email_is_limited_per_person(name):
    scope, limit = getattr(_named_views()[name], "per_person_limit", (None, 0))
    assert scope and 0 < limit <= 300, name
