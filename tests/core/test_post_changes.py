"""Moving and editing a post before it is published (``posts.reschedule``, ``posts.edit``)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from publisher.db import session_scope
from publisher.engine import recurring
from publisher.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from publisher.models import AuditEvent, Delivery, DeliveryStatus, Post, PostStatus
from publisher.services.publishing import posts
from publisher.services.publishing.posts import PostChanges, PostInput
from publisher.timeutil import parse_local
from tests.factories import make_office, telegram_channel, webhook_channel


@pytest.fixture
def office(db, clock):
    return make_office(channels={"tg": telegram_channel(), "hook": webhook_channel()})


def _post(office, *, approved=False, **kw):
    data = PostInput(
        text=kw.pop("text", "Ngày Chuyển đổi số quốc gia"),
        channels=kw.pop("channels", ["tg", "hook"]),
        due_at=kw.pop("due_at", parse_local("10/10/2026 08:00")),
        **kw,
    )
    with session_scope() as s:
        post = posts.compose(s, office.actor("officer"), data)
        posts.submit(s, office.actor("officer"), post.id)
        if approved:
            posts.approve(s, office.actor("editor"), post.id)
        return post.id


def _state(post_id):
    with session_scope() as s:
        post = s.get(Post, post_id)
        rows = s.exec(select(Delivery).where(Delivery.post_id == post_id)).all()
        actions = [
            e.action
            for e in s.exec(
                select(AuditEvent)
                .where(AuditEvent.object_type == "post", AuditEvent.object_id == post_id)
                .order_by(AuditEvent.id)
            )
        ]
        return post, rows, actions


def test_an_editor_moves_an_approved_post_and_its_deliveries_follow(office):
    pid = _post(office, approved=True)
    with session_scope() as s:
        posts.reschedule(s, office.actor("editor"), pid, parse_local("12/10/2026 09:30"))
    post, rows, actions = _state(pid)
    assert post.status == PostStatus.SCHEDULED
    assert post.due_at == parse_local("12/10/2026 09:30")
    assert {d.due_at for d in rows} == {post.due_at}
    assert {d.next_attempt_at for d in rows} == {post.due_at}
    assert {d.status for d in rows} == {DeliveryStatus.PENDING}
    assert actions[-1] == "post.reschedule"


def test_an_officer_moving_an_approved_post_sends_it_back_to_review(office):
    pid = _post(office, approved=True)
    with session_scope() as s:
        posts.reschedule(s, office.actor("officer"), pid, parse_local("12/10/2026 09:30"))
    post, rows, actions = _state(pid)
    assert post.status == PostStatus.IN_REVIEW
    assert {d.status for d in rows} == {DeliveryStatus.CANCELLED}
    assert actions[-3:] == ["post.withdraw", "post.submit", "post.reschedule"]
    # approved again: the cancelled rows are reused at the new time
    with session_scope() as s:
        posts.approve(s, office.actor("editor"), pid)
    _, rows, _ = _state(pid)
    assert len(rows) == 2 and {d.status for d in rows} == {DeliveryStatus.PENDING}
    assert {d.due_at for d in rows} == {parse_local("12/10/2026 09:30")}


@pytest.mark.parametrize("when", ["30/09/2026 06:00", "01/01/9999 08:00"])
def test_moving_to_the_past_or_a_typo_year_is_refused_and_nothing_moves(office, when):
    pid = _post(office, approved=True)
    with pytest.raises(InvalidInput), session_scope() as s:
        posts.reschedule(s, office.actor("editor"), pid, parse_local(when))
    post, rows, _ = _state(pid)
    assert post.due_at == parse_local("10/10/2026 08:00")
    assert {d.due_at for d in rows} == {post.due_at}


def test_another_organisations_post_cannot_be_moved(office):
    pid = _post(office)
    other = make_office("xa-khac")
    with pytest.raises(NotFound), session_scope() as s:
        posts.reschedule(s, other.actor("editor"), pid, parse_local("12/10/2026 09:30"))


def test_a_post_whose_delivery_started_cannot_be_moved(office):
    pid = _post(office, approved=True)
    with session_scope() as s:
        d = s.exec(select(Delivery).where(Delivery.post_id == pid)).first()
        d.status = DeliveryStatus.SENT
        s.add(d)
    with pytest.raises(InvalidTransition), session_scope() as s:
        posts.reschedule(s, office.actor("editor"), pid, parse_local("12/10/2026 09:30"))


def test_an_officer_cannot_move_a_post_in_review(office):
    pid = _post(office)
    with pytest.raises(PermissionDenied), session_scope() as s:
        posts.reschedule(s, office.actor("officer"), pid, parse_local("12/10/2026 09:30"))


def test_editing_the_text_of_an_approved_post_sends_it_back_to_review(office):
    pid = _post(office, approved=True)
    with session_scope() as s:
        posts.edit(s, office.actor("officer"), pid, PostChanges(text="Văn bản mới"))
    post, rows, actions = _state(pid)
    assert post.status == PostStatus.IN_REVIEW and post.text == "Văn bản mới"
    assert post.reviewed_by is None
    assert {d.status for d in rows} == {DeliveryStatus.CANCELLED}
    assert actions[-3:] == ["post.withdraw", "post.update", "post.submit"]


def test_an_edit_the_channels_refuse_changes_nothing(office):
    pid = _post(office, approved=True)
    with pytest.raises(InvalidInput), session_scope() as s:
        posts.edit(s, office.actor("officer"), pid, PostChanges(text="x" * 5000))
    post, rows, _ = _state(pid)
    assert post.status == PostStatus.SCHEDULED and post.text == "Ngày Chuyển đổi số quốc gia"
    assert {d.status for d in rows} == {DeliveryStatus.PENDING}


def test_edit_of_time_only_is_a_reschedule(office):
    pid = _post(office, approved=True)
    with session_scope() as s:
        posts.edit(
            s, office.actor("editor"), pid, PostChanges(due_at=parse_local("11/10/2026 07:00"))
        )
    post, _, actions = _state(pid)
    assert post.status == PostStatus.SCHEDULED and actions[-1] == "post.reschedule"


def test_editing_a_draft_keeps_it_a_draft_and_changes_only_what_is_given(office):
    with session_scope() as s:
        post = posts.compose(
            s,
            office.actor("officer"),
            PostInput(
                text="Bản nháp",
                channels=["tg", "hook"],
                variants={"tg": "Riêng Telegram"},
                due_at=parse_local("10/10/2026 08:00"),
                link="https://khcn.example.org/a",
            ),
        )
    with session_scope() as s:
        posts.edit(s, office.actor("officer"), post.id, PostChanges(text="Bản nháp 2"))
    with session_scope() as s:
        d = posts.detail(s, office.actor("officer"), post.id)
    assert d["status"] == PostStatus.DRAFT and d["text"] == "Bản nháp 2"
    assert d["link"] == "https://khcn.example.org/a"
    assert {v["channel"]: v["text"] for v in d["variants"]}["tg"] == "Riêng Telegram"


def test_a_recurring_post_moved_by_an_hour_still_repeats_next_week(office, clock):
    pid = _post(office, approved=True, recurrence="weekly", due_at=parse_local("05/10/2026 08:00"))
    recurring.expand("t", now=clock.now())
    with session_scope() as s:
        posts.reschedule(s, office.actor("editor"), pid, parse_local("05/10/2026 09:00"))
    recurring.expand("t", now=clock.now())
    _, rows, _ = _state(pid)
    pending = sorted({d.due_at for d in rows if d.status == DeliveryStatus.PENDING})
    assert pending[:2] == [parse_local("05/10/2026 09:00"), parse_local("12/10/2026 09:00")]
    assert parse_local("12/10/2026 08:00") not in pending


def test_monthly_repeats_keep_the_day_or_the_months_last_day():
    post = Post(
        org_id=1,
        due_at=parse_local("31/01/2027 08:00"),
        recurrence="monthly",
        recurrence_until=date(2027, 5, 1),
    )
    got = list(recurring.occurrences(post, parse_local("31/12/2027 00:00")))
    assert got == [
        parse_local("28/02/2027 08:00"),
        parse_local("31/03/2027 08:00"),
        parse_local("30/04/2027 08:00"),
    ]


def test_a_repeat_ending_before_it_starts_is_refused(office):
    with pytest.raises(InvalidInput, match="before"), session_scope() as s:
        posts.compose(
            s,
            office.actor("officer"),
            PostInput(
                text="x",
                channels=["tg"],
                due_at=parse_local("10/10/2026 08:00"),
                recurrence="monthly",
                recurrence_until=date(2026, 10, 9),
            ),
        )
