"""Changing what was already published, where the platform allows it: edit the text of, or
delete, a sent delivery's post (Facebook Graph, Telegram Bot API; a webhook receiver cannot).

Each attempt is its own tracked action: an audit row ``delivery.platform_edit`` or
``delivery.platform_delete`` with its outcome (``ok`` or ``failed`` and the platform's
reason, scrubbed of credentials by the connector). The platform is called outside any
database transaction (a slow platform must not hold the write lock); the audit row is
written afterwards, also when the call failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from connectors.base import Connector, OutgoingPost
from connectors.errors import ConnectorError
from publisher.db import session_scope
from publisher.errors import InvalidInput, InvalidTransition, NotFound, PublisherError
from publisher.models import AuditEvent, Channel, Delivery, DeliveryStatus, Post
from publisher.services.accounts import audit
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import deliveries
from publisher.services.publishing.attachments import post_media_items
from publisher.services.publishing.channels import make_connector

EDIT = "delivery.platform_edit"
DELETE = "delivery.platform_delete"


@dataclass(frozen=True)
class PlatformCopy:
    """A sent delivery as the platform holds it, and what may be done to it."""

    delivery_id: int
    channel: str
    kind: str
    url: str | None
    #: The text it carries now (the last successful edit, else the channel's text).
    text: str
    #: The platform lets us edit and delete this post (False: not offered at all).
    changeable: bool
    #: Deleted from the platform through us.
    deleted: bool


class PlatformRefused(PublisherError):
    """The platform refused the edit or the deletion; the audit row says so too."""


def _history(session: Session, delivery_id: int) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent)
            .where(
                AuditEvent.object_type == "delivery",
                AuditEvent.object_id == delivery_id,
                col(AuditEvent.action).in_((EDIT, DELETE)),
            )
            .order_by(col(AuditEvent.id))
        )
    )


def _load(session: Session, actor: Actor, delivery_id: int) -> tuple[Delivery, Post, Channel]:
    delivery, post = deliveries.get_delivery(session, actor, delivery_id)
    channel = session.get(Channel, delivery.channel_id)
    if channel is None:
        raise NotFound("error.delivery_not_found", id=delivery_id)
    return delivery, post, channel


def _copy(session: Session, delivery: Delivery, post: Post, channel: Channel) -> PlatformCopy:
    from publisher.services.publishing.posts import variant_texts

    text = next((t for c, t in variant_texts(session, post) if c.id == channel.id), post.text)
    deleted = False
    for event in _history(session, delivery.id or 0):
        if event.after.get("outcome") != "ok":
            continue
        if event.action == DELETE:
            deleted = True
        else:
            text = str(event.after.get("text", text))
    connector = make_connector(channel)
    outgoing = OutgoingPost(text=text, media=tuple(post_media_items(session, post)), link=post.link)
    changeable = (
        delivery.status == DeliveryStatus.SENT
        and bool(delivery.external_id)
        and connector.can_edit
        and connector.editable(outgoing)
        and not deleted
    )
    return PlatformCopy(
        delivery.id or 0, channel.name, channel.kind, delivery.url, text, changeable, deleted
    )


def copies(session: Session, actor: Actor, post_id: int) -> list[PlatformCopy]:
    """The post's sent deliveries and whether each can still be edited or deleted. Raises
    NotFound for a post the actor cannot see."""
    from publisher.services.publishing.posts import get_post

    get_post(session, actor, post_id)
    out = []
    for delivery, channel in deliveries.for_post(session, post_id):
        if delivery.status != DeliveryStatus.SENT:
            continue
        _, post = deliveries.get_delivery(session, actor, delivery.id or 0)
        out.append(_copy(session, delivery, post, channel))
    return out


def copy_of(session: Session, actor: Actor, delivery_id: int) -> PlatformCopy:
    """One sent delivery as :func:`copies` describes it."""
    actor.require("post.view")
    return _copy(session, *_load(session, actor, delivery_id))


def _prepare(actor: Actor, delivery_id: int) -> tuple[Connector, str, int | None]:
    actor.require("delivery.manage")
    with session_scope(readonly=True) as session:
        delivery, post, channel = _load(session, actor, delivery_id)
        current = _copy(session, delivery, post, channel)
        if not current.changeable:
            raise InvalidTransition("error.platform_not_changeable", channel=channel.name)
        return make_connector(channel), str(delivery.external_id), post.org_id


def _record(
    actor: Actor, delivery_id: int, action: str, org_id: int | None, after: dict[str, Any]
) -> None:
    with session_scope() as session:
        audit.record(session, actor, action, "delivery", delivery_id, org_id=org_id, after=after)


def edit_on_platform(actor: Actor, delivery_id: int, text: str) -> PlatformCopy:
    """Replace the text of a sent delivery's post on its platform; audited with the outcome.

    Raises PermissionDenied (not an editor), NotFound, InvalidTransition (not offered: not
    sent, a webhook, an album, deleted), InvalidInput (empty text), PlatformRefused."""
    from publisher.services.publishing.posts import _nfc

    clean = _nfc(text)
    if not clean:
        raise InvalidInput("error.text_required")
    connector, external_id, org_id = _prepare(actor, delivery_id)
    try:
        connector.edit_published(external_id, clean)
    except ConnectorError as exc:
        _record(actor, delivery_id, EDIT, org_id, {"outcome": "failed", "error": str(exc)[:500]})
        raise PlatformRefused("error.platform_refused", reason=str(exc)[:300]) from None
    _record(actor, delivery_id, EDIT, org_id, {"outcome": "ok", "text": clean})
    with session_scope(readonly=True) as session:
        return copy_of(session, actor, delivery_id)


def delete_on_platform(actor: Actor, delivery_id: int) -> PlatformCopy:
    """Remove a sent delivery's post from its platform; audited with the outcome. The
    delivery stays ``sent`` (it was published; its history and statistics are kept).
    Raises like :func:`edit_on_platform`."""
    connector, external_id, org_id = _prepare(actor, delivery_id)
    try:
        connector.delete_published(external_id)
    except ConnectorError as exc:
        _record(actor, delivery_id, DELETE, org_id, {"outcome": "failed", "error": str(exc)[:500]})
        raise PlatformRefused("error.platform_refused", reason=str(exc)[:300]) from None
    _record(actor, delivery_id, DELETE, org_id, {"outcome": "ok"})
    with session_scope(readonly=True) as session:
        return copy_of(session, actor, delivery_id)
