"""Request ids and one access-log line per request, carried into the Celery tasks a request queues.

Every log record gets ``request_id`` (``-`` outside a request or task). The id comes from the
load balancer's ``X-Request-ID`` header when it sends a sane one, else a new one, and is
returned in the response. Paths are logged without their query string: a search or a form
can put personal words there.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from celery.signals import before_task_publish, task_postrun, task_prerun

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
access_logger = logging.getLogger("dcr_portal.access")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        request.request_id = request_id
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            user = getattr(request, "user", None)
            access_logger.info(
                "%s %s %s %.1fms user=%s", request.method, request.path, response.status_code,
                (time.monotonic() - started) * 1000,
                user.pk if user is not None and user.is_authenticated else "-",
            )
            return response
        finally:
            request_id_var.reset(token)


@before_task_publish.connect
def _stamp_task(headers=None, **kwargs):
    if headers is not None and "request_id" not in headers:
        headers["request_id"] = request_id_var.get()


_task_tokens: dict[str, contextvars.Token] = {}


@task_prerun.connect
def _enter_task(task_id=None, task=None, **kwargs):
    request_id = None
    if task is not None:
        # Custom message headers arrive as attributes of the task request.
        request_id = getattr(task.request, "request_id", None) or (task.request.headers or {}).get("request_id")
    _task_tokens[task_id] = request_id_var.set(request_id or f"task-{task_id}")


@task_postrun.connect
def _leave_task(task_id=None, **kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        request_id_var.reset(token)
