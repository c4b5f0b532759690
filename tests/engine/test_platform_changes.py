"""Editing and deleting a published post on its platform, as a tracked action with its own
audit row and outcome (``services.publishing.remote``), after the engine published it to
the sandbox emulators."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from publisher.db import session_scope
from publisher.errors import InvalidTransition, PermissionDenied
from publisher.models import AuditEvent
from publisher.services.publishing import remote

from .conftest import delivery, run_once, schedule


def _audit(delivery_id):
    with session_scope() as s:
        return [
            (e.action, e.after.get("outcome"), e.actor_label)
            for e in s.exec(
                select(AuditEvent)
                .where(
                    AuditEvent.object_id == delivery_id,
                    col(AuditEvent.action).startswith("delivery.platform_"),
                )
                .order_by(AuditEvent.id)
            )
        ]


def _sent(ctx, specs, channels):
    post_id, ids = schedule("Bản gốc đã đăng", channels)
    run_once(ctx, specs)
    assert {delivery(i).status for i in ids} == {"sent"}
    return post_id, ids


def test_an_editor_edits_then_deletes_each_platforms_copy(office, ctx, specs, sb):
    post_id, _ids = _sent(ctx, specs, ["fb", "tg", "hook"])
    editor = office.actor("editor")
    with session_scope() as s:
        copies = {c.kind: c for c in remote.copies(s, editor, post_id)}
    assert copies["facebook"].changeable and copies["telegram"].changeable
    assert not copies["webhook"].changeable  # not offered where impossible
    for kind in ("facebook", "telegram"):
        did = copies[kind].delivery_id
        edited = remote.edit_on_platform(editor, did, "Bản đã sửa sau khi đăng")
        assert edited.text == "Bản đã sửa sau khi đăng" and not edited.deleted
        gone = remote.delete_on_platform(editor, did)
        assert gone.deleted and not gone.changeable
        assert delivery(did).status == "sent"  # it was published: history kept
        label = f"user:{office.users['editor'].username}"
        assert _audit(did) == [
            ("delivery.platform_edit", "ok", label),
            ("delivery.platform_delete", "ok", label),
        ]
        with pytest.raises(InvalidTransition):
            remote.edit_on_platform(editor, did, "Lại nữa")
    texts = [r.get("text") for r in sb.records() if r["method"] in ("edit", "editMessageText")]
    assert texts.count("Bản đã sửa sau khi đăng") == 2
    with pytest.raises(InvalidTransition):
        remote.delete_on_platform(editor, copies["webhook"].delivery_id)


def test_a_refusal_by_the_platform_is_audited_as_failed(office, ctx, specs, sb):
    _post_id, ids = _sent(ctx, specs, ["tg"])
    editor = office.actor("editor")
    with pytest.raises(remote.PlatformRefused, match="not modified"):
        remote.edit_on_platform(editor, ids[0], "Bản gốc đã đăng")
    assert _audit(ids[0]) == [
        ("delivery.platform_edit", "failed", f"user:{office.users['editor'].username}")
    ]


def test_an_officer_may_not_change_a_published_post(office, ctx, specs):
    _, ids = _sent(ctx, specs, ["fb"])
    with pytest.raises(PermissionDenied):
        remote.delete_on_platform(office.actor("officer"), ids[0])
    assert _audit(ids[0]) == []
