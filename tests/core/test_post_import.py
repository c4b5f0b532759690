"""The import service on every backend: savepoints per line, all or nothing."""

from __future__ import annotations

import io

import pytest
from sqlmodel import func, select

from publisher.db import session_scope
from publisher.errors import InvalidInput
from publisher.models import AuditEvent, Channel, Post, PostVariant
from publisher.services.publishing import imports
from tests.factories import make_office, telegram_channel, webhook_channel

GOOD = (
    "time,channels,text,variant:tg,theme\n"
    "05/10/2026 08:00,tg;hook,Tin một,Riêng Telegram,cds\n"
    "2026-10-06T09:00:00+07:00,hook,Tin hai,,\n"
)


@pytest.fixture
def office(db, clock):
    return make_office(channels={"tg": telegram_channel(), "hook": webhook_channel()})


def _count(model=Post):
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_all_lines_are_created_for_review(office):
    with session_scope() as s:
        result = imports.run(s, office.actor("officer"), "a.csv", GOOD.encode())
    assert len(result.created) == 2 and _count() == 2
    with session_scope() as s:
        assert {p.status for p in s.exec(select(Post))} == {"in_review"}
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "post.import")).one()


def test_bad_lines_are_all_listed_and_nothing_is_created(office):
    bad = GOOD + "30/09/2026 08:00,tg,Đã qua,,\n" + "07/10/2026 08:00,,Thiếu kênh,,\n"
    with pytest.raises(imports.ImportRefused) as refused, session_scope() as s:
        imports.run(s, office.actor("officer"), "a.csv", bad.encode())
    assert [e.line for e in refused.value.errors] == [4, 5]
    assert _count() == 0
    with session_scope() as s:
        checked = imports.check(s, office.actor("officer"), "a.csv", bad.encode())
    assert len(checked.rows) == 2 and len(checked.errors) == 2 and _count() == 0


def test_a_dry_run_creates_nothing(office):
    audited = _count(AuditEvent)
    with session_scope() as s:
        result = imports.run(s, office.actor("officer"), "a.csv", GOOD.encode(), dry_run=True)
    assert result.dry_run and result.created == [] and len(result.rows) == 2
    assert _count() == 0 and _count(AuditEvent) == audited


def test_another_organisations_channel_is_a_bad_line(office):
    other = make_office("xa-khac", channels={"tg-khac": telegram_channel("@xa_khac")})
    table = "time,channels,text\n05/10/2026 08:00,tg,Của mình\n05/10/2026 08:00,tg-khac,Của họ\n"
    with pytest.raises(imports.ImportRefused) as refused, session_scope() as s:
        imports.run(s, office.actor("officer"), "a.csv", table.encode())
    assert [e.line for e in refused.value.errors] == [3]
    assert other and _count() == 0


@pytest.mark.parametrize("name", ["a.pdf", "a.xlsx"])
def test_a_file_that_is_not_a_table_is_one_line(office, name):
    with pytest.raises(InvalidInput), session_scope() as s:
        imports.run(s, office.actor("officer"), name, b"%PDF-1.4 not a table")


# Vietnamese headers, as officers type them: any case, with or without diacritics, and a
# Vietnamese Excel's «;» separator (its header has no «channels» for the reader to spot).
VI_SEMICOLON = (
    "\ufeffThời gian;Kênh;Nội dung;Nội dung riêng: tg;Chủ đề;Đối tượng\r\n"
    '05/10/2026 08:00;"tg;hook";"Hội thảo chuyển đổi số, lần 1";Riêng Telegram;cds;'
    "doanh nghiệp\r\n"
    "06/10/2026 09:00;hook;Tin hai;;;\r\n"
)


@pytest.mark.parametrize(
    "header",
    [
        "Thời gian,Kênh,Nội dung,Nội dung riêng:tg,Ảnh/video,Liên kết,Chiến dịch,Nhiệm vụ",
        "NGAY GIO,KENH,NOI DUNG,Noi dung rieng:tg,anh/video,lien ket,chien dich,nhiem vu",
        "ngày giờ,kênh đăng,nội_dung,biến thể: tg,Hình ảnh,Đường dẫn,Chiến Dịch,Mã nhiệm vụ",
        "time,channels,text,variant:tg,media,link,campaign,task",
    ],
)
def test_vietnamese_headers_are_read_like_the_english_ones(office, header):
    table = header + "\n05/10/2026 08:00,tg;hook,Tin một,Riêng Telegram,,https://a.gov.vn,,\n"
    with session_scope() as s:
        result = imports.run(s, office.actor("officer"), "a.csv", table.encode())
    assert len(result.created) == 1
    with session_scope() as s:
        post = s.exec(select(Post)).one()
        assert post.text == "Tin một" and post.link == "https://a.gov.vn"
        variants = s.exec(
            select(Channel.name, PostVariant.text)
            .join(Channel, Channel.id == PostVariant.channel_id)  # type: ignore[arg-type]
            .where(PostVariant.post_id == post.id)
        ).all()
        assert {name: text for name, text in variants if text} == {"tg": "Riêng Telegram"}


def test_a_semicolon_csv_with_vietnamese_headers_is_read(office):
    with session_scope() as s:
        result = imports.run(s, office.actor("officer"), "ke-hoach.csv", VI_SEMICOLON.encode())
    assert [r.channels for r in result.rows] == [["tg", "hook"], ["hook"]]
    assert result.rows[0].text == "Hội thảo chuyển đổi số, lần 1"
    assert result.rows[0].audience == ["doanh nghiệp"] and result.rows[0].theme == ["cds"]
    assert _count() == 2


def test_an_xlsx_with_vietnamese_headers_is_read(office):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Thời Gian", "Kênh", "Nội Dung"])
    sheet.append(["05/10/2026 08:00", "tg", "Tin từ Excel"])
    buffer = io.BytesIO()
    book.save(buffer)
    with session_scope() as s:
        result = imports.run(s, office.actor("officer"), "a.xlsx", buffer.getvalue())
    assert len(result.created) == 1 and result.rows[0].text == "Tin từ Excel"


@pytest.mark.parametrize(
    ("table", "lang", "message"),
    [
        (
            "Thời gian;Kênh\n05/10/2026 08:00;tg\n",
            "vi",
            "Dòng tiêu đề thiếu cột: «Nội dung» (text)",
        ),
        ("Thời gian;Kênh\n05/10/2026 08:00;tg\n", "en", "lacks the column(s): «text»"),
        ("Kênh,Nội dung\ntg,Tin\n", "vi", "thiếu cột: «Thời gian» (time)"),
        ("Nội dung,text,Kênh,Ngày giờ\n", "vi", "cột lặp lại: «Nội dung»"),
        ("Thời gian,Kênh,Nội dung,Ghi chú\n", "vi", "cột không biết «Ghi chú» (dùng: Thời gian"),
        ("", "vi", "Tệp trống"),
        ("", "en", "The file is empty"),
    ],
)
def test_a_bad_table_is_one_line_in_the_readers_language_and_writes_nothing(
    office, table, lang, message
):
    audited = _count(AuditEvent)
    with pytest.raises(InvalidInput) as refused, session_scope() as s:
        imports.run(s, office.actor("officer"), "a.csv", table.encode())
    text = refused.value.message(lang)
    assert message in text and "\n" not in text, text
    assert _count() == 0 and _count(AuditEvent) == audited


def test_a_file_of_the_wrong_type_is_named_in_vietnamese(office):
    with pytest.raises(InvalidInput) as refused, session_scope() as s:
        imports.run(s, office.actor("officer"), "ke-hoach.docx", b"PK\x03\x04")
    assert refused.value.message("vi") == "«ke-hoach.docx» không phải tệp CSV hay XLSX"
    assert _count() == 0


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_template_names_the_columns_in_the_readers_language_and_reads_back(office, lang):
    template = imports.template_csv(lang)
    assert template.startswith("\ufeff".encode())
    header = template.decode("utf-8-sig").strip()
    if lang == "vi":
        assert header.startswith("Thời gian,Kênh,Nội dung,Ảnh/video,Liên kết"), header
    else:
        assert header.startswith("time,channels,text,media,link"), header
    table = template + "05/10/2026 08:00,tg,Tin từ mẫu,,,,,,\r\n".encode()
    with session_scope() as s:
        result = imports.run(s, office.actor("officer"), "mau.csv", table)
    assert len(result.created) == 1


@pytest.mark.parametrize(
    ("line", "delimiter"),
    [
        ("a,b;c", ","),
        ("Thời gian;Kênh;Nội dung", ";"),
        ('"Kênh; Fanpage",text', ","),
        ("Thời gian\tKênh\tNội dung", "\t"),
        ('Mã nhiệm vụ;Tên nhiệm vụ\nA;Nghiên cứu, "Số hoá", thử', ";"),
        ("", ","),
    ],
)
def test_the_separator_is_read_from_the_header_row(line, delimiter):
    from publisher.services.table_headers import delimiter as sniff

    assert sniff(line) == delimiter
