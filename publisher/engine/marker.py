"""The durable mark committed right before a platform call: the ambiguous window is the call.

A delivery is ``sending`` from its claim, but between the claim and the platform call come
the wait for its due instant (claims look a little ahead), its preparation, a Facebook
lookup before a re-send, the broadcast reservation. A worker killed there has not called
the platform. ``Delivery.request_started_at`` (cleared by each claim) is committed right
before the call, so recovery can tell the two apart:

* no mark: the platform was never called; the row goes back to ``pending`` at once, the
  attempt given back (:func:`publisher.engine.outcome.record_unsent`);
* a mark: the call may have reached the platform; the ambiguous policy applies (webhook
  re-sent with its key, Facebook looked up, Telegram ``unconfirmed``).

Marks are group-committed: one thread writes every mark queued at that moment in one
transaction (threads starting calls at the same instant share a commit; a lone call waits
for one small commit). A thread whose mark was refused (the row is no longer ours: the
sweep took it) starts no call.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import datetime

from publisher.engine.batching import BatchWriter
from publisher.engine.txn import KeptConnection, write_raw
from publisher.models import Delivery, DeliveryStatus
from publisher.timeutil import utcnow

log = logging.getLogger(__name__)
_TABLE = Delivery.__table__  # type: ignore[attr-defined]
#: Longest wait for a mark's commit before the executor gives up (the row stays unmarked).
MARK_TIMEOUT_S = 30.0


def write_marks(
    ids: Sequence[int], owner: str, at: datetime | None = None, kept: KeptConnection | None = None
) -> set[int]:
    """Commit ``request_started_at = at`` on those of ``ids`` still ``sending`` under our
    lease; returns the ids marked. ``kept``: the calling thread's kept connection to write
    with. Raises SQLAlchemy errors (then nothing is marked)."""
    if not ids:
        return set()
    at = at or utcnow()
    ids = list(ids)
    with kept.transaction() if kept is not None else write_raw() as raw:
        rows = raw.rows(
            f"UPDATE {_TABLE.name} SET request_started_at = ? WHERE id IN {raw.marks(len(ids))}"
            " AND status = ? AND lease_owner = ? RETURNING id",
            [at, *ids, DeliveryStatus.SENDING, owner],
        )
    return {row[0] for row in rows}


class _Request:
    __slots__ = ("delivery_id", "done", "error", "ok")

    def __init__(self, delivery_id: int) -> None:
        self.delivery_id = delivery_id
        self.done = threading.Event()
        self.ok = False
        self.error: BaseException | None = None


class Marker(BatchWriter[_Request]):
    """Group commit of marks for one worker (``owner``): everything queued at that moment
    shares one commit, no waiting for more. Before :meth:`start` (and after :meth:`stop`) a
    mark is written by the calling thread itself."""

    def __init__(self, owner: str, *, max_batch: int = 200) -> None:
        super().__init__(f"marker-{owner}", max_batch=max_batch)
        self.owner = owner

    def stop(self, timeout: float = 10.0) -> None:
        super().stop(timeout)

    def mark(self, delivery_id: int) -> bool:
        """Commit the mark of one delivery; True if it is still ours (the call may start).
        Raises the database's error, or TimeoutError when no commit came in time."""
        if not self.running:
            return delivery_id in write_marks([delivery_id], self.owner)
        request = _Request(delivery_id)
        self.put(request)
        if not request.done.wait(MARK_TIMEOUT_S):
            raise TimeoutError(f"delivery {delivery_id}: no commit of its pre-call mark")
        if request.error is not None:
            raise request.error
        return request.ok

    def write(self, batch: list[_Request]) -> None:
        try:
            marked = write_marks([r.delivery_id for r in batch], self.owner, kept=self.kept)
        except Exception as exc:
            log.exception("pre-call marks of %s deliveries not written", len(batch))
            for request in batch:
                request.error = exc
                request.done.set()
            return
        for request in batch:
            request.ok = request.delivery_id in marked
            request.done.set()
