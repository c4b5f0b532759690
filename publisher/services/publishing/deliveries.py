"""Deliveries: one post on one channel at one time. The deliveries table is the queue.

This module holds the state machine of a delivery and the derivation of the post's status
from its deliveries; the engine claims and executes them (publisher.engine).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import func
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col, select

from publisher.dbraw import Raw
from publisher.errors import Conflict, InvalidTransition, NotFound
from publisher.models import Channel, Delivery, DeliveryStatus, Post, PostStatus, PostVariant
from publisher.services.accounts import audit
from publisher.services.accounts.actor import Actor
from publisher.timeutil import utcnow

D = DeliveryStatus

#: Legal delivery moves. ``sending`` is committed before the platform is called.
TRANSITIONS: dict[str, frozenset[str]] = {
    D.PENDING: frozenset({D.SENDING, D.CANCELLED, D.MISSED, D.FAILED}),
    D.SENDING: frozenset({D.SENT, D.FAILED, D.UNCONFIRMED, D.PENDING}),
    D.UNCONFIRMED: frozenset({D.SENT, D.FAILED, D.PENDING}),
    D.FAILED: frozenset({D.PENDING}),
    D.MISSED: frozenset({D.PENDING, D.CANCELLED}),
    D.CANCELLED: frozenset({D.PENDING}),
    D.SENT: frozenset(),
}
TERMINAL = frozenset({D.SENT, D.FAILED, D.UNCONFIRMED, D.MISSED, D.CANCELLED})


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


def create_for_post(
    session: Session, post: Post, due_at: datetime, occurrence: str = ""
) -> list[Delivery]:
    """One pending delivery per channel variant of ``post`` (reusing cancelled rows)."""
    assert post.id is not None
    variants = session.exec(select(PostVariant).where(PostVariant.post_id == post.id)).all()
    existing = {
        d.channel_id: d
        for d in session.exec(
            select(Delivery).where(Delivery.post_id == post.id, Delivery.occurrence == occurrence)
        )
    }
    # The connector classes load with it: only when deliveries are made (not when listed).
    from publisher.services.publishing.channels import pace_of

    out = []
    kinds = dict(
        session.exec(
            select(Channel.id, Channel.kind).where(
                col(Channel.id).in_([v.channel_id for v in variants])
            )
        ).all()
    )
    for variant in variants:
        delivery = existing.get(variant.channel_id)
        if delivery is None:
            delivery = Delivery(
                post_id=post.id,
                channel_id=variant.channel_id,
                pace=pace_of(kinds.get(variant.channel_id, "")),
                occurrence=occurrence,
                due_at=due_at,
                next_attempt_at=due_at,
                idempotency_key=new_idempotency_key(),
            )
        elif delivery.status in (D.CANCELLED, D.PENDING, D.MISSED):
            delivery.status = D.PENDING
            delivery.due_at = due_at
            delivery.next_attempt_at = due_at
            delivery.updated_at = utcnow()
        else:
            continue  # already sent or in flight: never a second copy
        session.add(delivery)
        out.append(delivery)
    session.flush()
    return out


def transition(
    session: Session,
    delivery: Delivery,
    to: str,
    actor: Actor | str,
    *,
    reason: str | None = None,
    **fields: Any,
) -> Delivery:
    """Move ``delivery`` to ``to`` (audited); raises InvalidTransition for illegal moves."""
    frm = delivery.status
    if to != frm and to not in TRANSITIONS.get(frm, frozenset()):
        raise InvalidTransition("error.delivery_transition", frm=frm, to=to, id=delivery.id)
    delivery.status = to
    for key, value in fields.items():
        setattr(delivery, key, value)
    delivery.updated_at = utcnow()
    session.add(delivery)
    after: dict[str, Any] = {"status": to}
    if reason:
        after["reason"] = reason[:500]
    for key in ("external_id", "url", "error_kind", "attempts"):
        if key in fields:
            after[key] = fields[key]
    post = session.get(Post, delivery.post_id)
    audit.record(
        session,
        actor,
        f"delivery.{to}",
        "delivery",
        delivery.id,
        org_id=post.org_id if post else None,
        before={"status": frm},
        after=after,
    )
    if post is not None:
        refresh_post_status(session, post)
    return delivery


class DeliveryRow(Protocol):
    """What :func:`transition_many` reads from a delivery: a loaded ``Delivery`` or a row of
    these columns."""

    @property
    def id(self) -> int | None: ...

    @property
    def post_id(self) -> int: ...

    @property
    def status(self) -> str: ...


#: Post statuses a delivery never changes (derive_post_status keeps them).
_KEPT_POST_STATUSES = (PostStatus.DRAFT, PostStatus.IN_REVIEW, PostStatus.REJECTED)

# The batch statements run on the DBAPI cursor (:mod:`publisher.dbraw`): building and
# executing them through SQLAlchemy cost more CPU than the database's work (the burst
# benchmark's small batches).
_DELIVERY = Delivery.__table__.name  # type: ignore[attr-defined]
_POST = Post.__table__.name  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=64)
def _guarded_update(keys: tuple[str, ...]) -> str:
    """UPDATE delivery SET <keys> WHERE id = ? AND status = ? (executemany)."""
    sets = ", ".join(f"{key} = ?" for key in keys)
    return f"UPDATE {_DELIVERY} SET {sets} WHERE id = ? AND status = ?"


def transition_many(
    session: Session | Raw,
    moves: Iterable[tuple[DeliveryRow, str, dict[str, Any]]],
    actor: Actor | str,
    *,
    reason: str | None = None,
) -> list[DeliveryRow]:
    """Like :func:`transition` for many deliveries in one transaction (the engine's batches):
    each move is checked and audited; each affected post's status is refreshed once.

    Written with a few statements on the DBAPI cursor, not per-delivery ORM round trips: one
    UPDATE per set of changed columns run per row (each row guarded by its id *and* the status
    it was read in), one INSERT of the audit rows, one query for the posts. Loaded
    ``Delivery`` objects passed in are updated in memory without being marked dirty.

    ``session`` may be a :class:`Raw` transaction itself (the engine's batch writers).
    Raises InvalidTransition for an illegal move, Conflict if a row was not in the
    status it was read in (nothing is then written: the caller's transaction rolls back).
    """
    moves = list(moves)
    if not moves:
        return []
    now = utcnow()
    raw = session if isinstance(session, Raw) else Raw(session.connection())
    post_ids = sorted({d.post_id for d, _, _ in moves})
    posts: dict[int, tuple[int, str]] = {
        pid: (org_id, status)
        for pid, org_id, status in raw.rows(
            f"SELECT id, org_id, status FROM {_POST} WHERE id IN {raw.marks(len(post_ids))}",
            post_ids,
        )
    }
    batches: dict[tuple[str, ...], list[list[Any]]] = {}
    events: list[audit.Event] = []
    for delivery, to, fields in moves:
        frm = delivery.status
        if to != frm and to not in TRANSITIONS.get(frm, frozenset()):
            raise InvalidTransition("error.delivery_transition", frm=frm, to=to, id=delivery.id)
        values = {**fields, "status": to, "updated_at": now}
        keys = tuple(sorted(values))
        batches.setdefault(keys, []).append([*(values[k] for k in keys), delivery.id, frm])
        after: dict[str, Any] = {"status": to}
        if reason:
            after["reason"] = reason[:500]
        for key in ("external_id", "url", "error_kind", "attempts"):
            if key in fields:
                after[key] = fields[key]
        post = posts.get(delivery.post_id)
        events.append(
            audit.Event(
                f"delivery.{to}",
                "delivery",
                delivery.id,
                org_id=post[0] if post else None,
                before={"status": frm},
                after=after,
            )
        )
    for keys, rows in batches.items():
        changed = raw.executemany(_guarded_update(keys), rows)
        if changed != len(rows):
            raise Conflict("error.delivery_changed", count=len(rows) - changed)
    audit.record_many(raw, actor, events, at=now)
    for delivery, to, fields in moves:
        if isinstance(delivery, Delivery):
            for key, value in {**fields, "status": to, "updated_at": now}.items():
                set_committed_value(delivery, key, value)
    _refresh_posts(session, raw, posts, now, all_sending=all(to == D.SENDING for _, to, _ in moves))
    return [d for d, _, _ in moves]


def _refresh_posts(
    session: Session | Raw,
    raw: Raw,
    posts: dict[int, tuple[int, str]],
    now: datetime,
    *,
    all_sending: bool,
) -> None:
    """Derive the status of each post from its deliveries' (distinct) statuses and write the
    ones that changed. When every move was a claim (to ``sending``), the answer is known
    without reading: a post with a delivery ``sending`` is ``publishing``."""
    changed: dict[int, str] = {}
    if all_sending:
        changed = {
            pid: PostStatus.PUBLISHING
            for pid, (_, current) in posts.items()
            if current not in _KEPT_POST_STATUSES and current != PostStatus.PUBLISHING
        }
    elif posts:
        statuses: dict[int, set[str]] = {pid: set() for pid in posts}
        for post_id, status in raw.rows(
            f"SELECT DISTINCT post_id, status FROM {_DELIVERY}"
            f" WHERE post_id IN {raw.marks(len(posts))}",
            list(posts),
        ):
            statuses[post_id].add(status)
        for pid, (_, current) in posts.items():
            new = derive_post_status(statuses[pid], current)
            if new != current:
                changed[pid] = new
    if not changed:
        return
    raw.executemany(
        f"UPDATE {_POST} SET status = ?, updated_at = ? WHERE id = ?",
        [(st, now, pid) for pid, st in changed.items()],
    )
    if isinstance(session, Raw):
        return
    for pid, st in changed.items():
        # Keep a Post loaded in this session in step with what was written.
        loaded = session.identity_map.get(identity_key(Post, pid))
        if loaded is not None:
            set_committed_value(loaded, "status", st)
            set_committed_value(loaded, "updated_at", now)


def derive_post_status(statuses: Iterable[str], current: str) -> str:
    """The post's status implied by its deliveries' statuses."""
    st = list(statuses)
    if not st or current in (PostStatus.DRAFT, PostStatus.IN_REVIEW, PostStatus.REJECTED):
        return current
    if all(s == D.CANCELLED for s in st):
        return PostStatus.CANCELLED
    live = [s for s in st if s != D.CANCELLED]
    if any(s == D.SENDING for s in live) or (
        any(s == D.PENDING for s in live) and any(s in TERMINAL for s in live)
    ):
        return PostStatus.PUBLISHING
    if all(s == D.PENDING for s in live):
        return PostStatus.SCHEDULED
    if all(s == D.SENT for s in live):
        return PostStatus.PUBLISHED
    if any(s == D.SENT for s in live):
        return PostStatus.PARTIALLY_FAILED
    return PostStatus.FAILED


def refresh_post_status(session: Session, post: Post) -> str:
    statuses = session.exec(select(Delivery.status).where(Delivery.post_id == post.id)).all()
    new = derive_post_status(statuses, post.status)
    if new != post.status:
        post.status = new
        post.updated_at = utcnow()
        session.add(post)
    return new


def get_delivery(session: Session, actor: Actor, delivery_id: int) -> tuple[Delivery, Post]:
    delivery = session.get(Delivery, delivery_id)
    post = session.get(Post, delivery.post_id) if delivery else None
    if delivery is None or post is None:
        raise NotFound("error.delivery_not_found", id=delivery_id)
    actor.require("post.view")
    actor.require_org(post.org_id)
    return delivery, post


def retry(session: Session, actor: Actor, delivery_id: int) -> Delivery:
    """Send a failed, missed or cancelled delivery again, now (editor decision)."""
    actor.require("delivery.manage")
    delivery, _ = get_delivery(session, actor, delivery_id)
    now = utcnow()
    return transition(
        session,
        delivery,
        D.PENDING,
        actor,
        reason="manual retry",
        next_attempt_at=now,
        lease_owner=None,
        lease_until=None,
    )


def mark_verified(
    session: Session, actor: Actor, delivery_id: int, *, url: str | None = None
) -> Delivery:
    """An editor checked the platform and found an unconfirmed post there: mark it sent."""
    actor.require("delivery.manage")
    delivery, _ = get_delivery(session, actor, delivery_id)
    if delivery.status != D.UNCONFIRMED:
        raise InvalidTransition(
            "error.delivery_transition", frm=delivery.status, to=D.SENT, id=delivery.id
        )
    return transition(
        session,
        delivery,
        D.SENT,
        actor,
        reason="verified by editor",
        url=url or delivery.url,
        sent_at=delivery.sent_at or utcnow(),
    )


def mark_not_published(session: Session, actor: Actor, delivery_id: int) -> Delivery:
    """An editor checked the platform and the unconfirmed post is not there: send it again."""
    actor.require("delivery.manage")
    delivery, _ = get_delivery(session, actor, delivery_id)
    if delivery.status != D.UNCONFIRMED:
        raise InvalidTransition(
            "error.delivery_transition", frm=delivery.status, to=D.PENDING, id=delivery.id
        )
    return transition(
        session,
        delivery,
        D.PENDING,
        actor,
        reason="not found by editor",
        next_attempt_at=utcnow(),
        lease_owner=None,
        lease_until=None,
    )


def describe(delivery: Delivery, channel: Channel | None) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "channel": channel.name if channel else delivery.channel_id,
        "channel_kind": channel.kind if channel else None,
        "status": delivery.status,
        "due_at": delivery.due_at.isoformat(),
        "occurrence": delivery.occurrence,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at.isoformat(),
        "external_id": delivery.external_id,
        "url": delivery.url,
        "error_kind": delivery.error_kind,
        "last_error": delivery.last_error,
        "sent_at": delivery.sent_at.isoformat() if delivery.sent_at else None,
    }


def for_post(session: Session, post_id: int) -> list[tuple[Delivery, Channel]]:
    rows = session.exec(
        select(Delivery, Channel)
        .join(Channel, col(Channel.id) == col(Delivery.channel_id))
        .where(Delivery.post_id == post_id)
        .order_by(col(Delivery.due_at), col(Channel.name))
    ).all()
    return [(d, c) for d, c in rows]


def for_posts(
    session: Session, post_ids: Sequence[int]
) -> dict[int, list[tuple[Delivery, Channel]]]:
    """:func:`for_post` of each of ``post_ids`` (posts the caller already loaded for the
    actor), in one transaction."""
    return {i: for_post(session, i) for i in post_ids}


def status_counts(session: Session, actor: Actor, post_statuses: Sequence[str]) -> dict[str, int]:
    """How many deliveries of each status the actor's organisation has (every organisation for
    an actor who sees them all), over posts in ``post_statuses`` — true totals, not a page's
    worth. Raises :class:`~publisher.errors.Forbidden` without ``post.view``."""

    actor.require("post.view")
    stmt = (
        select(Delivery.status, func.count())
        .join(Post, col(Post.id) == Delivery.post_id)
        .where(col(Post.status).in_(list(post_statuses)))
        .group_by(Delivery.status)
    )
    if not actor.all_orgs:
        stmt = stmt.where(Post.org_id == actor.org_id)
    return {str(status): int(n) for status, n in session.exec(stmt)}
