"""The commune officer's journey: a bulletin made from this week's approved posts, scheduled
like any post, delivered once to a drop folder and to an upload endpoint (the sandbox), and
its plays counted towards the plan's 80% target."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from connectors import signing
from connectors.sandbox import SandboxHandle
from connectors.sandbox.client import SandboxClient
from media.tts import espeak_path
from publisher.db import session_scope
from publisher.engine.claim import ChannelSpecs
from publisher.engine.executor import ExecContext
from publisher.errors import InvalidInput, PublisherError
from publisher.models import Delivery, InboundEvent, MediaAsset, Post
from publisher.services.accounts import orgs
from publisher.services.insight import criteria, inbound, reach
from publisher.services.insight.periods import parse_period
from publisher.services.publishing import bulletins, posts
from tests.factories import ADMIN, Office, make_office

from .conftest import hook_spec, run_once

pytestmark = pytest.mark.skipif(
    espeak_path() is None, reason="espeak-ng is not installed (apt-get install espeak-ng)"
)
SECRET = "sandbox-secret"


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    folder = tmp_path / "drop"
    folder.mkdir()
    return folder


@pytest.fixture
def commune(db: Any, clock: Any, sandbox: SandboxHandle, drop: Path) -> Office:
    inbound.clear_cache()
    office = make_office(
        "xa-tan-phong",
        channels={
            "hook": hook_spec(sandbox.url),
            "loa-thu-muc": {"kind": "grassroots", "settings": {"drop_dir": str(drop)}},
            "loa-tai-len": {
                "kind": "grassroots",
                "settings": {"url": f"{sandbox.url}/grassroots/xa-tan-phong"},
                "credentials": {"secret": SECRET},
            },
        },
    )
    with session_scope() as s:
        office.org.kind = "commune"
        s.add(office.org)
        for slug in ("xa-an-binh", "xa-phu-hoa"):
            orgs.create_org(s, ADMIN, f"Xã {slug}", slug=slug, kind="commune")
    return office


def approved(office: Office, title: str, text: str, due: Any) -> int:
    with session_scope() as s:
        post = posts.compose(
            s,
            office.actor("officer"),
            posts.PostInput(text=text, title=title, channels=["hook"], due_at=due),
        )
        assert post.id is not None
        posts.submit(s, office.actor("officer"), post.id)
        posts.approve(s, office.actor("editor"), post.id)
        return post.id


@pytest.fixture
def week(commune: Office, clock: Any) -> list[int]:
    due = clock.now() + timedelta(hours=2)
    return [
        approved(commune, "Ngày Chuyển đổi số 10/10", "Xã hưởng ứng Ngày CĐS quốc gia 10/10.", due),
        approved(commune, "Tập huấn ĐMST", "Lớp tập huấn ĐMST lúc 8h30 cho 45 hộ dân.", due),
    ]


def _deliveries(post_id: int) -> list[Delivery]:
    with session_scope(readonly=True) as s:
        return list(s.exec(select(Delivery).where(Delivery.post_id == post_id)))


def test_a_bulletin_from_this_weeks_posts_reaches_each_system_once(
    commune: Office,
    week: list[int],
    clock: Any,
    drop: Path,
    sb: SandboxClient,
    ctx: ExecContext,
    specs: ChannelSpecs,
) -> None:
    officer = commune.actor("officer")
    with session_scope() as s:
        offered = bulletins.week_posts(s, officer, date(2026, 10, 1))
        assert [p.id for p in offered] == week
        script = bulletins.draft_script(s, officer, offered, date(2026, 10, 1))
        made = bulletins.make(s, officer, script, title="Bản tin tuần 40")
        assert made.asset_id is not None
        bulletin = bulletins.schedule(
            s, officer, made.asset_id, ["loa-thu-muc", "loa-tai-len"], clock.now()
        )
        assert bulletin.id is not None
        posts.approve(s, commune.actor("editor"), bulletin.id)
        asset = s.get(MediaAsset, made.asset_id)
        assert asset is not None and asset.recipe["script"] == script
        assert "Chuyển đổi số" in script and "tám giờ ba mươi phút" in script
    with session_scope() as s:  # the posts' own deliveries are not this test's
        for d in s.exec(select(Delivery).where(Delivery.post_id != bulletin.id)):
            s.delete(d)

    outcomes = run_once(ctx, specs)

    assert sorted(outcomes.values()) == ["sent", "sent"]
    assert len(list(drop.glob("*.mp3"))) == 1
    assert [p.read_text(encoding="utf-8") for p in drop.glob("*.txt")] == [script]
    assert len(sb.published("grassroots")) == 1
    # The lease of both ran out unnoticed: they are sent again, and nothing doubles.
    with session_scope() as s:
        for d in s.exec(select(Delivery).where(Delivery.post_id == bulletin.id)):
            d.status = "pending"
            d.error_kind = "ambiguous"
            s.add(d)
    run_once(ctx, specs)
    assert len(list(drop.glob("*.mp3"))) == 1
    assert len(sb.published("grassroots")) == 1
    # Next week's bulletin does not read this one as news.
    with session_scope() as s:
        assert [p.id for p in bulletins.week_posts(s, officer, date(2026, 10, 1))] == week


def _sent_bulletin(commune: Office, clock: Any) -> dict[str, Delivery]:
    with session_scope() as s:
        made = bulletins.make(s, commune.actor("officer"), "Bản tin.\n\nTin một.")
        assert made.asset_id is not None
        post = bulletins.schedule(
            s, commune.actor("officer"), made.asset_id, ["loa-thu-muc", "loa-tai-len"], clock.now()
        )
        assert post.id is not None
        posts.approve(s, commune.actor("editor"), post.id)
        rows = {}
        for d in s.exec(select(Delivery).where(Delivery.post_id == post.id)):
            d.status = "sent"
            d.sent_at = clock.now()
            s.add(d)
            rows["loa-thu-muc" if d.channel_id == commune.channels["loa-thu-muc"].id else "up"] = d
        s.flush()
        for d in rows.values():
            s.expunge(d)
        return rows


def _played(clock: Any, key: str, commune: str, event_id: str, secret: str = SECRET) -> Any:
    ts = str(int(clock.now().timestamp()))
    body = json.dumps(
        {"event": "played", "event_id": event_id, "delivery": key, "commune": commune}
    ).encode()
    headers = {
        signing.TIMESTAMP_HEADER: ts,
        signing.HMAC_HEADER: signing.hmac_signature(secret, ts, body),
    }
    return body, headers


@pytest.fixture
def api(commune: Office, clock: Any) -> Iterator[TestClient]:
    from publisher.api import create_app

    yield TestClient(create_app(clock=clock))


def test_plays_come_back_signed_or_confirmed_by_hand_and_count_towards_the_target(
    commune: Office, clock: Any, api: TestClient
) -> None:
    sent = _sent_bulletin(commune, clock)
    body, headers = _played(clock, sent["up"].idempotency_key, "xa-an-binh", "play-1")

    first = api.post("/inbound/loa-tai-len", content=body, headers=headers)
    replay = api.post("/inbound/loa-tai-len", content=body, headers=headers)
    forged = api.post(
        "/inbound/loa-tai-len",
        content=body,
        headers={**headers, signing.HMAC_HEADER: "sha256=" + "0" * 64},
    )

    assert first.status_code == 200 and replay.status_code == 200
    assert forged.status_code == 401
    with session_scope() as s:
        assert reach.confirm_played(
            s, commune.actor("officer"), sent["loa-thu-muc"].id or 0, "xa-tan-phong"
        )
        assert not reach.confirm_played(
            s, commune.actor("officer"), sent["loa-thu-muc"].id or 0, "xa-tan-phong"
        )
        events = s.exec(select(InboundEvent).where(InboundEvent.kind == "played")).all()
        assert len(events) == 2
        rows = {r["key"]: r for r in criteria.evaluate(s, ADMIN, parse_period("2026-H2"))}
    assert rows["grassroots_reach"]["value"] == pytest.approx(66.7)
    assert rows["grassroots_reach"]["target"] == 80
    assert rows["grassroots_reach"]["reached"] is False


def test_a_played_event_must_name_the_commune(commune: Office, clock: Any, api: TestClient) -> None:
    sent = _sent_bulletin(commune, clock)
    body, headers = _played(clock, sent["up"].idempotency_key, "", "play-2")
    answer = api.post("/inbound/loa-tai-len", content=body, headers=headers)
    assert answer.status_code == 400


def test_a_manual_confirmation_needs_a_commune_and_a_sent_bulletin(
    commune: Office, clock: Any, week: list[int]
) -> None:
    sent = _sent_bulletin(commune, clock)
    other = _deliveries(week[0])[0]
    with session_scope() as s, pytest.raises(InvalidInput):
        reach.confirm_played(s, commune.actor("officer"), sent["up"].id or 0, "khong-co-xa")
    with session_scope() as s, pytest.raises(InvalidInput):
        reach.confirm_played(s, commune.actor("officer"), other.id or 0, "xa-an-binh")


def test_a_provider_that_times_out_fails_the_bulletin_and_leaves_nothing(
    commune: Office, sb: SandboxClient, sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    from publisher.config import get_settings

    monkeypatch.setenv("PUBLISHER_TTS_URL", f"{sandbox.url}/tts/synthesize")
    monkeypatch.setenv("PUBLISHER_TTS_KEY", "sandbox-tts-key")
    monkeypatch.setenv("PUBLISHER_TTS_TIMEOUT", "0.5")
    get_settings.cache_clear()
    sb.add_fault("tts", "timeout", seconds=1.5, times=1)

    with session_scope() as s, pytest.raises(PublisherError) as info:
        bulletins.make(s, commune.actor("officer"), "Tin một.\n\nTin hai.", voice="provider")
    assert info.value.key == "error.bulletin_tts_timeout"
    assert "sandbox-tts-key" not in info.value.message()
    with session_scope(readonly=True) as s:
        assert s.exec(select(MediaAsset)).all() == []
        assert s.exec(select(Post).where(Post.title.startswith("Bản tin"))).all() == []  # type: ignore[union-attr]

    # Tried again, the provider answers: the bulletin is made from scratch (a generous
    # timeout now: this part is about the outcome, not the clock on a loaded machine).
    monkeypatch.setenv("PUBLISHER_TTS_TIMEOUT", "20")
    get_settings.cache_clear()
    with session_scope() as s:
        made = bulletins.make(s, commune.actor("officer"), "Tin một.\n\nTin hai.", voice="provider")
    assert made.voice == "provider" and made.duration > 3


def _wav(amplitude: float, seconds: float = 2.0) -> bytes:
    import io
    import math
    import struct
    import wave

    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(
            b"".join(
                struct.pack("<h", round(amplitude * 32767 * math.sin(n / 5)))
                for n in range(round(seconds * 16000))
            )
        )
    return buf.getvalue()


def test_an_officer_s_own_recording_becomes_the_bulletin_and_a_silent_one_is_refused(
    commune: Office,
) -> None:
    officer = commune.actor("officer")
    with session_scope() as s:
        made = bulletins.make(s, officer, "Tin một.", recording=_wav(0.3), recording_name="a.wav")
        assert made.voice == "recording" and made.asset_id is not None
        asset = s.get(MediaAsset, made.asset_id)
        assert asset is not None and asset.recipe["voice"] == "recording"
    with session_scope() as s, pytest.raises(PublisherError) as info:
        bulletins.make(s, officer, "Tin hai.", recording=_wav(0.0), recording_name="im.wav")
    assert info.value.key == "media.error.recording_silent"
    assert info.value.message("vi") == "Bản ghi âm «im.wav» không có tiếng (quá nhỏ hoặc im lặng)"
    with session_scope(readonly=True) as s:
        assert len(s.exec(select(MediaAsset)).all()) == 1
