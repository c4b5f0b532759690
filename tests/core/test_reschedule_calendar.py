"""posts.reschedule, the calendar's drag: the post moves with its pending deliveries and an
audit row; the past, a time a channel refuses, another organisation's post or an officer
moving an approved post are refused and the post stays where it was."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from publisher.db import session_scope
from publisher.errors import InvalidInput, NotFound, PublisherError
from publisher.models import AuditEvent, Delivery, Post
from publisher.services.publishing import posts
from publisher.services.publishing.posts import PostInput
from publisher.timeutil import utcnow
from tests.factories import make_office, telegram_channel


def _post(office: Any, *, approve: bool = False, hours: int = 48) -> int:
    due = (utcnow() + timedelta(hours=hours)).replace(second=0, microsecond=0)
    with session_scope() as s:
        post = posts.compose(
            s,
            office.actor("officer"),
            PostInput(text="Hội thảo chuyển đổi số", channels=list(office.channels), due_at=due),
        )
        post_id = post.id or 0
        if approve:
            posts.submit(s, office.actor("officer"), post_id)
            posts.approve(s, office.actor("editor"), post_id)
    return post_id


def _due(post_id: int) -> Any:
    with session_scope() as s:
        post = s.get(Post, post_id)
        assert post is not None
        return post.due_at


def test_a_draft_moves_and_the_move_is_audited(db: Any, clock: Any) -> None:
    office = make_office(channels={"Telegram": telegram_channel()})
    post_id = _post(office)
    new = _due(post_id) + timedelta(days=2, hours=3)
    with session_scope() as s:
        posts.reschedule(s, office.actor("officer"), post_id, new)
    assert _due(post_id) == new
    with session_scope() as s:
        row = s.exec(select(AuditEvent).where(AuditEvent.action == "post.reschedule")).one()
        assert row.object_id == str(post_id) or row.object_id == post_id


def test_an_approved_post_moves_with_its_deliveries_when_an_editor_drags_it(
    db: Any, clock: Any
) -> None:
    office = make_office(channels={"Telegram": telegram_channel()})
    post_id = _post(office, approve=True)
    new = _due(post_id) + timedelta(days=1)
    with session_scope() as s:
        posts.reschedule(s, office.actor("editor"), post_id, new)
    with session_scope() as s:
        dues = {d.due_at for d in s.exec(select(Delivery).where(Delivery.post_id == post_id))}
        assert s.get(Post, post_id).status == "scheduled"  # type: ignore[union-attr]
    assert dues == {new}
    # Moved by an officer, the approved post goes back to review (its deliveries cancelled).
    later = new + timedelta(days=1)
    with session_scope() as s:
        posts.reschedule(s, office.actor("officer"), post_id, later)
    with session_scope() as s:
        assert s.get(Post, post_id).status == "in_review"  # type: ignore[union-attr]
        statuses = {d.status for d in s.exec(select(Delivery).where(Delivery.post_id == post_id))}
    assert statuses == {"cancelled"}


@pytest.mark.parametrize("when", ["past", "far"])
def test_the_past_and_the_far_future_are_refused_and_the_post_stays(
    db: Any, clock: Any, when: str
) -> None:
    office = make_office(channels={"Telegram": telegram_channel()})
    post_id = _post(office)
    before = _due(post_id)
    target = utcnow() - timedelta(days=1) if when == "past" else utcnow() + timedelta(days=9000)
    with pytest.raises(InvalidInput), session_scope() as s:
        posts.reschedule(s, office.actor("officer"), post_id, target)
    assert _due(post_id) == before


def test_another_organisations_post_is_not_found(db: Any, clock: Any) -> None:
    ours = make_office("so-a", channels={"Telegram": telegram_channel()})
    theirs = make_office("so-b", channels={"Telegram B": telegram_channel()})
    post_id = _post(theirs)
    before = _due(post_id)
    with pytest.raises(NotFound), session_scope() as s:
        posts.reschedule(s, ours.actor("editor"), post_id, before + timedelta(days=1))
    assert _due(post_id) == before


def test_a_published_post_cannot_be_moved(db: Any, clock: Any) -> None:
    office = make_office(channels={"Telegram": telegram_channel()})
    post_id = _post(office)
    with session_scope() as s:
        post = s.get(Post, post_id)
        assert post is not None
        post.status = "published"
        s.add(post)
    with pytest.raises(PublisherError), session_scope() as s:
        posts.reschedule(s, office.actor("editor"), post_id, utcnow() + timedelta(days=3))
