"""SQLite writers queue on a lock file, not in SQLite's busy handler.

While another connection holds SQLite's write lock, a writer waits in
SQLite's busy handler, which sleeps in growing steps (up to 100 ms) and
wakes only to try again: under many concurrent writers that sleep, not the
work, sets the latency. Writers of every worker process instead take an
exclusive lock on `<database>.write-lock` (threads of one process first
take a lock of their own), and the kernel wakes the next one the moment
the lock is released.
"""

from __future__ import annotations

import fcntl
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class WriteGate:
    def __init__(self, database: str):
        self.path = Path(database).expanduser().with_name(Path(database).name + ".write-lock")
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._threads:
            fd = self._descriptor()
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def _descriptor(self) -> int:
        # A forked child must not share its parent's open file: flock locks
        # belong to the open file, so parent and child would not exclude
        # each other.
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        return self._fd
