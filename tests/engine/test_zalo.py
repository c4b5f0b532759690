"""Zalo OA through the engine: tokens refreshed under the row lock, broadcasts decided at claim
time on the injected clock, and workers killed (kill -9) between article create and verify,
and between verify and broadcast — against the Zalo emulator over real HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import select

from connectors.sandbox import SandboxHandle
from connectors.sandbox.client import SandboxClient
from connectors.zalo_oa import ZaloOAConnector
from publisher.db import session_scope
from publisher.engine.claim import ChannelSpecs, claim_due
from publisher.engine.executor import ExecContext, execute
from publisher.engine.reconcile import sweep_expired
from publisher.models import Alert, Channel, ZaloBroadcast
from publisher.security import decrypt_credentials
from publisher.services.publishing import channels as channels_svc
from publisher.services.publishing import zalo_tokens
from tests.factories import Office, make_office

from .conftest import delivery, run_once, schedule

OA = "4242"
VN_DAY = datetime(2026, 10, 1, 0, 0, tzinfo=UTC)  # the clock fixture: 07:00 in Vietnam


def zalo_spec(url: str, tag: str = "first", **settings: Any) -> dict[str, Any]:
    return {
        "kind": "zalo_oa",
        "settings": {
            "oa_id": OA,
            "app_id": "app-1",
            "oauth_url": f"{url}/zalo/oauth",
            "openapi_url": f"{url}/zalo/openapi",
            **settings,
        },
        "credentials": {
            "app_secret": "sandbox-zalo-secret",
            "access_token": f"zat-{tag}",
            "refresh_token": f"zrt-{tag}",
        },
    }


@pytest.fixture(autouse=True)
def _fast_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ZaloOAConnector, "verify_interval", 0.01)


@pytest.fixture
def sbz(sandbox: SandboxHandle, clock: Any) -> SandboxClient:
    """The sandbox with Zalo's clock on the test clock and the channel's first tokens."""
    client = SandboxClient(sandbox.url)
    client.zalo(
        at=clock.now().timestamp(),
        tokens=[
            {
                "oa_id": OA,
                "app_id": "app-1",
                "access_token": f"zat-{tag}",
                "refresh_token": f"zrt-{tag}",
            }
            for tag in ("first", "bc")
        ],
    )
    return client


@pytest.fixture
def zoffice(db: Any, clock: Any, sandbox: SandboxHandle, sbz: SandboxClient) -> Office:
    url = sandbox.url
    return make_office(
        "so-khcn",
        channels={
            "zalo": zalo_spec(url),
            "zalo-bc": zalo_spec(url, "bc", broadcast=True, package="basic"),
        },
    )


def records(sb: SandboxClient, method: str) -> list[dict[str, Any]]:
    return [r for r in sb.records("zalo") if r["method"] == method]


def articles(sb: SandboxClient) -> list[dict[str, Any]]:
    return list(sb.zalo()["articles"])


def broadcasts(sb: SandboxClient) -> list[dict[str, Any]]:
    return list(sb.zalo()["broadcasts"])


def channel_row(name: str) -> Channel:
    with session_scope(readonly=True) as s:
        row = s.exec(select(Channel).where(Channel.name == name)).one()
        s.expunge(row)
        return row


def reservations() -> list[ZaloBroadcast]:
    with session_scope(readonly=True) as s:
        return list(s.exec(select(ZaloBroadcast)))


# -- publish and broadcast ----------------------------------------------------------------------
def test_a_post_becomes_one_article_and_one_broadcast(
    zoffice: Office, ctx: ExecContext, specs: ChannelSpecs, sbz: SandboxClient
) -> None:
    _, [d_id] = schedule("Ngày hội KH&CN 2026\nMời bà con tham dự.", ["zalo-bc"])
    assert run_once(ctx, specs) == {d_id: "sent"}
    [article] = articles(sbz)
    assert article["title"] == "Ngày hội KH&CN 2026"
    assert delivery(d_id).external_id == article["id"]
    [sent] = broadcasts(sbz)
    assert sent["article_id"] == article["id"]
    [row] = reservations()
    assert (row.status, row.message_id) == ("sent", sent["message_id"])


def test_one_broadcast_a_day_is_decided_at_claim_not_by_failing(
    zoffice: Office, ctx: ExecContext, specs: ChannelSpecs, sbz: SandboxClient, clock: Any
) -> None:
    schedule("Tin sáng", ["zalo-bc"])
    run_once(ctx, specs)
    _, [second] = schedule("Tin chiều", ["zalo-bc"])
    assert run_once(ctx, specs) == {second: "sent"}
    assert len(articles(sbz)) == 2 and len(broadcasts(sbz)) == 1
    assert len(records(sbz, "message")) == 1  # the second was never attempted
    with session_scope(readonly=True) as s:
        keys = [a.message_key for a in s.exec(select(Alert).where(Alert.kind == "broadcast"))]
    assert keys == ["zalo.broadcast.today"]
    # Basic package: one a month. Tomorrow is still refused (monthly quota), no request.
    clock.advance(days=1)
    sbz.zalo(advance=86400)
    _, [third] = schedule("Tin hôm sau", ["zalo-bc"])
    assert run_once(ctx, specs) == {third: "sent"}
    assert len(records(sbz, "message")) == 1 and len(reservations()) == 1


def test_the_night_block_is_respected_on_the_injected_clock(
    zoffice: Office, ctx: ExecContext, specs: ChannelSpecs, sbz: SandboxClient, clock: Any
) -> None:
    clock.set(datetime(2026, 10, 1, 16, 30, tzinfo=UTC))  # 23:30 in Vietnam
    sbz.zalo(at=clock.now().timestamp())
    _, [d_id] = schedule("Tin đêm", ["zalo-bc"])
    assert run_once(ctx, specs) == {d_id: "sent"}
    assert len(articles(sbz)) == 1
    assert records(sbz, "message") == [] and reservations() == []
    # The unit is told why, in one line.
    with session_scope(readonly=True) as s:
        [alert] = s.exec(select(Alert).where(Alert.kind == "broadcast"))
    assert alert.message_key == "zalo.broadcast.night" and alert.object_id == d_id


# -- tokens -------------------------------------------------------------------------------------
def test_an_expired_token_is_refreshed_once_and_stored_encrypted(
    zoffice: Office, ctx: ExecContext, specs: ChannelSpecs, sbz: SandboxClient
) -> None:
    sbz.zalo(advance=26 * 3600)  # the first access token (25 h) has expired at Zalo
    _, [d_id] = schedule("Sau khi hết hạn", ["zalo"])
    assert run_once(ctx, specs) == {d_id: "sent"}
    assert len(records(sbz, "access_token")) == 1
    row = channel_row("zalo")
    creds = decrypt_credentials(row.credentials_encrypted)
    assert creds["refresh_token"].startswith("zrt-") and creds["refresh_token"] != "zrt-first"
    assert "zrt-first" not in row.credentials_encrypted
    assert row.token_expires_at is not None and row.refresh_expires_at is not None


def test_two_executors_race_one_refresh_and_both_publish_with_the_new_token(
    zoffice: Office, sbz: SandboxClient
) -> None:
    sbz.zalo(advance=26 * 3600)
    # The refresh answer is slow, so the second executor's -220 comes while the first
    # refresh is in flight and it must wait for the channel row. The first two posts are
    # answered slowly too: the executor that refreshes holds the channel row (on SQLite the
    # write lock) while it does, so the other must have sent its post with the old token
    # before the first -220 comes back, and on a loaded CI machine the second thread
    # sometimes started later than that (the race this test is about did not happen).
    sbz.add_fault("zalo", "latency", method="create", seconds=2.0, times=2)
    sbz.add_fault("zalo", "latency", method="access_token", seconds=3.0, times=None)
    _, ids = schedule("Hai luồng", ["zalo"])
    _, more = schedule("Hai luồng nữa", ["zalo"])
    ids += more
    ctx_a = ExecContext("exec-a", _limiter(), lease_seconds=120, timeout=5.0)
    ctx_b = ExecContext("exec-b", _limiter(), lease_seconds=120, timeout=5.0)
    specs = ChannelSpecs(ttl=0)
    claimed_a = claim_due(
        "exec-a", ctx_a.limiter, specs, limit=1, lease_seconds=120, grace_seconds=6 * 3600
    )
    claimed_b = claim_due(
        "exec-b", ctx_b.limiter, specs, limit=1, lease_seconds=120, grace_seconds=6 * 3600
    )
    assert len(claimed_a) == len(claimed_b) == 1
    results: dict[int, str] = {}
    threads = [
        threading.Thread(
            target=lambda: results.update({claimed_a[0]: execute(claimed_a[0], ctx_a)})
        ),
        threading.Thread(
            target=lambda: results.update({claimed_b[0]: execute(claimed_b[0], ctx_b)})
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results.values()) == ["sent", "sent"]
    assert len(records(sbz, "access_token")) == 1
    refused = [r for r in records(sbz, "create") if not r["accepted"]]
    assert len(refused) == 2  # both saw the old token refused (the race happened)
    assert len(articles(sbz)) == 2


def test_a_refused_refresh_flags_the_channel_and_alerts(
    zoffice: Office, ctx: ExecContext, specs: ChannelSpecs, sbz: SandboxClient
) -> None:
    sbz.zalo(advance=26 * 3600)
    # Someone used the refresh token elsewhere: it was rotated and is refused now.
    with session_scope() as s:
        ch = s.exec(select(Channel).where(Channel.name == "zalo")).one()
        connector = ZaloOAConnector(zalo_tokens_config(ch), timeout=5.0)
    connector.refresh_tokens("zrt-first")
    _, [d_id] = schedule("Mã đã bị dùng", ["zalo"])
    assert run_once(ctx, specs) == {d_id: "failed"}
    row = channel_row("zalo")
    assert row.health == "flagged" and "zalo:-14003" in row.health_detail
    with session_scope(readonly=True) as s:
        alerts = list(
            s.exec(select(Alert).where(Alert.object_type == "channel", Alert.object_id == row.id))
        )
    assert [a.message_key for a in alerts] == ["alert.channel_auth"]
    assert "zrt-" not in row.health_detail and "zat-" not in row.health_detail
    assert articles(sbz) == []


def test_three_days_later_posts_still_go_out(
    zoffice: Office, ctx: ExecContext, specs: ChannelSpecs, sbz: SandboxClient, clock: Any
) -> None:
    for day in range(3):
        clock.advance(days=1)
        sbz.zalo(advance=86400)
        # both channels, ahead of expiry
        assert zalo_tokens.refresh_due(channels_svc.make_connector) == 2
        _, [d_id] = schedule(f"Ngày {day}", ["zalo"])
        assert run_once(ctx, specs) == {d_id: "sent"}
    assert len(articles(sbz)) == 3
    assert len(records(sbz, "access_token")) == 6


def test_a_refresh_token_near_its_end_alerts_the_unit(
    zoffice: Office, sbz: SandboxClient, clock: Any
) -> None:
    zalo_tokens.refresh_due(channels_svc.make_connector)
    # Zalo stops answering refreshes (outage); 80 days later the refresh token nears its end.
    sbz.add_fault("zalo", "error", method="access_token", status=503, times=None)
    clock.advance(days=80)
    assert zalo_tokens.refresh_due(channels_svc.make_connector) == 0
    with session_scope(readonly=True) as s:
        keys = {a.message_key for a in s.exec(select(Alert))}
    assert "alert.zalo_refresh_ending" in keys


# -- kill -9 ------------------------------------------------------------------------------------
WORKER = textwrap.dedent(
    """
    import sys
    from datetime import datetime
    from connectors.zalo_oa import ZaloOAConnector
    from publisher.engine.executor import ExecContext, execute
    from publisher.engine.ratelimit import RateLimiter
    from publisher.timeutil import FrozenClock, set_clock

    set_clock(FrozenClock(datetime.fromisoformat(sys.argv[2])))
    ZaloOAConnector.verify_interval = 0.01
    ctx = ExecContext("doomed", RateLimiter(), lease_seconds=60, timeout=60.0)
    execute(int(sys.argv[1]), ctx)
    """
)


def _run_and_kill(d_id: int, sb: SandboxClient, clock: Any, until: str) -> None:
    """Execute ``d_id`` in another process (owner ``doomed``) and kill -9 it once the
    sandbox has received a ``until`` request (held there by a latency fault)."""
    # Only this worker's requests count: a request an earlier test's killed worker left
    # held in the emulator (a latency fault) is recorded too, and must not trigger the kill.
    spawned = time.time()
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(d_id), clock.now().isoformat()],
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    try:
        deadline = time.monotonic() + 30
        while not any(
            r["method"] == until and r["received_at"] >= spawned for r in sb.records("zalo")
        ):
            assert proc.poll() is None, "the worker ended before the kill point"
            assert time.monotonic() < deadline, "the worker never reached the kill point"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize(
    ("hold", "until", "channel"),
    [
        ("verify", "create", "zalo"),  # killed between article create and verify
        ("getoa", "verify", "zalo-bc"),  # killed between verify and the broadcast
    ],
)
def test_kill_9_leaves_exactly_one_article_and_at_most_one_broadcast(
    hold: str,
    until: str,
    channel: str,
    zoffice: Office,
    sbz: SandboxClient,
    clock: Any,
) -> None:
    sbz.add_fault("zalo", "latency", method=hold, seconds=20)
    _, [d_id] = schedule("Bài không được trùng", [channel])
    specs = ChannelSpecs(ttl=0)
    from publisher.engine.ratelimit import RateLimiter

    assert claim_due(
        "doomed", RateLimiter(), specs, limit=5, lease_seconds=60, grace_seconds=6 * 3600
    ) == [d_id]
    _run_and_kill(d_id, sbz, clock, until)
    assert delivery(d_id).status == "sending"
    sbz.clear_faults()

    clock.advance(61)  # the lease expires; the sweep takes it over and looks first
    assert sweep_expired("alive", lease_seconds=60, timeout=5.0) == 1

    assert delivery(d_id).status == "sent"
    assert len(articles(sbz)) == 1 and len(records(sbz, "create")) == 1
    assert len(broadcasts(sbz)) <= 1
    assert delivery(d_id).external_id == articles(sbz)[0]["id"]


def _limiter() -> Any:
    from publisher.engine.ratelimit import RateLimiter

    return RateLimiter()


def zalo_tokens_config(channel: Channel) -> Any:
    from publisher.services.publishing import channels as channels_svc

    return channels_svc.channel_config(channel)


# -- engagement ---------------------------------------------------------------------------------
def test_views_shares_and_followers_are_collected(
    zoffice: Office, ctx: ExecContext, specs: ChannelSpecs, sbz: SandboxClient
) -> None:
    from publisher.models import EngagementSnapshot
    from publisher.services.insight import audience, engagement
    from tests.factories import ADMIN

    _, [d_id] = schedule("Bài có lượt xem", ["zalo"])
    run_once(ctx, specs)
    sbz.zalo(
        views={delivery(d_id).external_id: [321, 12]},
        oas=[{"oa_id": OA, "followers": 5000}],
    )
    engagement.collect_all()
    assert audience.collect() == 2
    with session_scope(readonly=True) as s:
        [snap] = s.exec(select(EngagementSnapshot).where(EngagementSnapshot.delivery_id == d_id))
        assert (snap.views, snap.shares, snap.reactions) == (321, 12, None)
        rows = audience.current(s, ADMIN)
    assert {r["channel"]: r["count"] for r in rows} == {"zalo": 5000, "zalo-bc": 5000}
    sbz.zalo(oas=[{"oa_id": OA, "followers": 5012}])
    audience.collect()
    with session_scope(readonly=True) as s:
        assert {r["change"] for r in audience.current(s, ADMIN)} == {12}
