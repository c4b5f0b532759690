"""The staff inbox of the FAQ bot: questions handed over, staff replies, retention.

A hand-over keeps only what answering needs (the chat id, the name shown, the question).
A staff reply is written here with status ``sending``; the bot of that channel (in the
worker, or ``publisher bot run``) sends it through the same bot and marks it ``answered`` —
the page never talks to a platform. Rows older than ``PUBLISHER_FAQ_RETENTION_DAYS`` are
deleted by :func:`purge_expired` (a worker job).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from publisher.errors import InvalidInput, InvalidTransition, NotFound
from publisher.models import Channel, FaqHandover
from publisher.services.accounts import audit
from publisher.services.accounts.actor import Actor

OPEN, SENDING, ANSWERED, FAILED = "open", "sending", "answered", "failed"
STATUSES = (OPEN, SENDING, ANSWERED, FAILED)
#: Longest staff reply (Telegram's message limit, with room for the greeting line).
REPLY_MAX = 3500
NAME_MAX = 120
QUESTION_MAX = 1000


def hand_over(
    session: Session,
    *,
    channel_id: int,
    chat_id: str,
    display_name: str,
    question: str,
    now: datetime,
) -> FaqHandover:
    """Put a citizen's question in the staff inbox of the channel's organisation.

    Raises :class:`NotFound` for an unknown channel."""
    channel = session.get(Channel, channel_id)
    if channel is None:
        raise NotFound("error.channel_not_found", channel=str(channel_id))
    row = FaqHandover(
        org_id=channel.org_id,
        channel_id=channel_id,
        chat_id=str(chat_id)[:64],
        display_name=display_name.strip()[:NAME_MAX],
        question=question.strip()[:QUESTION_MAX],
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def list_handovers(
    session: Session, actor: Actor, *, status: str | None = None, limit: int = 200
) -> list[FaqHandover]:
    """The actor's organisation's hand-overs, newest first (``status`` filters).

    Raises :class:`PermissionDenied` without ``faqbot.inbox``; :class:`InvalidInput` for an
    unknown status."""
    actor.require("faqbot.inbox")
    if status is not None and status not in STATUSES:
        raise InvalidInput("error.faqbot_status", status=status)
    stmt = select(FaqHandover).order_by(col(FaqHandover.id).desc()).limit(limit)
    if status is not None:
        stmt = stmt.where(FaqHandover.status == status)
    if not actor.all_orgs:
        stmt = stmt.where(FaqHandover.org_id == actor.org_id)
    return list(session.exec(stmt))


def reply(
    session: Session, actor: Actor, handover_id: int, text: str, *, now: datetime
) -> FaqHandover:
    """Write the staff reply; the channel's bot sends it to the citizen's chat.

    Raises :class:`PermissionDenied` (role or another organisation), :class:`NotFound`,
    :class:`InvalidInput` (empty or too long) and :class:`InvalidTransition` (already
    replied)."""
    actor.require("faqbot.reply")
    row = session.get(FaqHandover, handover_id)
    if row is None:
        raise NotFound("error.faqbot_handover_not_found", id=handover_id)
    actor.require_org(row.org_id)
    body = text.strip()
    if not body:
        raise InvalidInput("error.faqbot_reply_empty")
    if len(body) > REPLY_MAX:
        raise InvalidInput("error.faqbot_reply_long", limit=REPLY_MAX)
    if row.status not in (OPEN, FAILED):
        raise InvalidTransition("error.faqbot_replied", id=handover_id)
    row.reply, row.status, row.replied_at = body, SENDING, now
    row.replied_by = actor.username or actor.label
    session.add(row)
    # The audit keeps who answered which hand-over, never the citizen's data.
    audit.record(session, actor, "faqbot.reply", "faqhandover", row.id, org_id=row.org_id)
    return row


def pending_replies(session: Session, channel_id: int) -> list[FaqHandover]:
    """Staff replies of a channel waiting to be sent by its bot (system: the bot runner)."""
    stmt = (
        select(FaqHandover)
        .where(FaqHandover.channel_id == channel_id, FaqHandover.status == SENDING)
        .order_by(col(FaqHandover.id))
        .limit(50)
    )
    return list(session.exec(stmt))


def mark_sent(session: Session, handover_id: int, *, ok: bool) -> None:
    """Record that the bot sent (or could not send) a staff reply (system: the bot runner)."""
    row = session.get(FaqHandover, handover_id)
    if row is not None and row.status == SENDING:
        row.status = ANSWERED if ok else FAILED
        session.add(row)


def purge_expired(session: Session, *, now: datetime, days: int) -> int:
    """Delete hand-overs created more than ``days`` days before ``now``; how many went."""
    cutoff = now - timedelta(days=days)
    result = session.execute(delete(FaqHandover).where(col(FaqHandover.created_at) < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


def retention_days() -> int:
    """How many days a hand-over is kept (``PUBLISHER_FAQ_RETENTION_DAYS``), for the page."""
    from publisher.config import get_settings

    return get_settings().faq_retention_days
