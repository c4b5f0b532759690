"""Telegram specifics: fresh Bot per call, captions, albums, partial failures."""

from __future__ import annotations

import threading

import pytest

from connectors.base import MediaItem, OutgoingPost
from connectors.errors import AmbiguousError
from connectors.sandbox.client import SandboxClient

from .conftest import ConnectorFactory


def test_repeated_and_concurrent_calls_each_get_their_own_loop(
    make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    tg = make_connector("telegram")
    tg.publish(OutgoingPost("một"))
    tg.publish(OutgoingPost("hai"))  # a reused Bot would fail here: "Event loop is closed"
    threads = [threading.Thread(target=tg.publish, args=(OutgoingPost(f"t{i}"),)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(sb.published("telegram")) == 6


def test_long_caption_is_split_into_media_then_text(
    make_connector: ConnectorFactory, sb: SandboxClient, photo: MediaItem
) -> None:
    text = "Nội dung dài. " * 100  # ~1400 characters
    result = make_connector("telegram").publish(OutgoingPost(text, (photo,)))
    media, follow_up = sb.published("telegram")
    assert media["method"] == "sendPhoto" and "caption" not in media["fields"]
    assert follow_up["method"] == "sendMessage" and follow_up["text"] == text
    assert len(result.raw["message_ids"]) == 2


def test_album_caption_goes_on_the_first_item(
    make_connector: ConnectorFactory, sb: SandboxClient, album: tuple[MediaItem, ...]
) -> None:
    result = make_connector("telegram").publish(OutgoingPost("Ảnh hoạt động", album))
    [group] = sb.published("telegram")
    assert group["method"] == "sendMediaGroup" and group["text"] == "Ảnh hoạt động"
    assert len(group["files"]) == 3
    assert result.url and result.url.startswith("https://t.me/sandbox_news/")


def test_mixed_album_of_photo_and_video(
    make_connector: ConnectorFactory, sb: SandboxClient, photo: MediaItem, video: MediaItem
) -> None:
    make_connector("telegram").publish(OutgoingPost("Ảnh và video", (photo, video)))
    [group] = sb.published("telegram")
    assert len(group["files"]) == 2


def test_a_failed_follow_up_after_public_media_is_ambiguous(
    make_connector: ConnectorFactory, sb: SandboxClient, photo: MediaItem
) -> None:
    sb.add_fault("telegram", "error", status=400, method="sendMessage")
    with pytest.raises(AmbiguousError, match="follow-up"):
        make_connector("telegram").publish(OutgoingPost("x" * 1500, (photo,)))
    assert [r["method"] for r in sb.published("telegram")] == ["sendPhoto"]


def test_link_is_appended_to_the_text(make_connector: ConnectorFactory, sb: SandboxClient) -> None:
    make_connector("telegram").publish(OutgoingPost("Xem thêm", link="https://so.gov.vn/a?b=1&c=2"))
    [record] = sb.published("telegram")
    assert record["text"] == "Xem thêm\n\nhttps://so.gov.vn/a?b=1&c=2"


def test_reconcile_is_not_possible(make_connector: ConnectorFactory) -> None:
    tg = make_connector("telegram")
    assert tg.can_reconcile is False
    with pytest.raises(NotImplementedError):
        tg.find_published(OutgoingPost("x"))
