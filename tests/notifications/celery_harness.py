"""A real Celery worker in a subprocess, and a producer in the test process, on one private queue.

Isolation on a shared Redis: the queue name is made for the test run; the worker
(``celery_test_app``) consumes and retries only on it, and the test process sends only to it.
The queue's keys are deleted when the worker stops.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import redis
from celery import Celery
from celery import _state as celery_state
from django.conf import settings

READY = re.compile(r"@\S+ ready\.")


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database Django is connected to (the test database, in a test)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    # A unix-socket folder as the host is percent-encoded, as devtools.embedded does.
    host = quote(settings_dict.get("HOST") or "", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


def redis_client(url: str) -> redis.Redis:
    if url.startswith("redis+socket://"):  # the embedded Redis: kombu's spelling of a unix socket
        return redis.Redis(unix_socket_path=url.removeprefix("redis+socket://").split("?", 1)[0])
    return redis.Redis.from_url(url)


class CeleryWorker:
    """``celery worker`` (solo pool) as a subprocess, its log in a file the test can read."""

    def __init__(self, queue: str, environment: dict[str, str], log_path: Path) -> None:
        self.queue = queue
        self.environment = environment
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> None:
        command = [
            sys.executable, "-m", "celery", "-A", "tests.notifications.celery_test_app", "worker",
            "--pool", "solo", "--loglevel", "INFO", "--queues", self.queue,
            "--hostname", f"{self.queue}@%h", "--without-mingle", "--without-gossip", "--without-heartbeat",
        ]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=self.environment,
                                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        if not self.wait_for_log(READY, timeout=timeout):
            self.stop()
            raise RuntimeError(f"the Celery worker did not start in {timeout}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_size(self) -> int:
        return len(self.log())

    def wait_for_log(self, pattern: re.Pattern, *, count: int = 1, since: int = 0, timeout: float) -> bool:
        """Wait until ``pattern`` appears ``count`` times in the log after offset ``since``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(pattern.findall(self.log()[since:])) >= count:
                return True
            if self.process is not None and self.process.poll() is not None:
                return False
            time.sleep(0.1)
        return False

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL if it hangs; no process is left behind."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None

    def delete_queue(self, broker_url: str) -> None:
        client = redis_client(broker_url)
        try:
            # The queue itself and kombu's binding records, all named after the queue.
            keys = list(client.scan_iter(match=f"*{self.queue}*"))
            if keys:
                client.delete(*keys)
        finally:
            client.close()


@contextmanager
def producing_to(queue: str, broker_url: str) -> Iterator[Celery]:
    """In this block, tasks queued by this process go to ``queue`` on the real broker.

    The test settings run Celery eagerly; a second app, configured the same way but not
    eager, is made the current one (shared tasks follow the current app) and the project's
    app is current again afterwards, untouched.
    """
    previous = celery_state.get_current_app()
    app = Celery("dcr_portal_test_producer", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(task_always_eager=False, broker_url=broker_url, task_default_queue=queue)
    app.set_current()
    try:
        yield app
    finally:
        previous.set_current()
        # Broker connections stay in kombu's pool, which the project's app shares (same URL;
        # even eager calls take a producer from it): closing them would break that app.
        app.close()
