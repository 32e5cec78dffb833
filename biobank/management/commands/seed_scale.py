"""manage.py seed_scale: synthetic data at production scale, for benchmarks.

Each app adds its seeder to ``SEEDERS`` (a dotted path to ``seed(stdout) -> str``, idempotent:
it skips what is already at scale).
"""

from __future__ import annotations

import importlib
import time

from django.core.management.base import BaseCommand, CommandError

SEEDERS = {
    "biobank": "biobank.scale.seed",
}


class Command(BaseCommand):
    help = "Seed synthetic data at production scale (100,000 biobank samples, ...) for benchmarks. Safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="+", choices=sorted(SEEDERS), help="Seed only these parts.")

    def handle(self, *args, **options):
        for name in options["only"] or SEEDERS:
            module_name, function_name = SEEDERS[name].rsplit(".", 1)
            try:
                seed = getattr(importlib.import_module(module_name), function_name)
            except (ImportError, AttributeError) as error:
                raise CommandError(f"The {name} seeder cannot be loaded: {error}") from error
            started = time.monotonic()
            summary = seed(stdout=self.stdout)
            self.stdout.write(self.style.SUCCESS(f"{name}: {summary} ({time.monotonic() - started:.1f} s)"))
