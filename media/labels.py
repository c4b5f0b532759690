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
}


def label(key: str, lang: str = "vi") -> str:
    """The artwork word for ``key`` in ``lang`` (Vietnamese unless ``lang == "en"``)."""
    entry = LABELS.get(key)
    if entry is None:
        return key
    return entry[1] if lang == "en" else entry[0]
