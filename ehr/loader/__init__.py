"""FHIR R4 Bulk Data (NDJSON) extracts into the fact table: ``files`` finds and opens them,
``fhir`` reads one resource, ``sql`` holds the statements, ``engine`` stages and writes, and
``jobs`` runs a load for the staff desk or the command line (see engine's docstring for how)."""

from .engine import LineError, LoadResult, Source, load
from .files import ExtractError, expand

__all__ = ["ExtractError", "LineError", "LoadResult", "Source", "expand", "load"]
