"""Honest inputs on the compose page: what is typed is what is checked, shown and saved;
repeat rules; the CSV/XLSX import with its preview (AppTest)."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from publisher.db import session_scope
from publisher.models import Post
from tests.ui.test_actions import _fill


def test_a_date_typed_wrong_is_an_error_and_never_the_earlier_date(office, app_as):
    at = _fill(app_as(office, "officer", "views/compose.py"), office, "Ngày sai")
    at.text_input(key="c_date").input("10/10/2026").run()
    assert any("Thứ Bảy 10/10/2026 lúc 08:00" in s.value for s in at.success)
    assert any("10/10/2026 08:00" in str(h.proto) for h in at.get("html"))
    at.text_input(key="c_date").input("31/02/2026").run()
    errors = [e.value for e in at.error]
    assert any("Ngày «31/02/2026» không hợp lệ" in e for e in errors), errors
    assert not at.success  # «hợp lệ» is not shown for a value that will not be submitted
    assert at.button(key="c_btn_submit").disabled and at.button(key="c_btn_save").disabled
    # the preview no longer shows the earlier date either
    previews = [str(h.proto) for h in at.get("html")]
    assert previews and not any("10/10/2026 08:00" in h for h in previews)


def test_a_date_in_the_past_is_not_blamed_on_the_channels(office, app_as):
    # The list of what blocks the post was headed «Các kênh sẽ từ chối bài này:» even for a
    # date in the past, with no channel chosen at all.
    at = app_as(office, "officer", "views/compose.py")
    at.text_input(key="c_date").input("01/01/2020").run()
    [block] = [e.value for e in at.error if e.value.startswith("Bài này chưa đăng được:")]
    assert "kênh" not in block.split("\n")[0]
    assert len(block.split("\n")) == 2, block  # the one reason: the time is in the past


def test_a_date_typed_wrong_is_said_once_under_its_field(office, app_as):
    # It was said twice: under the date field and again in «Bài này chưa đăng được:».
    at = _fill(app_as(office, "officer", "views/compose.py"), office, "Ngày gõ sai")
    at.text_input(key="c_date").input("31/02/2026").run()
    errors = [e.value for e in at.error]
    assert sum(e.count("«31/02/2026»") for e in errors) == 1, errors
    assert not any(e.startswith("Bài này chưa đăng được:") for e in errors), errors
    assert at.button(key="c_btn_submit").disabled and at.button(key="c_btn_save").disabled
    assert not at.success


def test_a_last_day_typed_wrong_is_said_once_and_blocks(office, app_as):
    at = _fill(app_as(office, "officer", "views/compose.py"), office, "Hạn gõ sai")
    at.text_input(key="c_date").input("05/10/2026").run()
    at.selectbox(key="c_repeat").set_value("weekly").run()
    at.text_input(key="c_until").input("32/13/2026").run()
    errors = [e.value for e in at.error]
    assert sum(e.count("32/13/2026") for e in errors) == 1, errors
    assert at.button(key="c_btn_submit").disabled and not at.success


def test_a_year_9999_is_refused_in_vietnamese_before_submitting(office, app_as):
    at = _fill(app_as(office, "officer", "views/compose.py"), office, "Năm 9999")
    at.text_input(key="c_date").input("01/01/9999").run()
    errors = " ".join(e.value for e in at.error)
    assert "10 năm" in errors or "quá xa" in errors, errors
    assert not at.success and at.button(key="c_btn_submit").disabled


def test_a_repeat_rule_is_saved_with_its_last_day(office, app_as):
    at = _fill(app_as(office, "officer", "views/compose.py"), office, "Bản tin tuần")
    at.text_input(key="c_date").input("05/10/2026").run()
    at.selectbox(key="c_repeat").set_value("weekly").run()
    at.text_input(key="c_until").input("30/11/2026").run()
    assert any("hằng tuần đến 30/11/2026" in s.value for s in at.success), [
        s.value for s in at.success
    ]
    at.text_input(key="c_until").input("01/10/2026").run()
    assert any("01/10/2026" in e.value for e in at.error) and not at.success
    at.text_input(key="c_until").input("30/11/2026").run()
    at.button(key="c_btn_submit").click().run()
    assert not at.exception
    with session_scope() as s:
        post = s.exec(select(Post)).one()
    assert post.recurrence == "weekly" and post.recurrence_until == date(2026, 11, 30)


def _import_uploader(at):
    [upload] = [u for u in at.file_uploader if u.key and u.key.startswith("imp_file_")]
    return upload


def test_the_import_help_names_the_columns_in_vietnamese_and_offers_a_template(office, app_as):
    at = app_as(office, "officer", "views/compose.py")
    assert not at.exception
    [help_text] = [c.value for c in at.caption if "tên cột" in c.value]
    assert help_text.startswith("Dòng đầu là tên cột: «Thời gian», «Kênh», «Nội dung»"), help_text
    [template] = [e for e in at.get("download_button") if "imp_template" in str(e.proto)]
    assert "Tải tệp mẫu" in template.proto.label


def test_a_semicolon_table_with_vietnamese_headers_is_previewed_and_imported(office, app_as):
    at = app_as(office, "officer", "views/compose.py")
    table = (
        "\ufeffNgày giờ;Kênh;Nội dung;Nội dung riêng:Telegram\r\n"
        '05/10/2026 08:00;"Telegram;Zalo";"Hội thảo chuyển đổi số, lần 1";Riêng Telegram\r\n'
        "06/10/2026 09:00;Zalo;Tin hai;\r\n"
    )
    _import_uploader(at).upload("ke-hoach.csv", table.encode(), "text/csv").run()
    assert not at.exception
    assert any("Tất cả 2 dòng hợp lệ" in s.value for s in at.success), [e.value for e in at.error]
    at.button(key="imp_go").click().run()
    assert not at.exception
    with session_scope() as s:
        texts = sorted(p.text for p in s.exec(select(Post)))
    assert texts == ["Hội thảo chuyển đổi số, lần 1", "Tin hai"]


def test_a_table_without_its_text_column_is_one_vietnamese_line(office, app_as):
    at = app_as(office, "officer", "views/compose.py")
    table = "Thời gian;Kênh\n05/10/2026 08:00;Telegram\n"
    _import_uploader(at).upload("ke-hoach.csv", table.encode(), "text/csv").run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert "Dòng tiêu đề thiếu cột: «Nội dung» (text)" in errors, errors
    assert not [b for b in at.button if b.key == "imp_go"]
    with session_scope() as s:
        assert not s.exec(select(Post)).all()
