"""The whole path of a national day's plan with media, on SQLite and on PostgreSQL.

An officer scaffolds the 10/10 plan with media and sends it for review in one transaction;
an editor approves it; two render executors (separate lease owners, each with its own
thread, claiming from the same queue: SKIP LOCKED on PostgreSQL) make the countdown cards,
the day's clip, the recap card and every channel's version; then, at each post's due time,
the delivery engine publishes it to Facebook, Telegram and the Zalo-style webhook (the real
client libraries, the sandbox emulators over loopback HTTP) with its media — and not a
second earlier.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta
from typing import Any

from sqlmodel import col, func, select

from connectors.sandbox.client import SandboxClient
from publisher.db import session_scope
from publisher.engine import renders as engine
from publisher.engine.claim import ChannelSpecs
from publisher.engine.executor import ExecContext
from publisher.models import MediaAsset, Post, PostStatus, RenderJob
from publisher.services.publishing import plans, review
from publisher.services.publishing.campaign_media import scaffold_with_media
from tests.engine.conftest import fb_spec, hook_spec, run_once, tg_spec
from tests.factories import Office, make_office

SIZE = "480x480"


def _office(url: str) -> Office:
    channels = {"fb": fb_spec(url), "tg": tg_spec(url), "zalo": hook_spec(url)}
    channels["fb"]["settings"]["image_size"] = "480x600"
    channels["tg"]["settings"]["image_size"] = SIZE
    return make_office("ubnd-tinh", channels=channels)


def _render_everything(owners: list[str], timeout: float = 240.0) -> None:
    """Run two render executors until the queue is empty (or fail after ``timeout``)."""
    executors = [engine.RenderExecutor(o, slots=1, poll=0.05).start() for o in owners]
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with session_scope(readonly=True) as s:
                left = s.exec(
                    select(func.count())
                    .select_from(RenderJob)
                    .where(col(RenderJob.status).in_(["queued", "rendering"]))
                ).one()
            if left == 0:
                break
            time.sleep(0.1)
        else:
            raise AssertionError(f"renders still queued after {timeout} s")
    finally:
        for ex in executors:
            ex.stop(timeout=30)
    assert not sum(ex.results["error"] for ex in executors)


def test_the_plan_is_rendered_ahead_and_every_post_publishes_with_its_media_on_time(
    db: Any,
    clock: Any,
    sandbox: Any,
    sb: SandboxClient,
    ctx: ExecContext,
    specs: ChannelSpecs,
    monkeypatch: Any,
) -> None:
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_WEBHOOKS", "1")  # the emulator is on loopback
    office = _office(sandbox.url)
    with session_scope() as s:
        result, media = scaffold_with_media(
            s,
            office.actor("officer"),
            "ngay-cds",
            2026,
            ["fb", "tg", "zalo"],
            clip_size=(480, 480),
            clip_slide_seconds=1.0,
        )
        sent = plans.submit_plan(s, office.actor("officer"), result)
    # Planned on 01/10/2026: D-14 has passed; D-7, D-3, D-1, the day and D+1 remain.
    assert result.skipped_past == ["D-14"] and len(sent) == 5
    assert media.queued == 6  # four cards, the day's card and its clip
    with session_scope() as s:
        for post_id in sent:
            review.approve(s, office.actor("editor"), post_id)

    _render_everything(["render-a", "render-b"])
    with session_scope(readonly=True) as s:
        jobs = list(s.exec(select(RenderJob)))
        assets = list(s.exec(select(MediaAsset)))
        posts = sorted(s.exec(select(Post)), key=lambda p: p.due_at or p.created_at)
    assert Counter(j.status for j in jobs) == {"done": len(jobs)}
    # Each card and clip once, plus one version per (post, channel) that needs one.
    assert len({a.sha256 for a in assets}) == len(assets)
    assert Counter(j.kind for j in jobs)["fit"] == 5 * 3

    expected = {"facebook": 0, "telegram": 0, "webhook": 0}
    for post in posts:
        assert post.status == PostStatus.SCHEDULED and post.due_at is not None
        clock.set(post.due_at - timedelta(seconds=1))
        assert run_once(ctx, specs) == {}  # not a second early
        clock.set(post.due_at)
        outcomes = run_once(ctx, specs)
        assert sorted(outcomes.values()) == ["sent"] * 3, outcomes
        for platform in expected:
            expected[platform] += 1
        published = sb.published()
        counts = Counter(r["platform"] for r in published)
        assert counts == {k: v for k, v in expected.items()}, counts
        newest = {r["platform"]: r for r in published}  # records are in arrival order
        day = post.plan_key is not None and post.plan_key.endswith(":D0")
        for platform, record in newest.items():
            carried = record.get("files") or (record.get("payload") or {}).get("media")
            assert carried, (platform, sorted(record))
            # The day's post carries the clip; the others their countdown or recap card.
            assert ("video" in str(record).lower()) == day, (platform, record)
    with session_scope(readonly=True) as s:
        final = {p.status for p in s.exec(select(Post))}
    assert final == {PostStatus.PUBLISHED}
