"""Forms and actions on the pages: compose, deliveries, channels, campaigns, studio."""

from __future__ import annotations

import pytest
from sqlmodel import select

from publisher.db import session_scope
from publisher.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    MediaAsset,
    Post,
    PostStatus,
    PostVariant,
    RenderJob,
)
from publisher.services.publishing import deliveries, posts
from tests.ui.conftest import compose, texts


def _channel_ids(office):
    return {name: c.id for name, c in office.channels.items()}


def _fill(at, office, text, channels=("Telegram", "Zalo")):
    ids = _channel_ids(office)
    at.multiselect(key="c_channels").set_value([ids[c] for c in channels]).run()
    at.text_area(key="c_text").input(text).run()
    return at


def test_compose_saves_a_draft_with_a_per_channel_variant(office, app_as):
    at = _fill(app_as(office, "officer", "views/compose.py"), office, "Nội dung chung")
    tg = _channel_ids(office)["Telegram"]
    at.checkbox(key=f"c_own_{tg}").check().run()
    at.text_area(key=f"c_var_{tg}").input("Bản riêng cho Telegram").run()
    assert not at.exception
    assert any("hợp lệ trên mọi kênh" in s.value for s in at.success)
    # Telegram's counter: Vietnamese thousands separator, only in the numbers.
    assert any("[22 / 4.096]" in m.value for m in at.markdown), [m.value for m in at.markdown]
    at.button(key="c_btn_save").click().run()
    assert not at.exception
    with session_scope() as s:
        post = s.exec(select(Post)).one()
        variants = {v.channel_id: v.text for v in s.exec(select(PostVariant))}
    assert post.status == PostStatus.DRAFT and post.text == "Nội dung chung"
    assert variants[tg] == "Bản riêng cho Telegram"
    assert at.session_state["compose_post_id"] == post.id


def test_compose_submits_for_review_and_clears_the_form(office, app_as):
    at = _fill(app_as(office, "officer", "views/compose.py"), office, "Gửi duyệt ngay")
    at.button(key="c_btn_submit").click().run()
    assert not at.exception
    with session_scope() as s:
        assert s.exec(select(Post.status)).one() == PostStatus.IN_REVIEW
    at.run()
    assert at.text_area(key="c_text").value == ""


def test_compose_shows_the_channels_problems_and_blocks_submitting(office, app_as):
    at = _fill(app_as(office, "officer", "views/compose.py"), office, "x" * 5000)
    assert any("4096" in e.value for e in at.error), [e.value for e in at.error]
    assert at.button(key="c_btn_submit").disabled
    # a draft may still be saved, as the officer keeps working on it
    at.button(key="c_btn_save").click().run()
    with session_scope() as s:
        assert s.exec(select(Post.status)).one() == PostStatus.DRAFT


def test_compose_refuses_a_time_in_the_past_with_one_clear_line(office, app_as, clock):
    at = _fill(app_as(office, "officer", "views/compose.py"), office, "Quá giờ")
    at.text_input(key="c_date").input("01/09/2026").run()
    at.text_input(key="c_time").input("08:00").run()
    # refused before saving (never shown as valid), and on saving
    assert any("đã qua" in e.value for e in at.error), [e.value for e in at.error]
    assert not at.success and at.button(key="c_btn_submit").disabled
    at.button(key="c_btn_save").click().run()
    assert any("đã qua" in e.value for e in at.error), [e.value for e in at.error]
    with session_scope() as s:
        assert s.exec(select(Post)).all() == []


def test_a_new_post_defaults_to_the_next_hour_by_day_and_to_8_00_at_night(office, app_as, clock):
    def shown(at):
        return at.text_input(key="c_date").value, at.text_input(key="c_time").value

    at = app_as(office, "officer", "views/compose.py")  # 07:00 in Viet Nam
    assert shown(at) == ("01/10/2026", "08:00")
    clock.advance(seconds=(12 * 60 + 10) * 60)  # 19:10 in Viet Nam
    at = app_as(office, "officer", "views/compose.py")
    assert shown(at)[1] == "20:00"
    clock.advance(seconds=7 * 3600)  # 02:10 on 02/10 in Viet Nam: not 03:00
    at = app_as(office, "officer", "views/compose.py")
    assert shown(at) == ("02/10/2026", "08:00")
    clock.advance(seconds=20 * 3600)  # 22:10 on 02/10: the next morning
    at = app_as(office, "officer", "views/compose.py")
    assert shown(at) == ("03/10/2026", "08:00")


def test_compose_generates_an_infographic_and_attaches_it(office, app_as):
    at = _fill(app_as(office, "officer", "views/compose.py"), office, "Có ảnh")
    at.text_input(key="c_gen_title").input("Chuyển đổi số cho mọi người").run()
    at.button(key="c_gen_go").click().run()
    assert not at.exception
    with session_scope() as s:
        asset = s.exec(select(MediaAsset)).one()
    assert at.multiselect(key="c_media").value == [asset.id]
    assert asset.source == "generated" and asset.kind == "image"


def test_editing_a_rejected_post_loads_it_into_the_form(office, app_as):
    post_id = compose(office, text="Cần sửa", submit=True)
    with session_scope() as s:
        posts.reject(s, office.actor("editor"), post_id, "Thiếu nguồn")
    at = app_as(office, "officer", "views/compose.py")
    at.session_state["compose_load"] = post_id
    at.run()
    assert at.text_area(key="c_text").value == "Cần sửa"
    assert any(f"#{post_id}" in i.value for i in at.info)


def _failed_delivery(office) -> int:
    post_id = compose(office, submit=True)
    with session_scope() as s:
        posts.approve(s, office.actor("editor"), post_id)
        d = s.exec(select(Delivery).where(Delivery.post_id == post_id)).first()
        deliveries.transition(s, d, DeliveryStatus.SENDING, "test")
        deliveries.transition(
            s,
            d,
            DeliveryStatus.FAILED,
            "test",
            error_kind="permanent",
            last_error="(#100) Invalid parameter",
        )
        return d.id


def test_an_editor_retries_a_failed_delivery_and_reads_the_error_in_plain_words(office, app_as):
    delivery_id = _failed_delivery(office)
    officer = app_as(office, "officer", "views/deliveries.py")
    assert f"dl_retry_{delivery_id}" not in [b.key for b in officer.button]
    at = app_as(office, "editor", "views/deliveries.py")
    assert any("từ chối nội dung" in e.value for e in at.error)
    at.button(key=f"dl_retry_{delivery_id}").click().run()
    assert not at.exception
    with session_scope() as s:
        assert s.get(Delivery, delivery_id).status == DeliveryStatus.PENDING


def test_an_administrator_adds_a_channel_and_bad_settings_leave_nothing(office, app_as):
    at = app_as(office, "admin", "views/channels.py")
    at.selectbox(key="ch_new_kind").set_value("webhook").run()
    # Widgets inside a form keep their values until the form is submitted: no run() between.
    at.text_input(key="ch_new_name").input("Zalo xã")
    at.button(key="FormSubmitter:ch_new-Thêm kênh").click().run()  # no url, no secret
    assert at.error, "a missing setting is refused"
    with session_scope() as s:
        assert s.exec(select(Channel).where(Channel.name == "Zalo xã")).first() is None
    at.text_input(key="ch_new_name").input("Zalo xã")
    at.text_input(key="ch_new_s_url").input("https://hooks.example.org/xa")
    at.text_input(key="ch_new_s_signature").input("hmac")
    at.text_input(key="ch_new_c_secret").input("bí-mật-123")
    at.button(key="FormSubmitter:ch_new-Thêm kênh").click().run()
    assert not at.error, [e.value for e in at.error]
    with session_scope() as s:
        assert s.exec(select(Channel).where(Channel.name == "Zalo xã")).one().kind == "webhook"
    officer = app_as(office, "officer", "views/channels.py")
    assert "ch_new_name" not in [w.key for w in officer.text_input]


def test_the_channels_page_names_settings_in_words_not_config_keys(office, app_as):
    at = app_as(office, "admin", "views/channels.py")
    labels = [w.label for w in at.text_input]
    assert "ID trang Facebook" in labels and "Mã truy cập trang" in labels, labels
    captions = " ".join(c.value for c in at.caption)
    assert "ID trang Facebook: 1000001" in captions
    for key in ("page_id", "access_token", "chat_id", "bot_token", "graph_url", "secret"):
        assert key not in labels and f"{key}:" not in captions, key
    officer = app_as(office, "officer", "views/channels.py")
    assert "Kênh Telegram (@tên hoặc mã số): @khcn_dongnai" in " ".join(
        c.value for c in officer.caption
    )


def test_an_editor_creates_a_campaign_and_an_officer_plans_it_once(office, app_as):
    at = app_as(office, "editor", "views/campaigns.py")
    from datetime import date

    at.text_input(key="cp_name").input("Tuần lễ số hóa xã")
    at.date_input(key="cp_date").set_value(date(2026, 11, 20))
    at.button(key="FormSubmitter:cp_new-Tạo chiến dịch").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    officer = app_as(office, "officer", "views/campaigns.py")
    assert "cp_name" not in [w.key for w in officer.text_input]
    officer.selectbox(key="cp_plan_slug").set_value("tuan-le-so-hoa-xa")
    officer.button(key="FormSubmitter:cp_plan-Tạo kế hoạch").click().run()
    assert any("Đã tạo 6 bài nháp" in s.value for s in officer.success), texts(officer)
    with session_scope() as s:
        jobs = len(s.exec(select(RenderJob)).all())
    assert jobs > 0  # countdown cards, the day's clip and the recap card, queued
    assert any("việc dựng media mới" in i.value for i in officer.info), texts(officer)
    officer.button(key="FormSubmitter:cp_plan-Tạo kế hoạch").click().run()
    assert any("Đã tạo 0 bài nháp; 6 bài đã có" in s.value for s in officer.success)
    with session_scope() as s:
        assert len(s.exec(select(RenderJob)).all()) == jobs  # nothing queued twice


def test_a_campaign_created_twice_is_named_in_the_refusal_not_only_by_its_code(office, app_as):
    # It said «Chiến dịch «tuan-le-so-hoa» đã tồn tại»: the code, never typed by anyone.
    from datetime import date

    at = app_as(office, "editor", "views/campaigns.py")
    for name in ("Tuần lễ số hóa", "Tuần lễ Số hóa"):
        at.text_input(key="cp_name").input(name)
        at.date_input(key="cp_date").set_value(date(2026, 11, 20))
        at.button(key="FormSubmitter:cp_new-Tạo chiến dịch").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Đã có chiến dịch «Tuần lễ số hóa» (mã tuan-le-so-hoa)"]


def test_the_studio_previews_an_infographic_and_saves_it(office, app_as):
    at = app_as(office, "officer", "views/studio.py")
    assert any("Nhập tiêu đề" in i.value for i in at.info)
    at.text_area(key="st_campaign_title").input("Ngày Chuyển đổi số quốc gia").run()
    assert not at.exception
    assert len(at.get("image")) >= 1
    at.button(key="st_save").click().run()
    with session_scope() as s:
        asset = s.exec(select(MediaAsset)).one()
        assert asset.source == "generated"
        # Alt text built from the content, shown for editing in the library.
        assert "«Ngày Chuyển đổi số quốc gia»" in asset.alt_text
        asset_id = asset.id
    at.run()
    alt = at.text_area(key=f"st_alt_{asset_id}")
    assert "«Ngày Chuyển đổi số quốc gia»" in alt.value
    alt.input("Ảnh chào mừng Ngày Chuyển đổi số quốc gia, nền đỏ chữ vàng").run()
    at.button(key=f"st_alt_save_{asset_id}").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with session_scope() as s:
        assert s.exec(select(MediaAsset.alt_text)).one().startswith("Ảnh chào mừng")
    manager = app_as(office, "manager", "views/studio.py")
    manager.text_area(key="st_campaign_title").input("Chỉ xem").run()
    assert "st_save" not in [b.key for b in manager.button]


def test_an_administrator_deactivates_a_user_and_their_session_token_is_revoked(
    office, app_as, clock
):
    from publisher.models import User
    from publisher.services.accounts import sessions, users

    officer = app_as(office, "officer", "views/calendar.py")
    token = officer.session_state["session_token"]
    with session_scope() as s:
        assert sessions.resume(s, token) is not None
    admin = app_as(office, "admin", "views/users.py")
    assert not admin.exception
    names = texts(admin)
    assert "Cán bộ truyền thông" in names and "Đơn vị so-khcn" in names
    own = admin.button(key=f"us_toggle_{office.users['admin'].id}")
    assert own.disabled, "the administrator cannot deactivate their own account here"
    admin.button(key=f"us_toggle_{office.users['officer'].id}").click().run()
    assert not admin.exception and not admin.error, [e.value for e in admin.error]
    with session_scope() as s:
        assert s.get(User, office.users["officer"].id).is_active is False
    admin.run()
    assert admin.button(key=f"us_toggle_{office.users['officer'].id}").label == "Kích hoạt lại"
    # The officer's login token is revoked: their open session ends at its next check.
    with session_scope() as s:
        assert sessions.resume(s, token) is None
    with session_scope() as s:
        users.set_active(s, office.actor("admin"), office.users["officer"].username, True)
    for role in ("officer", "editor", "manager"):
        assert "views/users.py" not in [p.path for p in _visible(office, role)]


def _visible(office, role):
    from ui import nav

    return nav.visible_specs(office.actor(role))


def test_compose_tags_themes_and_target_groups_and_loads_them_back(office, app_as):
    at = _fill(app_as(office, "officer", "views/compose.py"), office, "Hội thảo ĐMST")
    at.multiselect(key="c_themes").set_value(["dmst", "cds"]).run()
    at.multiselect(key="c_audiences").set_value(["business"]).run()
    at.button(key="c_btn_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with session_scope() as s:
        post_id = s.exec(select(Post.id)).one()
        detail = posts.detail(s, office.actor("officer"), post_id)
    assert (detail["themes"], detail["audiences"]) == (["dmst", "cds"], ["business"])
    again = app_as(office, "officer", "views/compose.py")
    again.session_state["compose_load"] = post_id
    again.run()
    assert again.multiselect(key="c_themes").value == ["dmst", "cds"]
    assert again.multiselect(key="c_audiences").value == ["business"]


def test_the_studio_makes_a_chart(office, app_as):
    at = app_as(office, "officer", "views/studio.py")
    at.selectbox(key="st_template").set_value("chart").run()
    at.selectbox(key="st_chart_kind").set_value("donut")
    at.text_area(key="st_chart_data").input("Nông nghiệp=35\nY tế=20\nCông nghệ số=45")
    at.text_area(key="st_chart_title").input("Cơ cấu kinh phí 2026").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert len(at.get("image")) >= 1
    at.button(key="st_save").click().run()
    with session_scope() as s:
        asset = s.exec(select(MediaAsset)).one()
    assert asset.recipe["template"] == "chart"
    assert asset.alt_text.startswith("Biểu đồ tròn: «Cơ cấu kinh phí 2026»")
    at.text_area(key="st_chart_data").input("Nông nghiệp=35\nY tế=-20").run()
    assert any("không nhận giá trị âm" in str(e.value) for e in at.error)


def test_the_brand_kit_tab_says_when_there_is_no_logo_yet(office, app_as):
    # It said «Logo: #— · Biểu trưng: #—» (a number sign before the dash).
    from publisher.models import Organisation

    at = app_as(office, "editor", "views/studio.py")
    assert "Logo: chưa có · Biểu trưng: chưa có" in [c.value for c in at.caption]
    with session_scope() as s:
        org = s.exec(select(Organisation).where(Organisation.slug == "so-khcn")).one()
        org.logo_asset_id = 7
        s.add(org)
    at.run()
    assert "Logo: #7 · Biểu trưng: chưa có" in [c.value for c in at.caption]


def test_the_brand_kit_tab_sets_the_government_preset_and_shows_the_adjusted_shade(office, app_as):
    from publisher.models import Organisation

    at = app_as(office, "editor", "views/studio.py")
    assert not at.exception
    at.selectbox(key="st_brand_preset").set_value("government-red")
    at.text_input(key="st_brand_header_line1").input("Ủy ban nhân dân tỉnh Đồng Nai")
    at.text_input(key="st_brand_header_line2").input("Sở Khoa học và Công nghệ")
    at.text_input(key="st_brand_source").input("Nguồn: Sở KH&CN Đồng Nai")
    at.button(key="FormSubmitter:st_brand-Lưu bộ nhận diện").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with session_scope() as s:
        org = s.exec(select(Organisation).where(Organisation.slug == "so-khcn")).one()
        assert (org.brand_primary, org.brand_accent) == ("#DA251D", "#FFCD00")
        assert org.brand_kit["header_line2"] == "Sở Khoa học và Công nghệ"
    assert any("#DA251D được thay bằng" in w.value for w in at.warning), [
        w.value for w in at.warning
    ]
    # An officer sees the checks but cannot change the kit.
    officer = app_as(office, "officer", "views/studio.py")
    assert "st_brand_preset" not in [w.key for w in officer.selectbox]


@pytest.mark.parametrize("hashtag", ["Chuyen Doi So", "ChuyenDoiSo", "#Chuyển Đổi Số", "# x"])
def test_a_hashtag_that_is_not_one_is_refused_and_nothing_is_kept(office, app_as, hashtag):
    """The hashtag goes on every card and clip of the office: words with spaces, or no «#»,
    would print as plain text under every picture."""
    from publisher.models import Organisation

    at = app_as(office, "editor", "views/studio.py")
    at.text_input(key="st_brand_hashtag").input(hashtag)
    at.text_input(key="st_brand_source").input("Nguồn: Sở KH&CN")
    at.button(key="FormSubmitter:st_brand-Lưu bộ nhận diện").click().run()
    assert not at.exception
    assert any(f"Hashtag «{hashtag}» không hợp lệ" in e.value for e in at.error), [
        e.value for e in at.error
    ]
    with session_scope() as s:
        org = s.exec(select(Organisation).where(Organisation.slug == "so-khcn")).one()
        assert (org.brand_kit or {}).get("hashtag", "") != hashtag
        assert (org.brand_kit or {}).get("source", "") != "Nguồn: Sở KH&CN"


def test_hashtags_in_any_script_are_kept(office, app_as):
    from publisher.models import Organisation

    at = app_as(office, "editor", "views/studio.py")
    at.text_input(key="st_brand_hashtag").input("#ChuyểnĐổiSố #NQ57")
    at.button(key="FormSubmitter:st_brand-Lưu bộ nhận diện").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with session_scope() as s:
        org = s.exec(select(Organisation).where(Organisation.slug == "so-khcn")).one()
        assert org.brand_kit["hashtag"] == "#ChuyểnĐổiSố #NQ57"


def test_the_studio_queues_a_motion_graphic_clip_with_music(office, app_as):
    at = app_as(office, "officer", "views/studio.py")
    at.text_area(key="st_campaign_title").input("Ngày Chuyển đổi số quốc gia").run()
    at.radio(key="st_v_mode").set_value("motion").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="st_m_size").options == ["9:16", "4:5", "1:1", "16:9"]
    at.selectbox(key="st_m_size").set_value("16:9")
    at.selectbox(key="st_m_music").set_value("hanh-khuc").run()
    at.button(key="st_m_go").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with session_scope() as s:
        job = s.exec(select(RenderJob)).one()
    assert job.kind == "video" and job.recipe["motion"]["template"] == "campaign"
    assert job.recipe["motion"]["fields"]["title"] == "Ngày Chuyển đổi số quốc gia"
    assert job.recipe["size"] == [1920, 1080] and job.recipe["music"] == "hanh-khuc"
    # The slideshow offers the same sizes, the music and a motion opener.
    at.radio(key="st_v_mode").set_value("slides").run()
    assert not at.exception, [e.value for e in at.exception]


def test_a_campaign_plan_never_offers_the_loudspeakers_which_play_only_bulletins(
    db, clock, tmp_path, app_as
):
    from tests.factories import make_office, telegram_channel

    office = make_office(
        "xa-loa",
        channels={
            "Telegram": telegram_channel(),
            "Loa xã": {"kind": "grassroots", "settings": {"drop_dir": str(tmp_path)}},
        },
    )
    at = app_as(office, "officer", "views/campaigns.py")
    assert not at.exception
    plan = at.multiselect(key="cp_plan_ch")
    assert plan.value == [office.channels["Telegram"].id]
    assert plan.options == ["Telegram"]
