"""A delivery whose media is not rendered waits (and alerts), then publishes with it.

Real parts: the delivery engine's claim/execute, the real client libraries, the sandbox
emulators over loopback HTTP, the render executor.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from connectors.sandbox.client import SandboxClient
from publisher.db import session_scope
from publisher.engine import renders as engine
from publisher.engine.claim import ChannelSpecs, claim_due
from publisher.engine.executor import ExecContext, execute
from publisher.engine.media_wait import WAITING
from publisher.i18n import t
from publisher.services.publishing import posts as posts_svc
from publisher.services.studio import render_jobs as renders_svc
from publisher.timeutil import utcnow
from tests.engine.conftest import delivery, fb_spec, tg_spec
from tests.factories import ADMIN, Office, make_office
from tests.renders.conftest import alerts, card, job


@pytest.fixture(autouse=True)
def _loopback_platforms(monkeypatch: pytest.MonkeyPatch) -> None:
    # The sandbox is on 127.0.0.1: the outbound guard refuses loopback base URLs otherwise.
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_TARGETS", "1")


def run_once(ctx: ExecContext, specs: ChannelSpecs) -> dict[int, str]:
    ids = claim_due(
        ctx.owner, ctx.limiter, specs, limit=10, lease_seconds=120, grace_seconds=6 * 3600
    )
    return {i: execute(i, ctx) for i in ids}


def test_a_delivery_waits_for_its_card_then_publishes_it(
    db: Any, clock: Any, sandbox: Any, sb: SandboxClient, ctx: ExecContext, specs: ChannelSpecs
) -> None:
    office: Office = make_office(
        "so-tttt", channels={"fb": fb_spec(sandbox.url), "tg": tg_spec(sandbox.url)}
    )
    with session_scope() as s:
        post = posts_svc.compose(
            s,
            ADMIN,
            posts_svc.PostInput(
                text="Còn 7 ngày đến Ngày Chuyển đổi số quốc gia",
                channels=["fb", "tg"],
                due_at=utcnow() + timedelta(minutes=1),
            ),
        )
        assert post.id is not None
        post_id = post.id
        posts_svc.approve(s, ADMIN, post_id)
        card_job, _ = renders_svc.enqueue(
            s, ADMIN, "infographic", card(office), org_id=office.org.id, post_id=post_id
        )
        card_id = card_job.id
    assert card_id is not None
    clock.advance(60)
    results = run_once(ctx, specs)
    assert sorted(results.values()) == [WAITING, WAITING]
    assert sb.published() == []  # never text without its card
    for delivery_id in results:
        d = delivery(delivery_id)
        assert d.status == "pending" and d.attempts == 0 and d.error_kind == WAITING
        assert d.next_attempt_at == utcnow() + timedelta(seconds=30)
    waiting = alerts("media_not_ready")
    assert len(waiting) == 2
    message = t(waiting[0].message_key, "en", **waiting[0].params)
    assert f"renders #{card_id};" in message and "not ready" in message
    assert run_once(ctx, specs) == {}  # held back, not busy-looping

    # The render executor makes the card and each channel's version; the last version
    # finished makes the held deliveries due at once: the 30 s hold is not waited out.
    clock.advance(1)  # (a claim spends a rate token: Telegram's refills at 1 message/s)
    assert engine.run_pending("render-exec") == {"done": 3}
    assert job(card_id).status == "done"
    assert all(delivery(i).next_attempt_at == utcnow() for i in results)
    assert sorted(run_once(ctx, specs).values()) == ["sent", "sent"]
    published = sb.published()
    assert sorted(r["platform"] for r in published) == ["facebook", "telegram"]
    assert all(r.get("files") for r in published), [sorted(r) for r in published]
    for delivery_id in results:
        assert delivery(delivery_id).attempts == 1


def test_a_failed_render_keeps_the_post_from_publishing(
    db: Any, clock: Any, sandbox: Any, sb: SandboxClient, ctx: ExecContext, specs: ChannelSpecs
) -> None:
    office: Office = make_office("so-gd", channels={"tg": tg_spec(sandbox.url)})
    with session_scope() as s:
        post = posts_svc.compose(
            s,
            ADMIN,
            posts_svc.PostInput(text="Tin", channels=["tg"], due_at=utcnow()),
        )
        assert post.id is not None
        posts_svc.approve(s, ADMIN, post.id)
        bad = card(office, fields={"title": "x" * 400})  # cannot be laid out
        renders_svc.enqueue(s, ADMIN, "infographic", bad, org_id=office.org.id, post_id=post.id)
        post_id = post.id
    assert engine.run_pending("render-exec") == {"failed": 1}
    with session_scope(readonly=True) as s:
        [problem] = renders_svc.post_problems(s, post_id, "en")
    assert "long" in problem
    assert list(run_once(ctx, specs).values()) == [WAITING]
    assert sb.published() == []
    assert len(alerts("render_failed")) == 1 and len(alerts("media_not_ready")) == 1
