from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from centers.models import Center
from studies.ctgov.sync import SyncError, sync
from studies.management.commands.import_ctgov import write_report


class Command(BaseCommand):
    help = ("Pull a search from ClinicalTrials.gov's API v2 page by page; create new studies and update those whose "
            "last update date changed. Exits with status 1 when a page cannot be read or a record is refused.")

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default=settings.CTGOV_API_BASE,
                            help=f"The API v2 address (default: {settings.CTGOV_API_BASE}).")
        parser.add_argument("--query", default=settings.CTGOV_SYNC_QUERY,
                            help="The search, as API v2 parameters, e.g. 'query.spons=Our Hospital&"
                                 "filter.overallStatus=RECRUITING' (default: DCR_CTGOV_SYNC_QUERY).")
        parser.add_argument("--center", default=settings.CTGOV_SYNC_CENTER,
                            help="Slug of the centre new studies belong to.")
        parser.add_argument("--page-size", type=int, default=settings.CTGOV_SYNC_PAGE_SIZE)

    def handle(self, *args, **options):
        if not options["query"]:
            raise CommandError("No search to pull: give --query or set DCR_CTGOV_SYNC_QUERY.")
        if not 1 <= options["page_size"] <= 1000:
            raise CommandError("--page-size must be from 1 to 1000 (the registry's limit).")
        center = Center.objects.filter(slug=options["center"]).first()
        if center is None:
            raise CommandError(f"No centre with slug “{options['center']}”; see /centers/ for the slugs.")
        try:
            report = sync(base_url=options["base_url"], query=options["query"], center=center,
                          page_size=options["page_size"], timeout=settings.CTGOV_SYNC_TIMEOUT_SECONDS)
        except SyncError as error:
            raise CommandError(str(error)) from error
        write_report(self, report.created, report.updated, report.errors)
        if report.errors:
            raise CommandError(report.summary)
        self.stdout.write(self.style.SUCCESS(report.summary))
