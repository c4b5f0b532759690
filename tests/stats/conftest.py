"""Fixtures for statistics tests: the sandbox emulators and published deliveries."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from connectors.base import Metrics
from publisher.db import session_scope
from publisher.models import (
    Campaign,
    Delivery,
    DeliveryStatus,
    MediaAsset,
    Post,
    PostMedia,
    PostStatus,
    PostVariant,
    STTask,
)
from publisher.services.insight import engagement


def fb_spec(url: str, page: str = "1001") -> dict[str, Any]:
    return {
        "kind": "facebook",
        "settings": {"page_id": page, "graph_url": url + "/"},
        "credentials": {"access_token": f"sandbox-fb-{page}"},
    }


def tg_spec(url: str, chat: str = "@sandbox_news") -> dict[str, Any]:
    return {
        "kind": "telegram",
        "settings": {"chat_id": chat, "api_base_url": url},
        "credentials": {"bot_token": "4242:sandbox-test"},
    }


def hook_spec(url: str, scheme: str = "hmac", name: str = "r57") -> dict[str, Any]:
    settings = {"url": f"{url}/hooks/{name}", "signature": scheme}
    if scheme == "zalo":
        settings["app_id"] = "app-1"
    return {"kind": "webhook", "settings": settings, "credentials": {"secret": "sandbox-secret"}}


def published(
    office: Any,
    channel: str,
    sent_at: datetime,
    *,
    text: str = "Ngày Chuyển đổi số quốc gia 10/10",
    external_id: str | None = None,
    campaign: str | None = None,
    campaign_year: int | None = None,
    task: str | None = None,
    media_kind: str | None = None,
    title: str = "",
) -> Delivery:
    """A post with one delivery already sent on ``channel`` (what the engine leaves behind)."""
    with session_scope() as s:
        from sqlmodel import select

        campaign_id = None
        if campaign:
            campaign_id = s.exec(select(Campaign).where(Campaign.slug == campaign)).one().id
        task_id = None
        if task:
            task_id = s.exec(select(STTask).where(STTask.code == task)).one().id
        ch = office.channels[channel]
        post = Post(
            org_id=office.org.id,
            status=PostStatus.PUBLISHED,
            text=text,
            title=title,
            due_at=sent_at,
            campaign_id=campaign_id,
            campaign_year=campaign_year or (sent_at.year if campaign else None),
            task_id=task_id,
        )
        s.add(post)
        s.flush()
        s.add(PostVariant(post_id=post.id, channel_id=ch.id))
        if media_kind:
            asset = MediaAsset(
                org_id=office.org.id,
                sha256=uuid.uuid4().hex,
                kind=media_kind,
                path=f"x/{uuid.uuid4().hex}",
            )
            s.add(asset)
            s.flush()
            s.add(PostMedia(post_id=post.id, asset_id=asset.id))
        delivery = Delivery(
            post_id=post.id,
            channel_id=ch.id,
            due_at=sent_at,
            next_attempt_at=sent_at,
            status=DeliveryStatus.SENT,
            sent_at=sent_at,
            external_id=external_id or uuid.uuid4().hex,
            idempotency_key=uuid.uuid4().hex,
        )
        s.add(delivery)
        s.flush()
        engagement.delivery_sent(s, delivery.id)  # what the engine reports after sending
        return delivery


def snapshot(delivery_id: int, at: datetime, **counters: int | None) -> None:
    with session_scope() as s:
        engagement.record_snapshot(s, delivery_id, Metrics(**counters), at)


def also_on(office: Any, post_id: int, channel: str, sent_at: datetime) -> Delivery:
    """A further delivery of ``post_id``, sent on ``channel`` at ``sent_at`` (the post now
    runs on that channel too), recorded for the statistics like any sent delivery."""
    with session_scope() as s:
        ch = office.channels[channel]
        s.add(PostVariant(post_id=post_id, channel_id=ch.id))
        d = Delivery(
            post_id=post_id,
            channel_id=ch.id,
            due_at=sent_at,
            next_attempt_at=sent_at,
            status=DeliveryStatus.SENT,
            sent_at=sent_at,
            external_id=uuid.uuid4().hex,
            idempotency_key=uuid.uuid4().hex,
        )
        s.add(d)
        s.flush()
        engagement.delivery_sent(s, d.id)
        return d
