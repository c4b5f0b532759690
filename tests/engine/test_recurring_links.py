"""Recurring posts: every occurrence carries its own tracked links, and their clicks count."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from connectors.sandbox.client import SandboxClient
from publisher.api import create_app
from publisher.db import session_scope
from publisher.engine.claim import ChannelSpecs
from publisher.engine.executor import ExecContext
from publisher.engine.recurring import expand
from publisher.models import Delivery, TrackedLink
from publisher.services.insight import engagement, stats
from tests.engine.conftest import delivery, later, run_once, schedule
from tests.factories import ADMIN

PUBLIC = "https://r57.dongnai.gov.vn"
TARGET = "https://dost.dongnai.gov.vn/ban-tin-tuan"
TEXT = f"Bản tin chuyển đổi số tuần này: {TARGET}"


def link_codes(post_id: int) -> dict[int, str]:
    """The tracked link code of each delivery of ``post_id`` (one link each here)."""
    with session_scope(readonly=True) as s:
        rows = s.exec(
            select(TrackedLink.delivery_id, TrackedLink.code)
            .join(Delivery, col(Delivery.id) == TrackedLink.delivery_id)
            .where(Delivery.post_id == post_id)
        ).all()
    codes: dict[int, str] = {}
    for delivery_id, code in rows:
        assert delivery_id is not None and delivery_id not in codes
        codes[delivery_id] = code
    return codes


def test_every_occurrence_gets_its_own_tracked_links_once(
    office: Any, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUBLISHER_PUBLIC_URL", PUBLIC)
    post_id, first = schedule(TEXT, ["tg", "hook"], due_at=later(60), recurrence="weekly")
    assert set(link_codes(post_id)) == set(first)  # the first occurrence's, made at approval
    assert expand("w") == 6  # weeks 1-3 on two channels
    codes = link_codes(post_id)
    assert len(codes) == 8 and len(set(codes.values())) == 8
    assert expand("w") == 0
    assert link_codes(post_id) == codes  # expanding again makes no second link


def test_occurrences_have_no_tracked_links_without_a_public_url(
    office: Any, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PUBLISHER_PUBLIC_URL", raising=False)
    post_id, _ = schedule(TEXT, ["tg"], due_at=later(60), recurrence="weekly")
    assert expand("w") == 3
    assert link_codes(post_id) == {}


def test_second_occurrence_is_published_with_its_link_and_its_clicks_are_counted(
    office: Any,
    clock: Any,
    sb: SandboxClient,
    ctx: ExecContext,
    specs: ChannelSpecs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PUBLISHER_PUBLIC_URL", PUBLIC)
    post_id, first = schedule(TEXT, ["tg", "hook"], due_at=later(60), recurrence="weekly")
    expand("w")
    codes = link_codes(post_id)
    clock.advance(60)
    assert sorted(run_once(ctx, specs).values()) == ["sent", "sent"]
    clock.advance(days=7)
    second = run_once(ctx, specs)
    assert sorted(second.values()) == ["sent", "sent"] and set(second).isdisjoint(first)

    published = sb.published()
    assert len(published) == 4
    first_texts = [r["text"] for r in published[:2]]
    second_texts = [r["text"] for r in published[2:]]
    for delivery_id in second:
        short = f"{PUBLIC}/l/{codes[delivery_id]}"
        assert any(short in text for text in second_texts)
        assert not any(short in text for text in first_texts)
    assert not any(TARGET in text for text in first_texts + second_texts)

    tg_id = next(i for i in second if delivery(i).channel_id == office.channels["tg"].id)
    client = TestClient(create_app(clock=clock))
    r = client.get(f"/l/{codes[tg_id]}", follow_redirects=False)
    assert r.status_code == 302
    assert r.headers["location"].startswith(f"{TARGET}?utm_source=telegram")

    engagement.collect_all()
    with session_scope(readonly=True) as s:
        rows = stats.per_delivery(s, ADMIN, stats.StatsFilter())
        total = stats.totals(s, ADMIN, stats.StatsFilter())
    clicks = {row["delivery_id"]: row["clicks"] for row in rows}
    assert set(clicks) == set(first) | set(second)  # both occurrences are in the statistics
    assert clicks[tg_id] == 1
    assert all(n == 0 for i, n in clicks.items() if i != tg_id)
    assert total["clicks"] == 1
