"""Structured request logs: a request id on every line, carried into the tasks a request queues."""

import json
import logging

import pytest

from common.request_log import RequestIdFilter, request_id_var


@pytest.mark.django_db
def test_each_response_carries_a_request_id_and_one_access_line(client, caplog):
    with caplog.at_level(logging.INFO, logger="dcr_portal.access"):
        response = client.get("/centers/?q=someone@example.org")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    lines = [r for r in caplog.records if r.name == "dcr_portal.access"]
    assert len(lines) == 1
    message = lines[0].getMessage()
    assert message.startswith("GET /centers/ 200")
    assert "someone@example.org" not in message  # the query string is never logged


@pytest.mark.django_db
def test_a_sane_incoming_request_id_is_kept_and_a_hostile_one_replaced(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234abcd")["X-Request-ID"] == "lb-1234abcd"
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="x\nforged log line")["X-Request-ID"]
    assert "\n" not in replaced and replaced != "x\nforged log line"


def test_json_formatter_emits_one_json_object_with_the_request_id():
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter("%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
                              rename_fields={"asctime": "time", "levelname": "level", "name": "logger"})
    record = logging.LogRecord("dcr", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    token = request_id_var.set("abc12345")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    data = json.loads(formatter.format(record))
    assert data["request_id"] == "abc12345"
    assert data["message"] == "hello world"
    assert data["level"] == "INFO"


def test_tasks_published_inside_a_request_carry_its_id():
    from common.request_log import _stamp_task

    headers = {}
    token = request_id_var.set("req-98765432")
    try:
        _stamp_task(headers=headers)
    finally:
        request_id_var.reset(token)
    assert headers["request_id"] == "req-98765432"
