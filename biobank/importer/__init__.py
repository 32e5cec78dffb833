"""CSV import of participants and samples: streamed, checked row by row, all or nothing.

The package: ``cells`` reads one cell (a value or a message a person can act on), ``specs``
says what each kind of file holds and which whole-file checks it gets, ``report`` gathers the
errors, ``engine`` runs an import, ``jobs`` runs one for the staff desk or the command line.

How it works, for files of 100,000 rows and more:

1. The file is read one row at a time. Each row is checked on its own (columns, types, dates,
   known sample types) and, if good, written to a COPY buffer; every ``BATCH_ROWS`` rows the
   buffer is copied into a temporary staging table. Memory stays flat in the file's size:
   only one batch and the first ``MAX_REPORTED_ERRORS`` errors are held.
2. Checks that need the whole file or the database (duplicates within the file, barcodes,
   ids or MRNs already recorded, positions taken, unknown or withdrawn participants) run as
   SQL over the staging table and return the offending row numbers.
   Checks that a unique constraint stands behind (barcodes, positions, ids, MRNs) run only
   when needed: the write below is refused by the constraint, and the checks then say which
   rows and why (or they complete the list of a file already rejected).
3. Any error: the transaction is rolled back and nothing is written. No error: one statement
   (``INSERT ... SELECT ... RETURNING`` feeding the history table) writes the rows and their
   history, in the same transaction.

MRNs are encrypted (and their blind index computed) while reading; no error message repeats
an MRN.
"""

from .engine import Progress, import_csv
from .jobs import count_data_rows, job_progress, progress_key, run_job, run_stored_job
from .report import ImportResult, RowError
from .specs import PARTICIPANTS, SAMPLES, SPECS, UnknownKind, detect_kind, sniff_kind

__all__ = ["PARTICIPANTS", "SAMPLES", "SPECS", "ImportResult", "Progress", "RowError", "UnknownKind",
           "count_data_rows", "detect_kind", "import_csv", "job_progress", "progress_key", "run_job",
           "run_stored_job", "sniff_kind"]
