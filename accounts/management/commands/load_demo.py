"""Load the synthetic demo data of every app, idempotently (a second run adds nothing)."""

from __future__ import annotations

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo

# Order matters: later apps use the accounts and centres made before them.
DEMO_MODULES = [
    "centers.demo",
    "consultations.demo",
    "studies.demo",
    "biobank.demo",
    "ehr.demo",
    "cohorts.demo",
    "collaborations.demo",
]


class Command(BaseCommand):
    help = "Load synthetic demo data (safe to run again) and print the demo sign-ins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the sign-in table.")

    def handle(self, *args, **options):
        with transaction.atomic():
            logins = accounts_demo.load()
            for name in DEMO_MODULES:
                try:
                    module = importlib.import_module(name)
                except ModuleNotFoundError as error:
                    if error.name != name:
                        raise
                    continue
                summary = module.load()
                if summary:
                    self.stdout.write(f"  {name.split('.')[0]}: {summary}")
        self.stdout.write(self.style.SUCCESS("Demo data ready (all of it synthetic)."))
        if not options["quiet_logins"]:
            self.stdout.write("\nDemo sign-ins (password for all: %s)" % accounts_demo.DEMO_PASSWORD)
            for role, email in logins:
                self.stdout.write(f"  {role:<14} {email}")
            self.stdout.write(
                f"Study team, biobank and superuser sign in with a second step: add the setup key "
                f"{accounts_demo.two_step_key()} (time-based) to an authenticator app, or run "
                f"`.venv/bin/python manage.py demo_code` for the code to type now.")
