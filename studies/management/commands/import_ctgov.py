from django.core.management.base import BaseCommand, CommandError

from centers.models import Center
from studies.ctgov import RecordError, import_file

DEFAULT_CENTER = "center-for-clinical-trials"


def write_report(command: BaseCommand, created: list[str], updated: list[str], errors: list[str]) -> None:
    """One line per study created or updated (standard output) and per refused record (standard error)."""
    for nct in created:
        command.stdout.write(f"created {nct}")
    for nct in updated:
        command.stdout.write(f"updated {nct}")
    for message in errors:
        command.stderr.write(message)


class Command(BaseCommand):
    help = ("Create or update studies from a ClinicalTrials.gov API v2 JSON file (saved from the API): all of the "
            "file's records or, when any is refused, none. Exits with status 1 when anything is refused. New "
            "studies are kept out of the trial finder until staff publish them.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="A JSON file: one study record, a list, or a search response page.")
        parser.add_argument("--center", default=DEFAULT_CENTER,
                            help=f"Slug of the centre new studies belong to (default: {DEFAULT_CENTER}).")

    def handle(self, *args, **options):
        center = Center.objects.filter(slug=options["center"]).first()
        if center is None:
            raise CommandError(f"No centre with slug “{options['center']}”; see /centers/ for the slugs.")
        try:
            report = import_file(options["file"], center=center)
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {options['file']}") from error
        except RecordError as error:
            raise CommandError(str(error)) from error
        write_report(self, report.created, report.updated,
                     [f"record {number} ({nct}): {message}" for number, nct, message in report.errors])
        if report.errors:
            raise CommandError(report.summary)
        self.stdout.write(self.style.SUCCESS(report.summary))
