"""``manage.py worker_health``: are enough Celery workers alive? Exit 0 if so, 1 if not.

Reads the heartbeats the workers write to Redis (``common.workers``); with ``--ping`` it
also asks the workers over the broker (``celery inspect ping``) and counts those that answer.
For a monitor or a container health check, e.g. ``manage.py worker_health --min 2``, or
``--hostname worker@web1`` for one worker's own check.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from common import workers


class Command(BaseCommand):
    help = "Check that Celery workers are alive (heartbeats in Redis, optionally a broker ping)."

    def add_arguments(self, parser):
        parser.add_argument("--min", type=int, default=1, help="Fewest live workers that count as healthy.")
        parser.add_argument("--hostname", help="Check this one worker (its --hostname) instead.")
        parser.add_argument("--ping", action="store_true", help="Also ping the workers through the broker.")
        parser.add_argument("--timeout", type=float, default=2.0, help="Seconds to wait for ping answers.")

    def handle(self, *args, min, hostname, ping, timeout, **options):
        seen = workers.alive()
        for name, age in sorted(seen.items()):
            self.stdout.write(f"{name}: last heartbeat {age:.1f}s ago")
        if ping:
            from celery import current_app as app

            answers = app.control.inspect(timeout=timeout).ping() or {}
            self.stdout.write(f"ping: {len(answers)} worker(s) answered" + (f" ({', '.join(sorted(answers))})"
                                                                          if answers else ""))
            seen = {name: age for name, age in seen.items() if name in answers} if answers else {}
        if hostname:
            if hostname not in seen:
                raise CommandError(f"worker {hostname} is not alive")
            self.stdout.write(f"worker {hostname} is alive")
            return
        if len(seen) < min:
            raise CommandError(f"{len(seen)} worker(s) alive, {min} needed")
        self.stdout.write(f"{len(seen)} worker(s) alive")
