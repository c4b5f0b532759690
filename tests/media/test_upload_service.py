"""The library's upload service: the same file is the same item, a near copy is a notice, a
refused file leaves neither a row nor a file, titles and tags can be edited (audited)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw
from sqlmodel import select

from publisher.config import get_settings
from publisher.db import session_scope
from publisher.errors import PublisherError
from publisher.i18n import set_language
from publisher.models import AuditEvent, MediaAsset
from publisher.services.studio import library as media
from tests.factories import make_office


def _photo(quality: int = 90, size: tuple[int, int] = (800, 600)) -> bytes:
    image = Image.new("RGB", (800, 600), (240, 240, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 100, 500, 400), fill=(200, 20, 20))
    draw.ellipse((450, 200, 750, 550), fill=(20, 60, 200))
    out = io.BytesIO()
    image.resize(size).save(out, "JPEG", quality=quality)
    return out.getvalue()


def _stored_files() -> list[Path]:
    objects = get_settings().media_dir / "objects"
    return sorted(p for p in objects.rglob("*") if p.is_file()) if objects.exists() else []


def test_the_same_file_twice_is_one_item_and_a_near_copy_is_noticed(db: Any, clock: Any) -> None:
    officer = make_office().actor("officer")
    with session_scope() as s:
        first = media.upload(s, officer, "le-khai-mac.jpg", _photo(), tags=["sự kiện"])
        assert not first.existed and first.asset.title == "le-khai-mac"
        again = media.upload(s, officer, "copy.jpg", _photo())
        assert again.existed and again.asset.id == first.asset.id
        near = media.upload(s, officer, "smaller.jpg", _photo(quality=40, size=(400, 300)))
        assert not near.existed and near.asset.id != first.asset.id
        assert [a.id for a, _ in near.near] == [first.asset.id]
        rows = s.exec(select(MediaAsset)).all()
        assert len(rows) == 2


def test_a_refused_upload_stores_nothing(db: Any, clock: Any) -> None:
    officer = make_office().actor("officer")
    set_language("vi")
    with pytest.raises(PublisherError) as caught, session_scope() as s:
        media.upload(s, officer, "anh.jpg", b"%PDF-1.4 not a photo")
    assert "không đúng như tên" in caught.value.message()
    with session_scope() as s:
        assert s.exec(select(MediaAsset)).all() == []
    assert _stored_files() == []


def test_title_and_tags_are_edited_and_audited(db: Any, clock: Any) -> None:
    officer = make_office().actor("officer")
    with session_scope() as s:
        asset_id = media.upload(s, officer, "x.jpg", _photo()).asset.id
        assert asset_id is not None
    with session_scope() as s:
        asset = media.set_details(s, officer, asset_id, " Lễ khai mạc ", ["10/10", " ảnh "])
        assert (asset.title, asset.tags) == ("Lễ khai mạc", ["10/10", "ảnh"])
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "media.details")).all()
        assert events[0].before["title"] == "x" and events[0].after["title"] == "Lễ khai mạc"
    with pytest.raises(PublisherError), session_scope() as s:
        media.set_details(s, officer, asset_id, "  ", [])


def test_thumbnails_are_small_jpegs(db: Any, clock: Any) -> None:
    officer = make_office().actor("officer")
    with session_scope() as s:
        asset = media.upload(s, officer, "x.jpg", _photo()).asset
    thumb = media.thumbnail(asset, 240)
    assert thumb is not None
    assert Image.open(io.BytesIO(thumb)).size == (240, 180)


def test_campaign_cards_are_named_by_their_countdown_day() -> None:
    card = MediaAsset(
        id=12,
        org_id=1,
        sha256="0" * 64,
        kind="image",
        path="x.png",
        title="Ngày KH&CN",
        recipe={"fields": {"date": "2027-05-18"}, "today": "2027-05-11"},
    )
    assert media.countdown_label(card) == "D-7"
    assert media.display_name(card) == "#12 · D-7 · Ngày KH&CN"
    card.recipe = {"fields": {"date": "2027-05-18"}, "today": "2027-05-19"}
    assert media.countdown_label(card) == "D+1"
    card.recipe = {}
    assert media.display_name(card) == "#12 · Ngày KH&CN"
    clip = MediaAsset(
        id=3, org_id=1, sha256="1" * 64, kind="video", path="c.mp4", title="Clip", duration=14.6
    )
    assert media.display_name(clip) == "#3 · Clip · video 15 s"
