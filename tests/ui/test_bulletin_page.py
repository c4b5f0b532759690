"""The bulletin page: this week's approved posts are offered and drafted into a script
written for listening; without a recording, «Giọng của tôi» asks for one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from publisher.db import session_scope
from publisher.services.publishing import posts
from tests.ui.conftest import compose, texts


def test_an_officer_drafts_a_script_from_this_weeks_approved_posts(
    office: Any, app_as: Any, clock: Any
) -> None:
    post_id = compose(
        office,
        "UBND xã hướng dẫn nộp hồ sơ trực tuyến từ 7h30, tỷ lệ đạt 65%.",
        submit=True,
        title="Dịch vụ công trực tuyến",
        due_at=clock.now() + timedelta(days=2),
    )
    with session_scope() as s:
        posts.approve(s, office.actor("editor"), post_id)
    at = app_as(office, "officer", "views/bulletins.py")
    assert not at.exception
    assert at.multiselect(key="bt_posts").value == [post_id]

    at.button(key="bt_draft").click().run()

    script = at.text_area(key="bt_script").value
    assert script.startswith("Đây là bản tin phát thanh cơ sở của Đơn vị so-khcn")
    assert "Ủy ban nhân dân xã" in script and "bảy giờ ba mươi phút" in script
    assert "sáu mươi lăm phần trăm" in script

    at.radio(key="bt_voice").set_value("person").run()
    at.button(key="bt_make").click().run()
    assert any("thu âm" in e.value.lower() for e in at.error), texts(at)
