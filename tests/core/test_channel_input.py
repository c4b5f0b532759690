"""Channel names, channel references, media tags and campaign hashtags are refused when they
could deceive or take something over (issue 14, finding 5). Every backend: names and ids reach
the database."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlmodel import func, select

from publisher.db import session_scope
from publisher.errors import InvalidInput, NotFound, PublisherError
from publisher.models import Campaign, Channel, MediaAsset
from publisher.security import encrypt_credentials
from publisher.services.insight import inbound
from publisher.services.publishing import campaigns as campaigns_svc
from publisher.services.publishing import channels as channels_svc
from publisher.services.studio import library as media_svc
from tests.factories import ADMIN, make_office, telegram_channel, webhook_channel


def _count(model: Any) -> int:
    with session_scope(readonly=True) as s:
        return int(s.exec(select(func.count()).select_from(model)).one())


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("12", "error.channel_name_digits"),
        ("٣", "error.channel_name_digits"),  # a digit of another script is a digit too
        ("Kênh\nmới", "error.name_control_chars"),
        ("Kênh\x1b[31m", "error.name_control_chars"),
        ("Kênh\x00", "error.name_control_chars"),
        ("Kênh\u202emới", "error.name_control_chars"),  # right-to-left override
        ("K" * 121, "error.channel_name_too_long"),
        ("Kênh " + "ằ" * 100_000, "error.channel_name_too_long"),
    ],
)
def test_a_bad_channel_name_is_refused_and_nothing_is_written(db: Any, name: str, key: str) -> None:
    make_office()
    before = _count(Channel)
    with session_scope() as s, pytest.raises(InvalidInput) as caught:
        channels_svc.add_channel(s, ADMIN, name=name, org="so-khcn", **telegram_channel())
    assert caught.value.key == key
    assert "\n" not in caught.value.message()
    assert _count(Channel) == before


def test_good_names_are_kept(db: Any) -> None:
    make_office()
    with session_scope() as s:
        for name in ("Kênh 12", "12 Kênh", "K" * 120, "Fanpage Sở KH&CN"):
            channel = channels_svc.add_channel(
                s, ADMIN, name=name, org="so-khcn", **telegram_channel()
            )
            assert channel.name == name


def test_an_all_digit_reference_is_an_id_never_a_name(db: Any) -> None:
    """A row named "2" (written before names were checked) must not take over channel 2's
    inbound endpoint: the segment "2" is channel 2, whatever other channel is named."""
    make_office("don-vi-a")
    with session_scope() as s:
        squatter = Channel(
            org_id=1,
            kind="webhook",
            name="__placeholder__",
            settings={"url": "https://hooks.example.org/x", "signature": "hmac"},
            credentials_encrypted=encrypt_credentials({"secret": "squatter"}),
        )
        s.add(squatter)
        s.flush()
        target_id = squatter.id + 1  # type: ignore[operator]
        squatter.name = str(target_id)
        s.add(squatter)
    make_office("don-vi-b", channels={"hook-b": webhook_channel()})
    inbound.clear_cache()
    with session_scope() as s:
        target = s.exec(select(Channel).where(Channel.name == "hook-b")).one()
        assert target.id == target_id
        keys = inbound.channel_keys(s, str(target_id))
        assert keys is not None and keys.id == target_id and keys.name == "hook-b"
        assert channels_svc.get_channel(s, ADMIN, str(target_id)).name == "hook-b"


@pytest.mark.parametrize("ref", ["99999999999999999999", "9223372036854775808", "²", "0"])
def test_an_id_reference_out_of_range_finds_nothing(db: Any, ref: str) -> None:
    make_office(channels={"hook": webhook_channel()})
    inbound.clear_cache()
    with session_scope() as s:
        assert inbound.channel_keys(s, ref) is None
        with pytest.raises(NotFound):
            channels_svc.get_channel(s, ADMIN, ref)


def _png() -> bytes:
    buf = io.BytesIO()
    Image.effect_noise((32, 32), 40).convert("RGB").save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("tag", "key"),
    [
        ("tin\nmới", "error.name_control_chars"),
        ("\x1b[2Jxoá", "error.name_control_chars"),
        ("ẩn\u200b", "error.name_control_chars"),
        ("t" * 101, "error.tag_too_long"),
    ],
)
def test_a_bad_media_tag_is_refused_and_no_file_is_stored(db: Any, tag: str, key: str) -> None:
    office = make_office()
    with session_scope() as s, pytest.raises(PublisherError) as caught:
        media_svc.add_file(
            s, office.actor("editor"), _png(), filename="a.png", tags=["infographic", tag]
        )
    assert caught.value.key == key
    assert _count(MediaAsset) == 0
    assert [p for p in Path(db.data_dir).rglob("*.png")] == []


@pytest.mark.parametrize(
    ("name", "hashtag", "key"),
    [
        ("Tuần lễ\nsố", "", "error.name_control_chars"),
        ("Tuần lễ số", "#Tuan\u200bLe", "error.name_control_chars"),
        ("Tuần lễ số", "#Tuần\x1b[8m", "error.name_control_chars"),
        ("Tuần lễ số", "#" + "a" * 120, "error.tag_too_long"),
        ("T" * 256, "", "error.campaign_name_too_long"),
    ],
)
def test_a_bad_campaign_name_or_hashtag_is_refused_and_nothing_is_written(
    db: Any, name: str, hashtag: str, key: str
) -> None:
    make_office()
    before = _count(Campaign)
    with session_scope() as s, pytest.raises(InvalidInput) as caught:
        campaigns_svc.create_campaign(s, ADMIN, name, on=date(2026, 11, 20), hashtag=hashtag)
    assert caught.value.key == key
    assert _count(Campaign) == before
