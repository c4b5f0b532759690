"""The audit log speaks the reader's language: every action code and object type the
product writes has a label, fields and the product's own codes in the change column too,
and an unknown code is shown as it is."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from publisher.i18n import catalogue, set_language
from publisher.models.enums import DeliveryStatus
from publisher.services.accounts import audit_log
from ui.components.audit_change import change_text

ROOT = Path(__file__).resolve().parents[2] / "publisher"

#: Codes built at run time (``f"delivery.{to}"``, an ``action`` argument passed down).
DYNAMIC = {
    *(f"delivery.{s}" for s in DeliveryStatus),
    *(f"faq.{s}" for s in ("in_review", "approved", "rejected", "archived")),
    "delivery.platform_edit",
    "delivery.platform_delete",
    "channel.connect",
    "channel.token_refresh",
    "user.login_failed",
    "user.password_reset",
    "user.password_changed",
    "user.password_change_failed",
    "post.submit",
    "post.first_approve",
    "post.approve",
    "post.reject",
    "post.withdraw",
}


def _literals(node: ast.expr | None) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def written_codes() -> tuple[set[str], set[str]]:
    """The action codes and object types in the literal arguments of ``audit.record`` and
    ``audit.Event`` anywhere in the product."""
    actions: set[str] = set()
    objects: set[str] = set()
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if not (isinstance(node.func.value, ast.Name) and node.func.value.id == "audit"):
                continue
            first = {"record": 2, "Event": 0}.get(node.func.attr)
            if first is None or len(node.args) < first + 2:
                continue
            actions.update(_literals(node.args[first]))
            objects.update(_literals(node.args[first + 1]))
    return actions, objects


@pytest.fixture(autouse=True)
def vietnamese():
    set_language("vi")
    yield
    set_language("vi")


def test_every_action_and_object_the_product_writes_has_a_label_in_both_languages() -> None:
    actions, objects = written_codes()
    assert {"user.login", "render.enqueue", "post.create"} <= actions  # the scan finds them
    assert {"post", "user", "render_job"} <= objects
    messages = catalogue()
    missing = sorted(a for a in actions | DYNAMIC if f"audit.action.{a}" not in messages)
    assert not missing
    assert not sorted(o for o in objects if f"audit.object.{o}" not in messages)
    groups = {a.split(".")[0] for a in actions | DYNAMIC}
    assert not sorted(g for g in groups if f"audit.group.{g}" not in messages)


def test_labels_in_the_users_language_and_unknown_codes_as_they_are() -> None:
    assert audit_log.action_label("user.login") == "Đăng nhập"
    assert audit_log.action_label("render.enqueue") == "Yêu cầu dựng video"
    assert audit_log.action_label("post.") == "Bài viết: mọi thao tác"
    assert audit_log.object_label("post") == "Bài viết"
    assert audit_log.action_label("user.login", "en") == "Logged in"
    assert audit_log.object_label("render_job", "en") == "Render job"
    assert audit_log.action_label("thing.happened") == "thing.happened"
    assert audit_log.action_label("thing.") == "thing: mọi thao tác"
    assert audit_log.object_label("thing") == "thing"
    assert audit_log.field_label("mystery_key") == "mystery_key"


def test_the_change_column_uses_the_products_labels() -> None:
    text = change_text(
        "post", {"status": "draft"}, {"status": "in_review", "comment": "ok", "due_at": None}
    )
    assert text == "Trạng thái: Nháp → Chờ duyệt; Nhận xét: ok; Giờ đăng: —"
    assert change_text("user", {"role": "officer"}, {"role": "editor"}) == (
        "Vai trò: Cán bộ truyền thông → Biên tập viên"
    )
    assert change_text("faqanswer", {"status": "in_review"}, {"status": "approved"}) == (
        "Trạng thái: Chờ duyệt → Đã duyệt"
    )
    assert change_text("user", {}, {"locked": True, "source": "web"}) == ("Bị khóa: Có; Nguồn: web")
    assert change_text("delivery", {}, {"outcome": "failed", "odd": "x" * 80}) == (
        "Kết quả: Thất bại; odd: " + "x" * 59 + "…"
    )
    assert change_text(
        "render_job", {}, {"kind": "fit", "deadline": "2027-05-19T02:00:00+00:00"}
    ) == ("Loại: Bản cho kênh; Hạn: 19/05/2027 09:00")
    # a value that is no known code stays as stored
    assert change_text("post", {}, {"status": "weird"}) == "Trạng thái: weird"
    set_language("en")
    assert change_text("user", {"role": "officer"}, {"role": "editor"}) == (
        "Role: Communications officer → Editor"
    )
