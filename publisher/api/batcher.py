"""Group commit for inbound events: requests that arrive while a transaction is committing
are stored together in the next one.

Each request still waits until its own event is committed before it is answered (an
acknowledged event is never lost), but a burst costs one INSERT and one commit per batch
instead of per event, which is what keeps latency flat at hundreds of events a second.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.concurrency import run_in_threadpool

from publisher.services.insight import inbound

MAX_BATCH = 500
#: The database failed, not a row: retrying the batch row by row would only wait longer.
UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)


class EventWriter:
    """One writer task per event loop; :meth:`submit` returns whether the event was new."""

    def __init__(self, engine: Callable[[], Engine]) -> None:
        self._engine = engine
        self._queues: dict[int, asyncio.Queue[tuple[dict[str, Any], asyncio.Future[bool]]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def _queue(self) -> asyncio.Queue[tuple[dict[str, Any], asyncio.Future[bool]]]:
        loop = asyncio.get_running_loop()
        queue = self._queues.get(id(loop))
        if queue is None:
            queue = self._queues[id(loop)] = asyncio.Queue()
            task = loop.create_task(self._run(queue))
            self._tasks.add(task)  # keep a reference: the loop holds tasks weakly
            task.add_done_callback(self._tasks.discard)
        return queue

    async def submit(self, row: dict[str, Any]) -> bool:
        """Store ``row`` with the next batch; raises what the insert raised."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        await self._queue().put((row, future))
        return await future

    async def _run(self, queue: asyncio.Queue[tuple[dict[str, Any], asyncio.Future[bool]]]) -> None:
        while True:
            batch = [await queue.get()]
            while len(batch) < MAX_BATCH and not queue.empty():
                batch.append(queue.get_nowait())
            try:
                added = await run_in_threadpool(
                    inbound.store_events, self._engine(), [row for row, _ in batch]
                )
            except Exception as exc:
                if len(batch) == 1 or isinstance(exc, UNAVAILABLE):
                    for _, future in batch:  # nothing to isolate: the database itself failed
                        _settle(future, exc)
                    continue
                # One bad row (or a failing database) failed the whole transaction: store each
                # row on its own, so only what cannot be stored fails, each with its own error.
                for row, future in batch:
                    try:
                        (new,) = await run_in_threadpool(
                            inbound.store_events, self._engine(), [row]
                        )
                    except Exception as one:
                        _settle(future, one)
                    else:
                        _settle(future, new)
                continue
            for (_, future), new in zip(batch, added, strict=True):
                _settle(future, new)


def _settle(future: asyncio.Future[bool], outcome: bool | BaseException) -> None:
    if future.done():  # the request went away
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
