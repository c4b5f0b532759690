"""The review desk's services: filters, a plan approved or sent back in one decision, the
history of decisions, overdue posts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from publisher.db import session_scope
from publisher.errors import InvalidInput, PermissionDenied
from publisher.models import PostStatus
from publisher.services.publishing import plans, posts, review
from publisher.services.publishing.posts import PostChanges, PostInput
from publisher.timeutil import parse_local
from tests.factories import make_office, telegram_channel, webhook_channel


@pytest.fixture
def office(db, clock):
    return make_office(channels={"tg": telegram_channel(), "hook": webhook_channel()})


def _plan(office):
    with session_scope() as s:
        result = plans.scaffold(s, office.actor("officer"), "ngay-cds", 2026, ["tg"])
        return plans.submit_plan(s, office.actor("officer"), result)


def _single(office, due="05/10/2026 08:00", channels=("hook",), role="officer"):
    with session_scope() as s:
        post = posts.compose(
            s,
            office.actor(role),
            PostInput(text="Tin lẻ", channels=list(channels), due_at=parse_local(due)),
        )
        posts.submit(s, office.actor(role), post.id)
        return post.id


def test_a_plan_is_approved_in_one_decision_with_one_comment(office):
    ids = _plan(office)
    assert len(ids) >= 3
    with session_scope() as s:
        groups = review.plans_waiting(s, office.actor("editor"))
    assert [len(g.post_ids) for g in groups] == [len(ids)]
    g = groups[0]
    with session_scope() as s:
        done = review.decide_plan(
            s, office.actor("editor"), g.campaign_id, g.year, approve=True, comment="Đạt"
        )
    assert sorted(done) == sorted(ids)
    with session_scope() as s:
        assert {posts.get_post(s, office.actor("editor"), i).status for i in ids} == {
            PostStatus.SCHEDULED
        }
        rows = review.history(s, office.actor("officer"))
    assert len(rows) == len(ids) and all(r.approved and r.comment == "Đạt" for r in rows)
    assert {r.reviewer for r in rows} == {office.users["editor"].username}


def test_a_plan_is_sent_back_whole_or_not_at_all(office):
    _plan(office)
    with session_scope() as s:
        g = review.plans_waiting(s, office.actor("editor"))[0]
    with pytest.raises(InvalidInput), session_scope() as s:
        review.decide_plan(s, office.actor("editor"), g.campaign_id, g.year, approve=False)
    with session_scope() as s:
        review.decide_plan(
            s, office.actor("editor"), g.campaign_id, g.year, approve=False, comment="Sửa ảnh"
        )
        rows = review.history(s, office.actor("editor"))
    assert rows and not any(r.approved for r in rows) and rows[0].comment == "Sửa ảnh"
    assert {r.status for r in rows} == {PostStatus.REJECTED}


def test_the_four_eyes_rule_refuses_the_whole_plan(office):
    _plan(office)
    with session_scope() as s:
        # the editor edits one post of the plan: they changed its content last
        g = review.plans_waiting(s, office.actor("editor"))[0]
        first = g.post_ids[0]
        posts.edit(s, office.actor("editor"), first, PostChanges(text="Sửa bởi biên tập"))
    with pytest.raises(PermissionDenied), session_scope() as s:
        review.decide_plan(s, office.actor("editor"), g.campaign_id, g.year, approve=True)
    with session_scope() as s:
        assert posts.get_post(s, office.actor("editor"), g.post_ids[-1]).status == "in_review"


def test_filters_narrow_the_queue(office, clock):
    _plan(office)
    single = _single(office, due="02/10/2026 08:00")
    with session_scope() as s:
        choices = review.queue_choices(s, office.actor("editor"))
        hook = next(i for i, n in choices.channels if n == "hook")
        by_channel = review.queue(
            s, office.actor("editor"), flt=review.QueueFilter(channel_id=hook)
        )
        soon = review.queue(
            s, office.actor("editor"), flt=review.QueueFilter(due_within=timedelta(days=2))
        )
        everything = review.queue(s, office.actor("editor"))
    assert [i.post.id for i in by_channel] == [single]
    assert [i.post.id for i in soon] == [single]
    assert len(everything) > 1 and len(choices.campaigns) == 1


def test_an_overdue_post_is_flagged_and_the_plan_refuses_it_until_moved(office, clock):
    ids = _plan(office)
    with session_scope() as s:
        first = posts.get_post(s, office.actor("editor"), ids[0])
        g = review.plans_waiting(s, office.actor("editor"))[0]
    clock.set(first.due_at + timedelta(minutes=5))
    with session_scope() as s:
        items = review.queue(s, office.actor("editor"))
        g = review.plans_waiting(s, office.actor("editor"))[0]
    assert [i.post.id for i in items if i.overdue] == [ids[0]] == g.overdue
    with pytest.raises(InvalidInput, match="past"), session_scope() as s:
        review.decide_plan(s, office.actor("editor"), g.campaign_id, g.year, approve=True)
    with session_scope() as s:
        moved = review.approve_at(
            s, office.actor("editor"), ids[0], clock.now() + timedelta(hours=3)
        )
        assert moved.status == PostStatus.SCHEDULED
        assert moved.due_at == clock.now() + timedelta(hours=3)
    with session_scope() as s:
        review.decide_plan(s, office.actor("editor"), g.campaign_id, g.year, approve=True)
