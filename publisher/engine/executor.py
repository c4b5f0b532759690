"""Execute one claimed delivery: build, (re)check, publish, record the outcome."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from connectors.base import Connector, PublishResult
from connectors.clients import ClientCache
from connectors.errors import AmbiguousError, ConnectorError, DuplicateError, TransientError
from publisher.engine import outcome
from publisher.engine.bulkhead import Guard
from publisher.engine.calls import CallPool
from publisher.engine.marker import Marker, write_marks
from publisher.engine.media_wait import hold_for_media
from publisher.engine.outgoing import (
    Lost,
    MediaFailed,
    MediaPending,
    PrepareCache,
    Prepared,
    Ready,
    load,
)
from publisher.engine.policy import Action, decide
from publisher.engine.ratelimit import RateLimiter
from publisher.engine.reconcile import LookupFailed, lookup, settle_ambiguous
from publisher.engine.recorder import Recorder
from publisher.models import Channel, Delivery, DeliveryStatus
from publisher.services.publishing import channels as channels_svc
from publisher.services.publishing import zalo_broadcast
from publisher.timeutil import utcnow

log = logging.getLogger(__name__)
#: Longest wait for a delivery claimed ahead of its time (the worker's claim lookahead).
MAX_EARLY_S = 5.0
D = DeliveryStatus


@dataclass(frozen=True)
class ExecContext:
    owner: str
    limiter: RateLimiter
    lease_seconds: float
    #: Connector timeout; kept well under the lease so a live worker never loses its lease.
    timeout: float
    #: Shared post/channel cache of the worker (None: read everything per delivery).
    cache: PrepareCache | None = None
    #: Batched writer of successes (None: one transaction per outcome).
    recorder: Recorder | None = None
    #: Network clients kept per executor thread (None: connectors make one per call).
    clients: ClientCache | None = None
    #: Bulkheads and breakers of the worker (None: no breaker is fed).
    guard: Guard | None = None
    #: False while this worker's heartbeat is too old: no platform call may start.
    alive: Callable[[], bool] | None = None
    #: Group commit of the pre-call marks (None: each thread commits its own).
    marker: Marker | None = None
    #: The child processes that run platform calls (None: every call runs here).
    calls: CallPool | None = None

    def timeout_for(self, kind: str) -> float:
        """The connector class's ``call_timeout``, never above this context's cap."""
        try:
            own = channels_svc.connector_class(kind).call_timeout
        except Exception:
            return self.timeout
        return min(self.timeout, own)


def _lease_fresh(claimed: Delivery, ctx: ExecContext) -> bool:
    """Our claim snapshot can stand in for the row: we hold its lease with at least half of
    it left. Only the lease-expiry sweep takes a ``sending`` row from its owner, and only
    once the lease has expired; every outcome write checks ownership again."""
    if claimed.status != D.SENDING or claimed.lease_owner != ctx.owner:
        return False
    if claimed.lease_until is None:
        return False
    left = (claimed.lease_until - utcnow()).total_seconds()
    return left >= ctx.lease_seconds / 2


def _connector(channel: Channel, ctx: ExecContext) -> Connector:
    timeout = ctx.timeout_for(channel.kind)
    if ctx.cache is not None:
        return ctx.cache.connector(channel, timeout=timeout, clients=ctx.clients)
    return channels_svc.make_connector(channel, timeout=timeout, clients=ctx.clients)


def execute(delivery_id: int, ctx: ExecContext, claimed: Delivery | None = None) -> str:
    """Publish a delivery we claimed; returns the resulting state (or ``lost``).

    ``claimed`` is the row as :func:`publisher.engine.claim.claim` returned it; with it (and
    a fresh lease) the row is not read again. Platform failures never propagate (they become
    states); database errors do, leaving the delivery ``sending`` for the lease-expiry sweep.
    """
    fresh = claimed if claimed is not None and _lease_fresh(claimed, ctx) else None
    match load(delivery_id, ctx.owner, ctx.cache, fresh):
        case Lost():
            return "lost"
        case MediaPending() as pending:
            return hold_for_media(pending, ctx.owner)
        case MediaFailed(detail=detail):
            outcome.record_failed(
                delivery_id,
                ctx.owner,
                error_kind="media",
                detail=detail,
                message_key="alert.delivery_media",
            )
            return D.FAILED
        case Ready(prepared=prepared, channel=channel):
            connector = _connector(channel, ctx)
    if prepared.previous_error == "ambiguous" and connector.can_reconcile:
        # The previous attempt may have published: look before sending again.
        try:
            found = lookup(connector, prepared.outgoing)
        except LookupFailed as exc:
            outcome.record_unconfirmed(
                delivery_id, ctx.owner, error_kind="ambiguous", detail=f"before re-sending: {exc}"
            )
            return D.UNCONFIRMED
        if found is not None:
            outcome.record_sent(
                delivery_id,
                ctx.owner,
                found,
                error_kind="reconciled",
                reason="found on platform before re-sending",
            )
            return D.SENT
    _wait_until(prepared.not_before)
    if ctx.alive is not None and not ctx.alive():
        # Others may already take us for dead: start no call. Nothing was sent, so the row
        # goes back to pending at once (if it is still ours; else the sweep has it), keeping
        # its error kind (an earlier ambiguous attempt is still looked up before re-sending).
        log.warning("delivery %s not sent: this worker's heartbeat is late", delivery_id)
        outcome.record_retry(
            delivery_id,
            ctx.owner,
            utcnow(),
            error_kind=prepared.previous_error,
            detail="not sent: this worker's heartbeat was late; released unsent",
        )
        return "fenced"
    # A broadcast to followers is decided now (night block, one a day, monthly quota).
    outgoing = zalo_broadcast.reserve(
        prepared.outgoing,
        connector,
        delivery_id=prepared.delivery_id,
        channel_id=prepared.channel_id,
    )
    # The durable mark, committed right before the call: a kill before it leaves a row
    # recovery knows was never sent; only the call itself is ambiguous. A database error
    # propagates (the row stays unmarked, so the sweep gives it back unsent).
    if not _mark(prepared.delivery_id, ctx):
        log.warning("delivery %s not sent: no longer ours before the call", delivery_id)
        return "lost"
    result: PublishResult | None = None
    error: BaseException | None = None
    try:
        if ctx.calls is not None:
            result = ctx.calls.publish(prepared.channel_id, connector, outgoing)
        else:
            result = connector.publish(outgoing)
    except Exception as exc:  # every failure is classified below, none escapes
        error = exc
    if outgoing is not prepared.outgoing:
        zalo_broadcast.settle(prepared.delivery_id, result)
    return settle(prepared, connector, result, error, ctx)


def settle(
    prepared: Prepared,
    connector: Connector,
    result: PublishResult | None,
    error: BaseException | None,
    ctx: ExecContext,
) -> str:
    """Apply the policy (:mod:`publisher.engine.policy`) to one attempt's outcome."""
    now = utcnow()
    decision = decide(
        error,
        attempts=prepared.attempts,
        now=now,
        dedupes=connector.dedupes,
        can_reconcile=connector.can_reconcile,
    )
    delivery_id, owner = prepared.delivery_id, ctx.owner
    detail = _detail(error)
    if ctx.guard is not None:
        if endpoint_unwell(error):
            ctx.guard.failed(prepared.channel_id)
        else:
            ctx.guard.succeeded(prepared.channel_id)
    if decision.action == Action.SENT:
        if isinstance(error, DuplicateError):
            outcome.record_sent(
                delivery_id,
                owner,
                None,
                reason=f"duplicate: {detail}",
                external_id=error.external_id,
                url=error.url,
                error_kind="duplicate",
            )
        elif ctx.recorder is not None and result is not None:
            ctx.recorder.sent(delivery_id, result)
        else:
            outcome.record_sent(delivery_id, owner, result, reason="published")
        return D.SENT
    if decision.pause_until is not None:
        ctx.limiter.pause(prepared.channel_id, decision.pause_until.timestamp())
    if decision.action == Action.RETRY:
        assert decision.next_attempt_at is not None
        outcome.record_retry(
            delivery_id,
            owner,
            decision.next_attempt_at,
            error_kind=decision.error_kind,
            detail=detail,
        )
        return D.PENDING
    if decision.action == Action.RECONCILE:
        return settle_ambiguous(
            delivery_id,
            owner,
            connector,
            prepared.outgoing,
            attempts=prepared.attempts,
            detail=detail,
        )
    if decision.action == Action.UNCONFIRMED:
        if connector.dedupes:
            detail = f"{detail}; gave up after {prepared.attempts} attempts"
        outcome.record_unconfirmed(
            delivery_id,
            owner,
            error_kind=decision.error_kind,
            detail=f"{detail}; {connector.platform} cannot be asked",
        )
        return D.UNCONFIRMED
    outcome.record_failed(
        delivery_id,
        owner,
        error_kind=decision.error_kind,
        detail=detail,
        flag=decision.action == Action.FLAG,
    )
    return D.FAILED


def endpoint_unwell(error: BaseException | None) -> bool:
    """Does this outcome say the endpoint itself is failing or hanging (timeout, dropped
    connection, 5xx, garbage, an unexpected exception)? A success, a duplicate, a throttle or
    a refusal of the post (policy, credentials, configuration) says it answered."""
    if error is None or isinstance(error, DuplicateError):
        return False
    if isinstance(error, TransientError | AmbiguousError):
        return True
    return not isinstance(error, ConnectorError)


def _mark(delivery_id: int, ctx: ExecContext) -> bool:
    """Commit the pre-call mark (:mod:`publisher.engine.marker`); False if the row is no
    longer ours. Raises database errors."""
    if ctx.marker is not None:
        return ctx.marker.mark(delivery_id)
    return delivery_id in write_marks([delivery_id], ctx.owner)


def _wait_until(not_before: datetime | None) -> None:
    """Sleep until a delivery claimed slightly ahead of time is due (never publish early)."""
    if not_before is None:
        return
    delay = (not_before - utcnow()).total_seconds()
    if 0 < delay <= MAX_EARLY_S:
        time.sleep(delay)


def _detail(error: BaseException | None) -> str:
    if error is None:
        return ""
    if isinstance(error, ConnectorError):
        return str(error)
    log.exception("unexpected failure while publishing", exc_info=error)
    return f"unexpected: {error!r}"[:500]
