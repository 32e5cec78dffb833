"""A logging filter that scrubs protected values (contact details, MRNs, dates of birth).

Protected *field names* are listed once in ``accounts.protected``; this filter removes
values that look like them from every log record, whatever logger wrote it.
"""

from __future__ import annotations

import logging

from .protected import scrub

_formatter = logging.Formatter()


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
        return True
