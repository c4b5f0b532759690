"""A province with two units, public posts and everything that must never be public."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image
from sqlmodel import select
from starlette.testclient import TestClient

from publisher.api import create_app
from publisher.db import session_scope
from publisher.models import (
    Campaign,
    Delivery,
    DeliveryStatus,
    MediaAsset,
    Post,
    PostMedia,
    PostStatus,
    PostTag,
    PostVariant,
    STTask,
)
from publisher.services.insight import public_pages
from publisher.services.publishing import feed_render, feeds
from publisher.services.studio import library
from tests.factories import ADMIN, facebook_channel, make_office, webhook_channel

BASE = "https://tin.dongnai.example"
T0 = datetime(2026, 9, 20, 2, 0, tzinfo=UTC)


@dataclass
class World:
    office: Any
    other: Any
    public_ids: list[int]
    image: MediaAsset
    draft_id: int
    internal_id: int
    other_id: int
    classified_id: int
    scheduled_id: int


def png(colour: str = "#0b3d91") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buf, "PNG")
    return buf.getvalue()


def add_post(
    office: Any,
    channel: str | None,
    text: str,
    *,
    sent_at: datetime | None = None,
    status: str = PostStatus.PUBLISHED,
    delivery_status: str = DeliveryStatus.SENT,
    title: str = "",
    campaign: str | None = None,
    year: int | None = None,
    theme: str | None = None,
    media: MediaAsset | None = None,
    task_id: int | None = None,
    link: str | None = None,
) -> int:
    with session_scope() as s:
        campaign_id = None
        if campaign:
            campaign_id = s.exec(select(Campaign).where(Campaign.slug == campaign)).one().id
        post = Post(
            org_id=office.org.id,
            status=status,
            text=text,
            title=title,
            link=link,
            campaign_id=campaign_id,
            campaign_year=year,
            task_id=task_id,
            updated_at=sent_at or T0,
            created_at=(sent_at or T0) - timedelta(days=1),
        )
        s.add(post)
        s.flush()
        assert post.id is not None
        if theme:
            s.add(PostTag(post_id=post.id, kind="theme", value=theme))
        if media is not None:
            s.add(PostMedia(post_id=post.id, asset_id=media.id))
        if channel is not None:
            ch = office.channels[channel]
            s.add(PostVariant(post_id=post.id, channel_id=ch.id))
            s.add(
                Delivery(
                    post_id=post.id,
                    channel_id=ch.id,
                    due_at=sent_at or T0,
                    next_attempt_at=sent_at or T0,
                    status=delivery_status,
                    sent_at=sent_at if delivery_status == DeliveryStatus.SENT else None,
                    external_id=uuid.uuid4().hex,
                    idempotency_key=uuid.uuid4().hex,
                )
            )
        return post.id


@pytest.fixture
def world(db, clock, monkeypatch, tmp_path) -> World:
    monkeypatch.setenv("PUBLISHER_PUBLIC_URL", BASE)
    # Every change shows at once (production trusts a stamp for 2 s).
    monkeypatch.setattr(feeds, "STAMP_SECONDS", 0.0)
    feed_render.clear_cache()
    public_pages.clear_cache()
    internal = webhook_channel("https://intranet.example.org/hook")
    internal["settings"]["internal"] = True
    office = make_office("so-khcn", channels={"fb": facebook_channel(), "noi-bo": internal})
    other = make_office("so-cong-thuong", channels={"fb-ct": facebook_channel("1000002")})
    with session_scope() as s:
        image = library.add_file(
            s, ADMIN, png(), org_id=office.org.id, filename="anh.png", alt_text="Ảnh hội thảo"
        )
        task = STTask(org_id=office.org.id, code="MAT-01", title="Nhiệm vụ mật", classified=True)
        s.add(task)
        s.flush()
        task_id = task.id
    public_ids = [
        add_post(
            office,
            "fb",
            "Hội thảo chuyển đổi số cấp tỉnh. Chi tiết: https://khcn.example.org/hoi-thao.",
            title="Hội thảo chuyển đổi số",
            sent_at=T0,
            campaign="ngay-cds",
            year=2026,
            theme="cds",
            media=image,
        ),
        add_post(
            office,
            "fb",
            "Ra mắt sàn giao dịch công nghệ <b>tỉnh</b> & doanh nghiệp",
            sent_at=T0 + timedelta(days=1),
            theme="khcn",
        ),
    ]
    draft_id = add_post(office, None, "BẢN NHÁP bí mật", status=PostStatus.DRAFT)
    internal_id = add_post(office, "noi-bo", "TIN NỘI BỘ chỉ kênh thử", sent_at=T0)
    other_id = add_post(
        other, "fb-ct", "Tin của Sở Công Thương", sent_at=T0, campaign="ngay-cds", year=2026
    )
    classified_id = add_post(office, "fb", "NHIỆM VỤ MẬT đã đăng", sent_at=T0, task_id=task_id)
    scheduled_id = add_post(
        office,
        "fb",
        "TIN ĐÃ LÊN LỊCH chưa đăng",
        status=PostStatus.SCHEDULED,
        delivery_status=DeliveryStatus.PENDING,
        sent_at=T0,
    )
    return World(
        office,
        other,
        public_ids,
        image,
        draft_id,
        internal_id,
        other_id,
        classified_id,
        scheduled_id,
    )


@pytest.fixture
def client(world, clock) -> TestClient:
    return TestClient(create_app(clock=clock))


SECRETS = ("BẢN NHÁP", "NỘI BỘ", "NHIỆM VỤ MẬT", "ĐÃ LÊN LỊCH")
