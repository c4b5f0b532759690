"""A manager's optional second sign-off (issue 18, item 6): in a unit that requires it, the
editor's approval leaves the post in review with nothing for the engine to publish until a
manager — not the editor who approved it — signs it off; on every backend."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from publisher.db import session_scope
from publisher.engine.claim import ChannelSpecs, claim_due
from publisher.engine.ratelimit import RateLimiter
from publisher.errors import InvalidInput, InvalidTransition, PermissionDenied
from publisher.models import Delivery, Organisation, Post, PostStatus
from publisher.services.accounts import users
from publisher.services.publishing import posts, review, signoff
from publisher.services.publishing.posts import PostInput
from publisher.timeutil import parse_local
from tests.core.test_cli import run
from tests.factories import ADMIN, make_office, telegram_channel, webhook_channel

DUE = "10/10/2026 08:00"


@pytest.fixture
def office(db, clock):
    office = make_office(channels={"tg": telegram_channel(), "hook": webhook_channel()})
    with session_scope() as s:
        second, _ = users.create_user(
            s, ADMIN, "so-khcn-manager2", "manager", office.org.slug, password="another long pw"
        )
        office.users["manager2"] = second
        signoff.set_required(s, office.actor("manager"), office.org.id, True)
    return office


def _waiting_post(office) -> int:
    with session_scope() as s:
        data = PostInput(text="Ngày hội ĐMST", channels=["tg", "hook"], due_at=parse_local(DUE))
        post = posts.compose(s, office.actor("officer"), data)
        posts.submit(s, office.actor("officer"), post.id)
        return post.id or 0


def _editor_approves(office, post_id: int) -> Post:
    with session_scope() as s:
        post = posts.approve(s, office.actor("editor"), post_id, comment="Ổn")
        s.flush()
        s.expunge(post)
        return post


def _deliveries(post_id: int) -> int:
    with session_scope() as s:
        stmt = select(func.count()).select_from(Delivery).where(Delivery.post_id == post_id)
        return int(s.exec(stmt).one())


def _claimable(clock) -> list[int]:
    clock.advance(30 * 86400)  # well past the post's time
    return claim_due(
        "test",
        RateLimiter(),
        ChannelSpecs(ttl=0),
        limit=100,
        lease_seconds=60,
        grace_seconds=60 * 86400,
    )


def test_the_editors_approval_leaves_the_post_in_review_with_nothing_to_publish(office, clock):
    pid = _waiting_post(office)
    post = _editor_approves(office, pid)
    assert post.status == PostStatus.IN_REVIEW
    assert post.first_approved_by == office.users["editor"].id
    assert _deliveries(pid) == 0
    assert _claimable(clock) == []


def test_the_post_leaves_the_editors_desk_and_waits_on_the_managers(office):
    pid = _waiting_post(office)
    with session_scope() as s:
        assert [i.post.id for i in review.queue(s, office.actor("editor"))] == [pid]
    _editor_approves(office, pid)
    with session_scope() as s:
        assert review.queue(s, office.actor("editor")) == []
        assert review.waiting_count(s, office.actor("editor")) == 0
        assert [i.post.id for i in signoff.queue(s, office.actor("manager"))] == [pid]
        assert signoff.waiting_count(s, office.actor("manager")) == 1


def test_a_managers_sign_off_schedules_the_deliveries(office):
    pid = _waiting_post(office)
    _editor_approves(office, pid)
    with session_scope() as s:
        post = signoff.approve(s, office.actor("manager"), pid, "Đồng ý")
        assert (
            post.status == PostStatus.SCHEDULED and post.reviewed_by == office.users["manager"].id
        )
    assert _deliveries(pid) == 2


def test_an_editor_cannot_approve_twice_nor_sign_off(office):
    pid = _waiting_post(office)
    _editor_approves(office, pid)
    with pytest.raises(InvalidTransition) as twice, session_scope() as s:
        posts.approve(s, office.actor("editor"), pid)
    assert twice.value.key == "signoff.waiting_manager"
    with pytest.raises(PermissionDenied), session_scope() as s:
        signoff.approve(s, office.actor("editor"), pid)
    assert _deliveries(pid) == 0


def test_the_person_who_approved_first_cannot_sign_it_off(office):
    pid = _waiting_post(office)
    with session_scope() as s:  # an administrator approves first, then tries to sign off
        posts.approve(s, office.actor("admin"), pid)
    with pytest.raises(PermissionDenied) as refused, session_scope() as s:
        signoff.approve(s, office.actor("admin"), pid)
    assert refused.value.key == "signoff.same_person"
    assert "\n" not in refused.value.message("vi")
    with session_scope() as s:
        assert signoff.approve(s, office.actor("manager"), pid).status == PostStatus.SCHEDULED


def test_a_manager_sends_it_back_and_the_editors_approval_is_dropped(office):
    pid = _waiting_post(office)
    _editor_approves(office, pid)
    with pytest.raises(InvalidInput), session_scope() as s:
        signoff.reject(s, office.actor("manager"), pid, "  ")
    with session_scope() as s:
        post = signoff.reject(s, office.actor("manager"), pid, "Sửa số liệu")
        assert post.status == PostStatus.REJECTED and post.first_approved_by is None
    with session_scope() as s:  # back in review: the editor's desk has it again
        posts.submit(s, office.actor("officer"), pid)
        assert [i.post.id for i in review.queue(s, office.actor("editor"))] == [pid]


def test_changing_the_content_drops_the_editors_approval(office):
    pid = _waiting_post(office)
    _editor_approves(office, pid)
    with session_scope() as s:
        data = PostInput(text="Ngày hội ĐMST 2026", channels=["tg"], due_at=parse_local(DUE))
        posts.update(s, office.actor("admin"), pid, data)
    with session_scope() as s:
        assert s.get(Post, pid).first_approved_by is None
        with pytest.raises(InvalidTransition):
            signoff.approve(s, office.actor("manager"), pid)


def test_a_unit_without_the_setting_publishes_on_one_approval(office):
    with session_scope() as s:
        signoff.set_required(s, office.actor("manager"), office.org.id, False)
    pid = _waiting_post(office)
    assert _editor_approves(office, pid).status == PostStatus.SCHEDULED
    assert _deliveries(pid) == 2


def test_turning_the_setting_off_returns_waiting_posts_to_the_editors(office):
    pid = _waiting_post(office)
    _editor_approves(office, pid)
    with session_scope() as s:
        assert signoff.set_required(s, office.actor("manager"), office.org.id, False) == 1
    with session_scope() as s:
        assert [i.post.id for i in review.queue(s, office.actor("editor"))] == [pid]
    assert _deliveries(pid) == 0


def test_only_the_units_manager_or_an_administrator_changes_the_setting(office):
    other = make_office("xa-tan-an")
    for role in ("officer", "editor", "coordinator"):
        with pytest.raises(PermissionDenied), session_scope() as s:
            signoff.set_required(s, office.actor(role), office.org.id, False)
    with pytest.raises(PermissionDenied), session_scope() as s:
        signoff.set_required(s, other.actor("manager"), office.org.id, False)
    with session_scope() as s:
        assert s.get(Organisation, office.org.id).requires_signoff is True


def test_a_manager_of_another_unit_cannot_see_or_sign_off_its_posts(office):
    other = make_office("xa-tan-an")
    pid = _waiting_post(office)
    _editor_approves(office, pid)
    with session_scope() as s:
        assert signoff.queue(s, other.actor("manager")) == []
    with pytest.raises(Exception) as refused, session_scope() as s:
        signoff.approve(s, other.actor("manager"), pid)
    assert refused.value.__class__.__name__ in {"NotFound", "PermissionDenied"}
    assert _deliveries(pid) == 0


def test_the_operator_at_the_cli_is_not_bound(office):
    pid = _waiting_post(office)
    with session_scope() as s:
        assert posts.approve(s, ADMIN, pid).status == PostStatus.SCHEDULED


def test_cli_turns_the_setting_on_and_off(office):
    result = run("org", "signoff", office.org.slug, "--off", "--json")
    assert result.returncode == 0, result.stderr
    assert '"requires_signoff": false' in result.stdout
    result = run("org", "signoff", office.org.slug, "--on")
    assert result.returncode == 0 and "lãnh đạo ký duyệt" in result.stdout
    result = run("org", "signoff", "khong-co", "--on")
    assert result.returncode != 0 and "Traceback" not in result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_calendar_marks_a_post_waiting_for_the_sign_off(office):
    from datetime import date

    from publisher.services.publishing import calendar

    pid = _waiting_post(office)

    def entry():
        with session_scope() as s:
            shown = calendar.period(
                s, office.actor("manager"), date(2026, 10, 1), date(2026, 10, 31)
            )
            return next(e for day in shown.entries.values() for e in day if e.post_id == pid)

    assert entry().awaiting_signoff is False
    _editor_approves(office, pid)
    assert entry().awaiting_signoff is True
