"""Recurring posts (weekly, monthly, or yearly e.g. with a national-day campaign) expand into future
deliveries ahead of time, without duplicates.

Occurrences (their dates: :mod:`publisher.services.publishing.recurrence`) keep the first
one's local wall-clock time (Asia/Ho_Chi_Minh) and are keyed by
``occurrence_key`` exactly as :func:`publisher.services.publishing.posts.approve` keys the first
one, so the unique (post, channel, occurrence) constraint makes re-running the expansion harmless.
Each occurrence's deliveries get their own tracked links in the same transaction, as the
first occurrence's do at approval, so clicks are counted per occurrence.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from publisher.db import session_scope
from publisher.engine.txn import write_scope
from publisher.models import Delivery, DeliveryStatus, Post, PostStatus, Recurrence
from publisher.services.accounts import audit
from publisher.services.publishing import deliveries as deliveries_svc
from publisher.services.publishing import links
from publisher.services.publishing.recurrence import HORIZON, REPEATING, occurrences
from publisher.timeutil import utcnow

log = logging.getLogger(__name__)
LIVE = (
    PostStatus.SCHEDULED,
    PostStatus.PUBLISHING,
    PostStatus.PUBLISHED,
    PostStatus.PARTIALLY_FAILED,
    PostStatus.FAILED,
)


def occurrence_key(due_at: datetime) -> str:
    """The occurrence key of a delivery due at ``due_at`` (same rule as ``posts.approve``)."""
    return due_at.date().isoformat()


def expand(owner: str, *, now: datetime | None = None) -> int:
    """Create the deliveries of every live recurring post's occurrences within the horizon;
    returns how many deliveries were created. Raises database errors only."""
    now = now or utcnow()
    created = 0
    with session_scope(readonly=True) as session:
        post_ids = list(
            session.exec(
                select(Post.id).where(
                    col(Post.recurrence).in_(REPEATING),
                    col(Post.status).in_(LIVE),
                    col(Post.due_at).is_not(None),
                )
            )
        )
    for post_id in post_ids:
        try:
            created += _expand_post(owner, post_id, now)
        except IntegrityError:
            # Another process created the same occurrence first: the constraint did its job.
            log.info("occurrence of post %s already created elsewhere", post_id)
    return created


def _expand_post(owner: str, post_id: int | None, now: datetime) -> int:
    created = 0
    with write_scope() as session:
        post = session.get(Post, post_id)
        if post is None or post.due_at is None:
            return 0
        horizon = now + HORIZON.get(Recurrence(post.recurrence), timedelta(0))
        # Cancelled rows do not count: a rescheduled post's old occurrences are cancelled
        # (posts.reschedule) and one may fall on a new occurrence's key again;
        # create_for_post reuses such a row.
        have = set(
            session.exec(
                select(Delivery.occurrence).where(
                    Delivery.post_id == post.id, Delivery.status != DeliveryStatus.CANCELLED
                )
            )
        )
        for due in occurrences(post, horizon):
            key = occurrence_key(due)
            if key in have or due <= now:
                continue
            rows = deliveries_svc.create_for_post(session, post, due, key)
            links.track_deliveries(session, post, rows)
            created += len(rows)
            audit.record(
                session,
                f"worker:{owner}",
                "post.occurrence",
                "post",
                post.id,
                org_id=post.org_id,
                after={"occurrence": key, "due_at": due, "deliveries": [d.id for d in rows]},
            )
            have.add(key)
    return created
