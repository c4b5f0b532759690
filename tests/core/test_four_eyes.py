"""Four eyes (issue 14, finding 4): whoever last changed a post's content cannot approve it,
through either entry point; the post records who wrote it. On every backend."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from publisher import migrate
from publisher.db import session_scope
from publisher.errors import PermissionDenied
from publisher.models import AuditEvent, Post, PostStatus
from publisher.services.accounts import users
from publisher.services.accounts.actor import Actor
from publisher.services.publishing import posts, review
from publisher.services.publishing.posts import PostInput
from publisher.timeutil import parse_local
from tests.factories import (
    ADMIN,
    make_office,
    migrate_down_and_up,
    telegram_channel,
    webhook_channel,
)

TEXT = "Chào mừng Ngày Chuyển đổi số quốc gia 10/10"
DUE = "10/10/2026 08:00"


@pytest.fixture
def office(db, clock):
    office = make_office(channels={"tg": telegram_channel(), "hook": webhook_channel()})
    with session_scope() as s:
        second, _ = users.create_user(
            s, ADMIN, "so-khcn-editor2", "editor", office.org.slug, password="another long pw"
        )
        office.users["editor2"] = second
    return office


def _input(**kw) -> PostInput:
    kw.setdefault("text", TEXT)
    kw.setdefault("channels", ["tg", "hook"])
    kw.setdefault("due_at", parse_local(DUE))
    return PostInput(**kw)


def _officer_post(office, *, submit: bool = True) -> int:
    with session_scope() as s:
        post = posts.compose(s, office.actor("officer"), _input())
        if submit:
            posts.submit(s, office.actor("officer"), post.id)
        return post.id or 0


def _edit(office, post_id: int, role: str = "editor", **kw) -> None:
    with session_scope() as s:
        posts.update(s, office.actor(role), post_id, _input(**kw))


def _post(post_id: int) -> Post:
    with session_scope() as s:
        return s.get(Post, post_id)


def _refused(actor: Actor, post_id: int, *, ui: bool = False, now: bool = False) -> None:
    with pytest.raises(PermissionDenied) as refused, session_scope() as s:
        if ui:
            review.approve(s, actor, post_id, publish_now=now)
        else:
            posts.approve(s, actor, post_id)
    assert refused.value.key == "error.approve_own_content"
    message = refused.value.message("vi")
    assert message.startswith("Bạn là người sửa nội dung bài") and "\n" not in message


@pytest.mark.parametrize(
    "change",
    [
        {"text": TEXT + " — bản biên tập"},
        {"title": "Tiêu đề mới"},
        {"link": "https://mic.gov.vn/chuyen-doi-so"},
        {"variants": {"tg": "Bản riêng cho Telegram"}},
        {"channels": ["tg"]},
    ],
    ids=["text", "title", "link", "variant", "channels"],
)
def test_an_editor_who_changed_the_content_of_a_post_in_review_cannot_approve_it(office, change):
    post_id = _officer_post(office)
    _edit(office, post_id, **change)
    assert _post(post_id).content_by == office.users["editor"].id
    _refused(office.actor("editor"), post_id)  # the CLI's service entry point
    _refused(office.actor("editor"), post_id, ui=True)  # the review page's
    _refused(office.actor("editor"), post_id, ui=True, now=True)
    stored = _post(post_id)
    assert stored.status == PostStatus.IN_REVIEW and stored.due_at == parse_local(DUE)
    with session_scope() as s:  # another editor reviews the editor's text
        assert posts.approve(s, office.actor("editor2"), post_id).status == PostStatus.SCHEDULED


def test_the_probe_edit_submit_approve_on_an_officers_draft_is_refused(office):
    post_id = _officer_post(office, submit=False)
    _edit(office, post_id, text="Văn bản do biên tập viên viết lại")
    with session_scope() as s:
        posts.submit(s, office.actor("editor"), post_id)
    _refused(office.actor("editor"), post_id)
    with session_scope() as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "post.approve")).all()
    assert events == []


def test_a_web_administrator_is_bound_too(office):
    post_id = _officer_post(office)
    _edit(office, post_id, role="admin", text="Quản trị viên sửa nội dung")
    _refused(office.actor("admin"), post_id)
    with session_scope() as s:  # and a draft the administrator wrote
        own = posts.compose(s, office.actor("admin"), _input())
    _refused(office.actor("admin"), own.id or 0)


def test_moving_only_the_time_is_not_a_content_change(office):
    post_id = _officer_post(office)
    later = parse_local(DUE) + timedelta(hours=2)
    with session_scope() as s:
        posts.update(s, office.actor("editor"), post_id, _input(due_at=later))
    stored = _post(post_id)
    assert stored.content_by == office.users["officer"].id
    with session_scope() as s:
        [event] = s.exec(select(AuditEvent).where(AuditEvent.action == "post.update")).all()
        assert event.after["content_changed"] is False
        assert posts.approve(s, office.actor("editor"), post_id).status == PostStatus.SCHEDULED


def test_the_author_rewriting_an_editors_change_lets_that_editor_approve(office):
    post_id = _officer_post(office, submit=False)
    _edit(office, post_id, text="Biên tập viên sửa")
    _edit(office, post_id, role="officer", text="Cán bộ viết lại lần cuối")
    with session_scope() as s:
        posts.submit(s, office.actor("officer"), post_id)
        assert posts.approve(s, office.actor("editor"), post_id).status == PostStatus.SCHEDULED


def test_the_post_shows_who_wrote_and_who_approved(office):
    post_id = _officer_post(office)
    _edit(office, post_id, text="Biên tập viên sửa")
    with session_scope() as s:
        posts.approve(s, office.actor("editor2"), post_id)
    with session_scope() as s:
        shown = posts.detail(s, ADMIN, post_id)
        [event] = s.exec(select(AuditEvent).where(AuditEvent.action == "post.approve")).all()
    assert shown["author"] == "so-khcn-officer"
    assert shown["content_by"] == "user:so-khcn-editor" and shown["content_at"]
    assert shown["reviewed_by"] == "so-khcn-editor2"
    assert event.after["content_by"] == "user:so-khcn-editor"
    assert event.after["four_eyes"] == "checked" and event.after["self_approved"] is False


def test_the_operator_approves_its_own_post_and_the_audit_says_so(office):
    with session_scope() as s:
        post = posts.compose(s, ADMIN, _input())
        posts.approve(s, ADMIN, post.id)
    with session_scope() as s:
        [event] = s.exec(select(AuditEvent).where(AuditEvent.action == "post.approve")).all()
        shown = posts.detail(s, ADMIN, post.id)
    assert event.actor_label == "test:admin"
    assert event.after["four_eyes"] == "operator" and event.after["self_approved"] is True
    assert shown["content_by"] == "test:admin" and shown["author"] is None


def test_the_migration_backfills_the_content_author_from_the_audit_log(db, office):
    edited = _officer_post(office)
    _edit(office, edited, text="Biên tập viên sửa")
    untouched = _officer_post(office)
    migrate_down_and_up(db.engine, "0010_scrub_leaked_tokens")
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    after_edit, plain = _post(edited), _post(untouched)
    assert (after_edit.content_by, after_edit.content_label) == (
        office.users["editor"].id,
        "user:so-khcn-editor",
    )
    assert (plain.content_by, plain.content_label) == (
        office.users["officer"].id,
        "user:so-khcn-officer",
    )
    assert after_edit.content_at is not None
    _refused(office.actor("editor"), edited)


def test_adding_a_picture_is_a_content_change(office):
    import io

    from PIL import Image

    from publisher.services.studio import library as media

    buf = io.BytesIO()
    Image.effect_noise((64, 64), 40).convert("RGB").save(buf, "PNG")
    post_id = _officer_post(office)
    with session_scope() as s:
        asset = media.add_file(s, office.actor("editor"), buf.getvalue(), filename="a.png")
        asset_id = asset.id or 0
    _edit(office, post_id, media_ids=[asset_id])
    _refused(office.actor("editor"), post_id)
    _edit(office, post_id, role="editor2", media_ids=[asset_id])  # the same media: no change
    assert _post(post_id).content_by == office.users["editor"].id


def test_the_cli_contract_post_create_approve_holds_and_is_audited_as_the_operator(db):
    import json

    from tests.core.test_cli import add_telegram_channel, run

    assert run("init", "--json").returncode == 0
    assert add_telegram_channel().returncode == 0
    created = run(
        "post", "create", "--text", TEXT, "--channel", "tg", "--at", "10/10/2030 08:00",
        "--approve", "--json",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    data = json.loads(created.stdout)
    assert data["status"] == "scheduled"
    shown = json.loads(run("post", "show", str(data["id"]), "--json").stdout)
    assert shown["content_by"] == "cli:admin" and shown["author"] is None
    with session_scope() as s:
        [event] = s.exec(select(AuditEvent).where(AuditEvent.action == "post.approve")).all()
    assert event.actor_label == "cli:admin"
    assert event.after["four_eyes"] == "operator" and event.after["self_approved"] is True
