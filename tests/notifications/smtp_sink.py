"""A local SMTP server (aiosmtpd) that records what it receives and can refuse on request."""

from __future__ import annotations

import email
import socket
import threading
import time
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

TEMPORARY_FAILURE = "451 4.3.0 Temporary failure, try again later"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """Accepts every message on 127.0.0.1:<port>, except the next ``refuse_next(n)`` ones."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refused = 0
        self._to_refuse = 0
        self._lock = threading.Lock()
        self._controller: Controller | None = None
        self.port = 0

    # aiosmtpd handler hook: called with each complete message.
    async def handle_DATA(self, server, session, envelope) -> str:
        with self._lock:
            if self._to_refuse:
                self._to_refuse -= 1
                self.refused += 1
                return TEMPORARY_FAILURE
            self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 2.0.0 OK"

    def start(self) -> None:
        for _ in range(5):  # another process may take the free port before we bind it
            self.port = free_port()
            controller = Controller(self, hostname="127.0.0.1", port=self.port, ready_timeout=10)
            try:
                controller.start()
            except (OSError, RuntimeError):
                continue
            self._controller = controller
            return
        raise RuntimeError("the SMTP sink found no free port")

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def reset(self, refuse_next: int = 0) -> None:
        with self._lock:
            self.messages.clear()
            self.refused = 0
            self._to_refuse = refuse_next

    def wait_for_messages(self, count: int, timeout: float) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        with self._lock:
            return list(self.messages)
