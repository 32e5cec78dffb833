"""A logging filter that scrubs protected values (contact details, MRNs, dates of birth).

Protected *field names* are listed once in ``common.protected``; this filter removes
values that look like them from every log record, whatever logger wrote it.
"""

from __future__ import annotations

import logging

from common.protected import scrub

_formatter = logging.Formatter()
# Attributes every LogRecord has; anything else came in through ``extra=`` (Celery passes a task's
# arguments and return value as ``extra={"data": ...}``) and is printed by the JSON formatter.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def _scrub_value(value):
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: _scrub_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub_value(item) for item in value]
    return value


class ProtectedDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = ()
        # Format the traceback now, so its text (exception messages carry values) is scrubbed
        # too; formatters reuse exc_text instead of formatting exc_info again.
        if record.exc_info and not record.exc_text:
            record.exc_text = _formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        for name in set(vars(record)) - _STANDARD_ATTRIBUTES:
            setattr(record, name, _scrub_value(getattr(record, name)))
        return True
