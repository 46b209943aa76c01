"""The runner's log: papermill's cell output and the runner's own lines, to stderr and log.txt."""

from __future__ import annotations

import collections
import logging
import sys
import threading
from typing import Any

# log.txt keeps the first LOG_HEAD_CHARS and the last LOG_TAIL_CHARS of a huge log.
LOG_HEAD_CHARS = 1 << 20
LOG_TAIL_CHARS = 15 << 20


class BoundedLog:
    """The text log.txt is made of: everything, or its head and tail when it grows too big."""

    def __init__(self, head_limit: int = LOG_HEAD_CHARS, tail_limit: int = LOG_TAIL_CHARS):
        self._head: list[str] = []
        self._head_size = 0
        self._tail: collections.deque[str] = collections.deque()
        self._tail_size = 0
        self._dropped = 0
        self._head_limit = head_limit
        self._tail_limit = tail_limit
        # Reentrant: the SIGTERM handler logs from the main thread, maybe mid-write.
        self._lock = threading.RLock()

    def write(self, text: str) -> int:
        with self._lock:
            if self._head_size < self._head_limit:
                self._head.append(text)
                self._head_size += len(text)
                return len(text)
            self._tail.append(text)
            self._tail_size += len(text)
            while self._tail_size > self._tail_limit and len(self._tail) > 1:
                dropped = self._tail.popleft()
                self._tail_size -= len(dropped)
                self._dropped += len(dropped)
            return len(text)

    def flush(self) -> None:
        pass

    def text(self) -> str:
        with self._lock:
            gap = f"\n[... {self._dropped} characters of log left out ...]\n" if self._dropped else ""
            return "".join(self._head) + gap + "".join(self._tail)


class TeeStream:
    """A text stream writing to several streams (stderr and the log buffer)."""

    def __init__(self, *targets: Any):
        self._targets = targets

    def write(self, text: str) -> int:
        for target in self._targets:
            target.write(text)
        return len(text)

    def flush(self) -> None:
        for target in self._targets:
            target.flush()


class LineFormatter(logging.Formatter):
    """`[HH:MM:SS] message`; cell output already ends with a newline, so one is dropped."""

    def __init__(self) -> None:
        super().__init__("[%(asctime)s] %(message)s", datefmt="%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).rstrip("\n")


def install_logging() -> BoundedLog:
    """Sends papermill's log (incl. cell output) and the runner's own lines to stderr and a buffer."""
    buffer = BoundedLog()
    handler = logging.StreamHandler(TeeStream(sys.stderr, buffer))
    handler.setFormatter(LineFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    for name in ("papermill", "turing.runner"):
        logging.getLogger(name).setLevel(logging.INFO)
    logging.captureWarnings(True)
    return buffer
