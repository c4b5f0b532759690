"""The review desk page (AppTest): filters, a plan approved in one action, the history tab,
an overdue post offered «Đăng ngay» / «Chọn giờ mới», the link as posted, a video's poster."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from publisher.db import session_scope
from publisher.models import Post, PostStatus
from publisher.services.publishing import plans
from tests.ui.conftest import compose, texts


def _plan(office):
    with session_scope() as s:
        result = plans.scaffold(s, office.actor("officer"), "ngay-cds", 2026, ["Telegram"])
        return plans.submit_plan(s, office.actor("officer"), result)


def test_rows_are_compact_and_open_one_at_a_time(office, app_as):
    a = compose(office, text="Bài một", submit=True)
    b = compose(office, text="Bài hai", submit=True)
    at = app_as(office, "editor", "views/review.py")
    assert not at.exception
    assert not any(k.startswith("rv_ok_") for k in [x.key for x in at.button])
    at.button(key=f"rv_open_{a}").click().run()
    assert f"rv_ok_{a}" in [x.key for x in at.button]
    at.button(key=f"rv_open_{b}").click().run()
    keys = [x.key for x in at.button]
    assert f"rv_ok_{b}" in keys and f"rv_ok_{a}" not in keys


def test_the_editor_approves_a_whole_plan_with_one_comment_and_sees_it_in_history(office, app_as):
    ids = _plan(office)
    single = compose(office, text="Bài lẻ ngoài kế hoạch", submit=True)
    at = app_as(office, "editor", "views/review.py")
    [plan_button] = [b for b in at.button if b.key and b.key.startswith("rv_plan_ok_")]
    assert f"({len(ids)} bài)" in plan_button.label
    [comment] = [x for x in at.text_input if x.key.startswith("rv_plan_comment_")]
    comment.input("Kế hoạch đạt yêu cầu").run()
    [plan_button] = [b for b in at.button if b.key and b.key.startswith("rv_plan_ok_")]
    plan_button.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with session_scope() as s:
        statuses = {p.id: p.status for p in s.exec(select(Post))}
    assert {statuses[i] for i in ids} == {PostStatus.SCHEDULED}
    assert statuses[single] == PostStatus.IN_REVIEW
    history = at.dataframe[0].value
    assert len(history) == len(ids)
    assert set(history["Góp ý"]) == {"Kế hoạch đạt yêu cầu"}
    assert set(history["Quyết định"]) == {"Đã duyệt"}
    assert set(history["Người duyệt"]) == {office.users["editor"].username}


def test_filters_by_channel_and_due_soon(office, app_as, clock):
    zalo = compose(office, text="Chỉ Zalo", channels=["Zalo"], submit=True)
    later = compose(office, text="Tháng sau", submit=True)
    at = app_as(office, "editor", "views/review.py")
    assert {"Zalo", "Fanpage", "Telegram"} <= set(at.selectbox(key="rv_f_channel").options)
    at.selectbox(key="rv_f_channel").set_value(office.channels["Zalo"].id).run()
    keys = [b.key for b in at.button]
    assert f"rv_open_{zalo}" in keys and f"rv_open_{later}" in keys  # both target Zalo
    at.selectbox(key="rv_f_channel").set_value(office.channels["Fanpage"].id).run()
    keys = [b.key for b in at.button]
    assert f"rv_open_{zalo}" not in keys and f"rv_open_{later}" in keys
    with session_scope() as s:
        far = s.get(Post, later)
        far.due_at = far.due_at + timedelta(days=30)
        s.add(far)
    at.selectbox(key="rv_f_channel").set_value(None).run()
    at.selectbox(key="rv_f_due").set_value("7d").run()
    keys = [b.key for b in at.button]
    assert f"rv_open_{zalo}" not in keys and f"rv_open_{later}" not in keys
    at.selectbox(key="rv_f_due").set_value("any").run()
    assert f"rv_open_{later}" in [b.key for b in at.button]


def test_an_overdue_post_offers_publish_now_or_a_new_time_never_on_time(office, app_as, clock):
    post_id = compose(office, text="Quá giờ", submit=True)
    with session_scope() as s:
        due = s.get(Post, post_id).due_at
    clock.set(due + timedelta(minutes=10))
    at = app_as(office, "editor", "views/review.py")
    assert "Quá giờ" in texts(at)
    at.button(key=f"rv_open_{post_id}").click().run()
    keys = [b.key for b in at.button]
    assert f"rv_ok_{post_id}" not in keys  # no «Duyệt» that would say «đúng giờ»
    assert at.button(key=f"rv_now_{post_id}").label == "Đăng ngay"
    assert "đã qua" in texts(at)
    at.text_input(key=f"rv_new_{post_id}_date").input("12/10/2026").run()
    at.text_input(key=f"rv_new_{post_id}_time").input("09:30").run()
    at.button(key=f"rv_at_{post_id}").click().run()
    assert not at.error, [e.value for e in at.error]
    assert any("sẽ được đăng lúc 12/10/2026 09:30" in s.value for s in at.success)
    with session_scope() as s:
        post = s.get(Post, post_id)
    assert post.status == PostStatus.SCHEDULED


def test_the_link_is_shown_as_it_will_be_posted(office, app_as, monkeypatch):
    monkeypatch.setenv("PUBLISHER_PUBLIC_URL", "https://r57.example.gov.vn")
    post_id = compose(office, text="Có liên kết", link="https://khcn.example.org/tin", submit=True)
    at = app_as(office, "editor", "views/review.py")
    at.button(key=f"rv_open_{post_id}").click().run()
    shown = texts(at)
    assert "Liên kết khi đăng: https://r57.example.gov.vn/l/" in shown
    assert "dẫn tới https://khcn.example.org/tin" in shown


def test_previews_look_like_the_platforms_a_zalo_card_and_a_clip_by_its_poster(
    sqlite_db, clock, app_as, tmp_path
):
    from publisher.services.studio import library as media_svc
    from tests.factories import make_office, telegram_channel
    from tests.media.test_poster import _clip

    zalo = {
        "kind": "webhook",
        "settings": {"url": "https://oa.example.vn/hook", "signature": "zalo", "app_id": "42"},
        "credentials": {"secret": "zalo-secret-value"},
    }
    office = make_office(channels={"Zalo OA Sở": zalo, "Telegram": telegram_channel()})
    with session_scope() as s:
        clip = media_svc.add_file(
            s, office.actor("officer"), _clip(tmp_path / "su-kien.mp4", 3.0), org_id=office.org.id
        )
        digest = clip.sha256
    post_id = compose(
        office,
        text="Lễ phát động tháng đổi mới sáng tạo",
        link="https://khcn.example.org/le-phat-dong",
        media_ids=[clip.id],
        submit=True,
    )
    at = app_as(office, "editor", "views/review.py")
    at.button(key=f"rv_open_{post_id}").click().run()
    assert not at.exception
    html = " ".join(str(h.proto) for h in at.get("html"))
    assert "pv-zl-card" in html and "Xem chi tiết" in html  # a Zalo card, not raw JSON only
    assert "pv-vid" in html and ">0:03<" in html  # the clip by its poster frame and length
    assert digest not in html  # never the stored file's hash name


def test_an_officer_edits_an_approved_post_and_it_goes_back_to_review(office, app_as):
    from publisher.services.publishing import posts

    post_id = compose(office, text="Bài đã duyệt", submit=True)
    with session_scope() as s:
        posts.approve(s, office.actor("editor"), post_id)
    at = app_as(office, "officer", "views/review.py")
    at.button(key=f"rv_open_{post_id}").click().run()
    assert at.button(key=f"rv_edit_{post_id}").label == "Sửa bài (sẽ phải duyệt lại)"
    at.session_state["compose_load"] = post_id
    at.switch_page("views/compose.py").run()
    assert any("phải được duyệt lại" in w.value for w in at.warning)
    at.text_area(key="c_text").input("Bài đã duyệt, sửa lại số liệu").run()
    at.button(key="c_btn_submit").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with session_scope() as s:
        post = s.get(Post, post_id)
        assert post.status == PostStatus.IN_REVIEW and post.text.endswith("số liệu")


def test_an_approved_posts_link_shows_its_real_tracking_code(office, app_as, monkeypatch):
    from publisher.models import TrackedLink
    from publisher.services.publishing import posts

    monkeypatch.setenv("PUBLISHER_PUBLIC_URL", "https://r57.example.gov.vn")
    post_id = compose(office, text="Có liên kết", link="https://khcn.example.org/tin", submit=True)
    with session_scope() as s:
        posts.approve(s, office.actor("editor"), post_id)
        codes = {t.code for t in s.exec(select(TrackedLink))}
    at = app_as(office, "officer", "views/review.py")
    at.button(key=f"rv_open_{post_id}").click().run()
    shown = texts(at)
    assert any(f"https://r57.example.gov.vn/l/{c}" in shown for c in codes), shown
