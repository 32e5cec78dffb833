"""Count the staff dashboard's figures again from every request and inquiry (dashboards.rollups)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from dashboards import rollups
from dashboards.models import CentreTotals, StudyFunnel


class Command(BaseCommand):
    help = ("Install the dashboard's triggers again and count its figures anew: after changing TIME_ZONE or "
            "the open statuses, or to check the kept figures. Writers wait while it runs.")

    def handle(self, *args, **options):
        started = time.monotonic()
        rollups.rebuild()
        requests = sum(CentreTotals.objects.values_list("requests", flat=True))
        inquiries = sum(StudyFunnel.objects.values_list("inquiries", flat=True))
        self.stdout.write(f"Dashboard figures counted again from every row (requests: {requests:,}, "
                          f"inquiries: {inquiries:,}) in {time.monotonic() - started:.1f} s.")
