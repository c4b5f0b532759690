"""Fixtures for the operations tests: an office with real data in every kind of row."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import select

from publisher.db import _normalise_url, session_scope
from publisher.models import (
    Alert,
    Delivery,
    DeliveryStatus,
    EngagementSnapshot,
    KeyValue,
    RenderJob,
    RenderStatus,
)
from publisher.services.accounts import alerts as alerts_svc
from publisher.services.publishing import posts as posts_svc
from publisher.timeutil import utcnow
from tests.factories import (
    ADMIN,
    Office,
    facebook_channel,
    make_office,
    telegram_channel,
    webhook_channel,
)

PG_URL = os.environ.get("PUBLISHER_TEST_POSTGRES_URL", "")
needs_pg = pytest.mark.skipif(not PG_URL, reason="needs PUBLISHER_TEST_POSTGRES_URL")


@dataclass
class Populated:
    office: Office
    post_ids: list[int]
    delivery_ids: list[int]
    media: dict[str, bytes]


def populate(data_dir: Path) -> Populated:
    """An office with channels of every kind, scheduled posts (one sent, one failed), an
    engagement snapshot, a render job, alerts, a key-value row, audit events (written by the
    services) and files in the media store, with Vietnamese text everywhere."""
    office = make_office(
        "so-khcn",
        channels={
            "Trang Sở KH&CN": facebook_channel(),
            "Kênh Telegram": telegram_channel(),
            "Zalo webhook": webhook_channel(),
        },
    )
    now = utcnow()
    post_ids: list[int] = []
    with session_scope() as s:
        for i, text_ in enumerate(
            [
                "Chào mừng Ngày Chuyển đổi số quốc gia 10/10",
                "Ngày hội Đổi mới sáng tạo quốc gia — 1/10",
            ]
        ):
            post = posts_svc.compose(
                s,
                ADMIN,
                posts_svc.PostInput(
                    text=text_,
                    channels=list(office.channels),
                    due_at=now + timedelta(hours=i + 1),
                    title=f"Bài {i}",
                ),
            )
            assert post.id is not None
            posts_svc.approve(s, ADMIN, post.id)
            post_ids.append(post.id)
        deliveries = list(s.exec(select(Delivery).order_by(Delivery.id)))  # type: ignore[arg-type]
        sent, failed = deliveries[0], deliveries[1]
        sent.status, sent.sent_at, sent.external_id = DeliveryStatus.SENT, now, "ext-1"
        failed.status, failed.last_error = DeliveryStatus.FAILED, 'lỗi "quyền"\nmột dòng'
        s.add(sent)
        s.add(failed)
        s.flush()
        assert sent.id is not None
        s.add(
            EngagementSnapshot(
                delivery_id=sent.id,
                collected_at=now,
                reactions=12,
                views=340,
                unavailable=["shares"],
            )
        )
        s.add(
            RenderJob(
                org_id=office.org.id,
                kind="video",
                recipe={"slides": 3, "tiêu đề": "x"},
                recipe_hash="ab" * 32,
                status=RenderStatus.DONE,
                started_at=now,
                finished_at=now + timedelta(seconds=3.25),
            )
        )
        s.add(KeyValue(key="kpi.targets", value={"coverage": 0.8, "note": "mục tiêu 2026"}))
        alerts_svc.raise_alert(
            s,
            "delivery_failed",
            "alert.delivery_failed",
            severity="error",
            org_id=office.org.id,
            object_type="delivery",
            object_id=failed.id,
            channel="Zalo webhook",
        )
        delivery_ids = [d.id for d in deliveries if d.id is not None]
    media_dir = data_dir / "media"
    files = {
        "ab/abcdef.jpg": b"\xff\xd8\xff\xe0 not really a jpeg " + os.urandom(64),
        "fitted/facebook/1.mp4": os.urandom(4096),
        "tệp tiếng Việt.txt": "Ảnh minh hoạ".encode(),
    }
    for rel, content in files.items():
        path = media_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return Populated(office, post_ids, delivery_ids, files)


def open_alert_count() -> int:
    with session_scope(readonly=True) as s:
        return len(list(s.exec(select(Alert).where(Alert.resolved_at == None))))  # noqa: E711


def pg_databases() -> set[str]:
    admin = create_engine(_normalise_url(PG_URL))
    with admin.connect() as conn:
        names = {r[0] for r in conn.execute(text("SELECT datname FROM pg_database"))}
    admin.dispose()
    return names


def media_snapshot(data_dir: Path) -> dict[str, bytes]:
    root = data_dir / "media"
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
