"""ClinicalTrials.gov: read its API v2 JSON (files and search pages) into studies.

``formats`` recognises what a file holds (one study, a list, a search page; API v1 and the
classic XML are named and refused), ``parse`` turns one record into checked values,
``load`` writes a file's studies all at once or not at all, and ``sync`` pulls a search from the
registry page by page.
"""

from .formats import RecordError, load_records, read_page
from .load import ImportReport, import_file, import_records
from .parse import age_in_years, parse_record

__all__ = ["ImportReport", "RecordError", "age_in_years", "import_file", "import_records", "load_records",
           "parse_record", "read_page"]
