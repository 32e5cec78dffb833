"""queue_email: an email is owed only if the change that causes it commits, and only once."""

from __future__ import annotations

import copy
import datetime
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.utils import translation
from kombu.exceptions import OperationalError

from notifications import tasks
from notifications.models import OutboxEmail
from notifications.services import queue_email


@pytest.mark.django_db
def test_nothing_is_sent_until_the_transaction_commits(outbox, django_capture_on_commit_callbacks):
    # Leaving the block runs what the commit runs; test_celery_integration commits for real.
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_email("ada@example.org", "welcome", {"first_name": "Ada"})
        assert OutboxEmail.objects.filter(pk=email.pk, status="queued").exists()
        assert outbox == []

    assert len(outbox) == 1
    message = outbox[0]
    assert message.to == ["ada@example.org"]
    assert message.subject == "Welcome to the DCR Portal"
    assert "Your DCR Portal account is ready." in message.body
    assert f"{django_settings.SITE_URL}/accounts/login/" in message.body
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    assert email.last_error == ""


@pytest.mark.django_db
def test_a_rolled_back_change_owes_no_email(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            queue_email("ada@example.org", "welcome")
            raise RuntimeError("the change failed")

    assert callbacks == []
    assert not OutboxEmail.objects.exists()
    assert outbox == []


@pytest.mark.django_db
def test_a_broker_outage_at_commit_keeps_the_change_and_leaves_the_email_queued(
        outbox, django_capture_on_commit_callbacks, caplog):
    with mock.patch.object(tasks, "send_outbox_email") as task, \
            django_capture_on_commit_callbacks(execute=True):
        task.apply_async.side_effect = OperationalError("Error 111 connecting to the broker. Connection refused.")
        email = queue_email("ada@example.org", "welcome")

    task.apply_async.assert_called_once_with((email.pk,), countdown=None)
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.QUEUED  # requeue_stuck_emails sends it later
    assert outbox == []
    assert "Connection refused" in caplog.text


@pytest.mark.django_db
def test_the_same_idempotency_key_gives_one_row_and_one_email(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_email("ada@example.org", "welcome", idempotency_key="welcome:7")
        second = queue_email("ada@example.org", "welcome", idempotency_key="welcome:7")

    assert first.pk == second.pk
    assert OutboxEmail.objects.count() == 1
    assert len(outbox) == 1


@pytest.mark.django_db
def test_without_a_key_every_call_is_a_new_email(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email("ada@example.org", "welcome")
        queue_email("ada@example.org", "welcome")

    assert OutboxEmail.objects.count() == 2
    assert len(outbox) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["phone", "MRN", "patient_name", "date_of_birth", "home_phone", "participant_mrn"])
def test_a_protected_key_in_the_context_is_refused(key):
    with pytest.raises(ValueError, match="protected"):
        queue_email("ada@example.org", "welcome", {key: "anything"})
    assert not OutboxEmail.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", [["a"], {"a": 1}, datetime.date(2026, 1, 1), object()])
def test_a_value_that_is_not_plain_is_refused(value):
    with pytest.raises(TypeError, match="plain value"):
        queue_email("ada@example.org", "welcome", {"reference": value})
    assert not OutboxEmail.objects.exists()


@pytest.mark.django_db
def test_plain_values_are_accepted_and_stored():
    context = {"reference": "DCR-2026-00001", "count": 3, "ratio": 0.5, "has_account": True, "note": None}
    email = queue_email("ada@example.org", "welcome", context)
    email.refresh_from_db()
    assert email.context == context


@pytest.mark.django_db
def test_an_unknown_template_fails_in_the_caller():
    with pytest.raises(TemplateDoesNotExist):
        queue_email("ada@example.org", "no_such_email")
    assert not OutboxEmail.objects.exists()


@pytest.mark.django_db
def test_a_broken_template_fails_in_the_caller(email_templates):
    email_templates({"broken.subject.txt": "Subject", "broken.txt": "{% if %}"})
    with pytest.raises(TemplateSyntaxError):
        queue_email("ada@example.org", "broken")
    assert not OutboxEmail.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("recipient", ["", "not an address", "ada@"])
def test_an_invalid_recipient_is_refused(recipient):
    with pytest.raises(ValueError, match="recipient"):
        queue_email(recipient, "welcome")
    assert not OutboxEmail.objects.exists()


@pytest.mark.django_db
def test_an_overlong_idempotency_key_is_refused():
    with pytest.raises(ValueError, match="idempotency_key"):
        queue_email("ada@example.org", "welcome", idempotency_key="k" * 201)


@pytest.mark.django_db
def test_a_plain_text_email_is_not_html_escaped(outbox, email_templates, django_capture_on_commit_callbacks):
    email_templates({"probe.subject.txt": "About {{ title }}", "probe.txt": "Title: {{ title }}"})
    with django_capture_on_commit_callbacks(execute=True):
        queue_email("ada@example.org", "probe", {"title": "Diet & \"sleep\" <study>"})

    assert outbox[0].subject == 'About Diet & "sleep" <study>'
    assert outbox[0].body == 'Title: Diet & "sleep" <study>'


# --- Language ------------------------------------------------------------------------

@pytest.fixture
def email_templates(settings, tmp_path):
    """Add email templates (name -> source) in a folder searched before templates/."""
    def add(sources: dict[str, str]) -> None:
        (tmp_path / "emails").mkdir(exist_ok=True)
        for name, source in sources.items():
            (tmp_path / "emails" / name).write_text(source)
        templates = copy.deepcopy(settings.TEMPLATES)
        templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
        settings.TEMPLATES = templates

    return add


@pytest.fixture
def language_probe(email_templates):
    probe = "{% load i18n %}{% get_current_language as LANG %}Language {{ LANG }}"
    email_templates({"language_probe.subject.txt": probe, "language_probe.txt": probe})


@pytest.mark.django_db
def test_the_language_is_stored_and_used_to_render(outbox, language_probe, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_email("ada@example.org", "language_probe", language="es")

    email.refresh_from_db()
    assert email.language == "es"
    assert outbox[0].subject == "Language es"
    assert outbox[0].body == "Language es"


@pytest.mark.django_db
def test_the_language_defaults_to_the_active_one(language_probe):
    with translation.override("es"):
        email = queue_email("ada@example.org", "language_probe")
    assert email.language == "es"
    assert queue_email("ada@example.org", "language_probe").language == "en"


@pytest.mark.django_db
def test_a_regional_language_falls_back_to_the_supported_one(language_probe):
    assert queue_email("ada@example.org", "language_probe", language="es-mx").language == "es"


@pytest.mark.django_db
def test_an_unsupported_language_is_refused():
    with pytest.raises(ValueError, match="language"):
        queue_email("ada@example.org", "welcome", language="fr")


@pytest.mark.django_db
def test_the_welcome_email_is_sent_in_spanish(outbox, django_capture_on_commit_callbacks):
    with translation.override("es"):
        if translation.gettext("Welcome to the DCR Portal") == "Welcome to the DCR Portal":
            pytest.skip("no Spanish translation of the email templates yet (locale/es)")
    with django_capture_on_commit_callbacks(execute=True):
        queue_email("ada@example.org", "welcome", language="es")

    assert outbox[0].subject != "Welcome to the DCR Portal"
    assert "Your DCR Portal account is ready." not in outbox[0].body
