"""Ambiguous outcomes and expired leases: never a silent duplicate, never a silent loss.

An outcome is ambiguous when the request may have reached the platform (timeout after
sending, 5xx, connection dropped, a worker killed while a delivery was ``sending``). Then:

* the connector ``dedupes`` (webhook Idempotency-Key): send again with the same key;
* the connector ``can_reconcile`` (Facebook: recent page posts with the same text since the
  first attempt): found -> ``sent``; certainly absent -> ``pending`` (and looked up once more
  right before re-sending); the lookup itself failed -> ``unconfirmed`` + alert;
* otherwise (Telegram: bots cannot read channel history) -> ``unconfirmed`` + alert.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, update
from sqlmodel import col, select

from connectors.base import Connector, OutgoingPost, PublishResult
from connectors.errors import ConnectorError
from publisher.db import session_scope
from publisher.engine import outcome
from publisher.engine.outgoing import MediaFailed, Ready, build
from publisher.engine.policy import backoff_seconds
from publisher.engine.txn import write_scope
from publisher.models import Channel, Delivery, DeliveryStatus
from publisher.services.publishing import channels as channels_svc
from publisher.timeutil import utcnow

log = logging.getLogger(__name__)
D = DeliveryStatus


class LookupFailed(Exception):
    """The platform could not be asked (or cannot be asked at all)."""


def lookup(connector: Connector, post: OutgoingPost) -> PublishResult | None:
    """Ask the platform for ``post``; ``None`` when it certainly does not have it.

    Raises :class:`LookupFailed` when the connector cannot reconcile or the lookup failed.
    """
    if not connector.can_reconcile:
        raise LookupFailed(f"{connector.platform} cannot be asked for published posts")
    try:
        return connector.find_published(post)
    except NotImplementedError as exc:
        raise LookupFailed(f"{connector.platform} cannot be asked for published posts") from exc
    except ConnectorError as exc:
        raise LookupFailed(f"lookup failed: {exc}") from exc


def settle_ambiguous(
    delivery_id: int,
    owner: str,
    connector: Connector,
    post: OutgoingPost,
    *,
    attempts: int,
    detail: str,
    error_kind: str = "ambiguous",
) -> str:
    """Resolve an ambiguous attempt of a delivery we hold (``sending``, our lease).

    Returns the resulting state name. Raises nothing from the platform; database errors
    propagate.
    """
    now = utcnow()
    if connector.dedupes:
        at = now + timedelta(seconds=backoff_seconds(attempts)) if attempts > 1 else now
        outcome.record_retry(
            delivery_id,
            owner,
            at,
            error_kind=error_kind,
            detail=f"{detail}; retry is safe (idempotency key)",
        )
        return D.PENDING
    if connector.can_reconcile:
        try:
            found = lookup(connector, post)
        except LookupFailed as exc:
            outcome.record_unconfirmed(
                delivery_id, owner, error_kind=error_kind, detail=f"{detail}; {exc}"
            )
            return D.UNCONFIRMED
        if found is not None:
            outcome.record_sent(
                delivery_id,
                owner,
                found,
                reason=f"{detail}; found on platform",
                error_kind="reconciled",
            )
            return D.SENT
        at = now + timedelta(seconds=backoff_seconds(attempts))
        # error_kind stays "ambiguous": the next attempt looks again before re-sending.
        outcome.record_retry(
            delivery_id,
            owner,
            at,
            error_kind="ambiguous",
            detail=f"{detail}; not found on platform, will send again",
        )
        return D.PENDING
    outcome.record_unconfirmed(
        delivery_id,
        owner,
        error_kind=error_kind,
        detail=f"{detail}; {connector.platform} cannot be asked",
    )
    return D.UNCONFIRMED


def _orphaned(now: datetime, dead: Collection[str]) -> ColumnElement[bool]:
    """A ``sending`` row nobody is working on: its lease expired, or its owner is dead."""
    lapsed = col(Delivery.lease_until) < now
    alive = [d for d in dead if d]
    if not alive:
        return lapsed
    return or_(lapsed, col(Delivery.lease_owner).in_(alive))


def take_expired(
    owner: str, lease_seconds: float, limit: int = 100, *, dead: Collection[str] = ()
) -> list[int]:
    """Take over ``sending`` deliveries whose worker died: their lease expired, or their
    owner is among ``dead`` (heartbeat missed, :func:`publisher.engine.heartbeat.dead_owners`),
    which frees them seconds after a kill instead of a whole lease later. Returns the ids now
    leased to ``owner``. Each row is taken by a conditional UPDATE, so two sweepers never both
    take one."""
    now = utcnow()
    dead = [d for d in dead if d != owner]
    with session_scope(readonly=True) as session:
        ids = list(
            session.exec(
                select(Delivery.id)
                .where(col(Delivery.status) == D.SENDING, _orphaned(now, dead))
                .limit(limit)
            )
        )
    taken: list[int] = []
    for delivery_id in ids:
        with write_scope() as session:
            result = session.execute(
                update(Delivery)
                .where(
                    col(Delivery.id) == delivery_id,
                    col(Delivery.status) == D.SENDING,
                    _orphaned(now, dead),
                )
                .values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_seconds))
            )
            if getattr(result, "rowcount", 0):
                assert delivery_id is not None
                taken.append(delivery_id)
    return taken


def sweep_expired(
    owner: str, *, lease_seconds: float, timeout: float, dead: Collection[str] = ()
) -> int:
    """Reconcile every delivery whose lease expired or whose owner is ``dead``; returns how
    many were handled."""
    handled = 0
    for delivery_id in take_expired(owner, lease_seconds, dead=dead):
        with session_scope(readonly=True) as session:
            delivery = session.get(Delivery, delivery_id)
            assert delivery is not None
            unsent = delivery.request_started_at is None
        if unsent and outcome.record_unsent(
            delivery_id,
            owner,
            detail="worker stopped before calling the platform; released unsent",
        ):
            # No pre-call mark: the platform was never called (marker.py): safe to send.
            log.info("delivery %s of a dead worker was never sent: pending again", delivery_id)
            handled += 1
            continue
        with session_scope(readonly=True) as session:
            delivery = session.get(Delivery, delivery_id)
            assert delivery is not None
            channel = session.get(Channel, delivery.channel_id)
            assert channel is not None
            built = build(session, delivery)
            connector = channels_svc.make_connector(channel, timeout=timeout)
        if not isinstance(built, Ready):  # its media is not there to rebuild it with
            why = built.detail if isinstance(built, MediaFailed) else built.waiting.labels("en")
            outcome.record_unconfirmed(
                delivery_id,
                owner,
                error_kind="ambiguous",
                detail=f"lease expired; cannot rebuild post: {why}",
            )
            handled += 1
            continue
        prepared = built.prepared
        state = settle_ambiguous(
            delivery_id,
            owner,
            connector,
            prepared.outgoing,
            attempts=prepared.attempts,
            detail="worker stopped while sending (lease expired or heartbeat missed)",
        )
        log.info("expired lease of delivery %s settled as %s", delivery_id, state)
        handled += 1
    return handled
