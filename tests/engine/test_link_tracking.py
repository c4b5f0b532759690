"""Tracked links: made at approval, read (never written) on the publishing path."""

from __future__ import annotations

import pytest
from sqlmodel import select

from publisher.db import session_scope
from publisher.engine.outgoing import Ready, build
from publisher.models import Delivery, TrackedLink
from publisher.services.publishing import posts
from publisher.services.publishing.posts import PostInput
from publisher.timeutil import parse_local
from tests.factories import ADMIN, make_office, telegram_channel, webhook_channel

TEXT = "Xem chi tiết tại https://dost.dongnai.gov.vn/cds-2026 nhé"


def _text(session, delivery) -> str:
    built = build(session, delivery)
    assert isinstance(built, Ready)
    return built.prepared.outgoing.text


def _approved(office):
    with session_scope() as s:
        post = posts.compose(
            s,
            office.actor("admin"),
            PostInput(text=TEXT, channels=["tg", "hook"], due_at=parse_local("10/10/2026 08:00")),
        )
        posts.approve(s, ADMIN, post.id)  # the operator: a web admin may not approve its own
        return post.id


@pytest.fixture
def office(db, clock):
    return make_office(channels={"tg": telegram_channel(), "hook": webhook_channel()})


def test_links_are_tracked_per_delivery_when_the_public_url_is_set(office, monkeypatch):
    monkeypatch.setenv("PUBLISHER_PUBLIC_URL", "https://r57.dongnai.gov.vn")
    post_id = _approved(office)
    with session_scope() as s:
        links = s.exec(select(TrackedLink).where(TrackedLink.post_id == post_id)).all()
        assert len(links) == 2 and len({link.delivery_id for link in links}) == 2
        assert all("utm_source=" in link.target for link in links)
        for delivery in s.exec(select(Delivery).where(Delivery.post_id == post_id)):
            code = next(link.code for link in links if link.delivery_id == delivery.id)
            text = _text(s, delivery)
            assert f"https://r57.dongnai.gov.vn/l/{code}" in text
            assert "dost.dongnai.gov.vn" not in text
    with session_scope() as s:  # publishing read the codes; it made none
        assert len(s.exec(select(TrackedLink)).all()) == 2


def test_links_are_left_alone_without_a_public_url(office, monkeypatch):
    monkeypatch.delenv("PUBLISHER_PUBLIC_URL", raising=False)
    post_id = _approved(office)
    with session_scope() as s:
        assert s.exec(select(TrackedLink)).all() == []
        delivery = s.exec(select(Delivery).where(Delivery.post_id == post_id)).first()
        assert _text(s, delivery) == TEXT
