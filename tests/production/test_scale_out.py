"""Scale-out proof: two web servers, two Celery workers and one scheduler on one PostgreSQL and Redis.

Every process runs the production settings (``DCR_ENV=production``, see ``scale_settings``)
against the test database, a Redis database of its own (15 on a TCP Redis, or
``DCR_TEST_SCALE_REDIS_DB``) under key prefixes made for this run, and an SMTP sink. Requests
say ``X-Forwarded-Proto: https`` as the load balancer that ends TLS would; cookies (secure, so
never sent over plain HTTP by a browser) are kept by the test and sent to both servers, as a
browser does for one site behind the balancer.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from accounts import roles
from consultations.models import Attachment, ConsultationRequest
from notifications.models import OutboxEmail
from tests.factories import ServiceFactory, StaffMembershipFactory, UserFactory
from tests.notifications.celery_harness import database_url
from tests.notifications.smtp_sink import free_port
from tests.reliability.test_email_faults import HoldingSmtpSink

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PASSWORD = "scale-out-password-2026"
TICK_SECONDS = 2.0
VISIBILITY_TIMEOUT = 6  # a killed worker's task returns to the queue after this many seconds
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FIGURES: dict[str, object] = {}


def scale_redis_url() -> str:
    """The Redis of this test: another database index than the one the suite uses, when on TCP."""
    url = settings.REDIS_URL
    if not url.startswith("redis://"):
        return url  # the embedded Redis (a socket of this checkout alone): prefixes keep us apart
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{os.environ.get('DCR_TEST_SCALE_REDIS_DB', '15')}"))


def redis_for(url: str) -> redis.Redis:
    if url.startswith("redis+socket://"):
        return redis.Redis(unix_socket_path=url.removeprefix("redis+socket://").split("?", 1)[0])
    return redis.Redis.from_url(url)


class Process:
    """One server process of the portal, its output in a log file the test reads."""

    def __init__(self, name: str, command: list[str], environment: dict[str, str], log_dir: Path) -> None:
        self.name, self.command, self.environment = name, command, environment
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> Process:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.command, cwd=settings.BASE_DIR, env=self.environment,
                                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_for(self, pattern: str, timeout: float = 40, count: int = 1) -> None:
        deadline = time.monotonic() + timeout
        while len(re.findall(pattern, self.log())) < count:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: no {pattern!r} in {timeout}s\n{self.log()[-4000:]}")
            time.sleep(0.1)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


class Browser:
    """Cookies and CSRF tokens the way a browser keeps them for one site behind the balancer."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, base: str, path: str, data: bytes | None = None, content_type: str | None = None):
        headers = {"X-Forwarded-Proto": "https", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if data is not None:
            headers["Origin"] = "https://" + urllib.parse.urlsplit(base).netloc
            headers["Content-Type"] = content_type or "application/x-www-form-urlencoded"
        request = urllib.request.Request(base + path, data=data, headers=headers)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, dict(response.headers), response.read()

    def csrf_token(self, base: str, path: str) -> str:
        status, _, body = self.request(base, path)
        assert status == 200, body[:2000]
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory):
    """Two gunicorn servers, two workers and one beat; yields a dict of them and the sink."""
    run = f"scale-{uuid.uuid4().hex[:10]}"
    log_dir = tmp_path_factory.mktemp("scale-out")
    redis_url = scale_redis_url()
    sink = HoldingSmtpSink()
    sink._held_once = True  # armed by the test that kills a worker
    sink.start()
    with django_db_blocker.unblock():
        db_url = database_url(connection.settings_dict)
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("DJANGO_", "CELERY_", "DCR_", "GUNICORN_"))}
    environment.update({
        "DCR_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "tests.production.scale_settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DCR_FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": db_url,
        "DCR_DB_CONN_MAX_AGE": "0",
        "REDIS_URL": redis_url,
        "DCR_CACHE_PREFIX": run,
        "DCR_BROKER_KEY_PREFIX": f"{run}:",
        "DCR_BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "DCR_WORKER_HEARTBEAT_SECONDS": "1",
        "DCR_TEST_TICK_SECONDS": str(TICK_SECONDS),
        "DCR_MEDIA_ROOT": str(log_dir / "media"),
        "DCR_SITE_URL": "https://dcr.example.org",
        "DCR_LOG_FORMAT": "json",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(sink.port),
        "PYTHONUNBUFFERED": "1",
    })
    celery = [sys.executable, "-m", "celery", "-A", "tests.production.scale_app"]
    ports = {"a": free_port(), "b": free_port()}
    processes = {
        f"web_{name}": Process(f"web_{name}", [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
                               {**environment, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1",
                                "GUNICORN_THREADS": "2"}, log_dir)
        for name, port in ports.items()
    }
    for name in ("worker1", "worker2"):
        processes[name] = Process(name, [*celery, "worker", "--pool", "solo", "--loglevel", "INFO",
                                         "--hostname", f"{name}-{run}@%h", "--without-mingle", "--without-gossip"],
                                  environment, log_dir)
    processes["beat"] = Process("beat", [*celery, "beat", "--loglevel", "INFO", "--max-interval", "1",
                                         "--schedule", str(log_dir / "beat-schedule")], environment, log_dir)
    started = time.monotonic()
    try:
        for process in processes.values():
            process.start()
        for name in ("worker1", "worker2"):
            processes[name].wait_for(r"@\S+ ready\.")
        processes["beat"].wait_for(r"beat: Starting")
        for name, port in ports.items():
            deadline = time.monotonic() + 40
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as response:
                        assert json.loads(response.read())["status"] == "ready"
                        break
                except OSError as error:
                    if time.monotonic() > deadline:
                        raise AssertionError(f"web {name} not ready: {error}\n{processes['web_' + name].log()}")
                    time.sleep(0.2)
        FIGURES["start-up of 5 processes (s)"] = round(time.monotonic() - started, 1)
        yield {"a": f"http://127.0.0.1:{ports['a']}", "b": f"http://127.0.0.1:{ports['b']}",
               "processes": processes, "sink": sink, "redis_url": redis_url, "run": run,
               "environment": environment, "log_dir": log_dir}
    finally:
        sink.release.set()
        for name, process in processes.items():  # all at once: each warm shutdown takes a moment
            if process.process is not None and process.process.poll() is None:
                # gunicorn's SIGTERM waits for idle keep-alive connections; SIGQUIT does not.
                process.process.send_signal(signal.SIGQUIT if name.startswith("web") else signal.SIGTERM)
        for process in processes.values():
            process.stop()
        sink.stop()
        client = redis_for(redis_url)
        keys = list(client.scan_iter(match=f"{run}*"))
        if keys:
            client.delete(*keys)
        client.close()
        print("\nscale-out figures: " + json.dumps(FIGURES))


@pytest.fixture
def people(cluster):
    """A researcher who signs in, and the two staff members of the centre providing the service."""
    researcher = UserFactory(roles=[roles.RESEARCHER], full_name="Rae Researcher")
    researcher.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    researcher.save(update_fields=["password"])
    service = ServiceFactory(name="Biostatistics consult")
    staff = [UserFactory(roles=[roles.DCR_STAFF], is_staff=True) for _ in range(2)]
    for member in staff:
        StaffMembershipFactory(user=member, center=service.center)
    return {"researcher": researcher, "service": service, "staff": staff}


def sign_in(browser: Browser, base: str, email: str) -> None:
    token = browser.csrf_token(base, "/accounts/login/")
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD}).encode()
    # Signing in lands on the person's own work; ``next`` asks for My account, the page this test reads.
    status, headers, page = browser.request(base, "/accounts/login/?next=/accounts/me/", body)
    assert status == 302 and headers["Location"] == "/accounts/me/", page[:3000]


def submit_consultation(browser: Browser, base: str, service, title: str) -> tuple[int, dict]:
    token = browser.csrf_token(base, "/consultations/new/")
    body, content_type = multipart(
        {"csrfmiddlewaretoken": token, "service": str(service.pk), "center": "", "title": title,
         "summary": "A pilot study of sleep after surgery that needs a sample size.", "study_stage": "protocol",
         "funding_status": "unfunded", "sponsor": "", "deadline": ""},
        {"attachments": ("aims.pdf", PDF, "application/pdf")})
    status, headers, page = browser.request(base, "/consultations/new/", body, content_type)
    assert status == 302, page[:3000]
    return status, headers


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def logs(cluster) -> str:
    return "\n".join(f"--- {name}\n{p.log()[-3000:]}" for name, p in cluster["processes"].items())


def test_a_person_signed_in_on_server_a_continues_on_server_b(cluster, people):
    browser = Browser()
    started = time.monotonic()
    sign_in(browser, cluster["a"], people["researcher"].email)
    status, _, page = browser.request(cluster["b"], "/accounts/me/")
    FIGURES["sign in on A + My account on B (s)"] = round(time.monotonic() - started, 2)
    assert status == 200, page[:2000]
    assert b"Rae Researcher" in page
    # Signed out on B means signed out on A: one session, in Redis and the database.
    token = browser.csrf_token(cluster["b"], "/accounts/me/")
    browser.request(cluster["b"], "/accounts/logout/", urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode())
    status, headers, _ = browser.request(cluster["a"], "/accounts/me/")
    assert status == 302 and headers["Location"].startswith("/accounts/login/")


def test_a_request_submitted_on_b_sends_each_email_once_and_its_file_opens_on_a(cluster, people):
    sink = cluster["sink"]
    sink.reset()
    browser = Browser()
    sign_in(browser, cluster["a"], people["researcher"].email)
    started = time.monotonic()
    _, headers = submit_consultation(browser, cluster["b"], people["service"], "Sample size for a sleep study")
    request_id = headers["X-Request-ID"]
    expected = 1 + len(people["staff"])
    assert sink.wait_for_messages(expected, timeout=20), logs(cluster)
    FIGURES["request on B -> emails delivered (s)"] = round(time.monotonic() - started, 2)
    time.sleep(2)  # room for a wrong duplicate to arrive

    per_recipient = Counter(message["To"] for message in sink.messages)
    assert per_recipient == Counter({people["researcher"].email: 1, **{m.email: 1 for m in people["staff"]}})
    received = [m for m in sink.messages if m["To"] == people["researcher"].email]
    assert len(received) == 1 and "was received" in received[0].get_content()
    FIGURES["emails per recipient"] = dict(Counter(per_recipient.values()))
    assert OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count() == expected

    # The file uploaded through B is read back through A: one storage for every server.
    attachment = Attachment.objects.get(request=ConsultationRequest.objects.get(requester=people["researcher"]))
    status, _, content = browser.request(cluster["a"], attachment.get_absolute_url())
    assert (status, content) == (200, PDF)

    # Structured logs: JSON lines; the request id of the POST on B reached the worker that sent
    # the email; nobody's address or name in any line of any process.
    workers = cluster["processes"]["worker1"].log() + cluster["processes"]["worker2"].log()
    sent_lines = [json.loads(line) for line in workers.splitlines()
                  if line.startswith("{") and "outbox email" in line and "sent" in line]
    assert any(line["request_id"] == request_id for line in sent_lines), workers[-3000:]
    everything = logs(cluster)
    for person in [people["researcher"], *people["staff"]]:
        assert person.email not in everything
    assert "Rae Researcher" not in everything


def test_the_scheduler_task_runs_once_per_period_even_with_a_second_beat_by_mistake(cluster):
    client = redis_for(cluster["redis_url"])
    ticks_key = f"{cluster['run']}:test-ticks"
    beat = cluster["processes"]["beat"]
    sent_pattern = r"Sending due task scale-test-tick"
    sent_before = len(re.findall(sent_pattern, beat.log()))
    window_start = time.time()
    # A second scheduler started by mistake: it ticks on its own phase, from its start-up on.
    second = Process("beat2", [*beat.command[:-1], str(cluster["log_dir"] / "beat2-schedule")],
                     cluster["environment"], cluster["log_dir"]).start()
    cluster["processes"]["beat2"] = second
    second.wait_for(sent_pattern, count=3, timeout=60)
    window_end = time.time()
    time.sleep(1)  # let the last tick's tasks finish

    runs = sorted((float(when), host.decode()) for when, _, host in
                  (entry.partition(b" ") for entry in client.lrange(ticks_key, 0, -1))
                  if window_start <= float(when) <= window_end)
    sent = (len(re.findall(sent_pattern, beat.log())) - sent_before) + len(re.findall(sent_pattern, second.log()))
    workers = cluster["processes"]["worker1"].log() + cluster["processes"]["worker2"].log()
    skipped = workers.count("already ran this period; skipped")
    gaps = [later - earlier for (earlier, _), (later, _) in zip(runs, runs[1:])]
    periods = (window_end - window_start) / TICK_SECONDS
    FIGURES["beat"] = {"period (s)": TICK_SECONDS, "window (periods)": round(periods, 1), "ticks sent": sent,
                       "body runs": len(runs), "skipped duplicates": skipped,
                       "runs per worker": dict(Counter(host.split("@")[0].split("-")[0] for _, host in runs)),
                       "tick messages taken per worker": {
                           name: len(re.findall(r"scale_app\.tick\[[0-9a-f-]+\] received",
                                                cluster["processes"][name].log())) for name in ("worker1", "worker2")},
                       "shortest gap (s)": round(min(gaps), 2) if gaps else None}
    client.close()
    second.stop()

    assert abs(len(runs) - periods) <= 1.5, FIGURES["beat"]
    assert min(gaps) >= 0.9 * TICK_SECONDS - 0.2, FIGURES["beat"]  # never two runs in one period
    assert sent > len(runs) and skipped >= 1, FIGURES["beat"]  # the second beat's copies did nothing


def test_a_worker_killed_mid_task_loses_nothing(cluster, people):
    """A password reset asked on A: the worker sending it is killed in the middle of SMTP DATA."""
    sink = cluster["sink"]
    sink.reset()
    sink.holding.clear()
    sink.release.clear()
    sink.dropped = 0
    sink._held_once = False  # the next message's DATA stays unanswered until released
    browser = Browser()
    token = browser.csrf_token(cluster["a"], "/accounts/password-reset/")
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "email": people["researcher"].email}).encode()
    status, _, page = browser.request(cluster["a"], "/accounts/password-reset/", body)
    assert status == 302, page[:2000]
    assert sink.holding.wait(20), logs(cluster)

    def unfinished(process: Process) -> set[str]:
        text = process.log()
        received = set(re.findall(r"send_outbox_email\[([0-9a-f-]+)\] received", text))
        return received - set(re.findall(r"send_outbox_email\[([0-9a-f-]+)\] succeeded", text))

    processes = cluster["processes"]
    names = ("worker1", "worker2")
    assert wait_until(lambda: sum(bool(unfinished(processes[name])) for name in names) == 1, 10), logs(cluster)
    victim = next(name for name in names if unfinished(processes[name]))
    survivor = next(name for name in names if name != victim)
    processes[victim].kill()  # SIGKILL in the middle of SMTP DATA: no ack, its transaction rolls back
    killed_at = time.monotonic()
    sink.release.set()

    assert sink.wait_for_messages(1, timeout=VISIBILITY_TIMEOUT + 20), logs(cluster)
    recovered = time.monotonic() - killed_at
    time.sleep(2)  # room for a wrong duplicate
    assert [message["To"] for message in sink.messages] == [people["researcher"].email]
    assert sink.dropped == 1  # the killed worker's transaction never completed
    row = OutboxEmail.objects.get()
    assert (row.status, row.attempts) == (OutboxEmail.Status.SENT, 1)  # the killed attempt left no trace
    assert wait_until(lambda: not unfinished(processes[survivor]), 5)
    FIGURES["worker killed mid-send"] = {"killed": victim, "completed by": survivor,
                                         "recovered in (s)": round(recovered, 1),
                                         "emails": len(sink.messages), "lost": 0, "duplicates": 0}
    # The killed worker's heartbeat goes stale; the survivor's stays.
    client = redis_for(cluster["redis_url"])
    alive = {name.decode() for name in client.zrangebyscore(f"{cluster['run']}:workers:heartbeat",
                                                            client.time()[0] - 3, "+inf")}
    client.close()
    assert any(name.startswith(survivor) for name in alive) and not any(name.startswith(victim) for name in alive)
