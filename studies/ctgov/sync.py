"""Pull a search from the registry's API v2, page by page, and import what changed.

Each page is fetched, read (``formats.read_page``) and compared with what the portal holds: a
study is imported when it is new or its ``lastUpdatePostDate`` differs from the one stored.
The changed studies of a page are imported together, all or nothing (``load.import_records``);
a refused page is reported and the sync goes on with the next one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qsl, urlencode, urlsplit
from urllib.request import Request, urlopen

from centers.models import Center

from ..models import RegistryRecord
from .formats import RecordError, read_page
from .load import import_records

logger = logging.getLogger(__name__)
MAX_PAGES = 1000


class SyncError(RuntimeError):
    """The registry could not be read (network, HTTP status, not JSON); the message names the address."""


@dataclass
class SyncReport:
    pages: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        return (f"{self.pages} pages read: {len(self.created)} created, {len(self.updated)} updated, "
                f"{self.unchanged} unchanged, {len(self.errors)} refused")


def fetch_text(url: str, *, timeout: float) -> str:
    if urlsplit(url).scheme not in ("http", "https"):
        raise SyncError(f"the registry address must start with http:// or https://, not “{url}”")
    request = Request(url, headers={"Accept": "application/json", "User-Agent": "DCR Portal registry sync"})
    try:
        with urlopen(request, timeout=timeout) as response:  # nosec B310: the scheme is checked above
            return response.read().decode("utf-8")
    except HTTPError as error:
        raise SyncError(f"{url} answered {error.code} {error.reason}") from error
    except (URLError, TimeoutError, OSError) as error:
        raise SyncError(f"{url} could not be reached: {getattr(error, 'reason', error)}") from error
    except UnicodeDecodeError as error:
        raise SyncError(f"{url} did not answer UTF-8 text") from error


def page_url(base_url: str, query: str, page_size: int, token: str) -> str:
    params = [(key, value) for key, value in parse_qsl(query, keep_blank_values=False)
              if key not in ("pageToken", "pageSize", "format")]
    params += [("format", "json"), ("pageSize", str(page_size))] + ([("pageToken", token)] if token else [])
    return f"{base_url.rstrip('/')}/studies?{urlencode(params)}"


def _last_update(record) -> str:
    try:
        return record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"]
    except (KeyError, TypeError):
        return ""


def _nct(record) -> str:
    try:
        return record["protocolSection"]["identificationModule"]["nctId"]
    except (KeyError, TypeError):
        return ""


def _changed(records: list) -> tuple[list, int]:
    """The records that are new or whose last update date differs from the stored one."""
    stored = {nct: (when.isoformat() if when else "") for nct, when in RegistryRecord.objects.filter(
        study__nct_id__in=[_nct(record) for record in records if _nct(record)]
    ).values_list("study__nct_id", "last_update_posted")}
    changed = [record for record in records if _nct(record) not in stored or stored[_nct(record)] != _last_update(record)]
    return changed, len(records) - len(changed)


def sync(*, base_url: str, query: str, center: Center, page_size: int = 100, timeout: float = 30,
         fetch=fetch_text) -> SyncReport:
    report, token, seen = SyncReport(), "", set()
    while report.pages < MAX_PAGES:
        url = page_url(base_url, query, page_size, token)
        try:
            page = read_page(fetch(url, timeout=timeout))
        except RecordError as error:
            raise SyncError(f"{url}: {error}") from error
        report.pages += 1
        changed, unchanged = _changed(page.records)
        report.unchanged += unchanged
        if changed:
            result = import_records(changed, center=center)
            report.created += result.created
            report.updated += result.updated
            report.errors += [f"page {report.pages}, record {number} ({nct}): {message}"
                              for number, nct, message in result.errors]
        token = page.next_page_token
        if not token or token in seen:
            break
        seen.add(token)
    logger.info("registry sync: %s", report.summary)
    return report
