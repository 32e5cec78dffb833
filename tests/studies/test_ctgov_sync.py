"""manage.py sync_ctgov against a local HTTP server that serves recorded API v2 pages (no outside network)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from studies.models import RegistryRecord, Study
from tests.factories import CenterFactory

DATA = Path(__file__).parent / "data"


class Registry:
    """Recorded pages, served by page token; what was asked is kept for the test to read."""

    def __init__(self):
        self.pages = {"": json.loads((DATA / "ctgov_v2_page1.json").read_text()),
                      "NF0g5JGBlPMs": json.loads((DATA / "ctgov_v2_page2.json").read_text())}
        self.requests: list[dict[str, list[str]]] = []
        self.fail_with = 0


@pytest.fixture
def registry():
    state = Registry()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server name
            url = urlsplit(self.path)
            params = parse_qs(url.query)
            state.requests.append({"path": [url.path], **params})
            page = state.pages.get(params.get("pageToken", [""])[0])
            if state.fail_with or url.path != "/api/v2/studies" or page is None:
                self.send_response(state.fail_with or 404)
                self.end_headers()
                return
            body = json.dumps(page).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}/api/v2"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def center(db):
    return CenterFactory(name="Dartmouth-Hitchcock Medical Center", slug="center-for-clinical-trials")


def sync(registry, *extra):
    out, err = StringIO(), StringIO()
    call_command("sync_ctgov", "--base-url", registry.base_url, "--query", "query.spons=Synthetic&filter.geo=x",
                 "--page-size", "2", *extra, stdout=out, stderr=err)
    return out.getvalue()


def test_sync_reads_every_page_and_creates_the_studies(registry, center):
    out = sync(registry)
    assert "2 pages read: 3 created, 0 updated, 0 unchanged, 0 refused" in out
    assert set(Study.objects.values_list("nct_id", flat=True)) == {"NCT09100001", "NCT09100002", "NCT09100003"}
    first, second = registry.requests
    assert first["query.spons"] == ["Synthetic"] and first["pageSize"] == ["2"] and "pageToken" not in first
    assert second["pageToken"] == ["NF0g5JGBlPMs"] and second["format"] == ["json"]


def test_a_second_sync_updates_only_studies_whose_last_update_changed(registry, center):
    sync(registry)
    study = Study.objects.get(nct_id="NCT09100002")
    study.lay_title = "Sleep of night nurses"  # staff's plain-language edit
    study.save()
    assert "0 created, 0 updated, 3 unchanged" in sync(registry)
    record = registry.pages[""]["studies"][1]["protocolSection"]["statusModule"]
    record["overallStatus"] = "COMPLETED"
    record["lastUpdatePostDateStruct"]["date"] = "2026-11-30"
    out = sync(registry)
    assert "0 created, 1 updated, 2 unchanged" in out and "updated NCT09100002" in out
    study.refresh_from_db()
    assert study.status == Study.Status.COMPLETED and study.lay_title == "Sleep of night nurses"
    assert str(RegistryRecord.objects.get(study=study).last_update_posted) == "2026-11-30"


def test_a_refused_record_is_reported_and_the_command_fails(registry, center):
    registry.pages["NF0g5JGBlPMs"]["studies"][0]["protocolSection"]["statusModule"]["overallStatus"] = "PAUSED"
    with pytest.raises(CommandError, match="2 pages read: 2 created, 0 updated, 0 unchanged, 1 refused"):
        sync(registry)
    assert not Study.objects.filter(nct_id="NCT09100003").exists()


def test_a_registry_that_answers_an_error_is_a_clear_failure(registry, center):
    registry.fail_with = 503
    with pytest.raises(CommandError, match=r"/api/v2/studies\?.* answered 503"):
        sync(registry)
    with pytest.raises(CommandError, match="could not be reached"):
        call_command("sync_ctgov", "--base-url", "http://127.0.0.1:9/api/v2", "--query", "query.term=x")


def test_sync_needs_a_search(center):
    with pytest.raises(CommandError, match="No search to pull"):
        call_command("sync_ctgov", "--query", "")


def test_the_sync_runs_nightly_in_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["ctgov-sync"]
    assert entry["task"] == "studies.tasks.sync_ctgov" and entry["schedule"].total_seconds() == 24 * 3600


def test_the_nightly_task_pulls_the_configured_search(registry, center, settings):
    from studies.tasks import sync_ctgov

    settings.CTGOV_API_BASE, settings.CTGOV_SYNC_QUERY = registry.base_url, "query.spons=Synthetic"
    assert sync_ctgov() == "2 pages read: 3 created, 0 updated, 0 unchanged, 0 refused"
    settings.CTGOV_SYNC_QUERY = ""
    assert sync_ctgov() == "no search configured"
