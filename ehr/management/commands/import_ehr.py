"""manage.py import_ehr PATH... [--skip-bad] [--exported-at WHEN] [--by EMAIL]"""

from __future__ import annotations

import time
from datetime import datetime, timezone

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from accounts.models import User
from ehr.loader import ExtractError, Source, expand, files, jobs
from ehr.models import EhrImport


class Command(BaseCommand):
    help = ("Load a FHIR R4 Bulk Data extract (.ndjson or .ndjson.gz files, or folders of them) into the biobank's "
            "health-record facts. Patients are matched to participants by their MRN; everyone else's resources are "
            "counted and discarded. A file with a bad line loads nothing unless --skip-bad is given.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="NDJSON files or folders holding them.")
        parser.add_argument("--skip-bad", action="store_true",
                            help="Load the good lines of a file with bad ones (the bad lines are reported).")
        parser.add_argument("--exported-at", metavar="WHEN",
                            help="When the extract was made (ISO date or date-time). Default: the transactionTime "
                                 "of a Bulk Data manifest beside the files, else the files' newest modification.")
        parser.add_argument("--by", metavar="EMAIL", help="Staff member the load is recorded for.")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw the progress bar.")

    def handle(self, *args, **options):
        try:
            paths = expand(options["paths"])
        except ExtractError as error:
            raise CommandError(str(error)) from error
        extracted_at = self._extracted_at(options, paths)
        user = None
        if options["by"]:
            user = User.objects.filter(email__iexact=options["by"]).first()
            if user is None:
                raise CommandError(f"No account has the email address {options['by']}.")
        names = ", ".join(p.name for p in paths)
        job = EhrImport.objects.create(file_name=names[:255], source="command", created_by=user,
                                       skip_bad=options["skip_bad"], extracted_at=extracted_at)
        sources = [Source(str(p), (lambda p=p: p.open("rb")), p.stat().st_size)
                   for p in paths]
        started = time.monotonic()
        with tqdm(total=sum(s.size for s in sources), unit="B", unit_scale=True, disable=options["no_progress"],
                  desc="Loading") as bar:
            result = jobs.run_job(job, sources, extracted_at=extracted_at,
                                  progress=lambda done, total: bar.update(done - bar.n))
        for error in result.errors:
            self.stderr.write(str(error))
        if result.error_count > len(result.errors):
            self.stderr.write(f"... and {result.error_count - len(result.errors):,} more errors.")
        for line in result.summary_lines():
            self.stdout.write(line)
        elapsed = time.monotonic() - started
        if result.rejected_files:
            self.stderr.write(f"Nothing was loaded from {len(result.rejected_files)} file(s) with errors: "
                              f"{', '.join(result.rejected_files)}. Fix them, or load with --skip-bad.")
        self.stdout.write(f"{result.facts:,} facts of {result.participants:,} participants loaded from "
                          f"{result.lines:,} lines in {elapsed:.1f} s ({result.lines / max(elapsed, 1e-6):,.0f} "
                          "lines/s).")
        if result.rejected_files:
            raise CommandError(f"{result.error_count:,} error(s).")

    def _extracted_at(self, options, paths) -> datetime:
        if options["exported_at"]:
            try:
                value = datetime.fromisoformat(options["exported_at"].replace("Z", "+00:00"))
            except ValueError as error:
                raise CommandError("--exported-at: give a date like 2026-11-30 or 2026-11-30T08:00:00Z.") from error
            return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return files.manifest_time(options["paths"]) or files.newest_mtime(paths)
