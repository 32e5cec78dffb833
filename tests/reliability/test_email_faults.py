"""Email delivery survives faults: a worker killed mid-send, the broker down, a failing SMTP server.

Real processes: a Celery worker subprocess on a queue made for the test (the harness of
``tests/notifications``), an SMTP sink (aiosmtpd) in this process, and, for the broker outage,
a private ``redis-server`` on a free port (the shared Redis on 6379 is never touched).
In each case the person's action succeeds, every email arrives exactly once, and the outbox
row records the delivery. "SMTP fails twice, then accepts" is proved by
``tests/notifications/test_celery_integration.py``, imported below so ``make check-security``
runs and counts it (tests/reliability/conftest.py drops the copy when the whole suite runs).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.urls import reverse

from consultations.models import ConsultationRequest, FundingStatus, StudyStage
from notifications import services as outbox
from notifications.models import OutboxEmail
from tests.notifications.celery_harness import CeleryWorker, database_url, producing_to
from tests.notifications.smtp_sink import SmtpSink, free_port
from tests.notifications.test_celery_integration import (  # noqa: F401  (the test and its fixtures)
    celery_worker,
    producer,
    smtp_sink,
    test_temporary_smtp_failures_are_retried_and_the_email_arrives_once,
)
from tests.security.evidence import record

pytestmark = [pytest.mark.integration, pytest.mark.faults, pytest.mark.django_db(transaction=True)]

DELIVERY_TIMEOUT = 20
VISIBILITY_TIMEOUT = 3
FAULTS: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def _record_faults(request):
    FAULTS.clear()
    failed_before = request.session.testsfailed
    yield
    failures = request.session.testsfailed - failed_before
    record("faults", faults=len(FAULTS), survived=len(FAULTS) - failures, failures=failures)


@pytest.fixture(autouse=True)
def _count_fault(request):
    FAULTS.append(request.node.name)


class HoldingSmtpSink(SmtpSink):
    """An SMTP sink that keeps the first message's DATA unanswered until ``release`` is set.

    While it holds, the sender waits for the reply to DATA. A message counts as received only
    when the sink answers 250 to a connected client: if the client vanishes while held,
    aiosmtpd cancels the handler and the message is dropped, as a real server drops a
    transaction that never completed.
    """

    def __init__(self) -> None:
        super().__init__()
        self.holding = threading.Event()
        self.release = threading.Event()
        self.dropped = 0
        self._held_once = False

    async def handle_DATA(self, server, session, envelope) -> str:
        if not self._held_once:
            self._held_once = True
            self.holding.set()
            try:
                while not self.release.is_set():
                    await asyncio.sleep(0.02)
            except asyncio.CancelledError:
                self.dropped += 1
                raise
            if server.transport is None or server.transport.is_closing():
                self.dropped += 1
                return "421 4.4.2 Connection lost"
        return await super().handle_DATA(server, session, envelope)


class PrivateRedis:
    """``redis-server`` of this test alone, on a free port, no persistence; stoppable at will."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            pytest.skip("redis-server is not installed")
        self.process = subprocess.Popen(
            [executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)
        try:
            while time.monotonic() < deadline:
                try:
                    if client.ping():
                        return
                except redis.ConnectionError:
                    time.sleep(0.05)
        finally:
            client.close()
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None


def _worker(queue: str, broker_url: str, smtp_port: int, log_dir: Path, name: str) -> CeleryWorker:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CELERY_"))}
    environment.update({
        "DJANGO_SETTINGS_MODULE": "dcr_portal.settings",
        "DCR_ENV": "test",
        "DATABASE_URL": database_url(connection.settings_dict),
        "DCR_DB_CONN_MAX_AGE": "0",
        "REDIS_URL": broker_url,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp_port),
        "DCR_OUTBOX_BACKOFF_BASE_SECONDS": "1",
        "DCR_TEST_CELERY_QUEUE": queue,
        "PYTHONUNBUFFERED": "1",
    })
    return CeleryWorker(queue, environment, log_dir / f"{name}.log")


def _wait_until_sent(ids: list[int], timeout: float = DELIVERY_TIMEOUT) -> list[OutboxEmail]:
    deadline = time.monotonic() + timeout
    while True:
        rows = list(OutboxEmail.objects.filter(pk__in=ids).order_by("pk"))
        if all(row.status == OutboxEmail.Status.SENT for row in rows) or time.monotonic() > deadline:
            return rows
        time.sleep(0.05)


def _submit_consultation(client, researcher, service):
    client.force_login(researcher)
    return client.post(reverse("consultations:new"), {
        "service": service.pk, "title": "Fault drill (synthetic)",
        "summary": "A request sent while the email machinery is failing on purpose.",
        "study_stage": StudyStage.PROTOCOL, "funding_status": FundingStatus.UNFUNDED,
    })


def _logs(*workers: CeleryWorker) -> str:
    return "\n".join(f"--- {w.log_path.name}\n{w.log()[-4000:]}" for w in workers)


def test_a_worker_killed_mid_send_loses_no_email_and_sends_none_twice(
        client, researcher, service, staff_a, tmp_path, settings):
    sink = HoldingSmtpSink()
    queue = f"dcr-test-faults-{uuid.uuid4().hex[:12]}"
    first = _worker(queue, settings.REDIS_URL, 0, tmp_path, "killed")
    second = _worker(queue, settings.REDIS_URL, 0, tmp_path, "restarted")
    started = time.monotonic()
    try:
        sink.start()
        for worker in (first, second):
            worker.environment["DJANGO_EMAIL_PORT"] = str(sink.port)
            # The broker hands an unacknowledged task to another worker after this long (1 h in production).
            worker.environment["DCR_BROKER_VISIBILITY_TIMEOUT"] = str(VISIBILITY_TIMEOUT)
        first.start()
        with producing_to(queue, settings.REDIS_URL):
            response = _submit_consultation(client, researcher, service)
            assert response.status_code == 302
            consultation = ConsultationRequest.objects.get(requester=researcher)
            ids = list(OutboxEmail.objects.values_list("pk", flat=True))
            assert len(ids) == 2  # the researcher's receipt and the centre staff's notice

            assert sink.holding.wait(DELIVERY_TIMEOUT), _logs(first)
            first.process.send_signal(signal.SIGKILL)  # in the middle of SMTP DATA
            first.process.wait(timeout=10)
            sink.release.set()
            killed_at = time.monotonic()

            second.start()
            # No help from the beat task: the broker itself gives the lost task back (acks_late).
            sink.wait_for_messages(len(ids), timeout=DELIVERY_TIMEOUT)
            rows = _wait_until_sent(ids)
            time.sleep(1)  # room for a wrong second delivery to show up
        recovered = time.monotonic() - killed_at
    finally:
        sink.release.set()
        for worker in (first, second):
            worker.stop()
        second.delete_queue(settings.REDIS_URL)
        sink.stop()

    assert consultation.reference.startswith("DCR-")
    assert sink.dropped == 1, _logs(first, second)
    message_ids = Counter(message["Message-ID"] for message in sink.messages)
    assert sorted(message_ids.values()) == [1, 1], _logs(first, second)
    assert set(message_ids) == {row.message_id for row in rows}
    assert [row.status for row in rows] == [OutboxEmail.Status.SENT] * 2, _logs(first, second)
    assert all(row.attempts >= 1 and row.sent_at for row in rows)
    print(f"worker killed mid-send: recovered in {recovered:.1f}s, whole test {time.monotonic() - started:.1f}s")


def test_a_request_sent_while_redis_is_down_succeeds_and_its_emails_go_out_once_it_is_back(
        client, researcher, service, staff_a, tmp_path, settings):
    broker = PrivateRedis()
    sink = SmtpSink()
    queue = f"dcr-test-faults-{uuid.uuid4().hex[:12]}"
    worker = None
    started = time.monotonic()
    try:
        sink.start()
        broker.start()
        broker.stop()  # down before the person presses Send
        with producing_to(queue, broker.url):  # the project's publish settings, untuned
            submitted = time.monotonic()
            response = _submit_consultation(client, researcher, service)
            answered_in = time.monotonic() - submitted
            assert response.status_code == 302, response.content[:500]
            consultation = ConsultationRequest.objects.get(requester=researcher)
            assert response["Location"] == consultation.get_absolute_url()
            rows = list(OutboxEmail.objects.order_by("pk"))
            assert len(rows) == 2
            assert {(row.status, row.attempts) for row in rows} == {(OutboxEmail.Status.QUEUED, 0)}

            broker.start()
            worker = _worker(queue, broker.url, sink.port, tmp_path, "after-outage")
            worker.start()
            settings.OUTBOX_STUCK_AFTER = timedelta(seconds=0)
            assert outbox.requeue_stuck() == 2
            sink.wait_for_messages(2, timeout=DELIVERY_TIMEOUT)
            sent = _wait_until_sent([row.pk for row in rows])
            # A second beat run finds nothing left to send.
            assert outbox.requeue_stuck() == 0
            time.sleep(1)
    finally:
        if worker is not None:
            worker.stop()
        broker.stop()
        sink.stop()

    assert answered_in < 10
    message_ids = Counter(message["Message-ID"] for message in sink.messages)
    assert sorted(message_ids.values()) == [1, 1], _logs(worker)
    assert set(message_ids) == {row.message_id for row in sent}
    assert {(row.status, row.attempts) for row in sent} == {(OutboxEmail.Status.SENT, 1)}, _logs(worker)
    print(f"redis down: the request answered in {answered_in:.1f}s, whole test {time.monotonic() - started:.1f}s")
