"""``make prod-check``: the production settings pass Django's deploy checks and serve ``/readyz``.

Runs, with ``DCR_ENV=production`` and throwaway secrets (never the real ones):
``check --deploy``, ``migrate --check``, then gunicorn (gunicorn.conf.py, one worker) on a free
port with ``DJANGO_SECURE_SSL_REDIRECT=0`` and ``DJANGO_ALLOWED_HOSTS=127.0.0.1``, and asks it
for ``/readyz``. Uses DATABASE_URL / REDIS_URL, or the embedded servers when they are unset.
Prints one line per step and exits non-zero if any step failed.
"""

from __future__ import annotations

import base64
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_environment() -> dict[str, str]:
    environment = dict(os.environ)
    if not environment.get("DATABASE_URL") or not environment.get("REDIS_URL"):
        from devtools import embedded

        environment.setdefault("DATABASE_URL", embedded.postgres_url())
        environment.setdefault("REDIS_URL", embedded.redis_url())
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.update({
        "DCR_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DCR_FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_DEBUG": "0",
        "PYTHONUNBUFFERED": "1",
    })
    return environment


def run_step(name: str, command: list[str], environment: dict[str, str]) -> tuple[bool, str]:
    result = subprocess.run(command, cwd=BASE_DIR, env=environment, capture_output=True, text=True)
    output = (result.stdout + result.stderr).strip()
    return result.returncode == 0, output


def readyz(environment: dict[str, str], static_root: str) -> tuple[bool, str]:
    port = free_port()
    server_environment = {**environment, "DJANGO_SECURE_SSL_REDIRECT": "0", "GUNICORN_BIND": f"127.0.0.1:{port}",
                          "GUNICORN_WORKERS": "1", "DCR_STATIC_ROOT": static_root}
    gunicorn = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(gunicorn, cwd=BASE_DIR, env=server_environment, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline, last = time.monotonic() + 30, "no answer"
            while time.monotonic() < deadline:
                if server.poll() is not None:
                    log.seek(0)
                    return False, "gunicorn exited:\n" + log.read().decode(errors="replace")[-3000:]
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as response:  # nosec B310: a fixed http://127.0.0.1 address
                        return True, f"200 {response.read().decode()}"
                except urllib.error.HTTPError as error:
                    return False, f"{error.code} {error.read().decode(errors='replace')}"
                except OSError as error:
                    last = str(error)
                    time.sleep(0.3)
            return False, f"no answer in 30 s ({last})"
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()


def main() -> int:
    environment = production_environment()
    manage = [sys.executable, "manage.py"]
    results = []
    started = time.monotonic()
    results.append(("check --deploy", *run_step("check", [*manage, "check", "--deploy", "--fail-level", "WARNING"],
                                                 environment)))
    results.append(("migrate --check", *run_step("migrate", [*manage, "migrate", "--check"], environment)))
    with tempfile.TemporaryDirectory(prefix="dcr-static-") as static_root:
        collected = run_step("collectstatic", [*manage, "collectstatic", "--no-input", "-v", "0"],
                             {**environment, "DCR_STATIC_ROOT": static_root})
        results.append(("collectstatic", *collected))
        results.append(("gunicorn /readyz", *readyz(environment, static_root)))
    print(f"\nprod-check ({time.monotonic() - started:.1f}s)")
    for name, ok, output in results:
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
        if output and (not ok or name == "gunicorn /readyz"):
            print("       " + output.replace("\n", "\n       ")[:4000])
    failed = [name for name, ok, _ in results if not ok]
    print("prod-check passed" if not failed else f"prod-check failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
