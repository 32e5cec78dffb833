"""Protected values never reach the logs: common.protected.scrub and the logging filter."""

from __future__ import annotations

import io
import logging

import pytest
from django.conf import settings

from accounts.logging import ProtectedDataFilter
from common.protected import PROTECTED_CONTEXT_KEYS, PROTECTED_FIELDS, scrub


@pytest.mark.parametrize("text, secret", [
    ("sent to pat.doe+trials@example.org", "pat.doe+trials@example.org"),
    ("call +1 (603) 555-0142 after 5", "555-0142"),
    ("call 555-0142", "555-0142"),
    ("phone 6035550142", "6035550142"),
    ("participant MRN: 00123456 withdrew", "00123456"),
    ("mrn=AB-99812", "AB-99812"),
    ("born 1962-03-14", "1962-03-14"),
    ("born 03/14/1962", "03/14/1962"),
])
def test_scrub_removes_protected_values(text, secret):
    cleaned = scrub(text)
    assert secret not in cleaned
    assert "removed]" in cleaned


@pytest.mark.parametrize("text", [
    "page 2 of 10",
    "outbox email 12345 sent",
    "consultation DCR-2026-00012 assigned",
    "7 centres and 15 units",
    "took 1.25 s at 21:11:32",
])
def test_scrub_leaves_ordinary_text_readable(text):
    assert scrub(text) == text


def test_protected_names_are_listed_once():
    assert "accounts.User.phone" in PROTECTED_FIELDS
    assert {"mrn", "phone", "patient_name"} <= PROTECTED_CONTEXT_KEYS


@pytest.fixture
def scrubbed_logger():
    """A logger with the filter on its handler, as settings.LOGGING configures the console."""
    records: list[str] = []

    class ListHandler(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = ListHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(ProtectedDataFilter())
    logger = logging.getLogger("tests.protected")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    yield logger, records
    logger.removeHandler(handler)
    logger.propagate = True


def test_a_log_line_with_contact_details_comes_out_scrubbed(scrubbed_logger):
    logger, records = scrubbed_logger
    logger.info("interest from %s, phone %s, MRN %s", "pat@example.org", "+1 603 555 0142", "00123456")
    assert records == ["INFO interest from [email removed], phone [number removed], MRN=[removed]"]


def test_a_traceback_is_scrubbed_too(scrubbed_logger):
    logger, records = scrubbed_logger
    try:
        raise ValueError("no participant with MRN 00987654 for jo@example.org")
    except ValueError:
        logger.exception("import failed")
    assert "00987654" not in records[0] and "jo@example.org" not in records[0]
    assert "Traceback" in records[0] and "ValueError" in records[0]


def test_a_broken_format_string_still_logs(scrubbed_logger):
    logger, records = scrubbed_logger
    logger.info("two values %s %s for ann@example.org", "only one")
    assert records and "ann@example.org" not in records[0]


def test_the_console_handler_is_configured_with_the_filter():
    assert settings.LOGGING["filters"]["scrub_protected"]["()"] == "accounts.logging.ProtectedDataFilter"
    assert "scrub_protected" in settings.LOGGING["handlers"]["console"]["filters"]


def test_the_configured_root_handler_scrubs():
    """The real configuration: a record through the root logger's console handler."""
    handler = next(h for h in logging.getLogger().handlers
                   if any(isinstance(f, ProtectedDataFilter) for f in h.filters))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        logging.getLogger("dcr.test").warning("could not reach %s", "ben@example.org")
    finally:
        handler.setStream(previous)
    assert "could not reach [email removed]" in stream.getvalue()
    assert "ben@example.org" not in stream.getvalue()


def test_ip_addresses_stay_readable_in_logs():
    from common.protected import scrub

    assert scrub("Connected to redis://127.0.0.1:6379/0") == "Connected to redis://127.0.0.1:6379/0"
    assert scrub("from 10.0.12.7") == "from 10.0.12.7"
    assert "555" not in scrub("call 603.555.0142")
