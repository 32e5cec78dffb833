"""manage.py import_biobank FILE [--kind participants|samples] [--by EMAIL]"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from accounts.models import User
from biobank import importer
from biobank.models import ImportJob

PHASES = {"reading": "Checking rows", "checking": "Checking the file", "writing": "Writing", "done": "Done"}


class Command(BaseCommand):
    help = ("Import biobank participants or samples from a CSV file. Every row is checked first; if any row has an "
            "error, nothing is written and the errors are listed row by row.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file, UTF-8, column names on the first line.")
        parser.add_argument("--kind", choices=ImportJob.Kind.values,
                            help="What the file holds (default: guessed from its columns).")
        parser.add_argument("--by", metavar="EMAIL", help="Staff member the import is recorded for.")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw the progress bar.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        user = None
        if options["by"]:
            user = User.objects.filter(email__iexact=options["by"]).first()
            if user is None:
                raise CommandError(f"No account has the email address {options['by']}.")
        kind = options["kind"] or self._guess_kind(path)
        job = ImportJob.objects.create(kind=kind, file_name=path.name[:255], source="command", created_by=user)
        started = time.monotonic()
        with path.open("rb") as binary, tqdm(total=0, unit=" rows", unit_scale=True, disable=options["no_progress"],
                                             desc="Checking rows") as bar:
            def progress(phase: str, done: int, total: int) -> None:
                bar.total = max(total, done)
                bar.set_description(PHASES.get(phase, phase))
                bar.update(done - bar.n)

            result = importer.run_job(job, binary, user=user, progress=progress)
        elapsed = time.monotonic() - started
        if not result.ok:
            for error in result.errors:
                where = f"row {error.row}" + (f", {error.column}" if error.column else "")
                self.stderr.write(f"{where}: {error.message}")
            if result.error_count > len(result.errors):
                self.stderr.write(f"... and {result.error_count - len(result.errors)} more.")
            raise CommandError(f"{result.error_count} error(s) in {result.rows} row(s): nothing was imported "
                               f"(import #{job.pk}).")
        rate = result.imported / elapsed if elapsed else 0
        self.stdout.write(self.style.SUCCESS(
            f"Imported {result.imported:,} {kind} in {elapsed:.1f} s ({rate:,.0f} rows/s), import #{job.pk}."))

    def _guess_kind(self, path: Path) -> str:
        with path.open("rb") as binary:
            try:
                return importer.sniff_kind(binary)
            except importer.UnknownKind as problem:
                raise CommandError(f"{problem} Nothing was imported.") from None
