"""Editing and deleting a published post, with the real client libraries against the
sandbox emulators (Graph: POST/DELETE /{post-id}; Bot API: editMessageText,
editMessageCaption, deleteMessage)."""

from __future__ import annotations

import pytest

from connectors.base import OutgoingPost
from connectors.errors import PermanentError

from .conftest import ConnectorFactory


@pytest.mark.parametrize("kind", ["facebook", "telegram"])
def test_a_text_post_is_edited_then_deleted_and_then_gone(
    make_connector: ConnectorFactory, sb, kind
):
    c = make_connector(kind)
    assert c.can_edit and c.editable(OutgoingPost(text="x"))
    result = c.publish(OutgoingPost(text="Bản gốc"))
    c.edit_published(result.external_id, "Bản đã sửa <b>&</b>")
    edits = [r for r in sb.records() if r["method"] in ("edit", "editMessageText")]
    assert edits and edits[-1]["status"] == 200
    assert edits[-1]["text"] == "Bản đã sửa <b>&</b>"  # sent escaped, read back as typed
    c.delete_published(result.external_id)
    with pytest.raises(PermanentError):
        c.delete_published(result.external_id)
    with pytest.raises(PermanentError):
        c.edit_published(result.external_id, "Quá muộn")


def test_telegram_edits_a_photos_caption(make_connector: ConnectorFactory, sb, photo):
    c = make_connector("telegram")
    result = c.publish(OutgoingPost(text="Chú thích gốc", media=(photo,)))
    c.edit_published(result.external_id, "Chú thích mới")
    methods = [r["method"] for r in sb.records()]
    assert methods[-2:] == ["editMessageText", "editMessageCaption"]
    assert sb.records()[-1]["status"] == 200


def test_telegram_refuses_an_unchanged_text(make_connector: ConnectorFactory):
    c = make_connector("telegram")
    result = c.publish(OutgoingPost(text="Giống nhau"))
    with pytest.raises(PermanentError, match="not modified"):
        c.edit_published(result.external_id, "Giống nhau")


def test_an_album_on_telegram_is_not_one_editable_post(make_connector, album):
    c = make_connector("telegram")
    assert not c.editable(OutgoingPost(text="Ba ảnh", media=album))
    assert make_connector("facebook").editable(OutgoingPost(text="Ba ảnh", media=album))


def test_a_webhook_cannot_edit(make_connector: ConnectorFactory):
    c = make_connector("webhook-zalo")
    assert not c.can_edit and not c.editable(OutgoingPost(text="x"))
    with pytest.raises(NotImplementedError):
        c.edit_published("x", "y")
