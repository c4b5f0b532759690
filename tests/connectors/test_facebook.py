"""Facebook specifics: per-instance Graph URL, reconcile, metrics, duplicates."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import facebook
import pytest

from connectors.base import MediaItem, OutgoingPost
from connectors.errors import DuplicateError
from connectors.facebook import GRAPH_URL_ENV, FacebookConnector
from connectors.sandbox import run_in_thread
from connectors.sandbox.client import SandboxClient

from .conftest import ConnectorFactory, make_config


def test_the_sdk_global_is_never_touched(make_connector: ConnectorFactory) -> None:
    before = facebook.FACEBOOK_GRAPH_URL
    make_connector("facebook").publish(OutgoingPost("x"))
    assert facebook.FACEBOOK_GRAPH_URL == before
    assert make_connector("facebook").graph().version == "v23.0"


def test_threads_publish_to_different_graph_servers_at_once() -> None:
    # Two servers, eight threads each: every post must land on its own channel's server.
    with run_in_thread() as one, run_in_thread() as two:
        errors: list[BaseException] = []

        def work(url: str, n: int) -> None:
            try:
                fb = FacebookConnector(make_config("facebook", url), timeout=5)
                fb.publish(OutgoingPost(f"{url} {n}"))
            except BaseException as exc:
                errors.append(exc)

        threads = [
            threading.Thread(target=work, args=(h.url, i)) for i in range(8) for h in (one, two)
        ]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert errors == []
        for handle in (one, two):
            texts = [r["text"] for r in handle.client.published("facebook")]
            assert len(texts) == 8 and all(t.startswith(handle.url) for t in texts)


def test_graph_url_falls_back_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(GRAPH_URL_ENV, "http://graph.test/")
    config = make_config("facebook", "unused", settings={"graph_url": ""})
    assert FacebookConnector(config).graph_url == "http://graph.test/"


def test_find_published_matches_exact_text_after_first_attempt(
    make_connector: ConnectorFactory,
) -> None:
    fb = make_connector("facebook")
    published = fb.publish(OutgoingPost("Thông báo lịch tiếp dân"))
    fb.publish(OutgoingPost("Một bài khác"))
    recent = {"first_attempt_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat()}
    future = {"first_attempt_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat()}

    found = fb.find_published(OutgoingPost("Thông báo lịch tiếp dân", metadata=recent))
    assert found is not None and found.external_id == published.external_id
    # NFD input (as some keyboards produce) still matches the NFC post.
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Thông báo lịch tiếp dân")
    assert fb.find_published(OutgoingPost(nfd)) is not None
    assert fb.find_published(OutgoingPost("Thông báo lịch tiếp dân", metadata=future)) is None
    assert fb.find_published(OutgoingPost("Không có")) is None


def test_duplicate_carries_the_existing_post_id(
    make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    fb = make_connector("facebook")
    first = fb.publish(OutgoingPost("Bài trùng"))
    sb.add_fault("facebook", "error", code=506, method="feed")
    with pytest.raises(DuplicateError) as info:
        fb.publish(OutgoingPost("Bài trùng"))
    assert info.value.external_id == first.external_id


def test_metrics_survive_a_rejected_insights_metric(
    make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    fb = make_connector("facebook")
    post_id = fb.publish(OutgoingPost("Số liệu")).external_id
    sb.set_metrics(post_id, reactions=40, comments=6, shares=3, views=900)

    full = fb.fetch_metrics(post_id)
    assert (full.reactions, full.comments, full.shares, full.views) == (40, 6, 3, 900)

    sb.add_fault("facebook", "error", code=100, method="insights")
    partial = fb.fetch_metrics(post_id)
    assert (partial.reactions, partial.views) == (40, None)
    assert "views" in partial.unavailable


def test_photo_post_ids_and_album_attachments(
    make_connector: ConnectorFactory, sb: SandboxClient, album: tuple[MediaItem, ...]
) -> None:
    result = make_connector("facebook").publish(OutgoingPost("Album", album))
    uploads = [r for r in sb.records("facebook") if r["method"] == "photos"]
    assert len(uploads) == 3 and all(r["fields"]["published"] == "false" for r in uploads)
    [feed] = sb.published("facebook")
    assert feed["external_id"] == result.external_id
    assert feed["attached_media"] == [r["external_id"] for r in uploads]


def test_video_uploads_use_graph_video_only_on_the_real_host() -> None:
    real = FacebookConnector(make_config("facebook", "https://graph.facebook.com/"))
    assert real.graph(video=True).base_url == "https://graph-video.facebook.com/"
    assert real.graph().base_url == "https://graph.facebook.com/"
    local = FacebookConnector(make_config("facebook", "http://127.0.0.1:8765"))
    assert local.graph(video=True).base_url == "http://127.0.0.1:8765/"


def test_a_link_on_a_photo_post_goes_into_the_message_and_still_reconciles(
    make_connector: ConnectorFactory, sb: SandboxClient, photo: MediaItem
) -> None:
    fb = make_connector("facebook")
    post = OutgoingPost("Ảnh sự kiện", (photo,), link="https://so.gov.vn/tin/1")
    result = fb.publish(post)
    [record] = sb.published("facebook")
    assert record["text"] == "Ảnh sự kiện\n\nhttps://so.gov.vn/tin/1"
    found = fb.find_published(post)
    assert found is not None and found.external_id == result.external_id


def test_photo_alt_text_goes_to_the_graph_api_as_alt_text_custom(
    make_connector: ConnectorFactory, sb: SandboxClient, album: tuple[MediaItem, ...]
) -> None:
    from dataclasses import replace

    described = tuple(
        replace(item, alt_text=f"Ảnh đồ họa số {i}: «Ngày Chuyển đổi số»")
        for i, item in enumerate(album)
    )
    make_connector("facebook").publish(OutgoingPost("Album", described))
    make_connector("facebook").publish(OutgoingPost("Một ảnh", described[:1]))
    make_connector("facebook").publish(OutgoingPost("Không mô tả", album[:1]))
    uploads = [r for r in sb.records("facebook") if r["method"] == "photos"]
    sent = [r["fields"].get("alt_text_custom") for r in uploads]
    assert sent[:3] == [f"Ảnh đồ họa số {i}: «Ngày Chuyển đổi số»" for i in range(3)]
    assert sent[3] == "Ảnh đồ họa số 0: «Ngày Chuyển đổi số»"
    assert sent[4] is None
