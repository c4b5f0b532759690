"""One writer thread that takes queued items in batches: the marker's and the recorder's.

Each batch is one transaction on the thread's kept connection
(:class:`publisher.engine.txn.KeptConnection`): the fixed cost of a transaction is most of its
CPU when batches are small, so everything queued at that moment shares one.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Generic, TypeVar

from publisher.engine.txn import KeptConnection

T = TypeVar("T")


class BatchWriter(Generic[T]):
    """Items given to :meth:`put` are handed to :meth:`write` by one thread, up to
    ``max_batch`` at a time; a batch smaller than ``min_batch`` waits up to ``linger``
    seconds for more. :meth:`stop` writes everything queued before the thread ends."""

    def __init__(
        self, name: str, *, max_batch: int = 200, linger: float = 0.0, min_batch: int = 1
    ) -> None:
        self.max_batch = max_batch
        self.linger = linger
        self.min_batch = min_batch
        #: The writer thread's own connection (used only by that thread).
        self.kept = KeptConnection()
        self.running = False
        self._queue: queue.Queue[T | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def write(self, batch: list[T]) -> None:
        """Write one batch (in the writer thread); must not raise."""
        raise NotImplementedError

    def start(self) -> None:
        if self._thread.ident is None:
            self.running = True
            self._thread.start()

    def stop(self, timeout: float) -> None:
        if self.running:
            self.running = False
            self._queue.put(None)
            self._thread.join(timeout)

    def put(self, item: T) -> None:
        self._queue.put(item)

    def _run(self) -> None:
        try:
            self._loop()
        finally:
            self.kept.close()

    def _loop(self) -> None:
        stopping = False
        while not stopping:
            item = self._queue.get()
            batch: list[T] = []
            if item is None:
                stopping = True
            else:
                batch.append(item)
            deadline = time.monotonic() + self.linger
            while not stopping and len(batch) < self.max_batch:
                wait = deadline - time.monotonic() if len(batch) < self.min_batch else 0.0
                try:
                    more = self._queue.get(timeout=wait) if wait > 0 else self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                batch.append(more)
            if batch:
                self.write(batch)
