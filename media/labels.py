"""Fixed words printed on generated artwork (Vietnamese first, English second).

These are merged into the product catalogue by ``publisher/i18n/catalog/media.py``; media only
reads them here because the rendering layer must not depend on the application above it.
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "media.label.countdown_left": ("Còn", "In"),
    "media.label.countdown_days": ("ngày", "days"),
    "media.label.countdown_today": ("Hôm nay", "Today"),
    "media.label.event": ("Sự kiện", "Event"),
    "media.label.time": ("Thời gian", "Time"),
    "media.label.place": ("Địa điểm", "Place"),
    "media.label.organiser": ("Đơn vị tổ chức", "Organiser"),
    "media.label.task": ("Nhiệm vụ KH&CN", "S&T task"),
    "media.label.lead": ("Cơ quan chủ trì", "Lead organisation"),
    "media.label.manager": ("Chủ nhiệm nhiệm vụ", "Principal investigator"),
    "media.label.period": ("Thời gian thực hiện", "Period"),
    "media.label.result": ("Kết quả nổi bật", "Key result"),
    "media.label.stats": ("Số liệu nổi bật", "Key figures"),
    "media.label.quote": ("Thông điệp", "Message"),
    "media.day.18-05": (
        "Ngày Khoa học và Công nghệ Việt Nam",
        "Vietnam Science and Technology Day",
    ),
    "media.day.01-10": ("Ngày hội Đổi mới sáng tạo quốc gia", "National Innovation Day"),
    "media.day.10-10": ("Ngày Chuyển đổi số quốc gia", "National Digital Transformation Day"),
    "media.weekday.0": ("Thứ Hai", "Monday"),
    "media.weekday.1": ("Thứ Ba", "Tuesday"),
    "media.weekday.2": ("Thứ Tư", "Wednesday"),
    "media.weekday.3": ("Thứ Năm", "Thursday"),
    "media.weekday.4": ("Thứ Sáu", "Friday"),
    "media.weekday.5": ("Thứ Bảy", "Saturday"),
    "media.weekday.6": ("Chủ nhật", "Sunday"),
    "media.music.trang-trong": ("Trang trọng (chậm, hoà âm dây)", "Solemn (slow strings)"),
    "media.music.tuoi-sang": ("Tươi sáng (rải hợp âm)", "Bright (arpeggios)"),
    "media.music.nhe-nhang": ("Nhẹ nhàng (chuông ngũ cung)", "Gentle (pentatonic bells)"),
    "media.music.hanh-khuc": ("Hành khúc (nhịp trống)", "March (drums)"),
    "media.music.none": ("Không nhạc (im lặng)", "No music (silence)"),
}


def label(key: str, lang: str = "vi") -> str:
    """The artwork word for ``key`` in ``lang`` (Vietnamese unless ``lang == "en"``)."""
    entry = LABELS.get(key)
    if entry is None:
        return key
    return entry[1] if lang == "en" else entry[0]


#: Names of the fields as the user knows them (errors name these, not internal keys).
FIELD_NAMES: dict[str, tuple[str, str]] = {
    "title": ("Tiêu đề", "Title"),
    "subtitle": ("Phụ đề", "Subtitle"),
    "day_name": ("Tên ngày lễ", "Day name"),
    "footer": ("Chân trang", "Footer"),
    "author": ("Người phát biểu", "Author"),
    "role": ("Chức vụ", "Role"),
    "time": ("Thời gian", "Time"),
    "place": ("Địa điểm", "Place"),
    "organiser": ("Đơn vị tổ chức", "Organiser"),
    "code": ("Mã nhiệm vụ", "Task code"),
    "lead": ("Cơ quan chủ trì", "Lead organisation"),
    "manager": ("Chủ nhiệm nhiệm vụ", "Principal investigator"),
    "period": ("Thời gian thực hiện", "Period"),
    "result": ("Kết quả nổi bật", "Key result"),
    "stats": ("Số liệu", "Figures"),
    "countdown": ("Số ngày đếm ngược", "Countdown"),
    "org_name": ("Tên đơn vị", "Organisation name"),
    "header_line1": ("Dòng tiêu đề 1", "Header line 1"),
    "header_line2": ("Dòng tiêu đề 2", "Header line 2"),
    "source": ("Dòng nguồn", "Source line"),
    "website": ("Trang web", "Website"),
    "eyebrow": ("Dòng chủ đề", "Eyebrow"),
    "caption": ("Chú thích", "Caption"),
    "data": ("Dữ liệu biểu đồ", "Chart data"),
    "qr": ("Liên kết mã QR (http:// hoặc https://)", "QR link (http:// or https://)"),
}


def field_names(key: str) -> tuple[str, str]:
    """(Vietnamese, English) name of field ``key``; ``stat2_value`` -> the figures' name."""
    base = key.split("_value")[0].split("_label")[0].rstrip("0123456789")
    if key in FIELD_NAMES:
        return FIELD_NAMES[key]
    if base.startswith("stat"):
        return FIELD_NAMES["stats"]
    if base.startswith("countdown"):
        return FIELD_NAMES["countdown"]
    return FIELD_NAMES.get(base, (key, key))
