"""manage.py seed_scale: synthetic data at production scale, for benchmarks.

Each app adds its seeder to ``SEEDERS`` (a dotted path to ``seed(stdout, factor) -> str``,
idempotent: it skips what is already at scale), in the order they run (centres first: the
others spread their rows over the scale centres). ``--factor 0.1`` builds a tenth of the sizes.
"""

from __future__ import annotations

import importlib
import time

from django.core.management.base import BaseCommand, CommandError

SEEDERS = {
    "centers": "centers.scale.seed",
    "studies": "studies.scale.seed",
    "consultations": "consultations.scale.seed",
    "biobank": "biobank.scale.seed",
    "budgets": "budgets.scale.seed",
    "collaborations": "collaborations.scale.seed",
    "ehr": "ehr.scale.seed",
    "cohorts": "cohorts.scale.seed",
}


class Command(BaseCommand):
    help = ("Seed synthetic data at production scale (25 centres, 1,000 studies, 100,000 inquiries, 50,000 "
            "consultation requests, 40,000 participants, 100,000 samples, 6,000,000 health-record facts) for benchmarks. Safe to re-run.")

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="+", choices=sorted(SEEDERS), help="Seed only these parts.")
        parser.add_argument("--factor", type=float, default=1.0,
                            help="Size relative to production scale (1 = the sizes above, 0.1 = a tenth).")

    def handle(self, *args, **options):
        if options["factor"] <= 0:
            raise CommandError("--factor must be greater than 0")
        for name in [name for name in SEEDERS if name in (options["only"] or SEEDERS)]:
            module_name, function_name = SEEDERS[name].rsplit(".", 1)
            try:
                seed = getattr(importlib.import_module(module_name), function_name)
            except (ImportError, AttributeError) as error:
                raise CommandError(f"The {name} seeder cannot be loaded: {error}") from error
            started = time.monotonic()
            summary = seed(stdout=self.stdout, factor=options["factor"])
            self.stdout.write(self.style.SUCCESS(f"{name}: {summary} ({time.monotonic() - started:.1f} s)"))
