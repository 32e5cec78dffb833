"""Task log lines in JSON: what Celery passes as ``extra`` (arguments, return value) is scrubbed too."""

from __future__ import annotations

import json
import logging

from pythonjsonlogger.json import JsonFormatter

from accounts.logging import ProtectedDataFilter
from common.request_log import RequestIdFilter


def test_a_task_line_in_json_carries_no_protected_value_in_its_extra_data():
    # The shape of Celery's "Task ... succeeded" record: the values again under extra["data"].
    record = logging.LogRecord("celery.app.trace", logging.INFO, __file__, 1,
                               "Task %(name)s[%(id)s] succeeded: %(return_value)s",
                               None, None)
    context = {"id": "abc", "name": "biobank.tasks.run_import_job",
               "return_value": "'mailed pat.patient@example.org'", "args": "('pat.patient@example.org',)"}
    record.args = context
    record.data = context
    for log_filter in (RequestIdFilter(), ProtectedDataFilter()):
        log_filter.filter(record)
    line = JsonFormatter("%(levelname)s %(name)s %(request_id)s %(message)s").format(record)

    assert "pat.patient@example.org" not in line
    data = json.loads(line)
    assert data["data"]["id"] == "abc" and data["data"]["name"] == "biobank.tasks.run_import_job"
    assert data["message"].startswith("Task biobank.tasks.run_import_job[abc] succeeded")
