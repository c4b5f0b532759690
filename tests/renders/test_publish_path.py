"""The publish path only uploads channel versions the render queue made.

A post approved moments before its time has no channel version yet: the hold queues it (no
fit at publish time), and the finished render makes the delivery due at once instead of
after the 30 s hold. Real parts: the delivery engine, the render executor, the real client
libraries against the sandbox emulators over loopback HTTP; time is the injected clock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from connectors.sandbox.client import SandboxClient
from publisher.config import get_settings
from publisher.db import session_scope
from publisher.engine import renders as engine
from publisher.engine.claim import ChannelSpecs, claim_due
from publisher.engine.executor import ExecContext
from publisher.engine.media_wait import HOLD_SECONDS, WAITING, hold_for_media
from publisher.engine.outgoing import MediaPending, load
from publisher.engine.reconcile import sweep_expired
from publisher.engine.worker import Worker
from publisher.models import Channel, Delivery, MediaAsset, RenderJob
from publisher.services.publishing import posts as posts_svc
from publisher.services.publishing import versions as prepare_svc
from publisher.timeutil import utcnow
from tests.engine.conftest import delivery, fb_spec, run_once, tg_spec
from tests.factories import ADMIN, Office, make_office
from tests.renders.conftest import add_image, alerts


@pytest.fixture(autouse=True)
def _loopback_platforms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_TARGETS", "1")


@pytest.fixture
def office(db: Any, clock: Any, sandbox: Any) -> Office:
    return make_office("so-tttt", channels={"fb": fb_spec(sandbox.url), "tg": tg_spec(sandbox.url)})


def _post_with_image(office: Office, channels: tuple[str, ...] = ("fb", "tg")) -> dict[str, int]:
    """A post with a library image, approved for now: no channel version exists yet.
    Returns {channel kind: delivery id}."""
    image = add_image(office)
    with session_scope() as s:
        post = posts_svc.compose(
            s,
            ADMIN,
            posts_svc.PostInput(
                text="Ảnh hội nghị chuyển đổi số",
                channels=list(channels),
                due_at=utcnow(),
                media_ids=[image],
            ),
        )
        assert post.id is not None
        posts_svc.approve(s, ADMIN, post.id)
        rows = s.exec(
            select(Delivery, Channel)
            .join(Channel, col(Channel.id) == col(Delivery.channel_id))
            .where(Delivery.post_id == post.id)
        ).all()
    return {c.kind: d.id for d, c in rows if d.id is not None}


def _fit_jobs() -> list[RenderJob]:
    with session_scope(readonly=True) as s:
        return list(s.exec(select(RenderJob).where(RenderJob.kind == "fit")))


def test_a_missing_version_is_queued_at_the_hold_and_its_render_wakes_the_delivery(
    office: Office, clock: Any, sb: SandboxClient, ctx: ExecContext, specs: ChannelSpecs
) -> None:
    ids = _post_with_image(office)
    assert _fit_jobs() == []

    assert sorted(run_once(ctx, specs).values()) == [WAITING, WAITING]
    assert sb.published() == []
    jobs = _fit_jobs()
    # One version per channel, queued then and there, due at the post's time.
    assert sorted(j.recipe["channel_kind"] for j in jobs) == ["facebook", "telegram"]
    assert all(j.status == "queued" and j.deadline == utcnow() for j in jobs)
    # Queued just now: a normal short wait, not an alert.
    assert alerts("media_not_ready") == []
    held = utcnow() + timedelta(seconds=HOLD_SECONDS)
    assert all(delivery(i).next_attempt_at == held for i in ids.values())

    # One version finished a second later: only the delivery that waited for it is due now.
    clock.advance(1)  # (a claim spends a rate token: Telegram's refills at 1 message/s)
    assert engine.run_pending("render-exec", max_jobs=1) == {"done": 1}
    [done] = [j for j in _fit_jobs() if j.status == "done"]
    first = {"facebook": ids["facebook"], "telegram": ids["telegram"]}[done.recipe["channel_kind"]]
    [second] = [i for i in ids.values() if i != first]
    assert delivery(first).next_attempt_at == utcnow()
    assert delivery(second).next_attempt_at == held
    assert run_once(ctx, specs) == {first: "sent"}

    clock.advance(1)
    assert engine.run_pending("render-exec") == {"done": 1}
    assert delivery(second).next_attempt_at == utcnow()
    assert run_once(ctx, specs) == {second: "sent"}  # 2 s after the hold began, not 30
    published = sb.published()
    assert len(published) == 2 and all(r.get("files") for r in published)
    assert all(delivery(i).attempts == 1 for i in ids.values())
    # Nothing was fitted on the publish path (its old cache directory is not even made).
    assert not (get_settings().media_dir / "fitted").exists()


def test_a_render_finished_between_the_build_and_the_hold_is_not_waited_for(
    office: Office, clock: Any, sb: SandboxClient, ctx: ExecContext, specs: ChannelSpecs
) -> None:
    ids = _post_with_image(office)
    run_once(ctx, specs)  # held; versions queued
    clock.advance(HOLD_SECONDS)
    claimed = claim_due(
        ctx.owner, ctx.limiter, specs, limit=10, lease_seconds=120, grace_seconds=6 * 3600
    )
    assert sorted(claimed) == sorted(ids.values())
    built = {i: load(i, ctx.owner) for i in claimed}
    assert all(isinstance(b, MediaPending) for b in built.values())
    # The renders finish while the deliveries are still ``sending``: nothing to wake yet.
    clock.advance(1)
    assert engine.run_pending("render-exec") == {"done": 2}
    for pending in built.values():
        assert isinstance(pending, MediaPending)
        assert hold_for_media(pending, ctx.owner) == WAITING
    # The hold saw the finished renders: due now, not in another 30 s.
    assert all(delivery(i).next_attempt_at == utcnow() for i in ids.values())
    assert sorted(run_once(ctx, specs).values()) == ["sent", "sent"]


def test_a_render_recorded_while_the_hold_is_written_is_seen_by_one_side(
    db: Any,
    office: Office,
    clock: Any,
    sb: SandboxClient,
    ctx: ExecContext,
    specs: ChannelSpecs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The render's transaction has marked its job done and looked for held deliveries (none:
    the delivery is still ``sending``) but not committed, while the hold is written. The hold
    waits for the job's row lock (PostgreSQL; SQLite's writer lock) and sees the render done."""
    [delivery_id] = _post_with_image(office, ("tg",)).values()
    run_once(ctx, specs)  # held; its version queued
    clock.advance(HOLD_SECONDS)
    assert claim_due(
        ctx.owner, ctx.limiter, specs, limit=10, lease_seconds=120, grace_seconds=6 * 3600
    ) == [delivery_id]
    pending = load(delivery_id, ctx.owner)
    assert isinstance(pending, MediaPending)

    looked, release = threading.Event(), threading.Event()
    wake_waiting = prepare_svc.wake_waiting

    def paused(session: Any, job: RenderJob) -> list[int]:
        woken = wake_waiting(session, job)
        looked.set()
        assert release.wait(60)
        return woken

    monkeypatch.setattr(prepare_svc, "wake_waiting", paused)
    rendered: list[Any] = []
    render = threading.Thread(
        target=lambda: rendered.append(engine.run_pending("render-exec", max_jobs=1))
    )
    render.start()
    held: list[str] = []
    try:
        assert looked.wait(60)
        hold = threading.Thread(target=lambda: held.append(hold_for_media(pending, ctx.owner)))
        hold.start()
        if db.backend == "postgres":
            assert _wait_for(_waiting_for_a_lock, 15)  # the hold waits for the job's row
    finally:
        release.set()
        render.join(60)
    hold.join(60)
    assert rendered == [{"done": 1}] and held == [WAITING]
    assert delivery(delivery_id).next_attempt_at == utcnow()  # due now, not in 30 s


def _waiting_for_a_lock() -> bool:
    with session_scope(readonly=True) as s:
        waiting = s.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        ).scalar_one()
    return bool(waiting)


def test_a_version_whose_file_is_gone_fails_the_delivery_and_sends_nothing(
    office: Office, clock: Any, sb: SandboxClient, ctx: ExecContext, specs: ChannelSpecs
) -> None:
    ids = _post_with_image(office)
    run_once(ctx, specs)
    clock.advance(1)
    assert engine.run_pending("render-exec") == {"done": 2}
    with session_scope(readonly=True) as s:
        versions = [s.get(MediaAsset, j.result_asset_id) for j in _fit_jobs()]
    for version in {v.path for v in versions if v is not None}:
        (get_settings().media_dir / version).unlink()
    assert sorted(run_once(ctx, specs).values()) == ["failed", "failed"]
    assert sb.published() == []
    for delivery_id in ids.values():
        d = delivery(delivery_id)
        assert d.error_kind == "media" and "file missing" in (d.last_error or "")
    failed = alerts("delivery_failed")
    assert len(failed) == 2 and {a.message_key for a in failed} == {"alert.delivery_media"}


def test_a_lease_expired_before_the_versions_were_made_goes_back_to_pending(
    office: Office, clock: Any, sb: SandboxClient, ctx: ExecContext, specs: ChannelSpecs
) -> None:
    """The worker that claimed it died before any request mark (its media was not rendered,
    so it never called the platform): the delivery goes back to pending, to wait for its
    media, and nothing was sent (the ambiguous case is the marked one: tests/reliability/
    test_kill_points.py)."""
    [delivery_id] = _post_with_image(office, ("fb",)).values()
    run_once(ctx, specs)  # held; its version queued (and never rendered here)
    clock.advance(HOLD_SECONDS)
    assert claim_due(
        "dead-worker", ctx.limiter, specs, limit=10, lease_seconds=60, grace_seconds=6 * 3600
    ) == [delivery_id]
    clock.advance(61)
    assert sweep_expired("sweeper", lease_seconds=60, timeout=2.0) == 1
    d = delivery(delivery_id)
    assert d.status == "pending" and d.request_started_at is None
    assert sb.published() == []


def _wait_for(cond: Callable[[], bool], timeout: float) -> bool:
    """Poll a condition (real time passes only for threads to run, never for due times)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.02)
    return cond()


def test_the_worker_publishes_as_soon_as_the_render_is_done(
    office: Office, clock: Any, sb: SandboxClient, ctx: ExecContext, specs: ChannelSpecs
) -> None:
    ids = _post_with_image(office)
    assert sorted(run_once(ctx, specs).values()) == [WAITING, WAITING]
    # The claimer polls only every 30 s and the clock stands still: the hold never runs out,
    # so only the finished renders can make the deliveries due and wake the claimer.
    worker = Worker(threads=2, poll_interval=30, render_slots=1, executor_only=True)
    try:
        worker.start()
        assert _wait_for(lambda: all(delivery(i).status == "sent" for i in ids.values()), 60)
    finally:
        worker.stop()
    published = sb.published()
    assert len(published) == 2 and all(r.get("files") for r in published)
    assert all(j.status == "done" for j in _fit_jobs())
