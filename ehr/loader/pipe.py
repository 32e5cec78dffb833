"""COPY batches in the background: a thread sends one batch to PostgreSQL while the loader
reads the next, so the server's work and Python's overlap (at most two batches in memory)."""

from __future__ import annotations

import io
import queue
import threading


class CopyPipe:
    """``send(statement, text)`` queues a COPY on ``cursor``; ``close()`` waits for all of them.

    The cursor is used by the pipe's thread only until ``close()`` returns; an error of a COPY is
    raised again in the loader by the next ``send`` or by ``close``."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.batches: queue.Queue = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="ehr-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (batch := self.batches.get()) is not None:
            if self.error is None:
                statement, data = batch
                try:
                    # One read of the whole batch: the thread then waits on the server without the GIL.
                    self.cursor.copy_expert(statement, io.BytesIO(data), size=len(data) + 1)
                except BaseException as error:  # noqa: B036 - handed to the loader's thread
                    self.error = error

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def send(self, statement: str, text: str) -> None:
        self._raise()
        self.batches.put((statement, text.encode()))

    def close(self) -> None:
        if self.thread.is_alive():
            self.batches.put(None)
            self.thread.join()
        self._raise()

    def abandon(self) -> None:
        """Stop after the loader failed: the batches still queued are not sent, the first error stands."""
        if self.error is None:
            self.error = RuntimeError("abandoned")
        if self.thread.is_alive():
            self.batches.put(None)
            self.thread.join()
