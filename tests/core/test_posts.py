"""The post workflow, permissions and organisation isolation, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from publisher.db import session_scope
from publisher.errors import (
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from publisher.models import AuditEvent, Delivery, DeliveryStatus, PostStatus
from publisher.services.publishing import deliveries, posts
from publisher.services.publishing.posts import PostInput
from publisher.timeutil import parse_local
from tests.factories import ADMIN, make_office, telegram_channel, webhook_channel


@pytest.fixture
def office(db, clock):
    return make_office(channels={"tg": telegram_channel(), "hook": webhook_channel()})


def _draft(office, role="officer", **kw):
    data = PostInput(
        text=kw.pop("text", "Chào mừng Ngày Chuyển đổi số quốc gia 10/10"),
        channels=kw.pop("channels", ["tg", "hook"]),
        due_at=kw.pop("due_at", parse_local("10/10/2026 08:00")),
        **kw,
    )
    with session_scope() as s:
        return posts.compose(s, office.actor(role), data)


def test_a_post_entered_at_8_local_on_10_10_is_stored_at_1_utc(office):
    post = _draft(office)
    with session_scope() as s:
        stored = posts.get_post(s, office.actor("officer"), post.id)
    assert stored.due_at == datetime(2026, 10, 10, 1, 0, tzinfo=UTC)


def test_full_workflow_creates_one_delivery_per_channel_in_the_approval(office):
    post = _draft(office)
    with session_scope() as s:
        posts.submit(s, office.actor("officer"), post.id)
    with session_scope() as s:
        approved = posts.approve(s, office.actor("editor"), post.id)
        assert approved.status == PostStatus.SCHEDULED
    with session_scope() as s:
        rows = s.exec(select(Delivery).where(Delivery.post_id == post.id)).all()
        assert sorted(d.status for d in rows) == [DeliveryStatus.PENDING] * 2
        assert len({d.idempotency_key for d in rows}) == 2
        assert all(d.due_at == d.next_attempt_at == post.due_at for d in rows)
        actions = [
            e.action
            for e in s.exec(
                select(AuditEvent).where(
                    AuditEvent.object_type == "post", AuditEvent.object_id == post.id
                )
            )
        ]
        assert actions == ["post.create", "post.submit", "post.approve"]


def test_officer_cannot_approve(office):
    post = _draft(office)
    with session_scope() as s:
        posts.submit(s, office.actor("officer"), post.id)
    with pytest.raises(PermissionDenied), session_scope() as s:
        posts.approve(s, office.actor("officer"), post.id)


def test_editor_cannot_approve_own_post_nor_a_web_admin_but_the_operator_can(office):
    # Until issue 14 a web administrator approved their own post; four eyes binds every web
    # account now, and only the server's operator (the CLI) approves its own content.
    post = _draft(office, role="editor")
    with session_scope() as s:
        posts.submit(s, office.actor("editor"), post.id)
    with pytest.raises(PermissionDenied), session_scope() as s:
        posts.approve(s, office.actor("editor"), post.id)
    admin_post = _draft(office, role="admin")
    with pytest.raises(PermissionDenied) as refused, session_scope() as s:
        posts.approve(s, office.actor("admin"), admin_post.id)
    assert refused.value.key == "error.approve_own_content"
    with session_scope() as s:
        assert posts.approve(s, ADMIN, admin_post.id).status == "scheduled"


def test_manager_cannot_compose(office):
    with pytest.raises(PermissionDenied):
        _draft(office, role="manager")


def test_reject_needs_a_comment_and_returns_the_post(office):
    post = _draft(office)
    with session_scope() as s:
        posts.submit(s, office.actor("officer"), post.id)
    with pytest.raises(InvalidInput), session_scope() as s:
        posts.reject(s, office.actor("editor"), post.id, "  ")
    with session_scope() as s:
        rejected = posts.reject(s, office.actor("editor"), post.id, "Sửa lại ngày")
        assert rejected.status == PostStatus.REJECTED
    with session_scope() as s:
        edited = posts.update(
            s,
            office.actor("officer"),
            post.id,
            PostInput(text="Đã sửa", channels=["tg"], due_at=parse_local("10/10/2026 09:00")),
        )
        assert edited.status == PostStatus.DRAFT


@pytest.mark.parametrize(
    ("frm_action", "bad"),
    [("draft", "reject"), ("draft", "approve_editor"), ("in_review", "submit")],
)
def test_illegal_transitions_raise(office, frm_action, bad):
    post = _draft(office)
    if frm_action == "in_review":
        with session_scope() as s:
            posts.submit(s, office.actor("officer"), post.id)
    with pytest.raises(InvalidTransition), session_scope() as s:
        if bad == "reject":
            posts.reject(s, office.actor("editor"), post.id, "x")
        elif bad == "approve_editor":
            posts.approve(s, office.actor("editor"), post.id)
        else:
            posts.submit(s, office.actor("officer"), post.id)


def test_a_time_in_the_past_is_refused(office, clock):
    with pytest.raises(InvalidInput) as err:
        _draft(office, due_at=clock.now() - timedelta(hours=1))
    assert err.value.key == "error.time_in_past"


def test_text_over_the_channel_limit_is_refused_with_the_channel_named(office):
    with pytest.raises(ValidationFailed) as err:
        _draft(office, text="a" * 5000, channels=["tg"])
    message = err.value.message("vi")
    assert "tg" in message and "4096" in message


def test_unknown_channel_is_refused(office):
    with pytest.raises(NotFound):
        _draft(office, channels=["khong-co"])


def test_per_channel_variants_are_kept(office):
    post = _draft(office, variants={"tg": "Bản Telegram"})
    with session_scope() as s:
        texts = {c.name: t for c, t in posts.variant_texts(s, post)}
    assert texts == {"tg": "Bản Telegram", "hook": post.text}


def test_users_never_see_another_organisations_posts(office):
    other = make_office("xa-an-phu", channels={"tg2": telegram_channel("@anphu")})
    post = _draft(office)
    with pytest.raises(NotFound), session_scope() as s:
        posts.get_post(s, other.actor("editor"), post.id)
    with session_scope() as s:
        assert posts.list_posts(s, other.actor("editor")) == []
        assert [p.id for p in posts.list_posts(s, office.actor("manager"))] == [post.id]
    with pytest.raises(PermissionDenied), session_scope() as s:
        posts.compose(
            s,
            other.actor("officer"),
            PostInput(text="x", channels=["tg"], due_at=parse_local("10/10/2026 08:00")),
        )


def test_cancel_cancels_pending_deliveries_and_keeps_sent_ones(office):
    post = _draft(office, role="admin")
    with session_scope() as s:
        posts.approve(s, ADMIN, post.id)
    with session_scope() as s:
        first, _second = s.exec(
            select(Delivery).where(Delivery.post_id == post.id).order_by(Delivery.id)
        ).all()
        deliveries.transition(s, first, DeliveryStatus.SENDING, "test")
        deliveries.transition(s, first, DeliveryStatus.SENT, "test", external_id="m1")
    with session_scope() as s:
        cancelled = posts.cancel(s, office.actor("editor"), post.id)
        statuses = sorted(
            d.status for d in s.exec(select(Delivery).where(Delivery.post_id == post.id))
        )
    assert statuses == ["cancelled", "sent"]
    # What went out stays out; the cancelled channel is simply not part of it.
    assert cancelled.status == PostStatus.PUBLISHED


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["pending", "pending"], "scheduled"),
        (["sending", "pending"], "publishing"),
        (["sent", "pending"], "publishing"),
        (["sent", "sent"], "published"),
        (["sent", "failed"], "partially_failed"),
        (["failed", "unconfirmed"], "failed"),
        (["cancelled", "cancelled"], "cancelled"),
        (["sent", "cancelled"], "published"),
    ],
)
def test_post_status_is_derived_from_its_deliveries(statuses, expected):
    assert deliveries.derive_post_status(statuses, "scheduled") == expected


def test_illegal_delivery_move_raises(office):
    post = _draft(office, role="admin")
    with session_scope() as s:
        posts.approve(s, ADMIN, post.id)
    with pytest.raises(InvalidTransition), session_scope() as s:
        d = s.exec(select(Delivery).where(Delivery.post_id == post.id)).first()
        deliveries.transition(s, d, DeliveryStatus.SENT, "test")
