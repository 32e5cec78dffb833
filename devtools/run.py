"""`make run`: migrate, load demo data, start a Celery worker (with beat) and the web server.

Ctrl-C stops every process this started, including the embedded PostgreSQL and Redis when
they were started for this run (no DATABASE_URL / REDIS_URL).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

from devtools import embedded as servers

HOST = os.environ.get("DCR_RUN_HOST", "127.0.0.1")
PORT = os.environ.get("DCR_RUN_PORT", "8000")


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], check=True)


def wait_until_up(url: str, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # nosec B310: the launcher polls its own local server
                return True
        except OSError:
            time.sleep(0.3)
    return False


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dcr_portal.settings")
    embedded = not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL")
    # Start the embedded servers once, here, and hand their URLs to every child process.
    servers.provide_missing_urls()
    started = time.monotonic()
    manage("migrate", "--no-input", "-v", "0")
    demo = subprocess.run([sys.executable, "manage.py", "load_demo"], check=True, capture_output=True, text=True)
    print(demo.stdout, end="")
    children = [
        subprocess.Popen([sys.executable, "-m", "celery", "-A", "dcr_portal", "worker", "--beat",
                          "--loglevel", "INFO", "--concurrency", "2",
                          "--schedule", os.path.join(".data", "celerybeat-schedule")]),
        subprocess.Popen([sys.executable, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"]),
    ]

    def stop(*_):
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        if embedded:
            servers.stop()
        print("\nDCR Portal stopped.")
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    if wait_until_up(f"http://{HOST}:{PORT}/"):
        print(f"\nDCR Portal is up at http://{HOST}:{PORT}/ "
              f"({time.monotonic() - started:.1f}s). Staff desk: http://{HOST}:{PORT}/admin/")
        print(demo.stdout.split("\n\n", 1)[-1])
        print("Press Ctrl-C to stop.\n")
    while True:
        for child in children:
            if child.poll() is not None:
                print(f"A process of the portal ended (exit {child.returncode}); stopping the rest.")
                stop()
        time.sleep(1)


if __name__ == "__main__":
    raise SystemExit(main())
