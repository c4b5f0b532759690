"""The Zalo OA connector against the Zalo emulator, over real HTTP (httpx, the outbound guard)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from PIL import Image

from connectors.base import MediaItem, OutgoingPost
from connectors.errors import AmbiguousError, AuthError, PermanentError, RateLimitedError
from connectors.sandbox import SandboxHandle
from connectors.sandbox.client import SandboxClient
from connectors.zalo_oa import MemoryKeeper, ZaloOAConnector, pkce_pair

from .conftest import ZALO_OA, ConnectorFactory

TITLE = "Ngày Khoa học và Công nghệ Việt Nam 18/5"
BODY = "Sở KH&CN tổ chức chuỗi hoạt động <đổi mới> sáng tạo.\nĐoạn thứ hai của bài viết."


@pytest.fixture(autouse=True)
def _fast_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ZaloOAConnector, "verify_interval", 0.01)


def post(link: str | None = "https://sokhcn.gov.vn/tin/18-5", **meta: Any) -> OutgoingPost:
    key = f"delivery-{time.time_ns()}"
    return OutgoingPost(
        f"{TITLE}\n{BODY}",
        link=link,
        idempotency_key=key,
        marker=f"r57-{key[-12:]}",
        metadata={"first_attempt_at": "2026-01-01T00:00:00+00:00", **meta},
    )


def zalo(make_connector: ConnectorFactory, **settings: Any) -> ZaloOAConnector:
    connector = make_connector("zalo_oa", settings=settings)
    assert isinstance(connector, ZaloOAConnector)
    return connector


def creates(sb: SandboxClient) -> list[dict[str, Any]]:
    return [r for r in sb.records("zalo") if r["method"] == "create" and r["accepted"]]


def test_an_article_is_created_verified_and_carries_the_text(
    make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    result = zalo(make_connector).publish(post())

    [article] = sb.zalo()["articles"]
    assert result.external_id == article["id"]
    assert article["title"] == TITLE and article["status"] == "show"
    assert article["comment"] == "show"
    assert article["description"] == BODY.splitlines()[0]
    assert "&lt;đổi mới&gt;" in article["body"][0]["content"]
    assert article["tracking_link"].startswith("https://sokhcn.gov.vn/tin/18-5#r57-")
    assert result.url == article["link_view"]
    assert result.raw["broadcast"] == {"status": "off"}


def test_verify_is_polled_while_the_article_is_processing(
    make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    sb.zalo(processing_polls=3)
    result = zalo(make_connector).publish(post())
    verifies = [r for r in sb.records("zalo") if r["method"] == "verify"]
    assert len(verifies) == 4 and result.external_id


def test_an_article_that_stays_processing_is_ambiguous_then_found(
    make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    sb.zalo(processing_polls=1000)
    connector = zalo(make_connector)
    the_post = post()
    with pytest.raises(AmbiguousError) as info:
        connector.publish(the_post)
    assert info.value.code == "zalo:-214"
    found = connector.find_published(the_post)
    assert found is not None and len(creates(sb)) == 1


def test_a_timeout_after_create_is_reconciled_by_the_marker_not_resent(
    make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    connector = zalo(make_connector)
    other = post()
    connector.publish(other)  # same title, another delivery: must not match
    sb.add_fault("zalo", "timeout", method="create", when="after", seconds=1.5)
    mine = post()
    with pytest.raises(AmbiguousError):
        make_connector("zalo_oa", timeout=0.5).publish(mine)

    found = connector.find_published(mine)

    assert found is not None
    ids = [a["id"] for a in sb.zalo()["articles"]]
    assert len(ids) == 2 and found.external_id in ids
    assert found.external_id != connector.find_published(other).external_id  # type: ignore[union-attr]


def test_without_a_link_the_title_and_description_identify_the_article(
    make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    connector = zalo(make_connector)
    mine = post(link=None)
    assert connector.find_published(mine) is None
    result = connector.publish(mine)
    found = connector.find_published(mine)
    assert found is not None and found.external_id == result.external_id


def test_invalid_token_refreshes_once_and_retries_once(
    make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    sb.add_fault("zalo", "error", method="create", code=-216)
    keeper = MemoryKeeper()
    connector = zalo(make_connector)
    connector.keeper = keeper

    connector.publish(post())

    refreshes = [r for r in sb.records("zalo") if r["method"] == "access_token"]
    assert len(refreshes) == 1 and len(creates(sb)) == 1
    assert keeper.tokens is not None
    # A demo refresh token is answered with demo-shaped tokens (they survive a restart).
    assert keeper.tokens.refresh_token.startswith("sandbox-zalo-refresh-4242-")
    # The old refresh token was single-use: reusing it is refused.
    with pytest.raises(AuthError) as info:
        connector.refresh_tokens(str(connector.config.credentials["refresh_token"]))
    assert info.value.code == "zalo:-14003"


def test_a_second_expiry_after_the_refresh_is_an_auth_error(
    make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    sb.add_fault("zalo", "error", method="create", code=-220, times=2)
    with pytest.raises(AuthError) as info:
        zalo(make_connector).publish(post())
    assert info.value.code == "zalo:-220"
    assert len([r for r in sb.records("zalo") if r["method"] == "access_token"]) == 1
    assert creates(sb) == []


def test_an_expired_access_token_is_refreshed(
    make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    sb.zalo(
        tokens=[
            {
                "oa_id": ZALO_OA,
                "app_id": "app-1",
                "access_token": "zat-old",
                "refresh_token": "zrt-old",
                "expires_in": 90000,
            }
        ]
    )
    sb.zalo(advance=3 * 86400)  # three days later
    connector = make_connector(
        "zalo_oa", credentials={"access_token": "zat-old", "refresh_token": "zrt-old"}
    )
    assert connector.publish(post()).external_id


def test_a_token_answer_without_access_token_is_a_failure(
    make_connector: ConnectorFactory, sandbox: SandboxHandle
) -> None:
    connector = zalo(make_connector)
    with pytest.raises(AuthError) as info:
        connector.refresh_tokens("zrt-never-issued")
    assert info.value.code == "zalo:-14003"
    assert "zrt-never-issued" not in str(info.value)


def test_pkce_connect_exchanges_the_code_once(
    make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    connector = zalo(make_connector)
    verifier, challenge = pkce_pair()
    url = connector.authorization_url("https://publisher.example/zalo/callback", "st-1", challenge)
    answer = httpx.get(url + f"&oa_id={ZALO_OA}", follow_redirects=False)
    query = parse_qs(urlparse(answer.headers["location"]).query)
    assert query["state"] == ["st-1"]
    code = query["code"][0]

    with pytest.raises(AuthError):
        connector.exchange_code(code, "wrong-verifier")  # the code is single-use...
    with pytest.raises(AuthError):
        connector.exchange_code(code, verifier)  # ...so the right verifier is too late

    answer = httpx.get(url + f"&oa_id={ZALO_OA}", follow_redirects=False)
    code = parse_qs(urlparse(answer.headers["location"]).query)["code"][0]
    tokens = connector.exchange_code(code, verifier)
    assert tokens.access_token.startswith("zat-") and tokens.expires_in == 90000


def test_an_expired_code_is_refused(make_connector: ConnectorFactory, sb: SandboxClient) -> None:
    connector = zalo(make_connector)
    verifier, challenge = pkce_pair()
    url = connector.authorization_url("https://publisher.example/cb", "s", challenge)
    location = httpx.get(url, follow_redirects=False).headers["location"]
    sb.zalo(advance=11 * 60)
    with pytest.raises(AuthError) as info:
        connector.exchange_code(parse_qs(urlparse(location).query)["code"][0], verifier)
    assert info.value.code == "zalo:-14014"


def test_broadcast_sends_the_article_to_the_target(
    make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    sb.zalo(at=_vn_noon())
    connector = zalo(make_connector, broadcast=True, target_cities="24, 25")
    result = connector.publish(post())
    [sent] = sb.zalo()["broadcasts"]
    assert sent["article_id"] == result.external_id and sent["target"] == {"cities": "24,25"}
    assert result.raw["broadcast"]["status"] == "sent"


def test_a_broadcast_the_gate_refused_is_not_sent(
    make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    connector = zalo(make_connector, broadcast=True)
    result = connector.publish(post(zalo_broadcast="zalo.broadcast.night"))
    assert sb.zalo()["broadcasts"] == []
    assert result.raw["broadcast"] == {"status": "skipped", "reason": "zalo.broadcast.night"}


def test_an_unverified_oa_publishes_the_article_without_broadcast(
    make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    sb.zalo(oas=[{"oa_id": ZALO_OA, "is_verified": False}], at=_vn_noon())
    result = zalo(make_connector, broadcast=True).publish(post())
    assert result.raw["broadcast"]["reason"] == "zalo.error.oa_not_verified"
    assert sb.zalo()["broadcasts"] == [] and len(creates(sb)) == 1


@pytest.mark.parametrize(
    ("code", "reason"),
    [(-234, "zalo.error.night_block"), (-211, "zalo.error.out_of_quota")],
)
def test_a_refused_broadcast_keeps_the_article(
    code: int, reason: str, make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    sb.add_fault("zalo", "error", method="message", code=code)
    result = zalo(make_connector, broadcast=True).publish(post())
    assert result.raw["broadcast"]["status"] == "failed"
    assert result.raw["broadcast"]["reason"] == reason
    assert len(creates(sb)) == 1


def test_a_broadcast_timeout_is_unknown_and_not_retried(
    make_connector: ConnectorFactory, sb: SandboxClient
) -> None:
    sb.zalo(at=_vn_noon())
    sb.add_fault("zalo", "timeout", method="message", when="after", seconds=1.5)
    connector = make_connector("zalo_oa", timeout=0.5, settings={"broadcast": True})
    result = connector.publish(post())
    assert result.raw["broadcast"]["status"] == "unknown"
    assert len(sb.zalo()["broadcasts"]) == 1  # it went out; we did not send a second


def test_rate_limit_waits(make_connector: ConnectorFactory, sb: SandboxClient) -> None:
    sb.add_fault("zalo", "error", method="create", code=-32)
    with pytest.raises(RateLimitedError):
        zalo(make_connector).publish(post())


def test_compose_time_limits(make_connector: ConnectorFactory, tmp_path: Path) -> None:
    connector = zalo(make_connector)
    long_title = OutgoingPost("body", metadata={"title": "T" * 151})
    assert "zalo_title_too_long" in {p.code for p in connector.validate(long_title)}
    assert connector.validate(OutgoingPost("body", metadata={"title": "T" * 150})) == []
    # Without a title of its own, a long first line is shortened at a word.
    first = "Sở KH&CN " * 30
    assert connector.validate(OutgoingPost(first)) == []
    title = ZaloOAConnector.title_of(OutgoingPost(first))
    assert len(title) <= 150 and title.endswith("…")
    assert first.startswith(title[:-1]) and first[len(title) - 1] == " "  # cut at a word
    big = tmp_path / "big.png"
    Image.effect_noise((1200, 1000), 100).convert("RGB").save(big, "PNG")
    assert big.stat().st_size > 1024 * 1024
    cover = OutgoingPost("Title\nbody", (MediaItem.from_path(big),))
    assert "media_too_large" in {p.code for p in connector.validate(cover)}
    author = make_connector("zalo_oa", settings={"author": "A" * 51})
    assert "zalo_author_too_long" in {p.code for p in author.validate(OutgoingPost("t"))}


def test_images_use_zalos_url_when_its_upload_gives_one(
    make_connector: ConnectorFactory, sb: SandboxClient, album: tuple[MediaItem, ...]
) -> None:
    sb.zalo(upload_url=True)  # the CDN URL official samples show
    zalo(make_connector).publish(OutgoingPost(f"{TITLE}\n{BODY}", album))
    [article] = sb.zalo()["articles"]
    assert "/zalo/media/" in article["cover"]["photo_url"]
    assert [b["type"] for b in article["body"]] == ["text", "image", "image"]


def test_without_zalos_url_the_cover_is_our_public_url_and_zalo_fetches_it(
    make_connector: ConnectorFactory,
    sb: SandboxClient,
    album: tuple[MediaItem, ...],
    public_site: str,
) -> None:
    urls = [f"{public_site}/{m.path.name}" for m in album]
    zalo(make_connector).publish(
        OutgoingPost(f"{TITLE}\n{BODY}", album, metadata={"public_media_urls": urls})
    )
    [article] = sb.zalo()["articles"]
    assert article["cover"]["photo_url"] == urls[0]
    assert [b.get("url") for b in article["body"][1:]] == urls[1:]
    # Each image still went through Zalo's upload (which checks it) first.
    assert len([r for r in sb.records("zalo") if r["method"] == "upload"]) == 3


def test_a_cover_zalo_cannot_fetch_as_a_small_jpg_or_png_is_refused(
    make_connector: ConnectorFactory,
    sb: SandboxClient,
    photo: MediaItem,
    public_site: str,
) -> None:
    for url in (f"{public_site}/clip.mp4", f"{public_site}/missing.jpg"):
        with pytest.raises(PermanentError):
            zalo(make_connector).publish(
                OutgoingPost(TITLE, (photo,), metadata={"public_media_urls": [url]})
            )
    assert sb.zalo()["articles"] == []


def test_without_any_url_the_post_fails_before_an_article_is_made(
    make_connector: ConnectorFactory, sb: SandboxClient, photo: MediaItem
) -> None:
    with pytest.raises(PermanentError) as info:
        zalo(make_connector).publish(OutgoingPost(TITLE, (photo,)))
    assert info.value.code == "zalo:cover_url"
    assert sb.zalo()["articles"] == []
    assert [r for r in sb.records("zalo") if r["method"] == "create"] == []


def test_given_public_urls_are_used_as_they_are(
    make_connector: ConnectorFactory, sb: SandboxClient, photo: MediaItem
) -> None:
    url = "https://cdn.sokhcn.gov.vn/anh/18-5.jpg"
    zalo(make_connector).publish(OutgoingPost(TITLE, (photo,), metadata={"media_urls": [url]}))
    [article] = sb.zalo()["articles"]
    assert article["cover"]["photo_url"] == url
    assert [r for r in sb.records("zalo") if r["method"] == "upload"] == []


def test_metrics_read_views_and_shares(make_connector: ConnectorFactory, sb: SandboxClient) -> None:
    connector = zalo(make_connector)
    article_id = connector.publish(post()).external_id
    sb.zalo(views={article_id: [321, 12]})
    metrics = connector.fetch_metrics(article_id)
    assert (metrics.views, metrics.shares) == (321, 12)
    assert "reactions" in metrics.unavailable
    assert connector.oa_info()["num_follower"] > 0


def test_no_token_in_any_error(make_connector: ConnectorFactory, sb: SandboxClient) -> None:
    sb.add_fault("zalo", "error", method="create", code=-201, message="bad: {request}")
    connector = make_connector(
        "zalo_oa", credentials={"access_token": "sandbox-zalo-4242", "app_secret": "s3cret-app"}
    )
    with pytest.raises(Exception) as info:
        connector.publish(post())
    assert "sandbox-zalo-4242" not in str(info.value)


def _vn_noon() -> float:
    """A Unix time at 12:00 in Vietnam on a fixed day (outside the night block)."""
    import datetime as dt
    import zoneinfo

    return dt.datetime(2026, 5, 18, 12, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")).timestamp()


def test_a_cover_over_1_mb_is_fitted_to_a_jpeg_under_it(tmp_path: Path) -> None:
    from media import fit

    big = tmp_path / "cover.png"
    Image.effect_noise((2000, 1500), 120).convert("RGB").save(big, "PNG")
    assert big.stat().st_size > 3 * 1024 * 1024
    fitted = fit.fit(big, ZaloOAConnector.media_limits(), tmp_path / "fitted")  # type: ignore[arg-type]
    assert fitted.changed and fitted.path.suffix == ".jpg"
    assert fitted.bytes <= 1024 * 1024
