"""What a saved registry file holds: API v2 JSON (a study, a list, a search page) or something else.

The registry's older formats are recognised and named, so that a person knows to save the
record again from API v2 instead of reading "missing field protocolSection".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class RecordError(ValueError):
    """A record (or a file) that cannot be imported; the message says which field and why."""


V2_HOW_TO = "save the study again as JSON from ClinicalTrials.gov's API v2 (/api/v2/studies)"
# Top-level keys of the retired API v1 (classic and "modernised" responses).
V1_KEYS = ("FullStudiesResponse", "StudyFieldsResponse", "FullStudy")


@dataclass
class Page:
    """The records of one file or search page, and the token of the next page, if any."""

    records: list[Any] = field(default_factory=list)
    next_page_token: str = ""
    total_count: int | None = None


def _refuse_other_formats(text: str) -> None:
    start = text.lstrip("\ufeff \t\r\n")[:400]
    if start.startswith("<"):
        kind = ("a classic XML study record (<clinical_study>)" if "<clinical_study" in start
                else "classic XML search results (<search_results>)" if "<search_results" in start
                else "XML or HTML, not JSON")
        raise RecordError(f"this file is {kind}, the registry's format before API v2; {V2_HOW_TO}")


def is_api_v1(node: Any) -> bool:
    if not isinstance(node, dict):
        return False
    if any(key in node for key in V1_KEYS) or "ProtocolSection" in node:
        return True
    study = node.get("Study")
    return isinstance(study, dict) and "ProtocolSection" in study


def read_page(text: str) -> Page:
    """The records of a file's text: one study, a list of them, or an API v2 search response."""
    _refuse_other_formats(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise RecordError(f"the file is not valid JSON: {error.msg} at line {error.lineno}") from error
    if is_api_v1(data):
        raise RecordError(f"this file is from the registry's retired API v1 (ProtocolSection, FullStudiesResponse); "
                          f"{V2_HOW_TO}")
    page = Page()
    if isinstance(data, dict) and "studies" in data:
        token = data.get("nextPageToken") or ""
        if not isinstance(token, str):
            raise RecordError("nextPageToken must be text")
        total = data.get("totalCount")
        page.next_page_token = token
        page.total_count = total if isinstance(total, int) and not isinstance(total, bool) else None
        data = data["studies"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise RecordError("the file must hold a study record, a list of them, or a search response")
    page.records = data
    return page


def load_records(path: str | Path) -> list[Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise RecordError("the file is not UTF-8 text (save it as UTF-8 JSON)") from error
    return read_page(text).records
