"""Print the two-step sign-in code of the synthetic demo accounts (the published demo key)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from accounts import demo


class Command(BaseCommand):
    help = "Print the code an authenticator app with the demo key shows now (demo accounts only)."

    def handle(self, *args, **options):
        self.stdout.write(f"{demo.current_code()}  (changes every 30 seconds; demo key {demo.two_step_key()})")
