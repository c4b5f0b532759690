"""Engine fixtures: the sandbox emulators, an office whose channels point at them, posts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from connectors.clients import ClientCache
from connectors.sandbox import SandboxHandle
from publisher.db import session_scope
from publisher.engine.claim import ChannelSpecs, claim_due
from publisher.engine.executor import ExecContext, execute
from publisher.engine.ratelimit import RateLimiter
from publisher.models import Alert, Delivery, Post
from publisher.services.publishing import posts as posts_svc
from publisher.timeutil import utcnow
from tests.factories import ADMIN, Office, make_office

FB_PAGE = "1001"
TG_TOKEN = "4242:sandbox-test"
OWNER = "test-worker"


@pytest.fixture(autouse=True)
def _loopback_webhooks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBLISHER_ALLOW_PRIVATE_WEBHOOKS", "1")
    monkeypatch.delenv("PUBLISHER_WEBHOOK_ALLOWLIST", raising=False)
    monkeypatch.delenv("PUBLISHER_ALERT_TELEGRAM_TOKEN", raising=False)


def fb_spec(url: str, page: str = FB_PAGE) -> dict[str, Any]:
    return {
        "kind": "facebook",
        "settings": {"page_id": page, "graph_url": url + "/"},
        "credentials": {"access_token": f"sandbox-fb-{page}"},
    }


def tg_spec(url: str, chat: str = "@sandbox_news", token: str = TG_TOKEN) -> dict[str, Any]:
    return {
        "kind": "telegram",
        "settings": {"chat_id": chat, "api_base_url": url},
        "credentials": {"bot_token": token},
    }


def hook_spec(url: str, name: str = "office") -> dict[str, Any]:
    return {
        "kind": "webhook",
        "settings": {"url": f"{url}/hooks/{name}", "signature": "hmac"},
        "credentials": {"secret": "sandbox-secret"},
    }


@pytest.fixture
def office(db: Any, clock: Any, sandbox: SandboxHandle) -> Office:
    url = sandbox.url
    return make_office(
        "so-khcn", channels={"fb": fb_spec(url), "tg": tg_spec(url), "hook": hook_spec(url)}
    )


def schedule(
    text: str, channels: list[str], due_at: datetime | None = None, **kw: Any
) -> tuple[int, list[int]]:
    """Compose and approve a post (admin); returns (post id, delivery ids)."""
    due_at = due_at or utcnow()
    with session_scope() as s:
        post = posts_svc.compose(
            s, ADMIN, posts_svc.PostInput(text=text, channels=channels, due_at=due_at, **kw)
        )
        assert post.id is not None
        posts_svc.approve(s, ADMIN, post.id)
        ids = [d.id for d in s.exec(select(Delivery).where(Delivery.post_id == post.id))]
    return post.id, [i for i in ids if i is not None]


def delivery(delivery_id: int) -> Delivery:
    with session_scope(readonly=True) as s:
        d = s.get(Delivery, delivery_id)
        assert d is not None
        return d


def post_status(post_id: int) -> str:
    with session_scope(readonly=True) as s:
        p = s.get(Post, post_id)
        assert p is not None
        return p.status


def open_alerts(kind: str | None = None) -> list[Alert]:
    with session_scope(readonly=True) as s:
        stmt = select(Alert)
        if kind:
            stmt = stmt.where(Alert.kind == kind)
        return list(s.exec(stmt))


@pytest.fixture
def ctx() -> Iterator[ExecContext]:
    # Kept clients, as a worker's executor threads have them.
    clients = ClientCache()
    yield ExecContext(OWNER, RateLimiter(), lease_seconds=120, timeout=2.0, clients=clients)
    clients.close()


@pytest.fixture
def specs() -> ChannelSpecs:
    return ChannelSpecs(ttl=0)


def run_once(ctx: ExecContext, specs: ChannelSpecs, limit: int = 10) -> dict[int, str]:
    """Claim what is due now and execute it; returns {delivery id: outcome}."""
    ids = claim_due(
        ctx.owner,
        ctx.limiter,
        specs,
        limit=limit,
        lease_seconds=ctx.lease_seconds,
        grace_seconds=6 * 3600,
    )
    return {i: execute(i, ctx) for i in ids}


def later(seconds: float) -> datetime:
    return utcnow() + timedelta(seconds=seconds)
