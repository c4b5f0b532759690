"""Render queue fixtures: an office, small card recipes, images in the library."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from PIL import Image
from sqlmodel import func, select

from publisher.db import session_scope
from publisher.models import Alert, MediaAsset, RenderJob
from publisher.services.studio import library as media_svc
from publisher.services.studio import recipes as recipes
from tests.engine.conftest import ctx, specs  # noqa: F401
from tests.factories import Office, facebook_channel, make_office, telegram_channel
from tests.ui.conftest import app_as  # noqa: F401

#: Small cards keep the suite fast; 480 px is the smallest the campaign template lays out.
SMALL = (480, 480)


@pytest.fixture
def office(db: Any, clock: Any) -> Office:
    return make_office("so-khcn", channels={"tg": telegram_channel(), "fb": facebook_channel()})


@pytest.fixture
def ui_office(sqlite_db: Any, clock: Any) -> Office:
    """An office for AppTest pages (SQLite: the UI tests are about behaviour)."""
    return make_office("so-khcn", channels={"tg": telegram_channel()})


def card(office: Office, title: str = "Ngày Chuyển đổi số quốc gia", **kw: Any) -> dict[str, Any]:
    """A countdown card recipe in the office's brand."""
    assert office.org.id is not None
    with session_scope(readonly=True) as s:
        brand = recipes.brand_snapshot(s, office.org.id)
    fields = {"title": title, "date": "2026-10-10", **kw.pop("fields", {})}
    return recipes.infographic_recipe(
        kw.pop("template", "campaign"),
        fields,
        kw.pop("size", SMALL),
        brand=brand,
        today=kw.pop("today", date(2026, 10, 1)),
        **kw,
    )


def png(colour: tuple[int, int, int] = (30, 90, 160), size: tuple[int, int] = (400, 300)) -> bytes:
    buffer = io.BytesIO()
    # Noise, so that a truncated copy is really missing picture data.
    base = Image.effect_noise(size, 60).convert("RGB")
    Image.blend(base, Image.new("RGB", size, colour), 0.6).save(buffer, "PNG")
    return buffer.getvalue()


def add_image(office: Office, colour: tuple[int, int, int] = (30, 90, 160)) -> int:
    with session_scope() as s:
        asset = media_svc.add_file(
            s, office.actor("officer"), png(colour), filename="anh.png", title="Ảnh"
        )
        assert asset.id is not None
        return asset.id


def job(job_id: int) -> RenderJob:
    with session_scope(readonly=True) as s:
        row = s.get(RenderJob, job_id)
        assert row is not None
        return row


def asset_count(org_id: int | None = None) -> int:
    with session_scope(readonly=True) as s:
        stmt = select(func.count()).select_from(MediaAsset)
        if org_id is not None:
            stmt = stmt.where(MediaAsset.org_id == org_id)
        return int(s.exec(stmt).one())


def alerts(kind: str) -> list[Alert]:
    with session_scope(readonly=True) as s:
        return list(s.exec(select(Alert).where(Alert.kind == kind)))
