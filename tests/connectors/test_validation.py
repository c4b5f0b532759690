"""Posts that cannot be published are refused at validation time, naming channel and limit."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from connectors.base import IMAGE, MB, VIDEO, ChannelConfig, MediaItem, OutgoingPost
from connectors.errors import ConfigError, PermanentError
from connectors.facebook import FacebookConnector
from connectors.registry import KINDS, get
from connectors.telegram import TelegramConnector
from connectors.webhook import WebhookConnector
from publisher.i18n import catalogue, t

from .conftest import make_config

URL = "http://127.0.0.1:9"  # never contacted: validation is offline


def connector(kind: str, **overrides: object):  # type: ignore[no-untyped-def]
    if kind == "telegram":
        # Without api_base_url: the cloud Bot API's limits (a own server raises them).
        settings = {"api_base_url": ""} | dict(overrides.pop("settings", {}))  # type: ignore[call-overload]
        overrides["settings"] = settings
    config = make_config(kind, URL, **overrides)
    return get(config.kind)(config)


def codes(kind: str, post: OutgoingPost, **overrides: object) -> list[str]:
    return [p.code for p in connector(kind, **overrides).validate(post)]


def sized(item: MediaItem, mb: float) -> MediaItem:
    return replace(item, size_bytes=int(mb * MB))


def test_the_registry_knows_every_kind() -> None:
    assert KINDS == ("facebook", "telegram", "webhook", "zalo_oa", "grassroots")
    assert get("telegram") is TelegramConnector


@pytest.mark.parametrize(
    ("kind", "length", "with_media", "expected"),
    [
        ("facebook", 63206, False, []),
        ("facebook", 63207, False, ["text_too_long"]),
        ("telegram", 4096, False, []),
        ("telegram", 4097, False, ["text_too_long"]),
        ("telegram", 1500, True, []),  # split into media + follow-up message
        ("telegram", 4097, True, ["text_too_long"]),
        ("webhook-hmac", 20001, False, ["text_too_long"]),
    ],
)
def test_text_limits(
    kind: str, length: int, with_media: bool, expected: list[str], photo: MediaItem
) -> None:
    post = OutgoingPost("a" * length, (photo,) if with_media else ())
    assert codes(kind, post) == expected


def test_telegram_counts_emoji_as_two_units() -> None:
    assert codes("telegram", OutgoingPost("😀" * 2048)) == []
    assert codes("telegram", OutgoingPost("😀" * 2049)) == ["text_too_long"]


def test_telegram_states_the_caption_split(photo: MediaItem) -> None:
    tg = connector("telegram")
    [notice] = tg.notices(OutgoingPost("a" * 1500, (photo,)))
    assert notice.code == "caption_split" and notice.params["limit"] == 1024
    assert "1024" in t("problem.caption_split", "vi", **notice.params)
    assert tg.notices(OutgoingPost("a" * 100, (photo,))) == []


@pytest.mark.parametrize("kind", ["facebook", "telegram", "webhook-hmac"])
def test_too_many_media(kind: str, photo: MediaItem) -> None:
    assert "too_many_media" in codes(kind, OutgoingPost("x", (photo,) * 11))


def test_empty_post_is_refused() -> None:
    assert codes("facebook", OutgoingPost("   ")) == ["empty_text"]


@pytest.mark.parametrize(
    ("kind", "kind_of_media", "mb", "problem"),
    [
        ("facebook", IMAGE, 10.5, "media_too_large"),
        ("facebook", VIDEO, 900, None),
        ("telegram", IMAGE, 10.5, "media_too_large"),
        ("telegram", VIDEO, 51, "media_too_large"),
        ("webhook-hmac", IMAGE, 6, "webhook_media_not_inlinable"),
    ],
)
def test_size_limits(
    kind: str,
    kind_of_media: str,
    mb: float,
    problem: str | None,
    photo: MediaItem,
    video: MediaItem,
) -> None:
    item = sized(photo if kind_of_media == IMAGE else video, mb)
    found = codes(kind, OutgoingPost("x", (item,)))
    assert found == ([problem] if problem else [])


def test_own_bot_api_server_raises_telegram_upload_limit(video: MediaItem) -> None:
    post = OutgoingPost("x", (sized(video, 1500),))
    assert codes("telegram", post, settings={"api_base_url": "http://bots.local"}) == []
    assert TelegramConnector.media_limits({"api_base_url": "x"}).video_max_bytes == 2000 * MB


def test_webhook_media_with_a_url_is_not_inlined(photo: MediaItem) -> None:
    post = OutgoingPost("x", (sized(photo, 6),), metadata={"media_urls": ["https://cdn/x.jpg"]})
    assert codes("webhook-hmac", post) == []


def test_facebook_video_must_be_alone(photo: MediaItem, video: MediaItem) -> None:
    found = codes("facebook", OutgoingPost("x", (photo, video)))
    assert "one_video_only" in found and "mixed_media" in found


def test_unsupported_and_missing_files(media_dir: Path) -> None:
    doc = MediaItem(media_dir / "notes.txt", kind="document")
    gone = MediaItem(media_dir / "gone.jpg", kind=IMAGE)
    assert codes("telegram", OutgoingPost("x", (doc,))) == ["unsupported_media"]
    assert codes("telegram", OutgoingPost("x", (gone,))) == ["media_missing"]


@pytest.mark.parametrize(
    ("kind", "overrides", "expected"),
    [
        ("facebook", {"settings": {"page_id": ""}}, ["missing_setting"]),
        ("facebook", {"credentials": {"access_token": ""}}, ["missing_credential"]),
        ("telegram", {"settings": {"chat_id": ""}}, ["missing_setting"]),
        ("telegram", {"settings": {"chat_id": "news channel"}}, ["invalid_chat_id"]),
        ("telegram", {"credentials": {"bot_token": "not a token"}}, ["invalid_token"]),
        ("webhook-hmac", {"settings": {"url": "ftp://x.org/in"}}, ["webhook_bad_url"]),
        ("webhook-hmac", {"settings": {"url": "http://10.0.0.1/"}}, ["webhook_private_url"]),
        ("webhook-hmac", {"settings": {"signature": "md5"}}, ["webhook_bad_signature"]),
        ("webhook-zalo", {"settings": {"app_id": ""}}, ["missing_setting"]),
        ("webhook-hmac", {"credentials": {"secret": ""}}, ["missing_credential"]),
        # Platform base URLs: the same outbound rules as webhooks (issue 14, finding 2).
        ("facebook", {"settings": {"graph_url": "http://127.0.0.1:8080/"}}, ["url_private"]),
        ("facebook", {"settings": {"graph_url": "http://169.254.169.254/"}}, ["url_private"]),
        ("facebook", {"settings": {"graph_url": "http://localhost/"}}, ["url_private"]),
        ("facebook", {"settings": {"graph_url": "http://[::1]/"}}, ["url_private"]),
        ("facebook", {"settings": {"graph_url": "http://2130706433/"}}, ["url_private"]),
        ("facebook", {"settings": {"graph_url": "file:///etc/passwd"}}, ["url_scheme"]),
        ("facebook", {"settings": {"graph_url": "gopher://graph.example.org/"}}, ["url_scheme"]),
        ("facebook", {"settings": {"graph_url": "graph.example.org"}}, ["url_scheme"]),
        ("telegram", {"settings": {"api_base_url": "http://10.0.0.8:8081"}}, ["url_private"]),
        ("telegram", {"settings": {"api_base_url": "http://[fe80::1]/"}}, ["url_private"]),
        ("telegram", {"settings": {"api_base_url": "ftp://bots.example.org"}}, ["url_scheme"]),
        ("telegram", {"settings": {"api_base_url": "http://x.org:99999"}}, ["url_scheme"]),
        # Page ids are digits; chat ids are @username (5-32) or a number (finding 5).
        ("facebook", {"settings": {"page_id": "abc"}}, ["invalid_page_id"]),
        ("facebook", {"settings": {"page_id": "-5"}}, ["invalid_page_id"]),
        ("facebook", {"settings": {"page_id": "../../me"}}, ["invalid_page_id"]),
        ("facebook", {"settings": {"page_id": "123?access_token=a&x="}}, ["invalid_page_id"]),
        ("facebook", {"settings": {"page_id": "123\n"}}, ["invalid_page_id"]),
        ("facebook", {"settings": {"page_id": "١٢٣"}}, ["invalid_page_id"]),  # Arabic digits
        ("telegram", {"settings": {"chat_id": "@abcd"}}, ["invalid_chat_id"]),  # 4 chars
        ("telegram", {"settings": {"chat_id": "@" + "a" * 33}}, ["invalid_chat_id"]),
        ("telegram", {"settings": {"chat_id": "@chén_news"}}, ["invalid_chat_id"]),
        ("telegram", {"settings": {"chat_id": "@1news"}}, ["invalid_chat_id"]),
        ("telegram", {"settings": {"chat_id": "-100123\n"}}, ["invalid_chat_id"]),
        ("telegram", {"settings": {"chat_id": "--100"}}, ["invalid_chat_id"]),
        ("telegram", {"settings": {"chat_id": "0"}}, ["invalid_chat_id"]),
        ("telegram", {"settings": {"chat_id": "1" * 17}}, ["invalid_chat_id"]),
        ("telegram", {"settings": {"chat_id": "@news_room"}}, []),
        ("telegram", {"settings": {"chat_id": "-1001234567890"}}, []),
        ("telegram", {"settings": {"chat_id": "123456789"}}, []),
        ("facebook", {"settings": {"graph_url": "https://graph.example.org/"}}, []),
    ],
)
def test_channel_configuration_problems(
    kind: str,
    overrides: dict[str, dict[str, str]],
    expected: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PUBLISHER_ALLOW_PRIVATE_WEBHOOKS")
    settings = overrides.setdefault("settings", {})
    if kind.startswith("webhook") and "url" not in settings:
        settings["url"] = "https://hooks.example.org/in"
    if kind == "facebook" and "graph_url" not in settings:
        settings["graph_url"] = "https://graph.example.org/"  # URL (loopback) is refused now
    assert codes(kind, OutgoingPost("x"), **overrides) == expected


def test_publish_refuses_invalid_posts_without_sending(photo: MediaItem) -> None:
    fb = connector("facebook", settings={"page_id": ""})
    with pytest.raises(ConfigError):
        fb.publish(OutgoingPost("x"))
    with pytest.raises(PermanentError):
        connector("telegram").publish(OutgoingPost("x", (photo,) * 11))


def test_a_config_is_judged_once_for_every_connector_made_from_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The engine makes a connector per delivery from the config it keeps per channel: the
    config's problems are judged once, and again only for a new config (a changed channel)."""
    calls: list[ChannelConfig] = []
    judge = WebhookConnector.validate_config.__func__  # type: ignore[attr-defined]

    def counted(cls: type[WebhookConnector], config: ChannelConfig) -> list[object]:
        calls.append(config)
        return judge(cls, config)  # type: ignore[no-any-return]

    monkeypatch.setattr(WebhookConnector, "validate_config", classmethod(counted))
    config = make_config("webhook-hmac", URL)
    for _ in range(3):
        WebhookConnector(config).ensure_publishable(OutgoingPost("x"))
    assert calls == [config]
    changed = replace(config, settings={**config.settings, "url": "ftp://example.org/"})
    with pytest.raises(ConfigError):
        WebhookConnector(changed).ensure_publishable(OutgoingPost("x"))
    assert calls == [config, changed]


def test_every_problem_code_has_a_message_in_both_languages() -> None:
    messages = catalogue()
    emitted = {
        "missing_setting",
        "missing_credential",
        "empty_text",
        "text_too_long",
        "too_many_media",
        "mixed_media",
        "unsupported_media",
        "media_missing",
        "media_too_large",
        "video_too_long",
        "one_video_only",
        "caption_split",
        "webhook_private_url",
        "webhook_bad_url",
        "webhook_bad_signature",
        "webhook_media_not_inlinable",
        "invalid_token",
        "invalid_chat_id",
        "invalid_page_id",
        "url_private",
        "url_scheme",
    }
    for code in emitted:
        vi, en = messages[f"problem.{code}"]
        assert "{channel}" in vi and "{channel}" in en


def test_messages_name_the_channel_and_the_limit(photo: MediaItem) -> None:
    [problem] = connector("telegram").validate(OutgoingPost("x", (sized(photo, 12),)))
    text = t(f"problem.{problem.code}", "vi", **problem.params)
    assert "Test telegram" in text and "10.0 MB" in text


def test_kinds_are_classes_with_limits() -> None:
    for cls in (FacebookConnector, TelegramConnector, WebhookConnector):
        assert cls.kind in KINDS and cls.text_max > 0 and cls.rate_per_second > 0
    assert WebhookConnector.dedupes and not TelegramConnector.can_reconcile
    assert FacebookConnector.can_reconcile
    assert ChannelConfig("x", "y").settings == {}
