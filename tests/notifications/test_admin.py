"""The outbox in the staff admin: read-only, filterable, with a "send again" action."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts import roles
from notifications.models import OutboxEmail
from tests.factories import UserFactory
from tests.notifications.factories import OutboxEmailFactory

CHANGELIST = reverse("admin:notifications_outboxemail_changelist")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def many_rows(db):
    statuses = [OutboxEmail.Status.QUEUED, OutboxEmail.Status.SENT, OutboxEmail.Status.FAILED]
    templates = ["welcome", "password_reset", "partnership_status"]
    return [OutboxEmailFactory(status=statuses[n % 3], template=templates[n % 3], attempts=n % 4)
            for n in range(30)]


def test_the_changelist_loads_within_a_query_budget(admin_client, many_rows, django_assert_max_num_queries):
    # 9 today, whatever the number of rows: session, user, roles, count, page, date bar (2), filters (2).
    with django_assert_max_num_queries(10):
        response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    page = response.content.decode()
    assert many_rows[-1].recipient in page
    assert "Send the selected unsent emails again" in page


@pytest.mark.parametrize("query", ["?status__exact=failed", "?template=welcome", "?language=en",
                                   "?created_at__year=2026&created_at__month=1"])
def test_the_filters_and_search_work(admin_client, many_rows, query, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = admin_client.get(CHANGELIST + query)
    assert response.status_code == 200


def test_search_by_recipient_or_idempotency_key(admin_client, many_rows):
    wanted = many_rows[7]
    by_recipient = admin_client.get(CHANGELIST, {"q": wanted.recipient})
    by_key = admin_client.get(CHANGELIST, {"q": wanted.idempotency_key})

    assert list(by_recipient.context["cl"].result_list) == [wanted]
    assert list(by_key.context["cl"].result_list) == [wanted]


def test_the_status_filter_lists_only_that_status(admin_client, many_rows):
    response = admin_client.get(CHANGELIST + "?status__exact=failed")
    assert {email.status for email in response.context["cl"].result_list} == {"failed"}


def test_an_email_is_read_only_and_its_context_values_are_not_shown(admin_client):
    email = OutboxEmailFactory(template="password_reset",
                               context={"reset_path": "/accounts/reset/MQ/secret-token-abc/"})

    response = admin_client.get(reverse("admin:notifications_outboxemail_change", args=[email.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "reset_path" in page
    assert "secret-token-abc" not in page
    assert 'name="_save"' not in page
    assert admin_client.get(reverse("admin:notifications_outboxemail_add")).status_code == 403
    assert admin_client.post(reverse("admin:notifications_outboxemail_delete", args=[email.pk]),
                             {"post": "yes"}).status_code == 403
    assert OutboxEmail.objects.filter(pk=email.pk).exists()


def test_retry_sends_failed_emails_again_and_leaves_sent_ones_alone(admin_client, outbox,
                                                                    django_capture_on_commit_callbacks):
    failed = OutboxEmailFactory(status=OutboxEmail.Status.FAILED, attempts=6, last_error="SMTPDataError: 554")
    sent = OutboxEmailFactory(status=OutboxEmail.Status.SENT, attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(CHANGELIST, {"action": "retry", "_selected_action": [failed.pk, sent.pk]},
                                     follow=True)

    page = response.content.decode()
    assert "1 email(s) queued to be sent again." in page
    assert "1 email(s) left alone" in page
    assert [message.to for message in outbox] == [[failed.recipient]]
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (OutboxEmail.Status.SENT, 1)
    sent.refresh_from_db()
    assert (sent.status, sent.attempts) == (OutboxEmail.Status.SENT, 1)


def test_retry_requeues_a_failed_email_with_a_fresh_budget(admin_client, django_capture_on_commit_callbacks):
    failed = OutboxEmailFactory(status=OutboxEmail.Status.FAILED, attempts=6, last_error="SMTPDataError: 554")

    with django_capture_on_commit_callbacks() as queued:
        admin_client.post(CHANGELIST, {"action": "retry", "_selected_action": [failed.pk]})

    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (OutboxEmail.Status.QUEUED, 0)
    assert failed.last_error == "SMTPDataError: 554"  # kept until the next attempt tells more
    assert len(queued) == 1


def test_staff_who_may_only_view_get_no_retry_action(client, db):
    viewer = UserFactory(roles=[roles.DCR_STAFF], is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_outboxemail"))
    failed = OutboxEmailFactory(status=OutboxEmail.Status.FAILED)
    client.force_login(viewer)

    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert "Send the selected unsent emails again" not in response.content.decode()

    client.post(CHANGELIST, {"action": "retry", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert failed.status == OutboxEmail.Status.FAILED


def test_staff_without_the_permission_cannot_open_the_outbox(client, staff_a):
    client.force_login(staff_a)
    assert client.get(CHANGELIST).status_code == 403
